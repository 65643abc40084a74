"""What is on next, with each filter, window boundaries in Lisbon time, and counts."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from catalogue.search import SearchFilters, count_upcoming, date_window, upcoming
from tests.catalogue_search.conftest import MARVILA, NOW, Lisbon


async def _upcoming(lisbon: Lisbon, filters: SearchFilters | None = None, **kwargs) -> list[int]:
    async with lisbon.database.session() as session:
        hits = await upcoming(
            session, city_id=lisbon.city_id, filters=filters, now=kwargs.pop("now", NOW), **kwargs
        )
    return [hit.activity_id for hit in hits]


def _at(days: float) -> list[tuple[datetime, datetime | None]]:
    start = NOW + timedelta(days=days)
    return [(start, start + timedelta(hours=2))]


async def test_ordered_by_next_session_one_hit_each(lisbon: Lisbon) -> None:
    later = await lisbon.add("Depois", sessions=_at(5))
    weekly = await lisbon.add("Semanal", sessions=_at(-7) + _at(2) + _at(9))
    soon = await lisbon.add("Já amanhã", sessions=_at(1))

    assert await _upcoming(lisbon) == [soon, weekly, later]
    async with lisbon.database.session() as session:
        hits = await upcoming(session, city_id=lisbon.city_id, now=NOW)
    assert hits[1].starts_at == NOW + timedelta(days=2)
    assert hits[1].ends_at == NOW + timedelta(days=2, hours=2)
    assert hits[1].source_tz == "Europe/Lisbon"


async def test_pagination(lisbon: Lisbon) -> None:
    ids = [await lisbon.add(f"Dia {day}", sessions=_at(day)) for day in range(1, 6)]

    assert await _upcoming(lisbon, limit=2) == ids[0:2]
    assert await _upcoming(lisbon, limit=2, offset=2) == ids[2:4]
    assert await _upcoming(lisbon, limit=2, offset=4) == ids[4:5]


async def test_types_and_topics(lisbon: Lisbon) -> None:
    course = await lisbon.add("Curso", type="course", topics=["coding", "employment"])
    volunteering = await lisbon.add("Voluntariado", type="volunteering", topics=["environment"])
    await lisbon.add("Oficina", type="workshop", topics=[])

    assert await _upcoming(lisbon, SearchFilters(types=("course", "volunteering"))) == [
        course,
        volunteering,
    ]
    assert await _upcoming(lisbon, SearchFilters(topics=("environment", "art"))) == [volunteering]
    assert await _upcoming(lisbon, SearchFilters(topics=("employment",))) == [course]
    assert await _upcoming(lisbon, SearchFilters(topics=("art",))) == []


async def test_free_online_language_and_age(lisbon: Lisbon) -> None:
    free_online = await lisbon.add("Online", at=None, is_free=True, languages=["en"])
    paid_local = await lisbon.add(
        "Presencial", at=MARVILA, is_free=False, languages=["pt", "en"], min_age=18
    )
    unknown = await lisbon.add("Sem preço", is_free=None, languages=[], max_age=15)

    assert await _upcoming(lisbon, SearchFilters(free_only=True)) == [free_online]
    assert await _upcoming(lisbon, SearchFilters(online=True)) == [free_online]
    assert await _upcoming(lisbon, SearchFilters(online=False)) == [paid_local, unknown]
    assert await _upcoming(lisbon, SearchFilters(language="pt")) == [paid_local]
    assert await _upcoming(lisbon, SearchFilters(language="en")) == [free_online, paid_local]
    assert await _upcoming(lisbon, SearchFilters(age=14)) == [free_online, unknown]
    assert await _upcoming(lisbon, SearchFilters(age=16)) == [free_online]
    assert await _upcoming(lisbon, SearchFilters(age=30)) == [free_online, paid_local]


async def test_weekend_boundaries_in_lisbon_summer_time(lisbon: Lisbon) -> None:
    # Lisbon is at UTC+1 in July: the weekend runs from Fri 23:00 UTC to Sun 23:00 UTC.
    now = datetime(2026, 7, 15, 12, tzinfo=UTC)  # Wednesday
    friday_night = await lisbon.add(
        "Sexta 23:30", sessions=[(datetime(2026, 7, 17, 22, 30, tzinfo=UTC), None)]
    )
    saturday_midnight = await lisbon.add(
        "Sábado 00:00", sessions=[(datetime(2026, 7, 17, 23, 0, tzinfo=UTC), None)]
    )
    sunday_late = await lisbon.add(
        "Domingo 23:59", sessions=[(datetime(2026, 7, 19, 22, 59, tzinfo=UTC), None)]
    )
    monday = await lisbon.add(
        "Segunda 00:00", sessions=[(datetime(2026, 7, 19, 23, 0, tzinfo=UTC), None)]
    )
    overnight = await lisbon.add(
        "Sexta à noite até sábado",
        sessions=[(datetime(2026, 7, 17, 21, tzinfo=UTC), datetime(2026, 7, 18, 1, tzinfo=UTC))],
    )

    weekend = SearchFilters(window=date_window("weekend", now, "Europe/Lisbon"))
    found = await _upcoming(lisbon, weekend, now=now)

    assert found == [overnight, saturday_midnight, sunday_late]
    assert friday_night not in found
    assert monday not in found


async def test_window_picks_the_session_inside_it(lisbon: Lisbon) -> None:
    weekly = await lisbon.add("Semanal", sessions=_at(1) + _at(8))
    window = date_window("today", NOW + timedelta(days=8), "Europe/Lisbon")

    async with lisbon.database.session() as session:
        hits = await upcoming(
            session, city_id=lisbon.city_id, filters=SearchFilters(window=window), now=NOW
        )

    assert [(hit.activity_id, hit.starts_at) for hit in hits] == [
        (weekly, NOW + timedelta(days=8))
    ]


async def test_today_and_week_across_the_spring_dst_change(lisbon: Lisbon) -> None:
    now = datetime(2026, 3, 26, 10, tzinfo=UTC)  # Thursday 10:00 in Lisbon
    today = await lisbon.add("Hoje", sessions=[(datetime(2026, 3, 26, 18, tzinfo=UTC), None)])
    # Next Thursday 09:30 local (summer time) is inside the week; 10:30 local is not.
    inside = await lisbon.add("Dentro", sessions=[(datetime(2026, 4, 2, 8, 30, tzinfo=UTC), None)])
    outside = await lisbon.add("Fora", sessions=[(datetime(2026, 4, 2, 9, 30, tzinfo=UTC), None)])

    week = SearchFilters(window=date_window("week", now, "Europe/Lisbon"))
    assert await _upcoming(lisbon, week, now=now) == [today, inside]
    day = SearchFilters(window=date_window("today", now, "Europe/Lisbon"))
    assert await _upcoming(lisbon, day, now=now) == [today]
    assert outside in await _upcoming(lisbon, now=now)


async def test_hidden_and_counted(lisbon: Lisbon) -> None:
    shown = await lisbon.add("Ativa")
    await lisbon.add("Passada", sessions=_at(-1))
    await lisbon.add("Retirada", status="retired")
    await lisbon.add("Cópia", duplicate_of_id=shown)
    await lisbon.add("Porto", city_id=lisbon.other_city_id)
    no_sessions = await lisbon.add("Sempre aberta", sessions=[])

    assert await _upcoming(lisbon) == [shown]
    with_past = await _upcoming(lisbon, SearchFilters(include_past=True))
    assert with_past[0] == shown
    assert no_sessions in with_past
    assert len(with_past) == 3
    async with lisbon.database.session() as session:
        assert await count_upcoming(session, lisbon.city_id, NOW) == 1
        assert await count_upcoming(session, None, NOW) == 2
        assert await count_upcoming(session, lisbon.city_id, NOW - timedelta(days=2)) == 2
