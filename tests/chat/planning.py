"""Helpers for the plan, reminder and follow chat tests: people, activities, a movable clock."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from typing import TypeVar
from zoneinfo import ZoneInfo

from sqlalchemy import select

from bot.sandbox.client import SandboxUser
from bot.sandbox.view import ChatMessage
from catalogue.cities import get_city
from catalogue.models import Activity
from community.models import Learner, Plan
from storage import Database
from tests.chat.conftest import ChatWorld
from tests.community import factories

LISBON = ZoneInfo("Europe/Lisbon")
T = TypeVar("T")
TITLES = {"en": "Robot workshop", "pt": "Oficina de robôs", "es": "Taller de robots"}


class Clock:
    """A clock the test moves by hand; the application reads it through ``Services.clock``."""

    def __init__(self, now: datetime | None = None) -> None:
        self.now = now or datetime.now(UTC).replace(microsecond=0)

    def __call__(self) -> datetime:
        return self.now

    def set(self, moment: datetime) -> datetime:
        """Jump to ``moment``."""
        self.now = moment
        return moment


def install_clock(world: ChatWorld) -> Clock:
    """Give the running application a clock the test controls."""
    clock = Clock()
    services = world.application.bot_data.services
    assert services is not None
    services.clock = clock
    return clock


def lisbon_day(days_ahead: int, hour: int, minute: int = 0) -> datetime:
    """``hour:minute`` in Lisbon, ``days_ahead`` days from today, as UTC."""
    day = datetime.now(LISBON).date() + timedelta(days=days_ahead)
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=LISBON).astimezone(UTC)


async def person(
    world: ChatWorld | Database,
    sandbox_user: SandboxUser,
    *,
    language: str,
    consent: bool = True,
) -> Learner:
    """An onboarded learner in Lisbon behind ``sandbox_user`` (who has started the bot)."""
    database = world if isinstance(world, Database) else world.database
    sandbox_user.person.started_bots.add(sandbox_user.bot.id)
    async with database.session() as session:
        city = await get_city(session, "lisbon")
        assert city is not None
        learner = Learner(
            telegram_id=sandbox_user.id,
            first_name=sandbox_user.person.first_name,
            language=language,
            city_id=city.id,
            interests=[],
            consent=consent,
            consent_at=datetime.now(UTC) if consent else None,
            onboarded_at=datetime.now(UTC),
            preferences={},
        )
        session.add(learner)
    return learner


async def workshop(
    database: Database,
    starts: list[datetime] | datetime,
    *,
    titles: dict[str, str] | None = None,
    topics: list[str] | None = None,
    created_at: datetime | None = None,
) -> Activity:
    """A Lisbon activity with the given sessions."""
    async with database.session() as session:
        await factories.city(session)
        return await factories.activity(
            session, starts, titles=titles or TITLES, topics=topics, created_at=created_at
        )


async def open_card(user: SandboxUser, activity: Activity) -> ChatMessage:
    """Open an activity's card through its shared link, as a friend's link would."""
    await user.send(f"/start act_{activity.id}")
    card = await user.wait_for_message(predicate=lambda m: bool(m.button_data))
    # A returning person also gets the main menu after the card; take it off the pile too.
    await user.wait_for_message(predicate=lambda m: m.message_id > card.message_id)
    user.mark_read()
    return card


async def learner_row(database: Database, telegram_id: int) -> Learner:
    """A fresh copy of the learner with this Telegram id."""
    async with database.session() as session:
        found = await session.scalar(select(Learner).where(Learner.telegram_id == telegram_id))
    assert found is not None
    return found


async def eventually(check: Callable[[], Awaitable[T]], within: float = 5.0) -> T:
    """The first truthy result of ``check``: a reply can arrive just before its update commits."""
    deadline = asyncio.get_running_loop().time() + within
    while True:
        result = await check()
        if result or asyncio.get_running_loop().time() > deadline:
            return result
        await asyncio.sleep(0.02)


async def press_plan(
    database: Database, user: SandboxUser, card: ChatMessage, action: str, activity_id: int
) -> str | None:
    """Press a plan button on a card and wait until its update is committed."""
    answer = await user.press(card, callback_data=f"plan:v1:{action}:{activity_id}")

    async def saved() -> bool:
        async with database.session() as session:
            plan = await session.scalar(
                select(Plan)
                .join(Learner, Learner.id == Plan.learner_id)
                .where(Learner.telegram_id == user.id, Plan.activity_id == activity_id)
            )
        return plan is not None

    await eventually(saved)
    return answer


async def settle(user: SandboxUser) -> None:
    """Wait until everything this person did is committed.

    One person's updates are handled one after the other, so once the answer to a new command
    arrives, the earlier updates have been saved.
    """
    await user.send("/plans")
    await user.wait_for_message(predicate=lambda m: (m.text or "").startswith("⭐"))
    user.mark_read()
