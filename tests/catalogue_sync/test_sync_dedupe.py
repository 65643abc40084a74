"""The same activity from two partners is shown once: the later copy points at the earlier one."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from test_sync_engine import calendar, event

from catalogue.fetch import FeedFetcher
from catalogue.models import Activity
from catalogue.search import search_text
from catalogue.sync import sync_feed
from catalogue.sync.dedupe import title_overlap
from storage import Database

LIBRARY = (38.7440, -9.1030)
# About 110 metres north-east of the library.
NEXT_DOOR = (38.7448, -9.1022)
# About 2 km away.
ACROSS_TOWN = (38.7610, -9.1000)


def test_title_overlap_ignores_case_accents_order_and_small_words() -> None:
    assert title_overlap({"pt": "Oficina de Robótica"}, {"pt": "ROBOTICA — oficina"}) == 1.0
    assert title_overlap({"pt": "Oficina de Python"}, {"pt": "Oficina de Excel"}) < 0.6
    pair = ({"en": "Robotics workshop"}, {"pt": "Oficina de robótica para jovens"})
    assert title_overlap(*pair) < 0.6
    bilingual = {"en": "Robotics workshop", "pt": "Oficina de robótica"}
    assert title_overlap(bilingual, {"pt": "Oficina de robótica!"}) == 1.0


async def _titles_found(database: Database, text: str, now: datetime) -> list[str]:
    async with database.session() as session:
        hits = await search_text(session, city_id=None, text=text, now=now, limit=20)
    return [hit.title("pt") for hit in hits]


async def test_copy_from_a_second_partner_points_at_the_first(
    lisbon: Database, site, fetcher: FeedFetcher, new_feed, now: datetime
) -> None:
    start = datetime(2026, 12, 10, 18, 0, tzinfo=UTC)
    library = calendar(
        event("robots", "Oficina de Robótica para jovens", start, place=LIBRARY),
        event("chess", "Clube de xadrez", start, place=LIBRARY),
        event("far", "Clube de leitura", start, place=LIBRARY),
    )
    ponte = calendar(
        # The same workshop: 20 minutes later, next door, words in another order.
        event(
            "r-1", "Robótica para jovens: oficina", start + timedelta(minutes=20), place=NEXT_DOOR
        ),
        # Same time and place, different activity.
        event("r-2", "Oficina de costura", start, place=LIBRARY),
        # Same title and time but across town.
        event("r-3", "Clube de leitura", start, place=ACROSS_TOWN),
        # Same title and place, two hours later.
        event("r-4", "Clube de xadrez", start + timedelta(hours=2), place=LIBRARY),
    )
    first_feed = await new_feed(site.publish("/library.ics", library))
    second_feed = await new_feed(site.publish("/ponte.ics", ponte), partner="associacao-ponte")
    first = await sync_feed(lisbon, first_feed, fetcher=fetcher, now=now)
    second = await sync_feed(lisbon, second_feed, fetcher=fetcher, now=now)
    copy_id = second.added[0]
    assert second.duplicates == (copy_id,)
    async with lisbon.session() as session:
        copy = await session.get(Activity, copy_id)
        assert copy is not None
        assert copy.duplicate_of_id == first.added[0]
        others = [await session.get(Activity, i) for i in second.added[1:]]
        assert all(other is not None and other.duplicate_of_id is None for other in others)
    # Search shows the workshop once.
    assert await _titles_found(lisbon, "robótica", now) == ["Oficina de Robótica para jovens"]

    # The original is retired: the copy is shown again.
    without_workshop = calendar(
        event("chess", "Clube de xadrez", start, place=LIBRARY),
        event("far", "Clube de leitura", start, place=LIBRARY),
    )
    site.publish("/library.ics", without_workshop)
    retired = await sync_feed(lisbon, first_feed, fetcher=fetcher, now=now)
    assert retired.retired == (first.added[0],)
    async with lisbon.session() as session:
        copy = await session.get(Activity, copy_id)
        assert copy is not None
        assert copy.duplicate_of_id is None
    assert await _titles_found(lisbon, "robótica", now) == ["Robótica para jovens: oficina"]


async def test_a_copy_that_moves_away_is_shown_again(
    lisbon: Database, site, fetcher: FeedFetcher, new_feed, now: datetime
) -> None:
    start = datetime(2026, 12, 10, 18, 0, tzinfo=UTC)
    first_feed = await new_feed(
        site.publish("/a.ics", calendar(event("x", "Clube de xadrez", start, place=LIBRARY)))
    )
    second_feed = await new_feed(
        site.publish("/b.ics", calendar(event("y", "Clube de Xadrez", start, place=NEXT_DOOR))),
        partner="associacao-ponte",
    )
    original = await sync_feed(lisbon, first_feed, fetcher=fetcher, now=now)
    copy = await sync_feed(lisbon, second_feed, fetcher=fetcher, now=now)
    assert copy.duplicates == copy.added
    # The original moves a day later: the other partner's session is no longer the same one.
    site.publish(
        "/a.ics", calendar(event("x", "Clube de xadrez", start + timedelta(days=1), place=LIBRARY))
    )
    moved = await sync_feed(lisbon, first_feed, fetcher=fetcher, now=now)
    assert moved.updated == original.added
    async with lisbon.session() as session:
        row = await session.get(Activity, copy.added[0])
        assert row is not None
        assert row.duplicate_of_id is None
