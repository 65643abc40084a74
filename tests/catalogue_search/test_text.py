"""Text search in Portuguese and English: accents ignored, last word as a prefix, ranked."""

from __future__ import annotations

from datetime import timedelta

from catalogue.search import SearchFilters, search_text
from tests.catalogue_search.conftest import NOW, Lisbon


async def _search(lisbon: Lisbon, text: str, **kwargs) -> list[int]:
    async with lisbon.database.session() as session:
        hits = await search_text(
            session, city_id=kwargs.pop("city_id", lisbon.city_id), text=text, now=NOW, **kwargs
        )
    return [hit.activity_id for hit in hits]


async def test_accents_do_not_matter_either_way(lisbon: Lisbon) -> None:
    formacao = await lisbon.add(
        {"pt": "Formação em programação", "en": "Programming training"},
        descriptions={"pt": "Sessões práticas para começar a programar."},
    )
    await lisbon.add("Jardinagem comunitária")

    assert await _search(lisbon, "formacao") == [formacao]
    assert await _search(lisbon, "FORMAÇÃO") == [formacao]
    assert await _search(lisbon, "sessoes praticas") == [formacao]
    assert await _search(lisbon, "comunitaria") != [formacao]


async def test_english_titles_and_every_word_required(lisbon: Lisbon) -> None:
    coding = await lisbon.add({"pt": "Oficina de código", "en": "Coding workshop for beginners"})
    await lisbon.add({"pt": "Oficina de cerâmica", "en": "Pottery workshop"})

    assert await _search(lisbon, "coding workshop") == [coding]
    assert await _search(lisbon, "oficina codigo") == [coding]
    assert len(await _search(lisbon, "workshop")) == 2
    assert await _search(lisbon, "workshop gardening") == []


async def test_last_word_is_a_prefix(lisbon: Lisbon) -> None:
    programming = await lisbon.add({"pt": "Introdução à programação"})
    await lisbon.add({"pt": "Teatro para jovens"})

    assert await _search(lisbon, "progr") == [programming]
    assert await _search(lisbon, "introducao progra") == [programming]
    # Only the last word is a prefix: a cut-off first word does not match.
    assert await _search(lisbon, "intro programacao") == []


async def test_title_matches_rank_above_description_matches(lisbon: Lisbon) -> None:
    in_description = await lisbon.add(
        "Oficina de cerâmica", descriptions={"pt": "Traga a sua robótica favorita."}
    )
    in_title = await lisbon.add("Robótica para todos", descriptions={"pt": "Montar e programar."})

    assert await _search(lisbon, "robotica") == [in_title, in_description]


async def test_place_is_searchable(lisbon: Lisbon) -> None:
    library = await lisbon.add("Clube de leitura", venue_name="Biblioteca de Marvila")

    assert await _search(lisbon, "marvila") == [library]


async def test_hidden_activities_and_filters(lisbon: Lisbon) -> None:
    shown = await lisbon.add("Robótica", is_free=True)
    paid = await lisbon.add("Robótica avançada", is_free=False)
    past = await lisbon.add("Robótica de ontem", sessions=[(NOW - timedelta(days=1), None)])
    retired = await lisbon.add("Robótica retirada")
    await lisbon.update(retired, status="retired")
    duplicate = await lisbon.add("Robótica repetida", duplicate_of_id=shown)
    elsewhere = await lisbon.add("Robótica no Porto", city_id=lisbon.other_city_id)

    found = await _search(lisbon, "robotica")
    assert set(found) == {shown, paid}
    assert await _search(lisbon, "robotica", filters=SearchFilters(free_only=True)) == [shown]
    everywhere = await _search(lisbon, "robotica", city_id=None)
    assert elsewhere in everywhere
    assert retired not in everywhere
    assert duplicate not in everywhere
    with_past = await _search(lisbon, "robotica", filters=SearchFilters(include_past=True))
    assert past in with_past


async def test_pages_and_odd_input(lisbon: Lisbon) -> None:
    ids = [await lisbon.add(f"Curso de dança {n}") for n in range(5)]

    first = await _search(lisbon, "danca", limit=3)
    second = await _search(lisbon, "danca", limit=3, offset=3)
    assert sorted(first + second) == sorted(ids)
    assert not set(first) & set(second)
    assert await _search(lisbon, "") == []
    assert await _search(lisbon, "  ?!  ") == []
    assert await _search(lisbon, 'dança" OR "x') == []
    assert await _search(lisbon, "dança's (curso)") == []
    assert len(await _search(lisbon, "curso: dança*")) == 5
