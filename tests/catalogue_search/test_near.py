"""Near me: real Lisbon distances, ordering, radius widening and who is left out."""

from __future__ import annotations

from datetime import timedelta

import pytest

from catalogue.geo import haversine_km
from catalogue.models import Activity
from catalogue.search import SearchFilters, near
from tests.catalogue_search.conftest import BAIXA, BELEM, MARVILA, NOW, Lisbon


async def _near(lisbon: Lisbon, point: tuple[float, float] = BAIXA, **kwargs):
    async with lisbon.database.session() as session:
        return await near(
            session,
            city_id=kwargs.pop("city_id", lisbon.city_id),
            latitude=point[0],
            longitude=point[1],
            now=NOW,
            **kwargs,
        )


async def test_nearest_first_with_exact_distances(lisbon: Lisbon) -> None:
    belem = await lisbon.add("Oficina em Belém", at=BELEM)
    marvila = await lisbon.add("Oficina em Marvila", at=MARVILA)
    baixa = await lisbon.add("Oficina na Baixa", at=BAIXA)

    result = await _near(lisbon, radius_km=10, limit=3)

    assert [hit.activity_id for hit in result.hits] == [baixa, marvila, belem]
    assert result.radius_km == 10
    distances = [hit.distance_km for hit in result.hits]
    assert distances[0] == pytest.approx(0.0, abs=1e-9)
    assert distances[1] == pytest.approx(haversine_km(*BAIXA, *MARVILA))
    assert distances[2] == pytest.approx(haversine_km(*BAIXA, *BELEM))
    assert 4.6 < distances[1] < 4.9
    assert 6.0 < distances[2] < 6.3
    assert result.hits[0].title("en") == "Oficina na Baixa"
    assert result.hits[0].starts_at == NOW + timedelta(days=1)


async def test_from_marvila_the_order_turns_around(lisbon: Lisbon) -> None:
    belem = await lisbon.add("Belém", at=BELEM)
    marvila = await lisbon.add("Marvila", at=MARVILA)
    baixa = await lisbon.add("Baixa", at=BAIXA)

    result = await _near(lisbon, MARVILA, radius_km=20, limit=3)

    assert [hit.activity_id for hit in result.hits] == [marvila, baixa, belem]
    assert result.hits[2].distance_km == pytest.approx(haversine_km(*MARVILA, *BELEM))


@pytest.mark.parametrize(("limit", "radius"), [(1, 3.0), (2, 6.0), (3, 12.0), (4, 24.0)])
async def test_radius_doubles_until_enough(lisbon: Lisbon, limit: int, radius: float) -> None:
    for point in (BAIXA, MARVILA, BELEM):
        await lisbon.add("Oficina", at=point)

    result = await _near(lisbon, radius_km=3, limit=limit)

    assert result.radius_km == radius
    assert len(result.hits) == min(limit, 3)
    assert all(hit.distance_km <= radius for hit in result.hits)


async def test_widening_stops_at_the_maximum(lisbon: Lisbon) -> None:
    await lisbon.add("Belém", at=BELEM)

    result = await _near(lisbon, radius_km=1, max_radius_km=5)

    assert result.radius_km == 5
    assert result.hits == []


async def test_hidden_activities_are_left_out(lisbon: Lisbon) -> None:
    shown = await lisbon.add("Próxima")
    past = await lisbon.add(
        "Passada", sessions=[(NOW - timedelta(days=2), NOW - timedelta(days=2, hours=-2))]
    )
    retired = await lisbon.add("Retirada", status="retired")
    duplicate = await lisbon.add("Cópia", duplicate_of_id=shown)
    await lisbon.add("Online", at=None)
    await lisbon.add("Sem sessões", sessions=[])

    result = await _near(lisbon)
    assert [hit.activity_id for hit in result.hits] == [shown]

    with_past = await _near(lisbon, filters=SearchFilters(include_past=True))
    ids = {hit.activity_id for hit in with_past.hits}
    assert {shown, past} <= ids
    assert not {retired, duplicate} & ids
    by_id = {hit.activity_id: hit for hit in with_past.hits}
    assert by_id[past].starts_at == NOW - timedelta(days=2)


async def test_a_session_under_way_still_counts(lisbon: Lisbon) -> None:
    started = await lisbon.add(
        "A decorrer", sessions=[(NOW - timedelta(hours=1), NOW + timedelta(hours=1))]
    )

    result = await _near(lisbon)

    assert [hit.activity_id for hit in result.hits] == [started]
    assert result.hits[0].ends_at == NOW + timedelta(hours=1)


async def test_the_next_session_is_the_one_shown(lisbon: Lisbon) -> None:
    activity = await lisbon.add(
        "Semanal",
        sessions=[
            (NOW + timedelta(days=8), None),
            (NOW - timedelta(days=6), None),
            (NOW + timedelta(days=1), None),
        ],
    )

    result = await _near(lisbon)

    assert [(hit.activity_id, hit.starts_at) for hit in result.hits] == [
        (activity, NOW + timedelta(days=1))
    ]


async def test_retiring_and_moving_after_reindex(lisbon: Lisbon) -> None:
    moving = await lisbon.add("Muda-se", at=BELEM)
    staying = await lisbon.add("Fica", at=MARVILA)

    await lisbon.update(moving, latitude=BAIXA[0], longitude=BAIXA[1])
    result = await _near(lisbon, radius_km=1, limit=1)
    assert [hit.activity_id for hit in result.hits] == [moving]
    assert result.radius_km == 1

    await lisbon.update(moving, status="retired")
    result = await _near(lisbon, radius_km=1, limit=1)
    assert [hit.activity_id for hit in result.hits] == [staying]
    assert result.radius_km == 8


async def test_pages_do_not_overlap(lisbon: Lisbon) -> None:
    ids = []
    for step in range(7):
        ids.append(await lisbon.add(f"Passo {step}", at=(BAIXA[0] + step * 0.002, BAIXA[1])))

    first = await _near(lisbon, limit=3)
    second = await _near(lisbon, limit=3, offset=3)
    third = await _near(lisbon, limit=3, offset=6)

    pages = [[hit.activity_id for hit in page.hits] for page in (first, second, third)]
    assert pages == [ids[0:3], ids[3:6], ids[6:7]]


async def test_pages_do_not_overlap_at_one_venue(lisbon: Lisbon) -> None:
    """Fifteen activities in one library are equally near: every one shows up exactly once."""
    ids = [await lisbon.add(f"Sala {n}", at=MARVILA) for n in range(15)]
    farther = await lisbon.add("Mais longe", at=BELEM)

    first = await _near(lisbon, MARVILA, limit=10)
    second = await _near(lisbon, MARVILA, limit=10, offset=10)

    assert [hit.activity_id for hit in first.hits] == ids[:10]
    assert [hit.activity_id for hit in second.hits] == [*ids[10:], farther]


async def test_city_and_filters_apply(lisbon: Lisbon) -> None:
    free = await lisbon.add("Grátis", is_free=True, type="course")
    paid = await lisbon.add("Paga", is_free=False, type="workshop", at=MARVILA)
    elsewhere = await lisbon.add("Porto", city_id=lisbon.other_city_id)

    free_only = await _near(lisbon, filters=SearchFilters(free_only=True))
    assert [hit.activity_id for hit in free_only.hits] == [free]
    workshops = await _near(lisbon, filters=SearchFilters(types=("workshop",)))
    assert [hit.activity_id for hit in workshops.hits] == [paid]
    any_city = await _near(lisbon, city_id=None)
    assert elsewhere in {hit.activity_id for hit in any_city.hits}
    assert elsewhere not in {hit.activity_id for hit in free_only.hits}


async def test_hybrid_activity_with_a_place_is_near(lisbon: Lisbon) -> None:
    hybrid = await lisbon.add("Híbrida", online=True)
    await lisbon.add("Presencial", at=MARVILA)

    result = await _near(lisbon, filters=SearchFilters(online=True))

    assert [hit.activity_id for hit in result.hits] == [hybrid]
    assert result.hits[0].online is True


async def test_a_point_off_the_map_is_refused(lisbon: Lisbon) -> None:
    with pytest.raises(ValueError, match="not a point"):
        await _near(lisbon, (95.0, 0.0))


def test_activity_model_unchanged() -> None:
    assert Activity.__tablename__ == "activities"


async def test_postgresql_walks_the_index_from_the_first_query(lisbon: Lisbon) -> None:
    """A new connection's first near-me query already runs the generic plan, and no more."""
    if lisbon.database.dialect != "postgresql":
        pytest.skip("plan caching is PostgreSQL's")
    for point in (BAIXA, MARVILA, BELEM):
        await lisbon.add("Oficina", at=point)
    await lisbon.database.engine.dispose()  # a fresh connection, with no plans cached yet
    async with lisbon.database.session() as session:
        result = await near(
            session, city_id=lisbon.city_id, latitude=BAIXA[0], longitude=BAIXA[1], now=NOW
        )
        assert len(result.hits) == 3
        connection = await session.connection()
        plans = (
            await connection.exec_driver_sql(
                "SELECT generic_plans, custom_plans FROM pg_prepared_statements "
                "WHERE statement LIKE '%ll_to_earth%' AND statement NOT LIKE '%pg_prepared%'"
            )
        ).all()
        mode = (await connection.exec_driver_sql("SHOW plan_cache_mode")).scalar_one()
    assert [tuple(row) for row in plans] == [(1, 0)]
    assert mode == "auto"  # the setting did not outlive the near-me statement
