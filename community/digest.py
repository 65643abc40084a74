"""The weekly digest: new upcoming activities that match what a learner follows.

A digest is a ``reminders`` row keyed by learner and slot, so it is enqueued once per week even
with several processes; it is enqueued only when something new matches. "New" means created
after the previous digest was made (or in the week before the first one).
"""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import exists, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from catalogue.models import Activity, ActivityStatus, City, Occurrence
from community.follows import list_follows, matches, neighbourhoods
from community.models import Follow, Learner, Reminder, ReminderKind, ReminderStatus
from community.preferences import DigestPreferences, get_digest, set_digest
from community.reminders import enqueue
from storage import Database

MAX_ITEMS = 10
# A digest whose slot passed longer ago than this (the service was down) is skipped.
WINDOW = timedelta(hours=12)


def last_slot(now: datetime, timezone: str, preferences: DigestPreferences) -> datetime:
    """The most recent digest time (weekday and hour, city time) at or before ``now``."""
    zone = ZoneInfo(timezone)
    local = now.astimezone(zone)
    back = (local.weekday() - preferences.weekday) % 7
    day = local.date() - timedelta(days=back)
    slot = datetime.combine(day, time(preferences.hour), tzinfo=zone)
    if slot > local:
        slot = datetime.combine(day - timedelta(days=7), time(preferences.hour), tzinfo=zone)
    return slot.astimezone(UTC)


async def _since(session: AsyncSession, learner_id: int, slot: datetime) -> datetime:
    previous = await session.scalar(
        select(func.max(Reminder.created_at)).where(
            Reminder.learner_id == learner_id,
            Reminder.kind == ReminderKind.DIGEST.value,
            Reminder.status != ReminderStatus.CANCELLED.value,
        )
    )
    return previous or slot - timedelta(days=7)


async def new_matches(
    session: AsyncSession, learner: Learner, since: datetime, now: datetime
) -> list[int]:
    """Ids of activities created in (since, now] with a session ahead that the learner follows."""
    follows: list[Follow] = await list_follows(session, learner.id)
    if not follows:
        return []
    upcoming = exists().where(Occurrence.activity_id == Activity.id, Occurrence.starts_at > now)
    first = (
        select(func.min(Occurrence.starts_at))
        .where(Occurrence.activity_id == Activity.id, Occurrence.starts_at > now)
        .scalar_subquery()
    )
    query = (
        select(Activity)
        .where(
            Activity.status == ActivityStatus.ACTIVE.value,
            Activity.duplicate_of_id.is_(None),
            Activity.created_at > since,
            Activity.created_at <= now,
            upcoming,
        )
        .order_by(first, Activity.id)
    )
    city = None
    if learner.city_id is not None:
        query = query.where(Activity.city_id == learner.city_id)
        city = await session.get(City, learner.city_id)
    places = neighbourhoods(city)
    return [a.id for a in await session.scalars(query) if matches(a, follows, places)]


async def _enqueue_one(session: AsyncSession, learner: Learner, now: datetime) -> bool:
    preferences = get_digest(learner)
    if preferences.muted:
        return False
    city = await session.get(City, learner.city_id) if learner.city_id else None
    slot = last_slot(now, city.timezone if city else "UTC", preferences)
    if now - slot > WINDOW:
        return False
    key = f"d:{learner.id}:{int(slot.timestamp())}"
    if await session.scalar(select(Reminder.id).where(Reminder.key == key)) is not None:
        return False
    found = await new_matches(session, learner, await _since(session, learner.id, slot), now)
    if not found:
        return False
    return await enqueue(
        session,
        key=key,
        learner_id=learner.id,
        kind=ReminderKind.DIGEST,
        due_at=now,
        now=now,
        payload={"activity_ids": found[:MAX_ITEMS], "total": len(found)},
    )


async def enqueue_digests(database: Database, now: datetime) -> int:
    """Enqueue this week's digest for every learner whose slot has come; return how many."""
    async with database.session() as session:
        followers = list(
            await session.scalars(
                select(Learner.id).where(
                    Learner.consent.is_(True),
                    Learner.is_active.is_(True),
                    exists().where(Follow.learner_id == Learner.id),
                )
            )
        )
    made = 0
    for learner_id in followers:
        async with database.session() as session:
            learner = await session.get(Learner, learner_id)
            if learner is not None:
                made += await _enqueue_one(session, learner, now)
    return made


def mute_digest(learner: Learner, *, muted: bool = True) -> DigestPreferences:
    """Stop (or restart) the weekly digest."""
    current = get_digest(learner)
    return set_digest(
        learner, DigestPreferences(weekday=current.weekday, hour=current.hour, muted=muted)
    )
