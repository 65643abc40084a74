"""Small steps that many chat tests share."""

from __future__ import annotations

from datetime import datetime, timedelta

from bot.sandbox.client import SandboxUser
from catalogue.cities import get_city
from catalogue.index import reindex_activities
from catalogue.models import Activity, Occurrence, Partner
from storage import Database, utcnow
from tests.chat.conftest import ChatWorld

AGE_BUTTON = "25–34"


async def onboard(world: ChatWorld, name: str, language: str = "en") -> SandboxUser:
    """A person who finished onboarding in Lisbon (via the deep link), consent given."""
    user = world.sandbox.user(name, language_code=language)
    await user.start("lisbon")
    welcome = await user.wait_for_message()
    await user.press(
        welcome, 0 if language == "en" else {"pt": 1, "es": 2, "lt": 3, "uk": 4}[language]
    )
    await user.press(await user.wait_for_message(), -2)  # Skip interests
    await user.press(await user.wait_for_message(), AGE_BUTTON)
    await user.press(await user.wait_for_message(), 0)  # consent
    await user.wait_for_message()  # the menu
    return user


PLACES = {
    "baixa": (38.7110, -9.1375),
    "alfama": (38.7114, -9.1300),
    "chiado": (38.7105, -9.1420),
    "graca": (38.7170, -9.1311),
    "arroios": (38.7310, -9.1340),
    "belem": (38.6970, -9.2060),
    "marvila": (38.7440, -9.1030),
}


async def add_activities(
    database: Database, specs: list[dict[str, object]], *, now: datetime | None = None
) -> dict[str, int]:
    """Insert activities (title, place, days ahead...) for Lisbon; return ids by key."""
    now = now or utcnow()
    ids: dict[str, int] = {}
    async with database.session() as session:
        city = await get_city(session, "lisbon")
        assert city is not None
        partner = Partner(
            city_id=city.id, slug=f"p{len(specs)}-{now.timestamp():.0f}", name="Casa do Saber"
        )
        session.add(partner)
        await session.flush()
        for number, spec in enumerate(specs):
            place = PLACES.get(str(spec.get("place", "")))
            activity = Activity(
                city_id=city.id,
                partner_id=partner.id,
                source_id=f"test-{number}",
                type=str(spec.get("type", "workshop")),
                titles=dict(spec["titles"]),  # type: ignore[arg-type]
                descriptions=dict(spec.get("descriptions", {})),  # type: ignore[arg-type]
                topics=list(spec.get("topics", [])),  # type: ignore[arg-type]
                competences=list(spec.get("competences", [])),  # type: ignore[arg-type]
                venue_name=str(spec.get("venue", "Biblioteca")),
                address=str(spec.get("address", "Rua Augusta 1, Lisboa")),
                latitude=place[0] if place else None,
                longitude=place[1] if place else None,
                online=place is None,
                is_free=bool(spec.get("free", True)),
                languages=["pt", "en"],
                signup_url="https://partner.example/signup",
            )
            session.add(activity)
            await session.flush()
            start = now + timedelta(days=float(spec.get("days", 1)))  # type: ignore[arg-type]
            session.add(
                Occurrence(
                    activity_id=activity.id,
                    starts_at=start,
                    ends_at=start + timedelta(hours=2),
                    source_tz="Europe/Lisbon",
                )
            )
            ids[str(spec.get("key", number))] = activity.id
        await session.flush()
        await reindex_activities(session, list(ids.values()))
    return ids


async def settle(user: SandboxUser) -> None:
    """Wait until everything this person did is saved.

    A reply can arrive just before its update commits; one person's updates are handled one
    after the other, so once a later command is answered the earlier ones are in the database.
    """
    user.mark_read()
    await user.send("/menu")
    await user.wait_for_message()
    user.mark_read()
