"""A Lisbon catalogue to search: a city, a partner, and a helper that adds activities."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from catalogue.index import reindex_activities
from catalogue.models import Activity, City, Occurrence, Partner
from storage import Database

# A Thursday, in winter time (Lisbon is at UTC+0).
NOW = datetime(2026, 12, 3, 12, 0, tzinfo=UTC)
BAIXA = (38.7110, -9.1375)
BELEM = (38.6970, -9.2060)
MARVILA = (38.7440, -9.1030)


@dataclass
class Lisbon:
    """The test city; `add` writes one activity with its sessions and reindexes it."""

    database: Database
    city_id: int = 0
    partner_id: int = 0
    other_city_id: int = 0
    _count: int = field(default=0)

    async def add(
        self,
        title: str | dict[str, str],
        *,
        at: tuple[float, float] | None = BAIXA,
        sessions: list[tuple[datetime, datetime | None]] | None = None,
        city_id: int | None = None,
        **columns: Any,
    ) -> int:
        """Add an activity (by default at Baixa, starting in a day) and return its id."""
        self._count += 1
        titles = {"pt": title} if isinstance(title, str) else title
        if sessions is None:
            sessions = [(NOW + timedelta(days=1), NOW + timedelta(days=1, hours=2))]
        values: dict[str, Any] = {
            "type": "workshop",
            "online": at is None,
            **columns,
        }
        async with self.database.session() as session:
            activity = Activity(
                city_id=city_id or self.city_id,
                partner_id=self.partner_id,
                source_id=f"test-{self._count}",
                titles=titles,
                latitude=at[0] if at else None,
                longitude=at[1] if at else None,
                **values,
            )
            session.add(activity)
            await session.flush()
            for start, end in sessions:
                session.add(
                    Occurrence(
                        activity_id=activity.id,
                        starts_at=start,
                        ends_at=end,
                        source_tz="Europe/Lisbon",
                    )
                )
            await reindex_activities(session, [activity.id])
            return activity.id

    async def update(self, activity_id: int, **columns: Any) -> None:
        """Change columns of an activity, then reindex it as the sync engine does."""
        async with self.database.session() as session:
            activity = await session.get(Activity, activity_id)
            assert activity is not None
            for name, value in columns.items():
                setattr(activity, name, value)
            await reindex_activities(session, [activity_id])


@pytest.fixture
async def lisbon(database: Database) -> Lisbon:
    """Lisbon (and Porto, to check the city filter) with one partner."""
    async with database.session() as session:
        cities = [
            City(
                slug=slug,
                names={"pt": name},
                country="PT",
                timezone="Europe/Lisbon",
                default_language="pt",
                latitude=lat,
                longitude=lon,
            )
            for slug, name, lat, lon in (
                ("lisboa", "Lisboa", 38.7223, -9.1393),
                ("porto", "Porto", 41.1579, -8.6291),
            )
        ]
        session.add_all(cities)
        await session.flush()
        partner = Partner(city_id=cities[0].id, slug="biblioteca", name="Biblioteca")
        session.add(partner)
        await session.flush()
        ids = (cities[0].id, partner.id, cities[1].id)
    return Lisbon(database, city_id=ids[0], partner_id=ids[1], other_city_id=ids[2])
