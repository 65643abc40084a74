"""Small builders of cities, partners, activities and learners for the community tests."""

from __future__ import annotations

from datetime import datetime, timedelta
from itertools import count
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from catalogue.cities import get_city, upsert_cities
from catalogue.models import Activity, City, Occurrence, Partner
from community.models import Learner
from storage import Database

LISBON: dict[str, Any] = {
    "slug": "lisbon",
    "names": {"en": "Lisbon", "pt": "Lisboa", "es": "Lisboa", "lt": "Lisabona", "uk": "Лісабон"},
    "country": "PT",
    "timezone": "Europe/Lisbon",
    "default_language": "pt",
    "latitude": 38.7223,
    "longitude": -9.1393,
    "neighbourhoods": [
        {"slug": "alfama", "name": "Alfama", "lat": 38.7114, "lon": -9.1300},
        {"slug": "belem", "name": "Belém", "lat": 38.6970, "lon": -9.2060},
    ],
}
_numbers = count(1)


async def city(session: AsyncSession, slug: str = "lisbon") -> City:
    """The city with this slug, created from LISBON when it is missing."""
    found = await get_city(session, slug)
    if found is None:
        [found] = await upsert_cities(session, [LISBON | {"slug": slug}])
    return found


async def partner(session: AsyncSession, name: str = "Biblioteca de Alfama") -> Partner:
    """A partner organisation in Lisbon."""
    home = await city(session)
    made = Partner(city_id=home.id, slug=f"partner-{next(_numbers)}", name=name)
    session.add(made)
    await session.flush()
    return made


async def activity(
    session: AsyncSession,
    starts: list[datetime] | datetime,
    *,
    titles: dict[str, str] | None = None,
    topics: list[str] | None = None,
    created_at: datetime | None = None,
    owner: Partner | None = None,
    where: tuple[float, float] | None = (38.7115, -9.1301),
    length: timedelta = timedelta(hours=2),
) -> Activity:
    """An active activity with one session per start (each ``length`` long)."""
    owner = owner or await partner(session)
    made = Activity(
        city_id=owner.city_id,
        partner_id=owner.id,
        source_id=f"src-{next(_numbers)}",
        type="workshop",
        titles=titles or {"en": "Robot workshop", "pt": "Oficina de robôs"},
        topics=topics or ["digital"],
        venue_name="Biblioteca de Alfama",
        latitude=where[0] if where else None,
        longitude=where[1] if where else None,
        is_free=True,
    )
    if created_at is not None:
        made.created_at = created_at
    session.add(made)
    await session.flush()
    for start in starts if isinstance(starts, list) else [starts]:
        session.add(
            Occurrence(
                activity_id=made.id,
                starts_at=start,
                ends_at=start + length,
                source_tz="Europe/Lisbon",
            )
        )
    await session.flush()
    return made


async def learner(
    session: AsyncSession,
    telegram_id: int | None = None,
    *,
    language: str = "en",
    name: str = "Ana",
    consent: bool = True,
    when: datetime | None = None,
) -> Learner:
    """An onboarded learner in Lisbon who agreed to reminders."""
    home = await city(session)
    made = Learner(
        telegram_id=telegram_id or 10_000 + next(_numbers),
        first_name=name,
        language=language,
        city_id=home.id,
        interests=[],
        consent=consent,
        consent_at=when,
        onboarded_at=when,
        preferences={},
    )
    session.add(made)
    await session.flush()
    return made


async def reload(database: Database, model: type[Any], key: int) -> Any:
    """A fresh copy of one row."""
    async with database.session() as session:
        return await session.get(model, key)
