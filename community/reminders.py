"""Reminder rows: when they are due, quiet hours, snooze and stop, and feed changes.

Every message the bot sends on its own (reminders, "did you go?", moved or cancelled notices,
digests) is a row of ``reminders`` with a unique ``key``: enqueueing is idempotent, so two
processes or a rerun sync never tell a person the same thing twice. ``community.dispatch`` sends
the rows that are due.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select, update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from catalogue.models import Activity, ActivityStatus, City, Occurrence
from community.models import (
    Learner,
    Plan,
    PlanStatus,
    Reminder,
    ReminderKind,
    ReminderStatus,
)
from community.preferences import ReminderPreferences, get_reminders
from storage import Database

SNOOZE = timedelta(hours=1)
# A session without an end is taken to last this long before we ask "did you go?".
DEFAULT_LENGTH = timedelta(hours=2)
PLAN_KINDS = (ReminderKind.REMINDER.value, ReminderKind.FOLLOW_UP.value)


def _epoch(moment: datetime) -> int:
    return int(moment.timestamp())


def quiet_adjusted(moment: datetime, timezone: str, preferences: ReminderPreferences) -> datetime:
    """Move ``moment`` to the end of the quiet hours (city time) when it falls inside them."""
    if not preferences.quiet_hours or preferences.quiet_start == preferences.quiet_end:
        return moment
    zone = ZoneInfo(timezone)
    local = moment.astimezone(zone)
    start, end = preferences.quiet_start, preferences.quiet_end
    hour = local.hour
    inside = (start <= hour or hour < end) if start > end else (start <= hour < end)
    if not inside:
        return moment
    day = local.date() if hour < end else local.date() + timedelta(days=1)
    return datetime.combine(day, time(end), tzinfo=zone).astimezone(UTC)


def _quiet_began(moment: datetime, timezone: str, preferences: ReminderPreferences) -> datetime:
    """The last minute before the quiet period that contains ``moment`` began."""
    zone = ZoneInfo(timezone)
    local = moment.astimezone(zone)
    day = local.date() if local.hour >= preferences.quiet_start else local.date() - timedelta(1)
    began = datetime.combine(day, time(preferences.quiet_start), tzinfo=zone)
    return (began - timedelta(minutes=1)).astimezone(UTC)


def reminder_due(
    starts_at: datetime,
    offset_minutes: int,
    timezone: str,
    preferences: ReminderPreferences,
    now: datetime,
) -> datetime | None:
    """When to send the reminder ``offset_minutes`` before a session, or None if too late."""
    due = starts_at - timedelta(minutes=offset_minutes)
    if due <= now:
        return None
    adjusted = quiet_adjusted(due, timezone, preferences)
    if adjusted >= starts_at:
        # After the quiet hours would be too late: say it just before they begin instead.
        adjusted = _quiet_began(due, timezone, preferences)
    return adjusted if now < adjusted < starts_at else None


async def enqueue(
    session: AsyncSession,
    *,
    key: str,
    learner_id: int,
    kind: ReminderKind,
    due_at: datetime,
    now: datetime,
    activity_id: int | None = None,
    starts_at: datetime | None = None,
    payload: dict[str, Any] | None = None,
    revive: bool = False,
) -> bool:
    """Insert a due message once per ``key``; ``revive`` re-arms a cancelled one."""
    dialect = session.get_bind().dialect.name
    insert = postgresql_insert if dialect == "postgresql" else sqlite_insert
    values = {
        "key": key,
        "learner_id": learner_id,
        "activity_id": activity_id,
        "kind": kind.value,
        "starts_at": starts_at,
        "due_at": due_at,
        "status": ReminderStatus.PENDING.value,
        "attempts": 0,
        "payload": payload or {},
        "created_at": now,
    }
    statement = insert(Reminder).values(**values)
    if revive:
        statement = statement.on_conflict_do_update(
            index_elements=["key"],
            set_={
                "status": ReminderStatus.PENDING.value,
                "due_at": due_at,
                "claim_token": None,
                "claimed_until": None,
                "attempts": 0,
            },
            where=Reminder.status == ReminderStatus.CANCELLED.value,
        )
    else:
        statement = statement.on_conflict_do_nothing(index_elements=["key"])
    result = await session.execute(statement)
    return bool(result.rowcount)  # type: ignore[attr-defined]


async def cancel_pending(
    session: AsyncSession,
    learner_id: int,
    *,
    activity_id: int | None = None,
    kinds: Iterable[str] | None = None,
    keep_starts_at: datetime | None = None,
    sessions_after: datetime | None = None,
) -> int:
    """Cancel messages not yet sent (optionally for one activity, some kinds, some sessions)."""
    statement = update(Reminder).where(
        Reminder.learner_id == learner_id,
        Reminder.status == ReminderStatus.PENDING.value,
    )
    if activity_id is not None:
        statement = statement.where(Reminder.activity_id == activity_id)
    if kinds is not None:
        statement = statement.where(Reminder.kind.in_(list(kinds)))
    if keep_starts_at is not None:
        statement = statement.where(Reminder.starts_at != keep_starts_at)
    if sessions_after is not None:
        statement = statement.where(Reminder.starts_at > sessions_after)
    result = await session.execute(statement.values(status=ReminderStatus.CANCELLED.value))
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


async def next_occurrence(
    session: AsyncSession, activity_id: int, now: datetime
) -> Occurrence | None:
    """The first session of an activity that starts after ``now``."""
    return await session.scalar(
        select(Occurrence)
        .where(Occurrence.activity_id == activity_id, Occurrence.starts_at > now)
        .order_by(Occurrence.starts_at)
        .limit(1)
    )


async def activity_timezone(session: AsyncSession, activity: Activity) -> str:
    """The timezone of the city an activity happens in."""
    city = await session.get(City, activity.city_id)
    return city.timezone if city else "UTC"


async def schedule_plan(
    session: AsyncSession, plan: Plan, learner: Learner, now: datetime
) -> datetime | None:
    """Make the reminder rows of a plan match its next session; return that session's start."""
    activity = await session.get(Activity, plan.activity_id)
    occurrence = None
    if activity is not None and activity.status == ActivityStatus.ACTIVE.value:
        occurrence = await next_occurrence(session, plan.activity_id, now)
    starts_at = occurrence.starts_at if occurrence else None
    plan.next_starts_at = starts_at
    # Rows made for another session (the activity moved, or that session is over) are void.
    await cancel_pending(
        session,
        learner.id,
        activity_id=plan.activity_id,
        kinds=PLAN_KINDS,
        keep_starts_at=starts_at,
        sessions_after=now,  # a session under way keeps its "did you go?"
    )
    if not plan.remind:
        await cancel_pending(
            session,
            learner.id,
            activity_id=plan.activity_id,
            kinds=(ReminderKind.REMINDER.value,),
        )
    if occurrence is None or activity is None or not (learner.consent and learner.is_active):
        return starts_at
    timezone = await activity_timezone(session, activity)
    preferences = get_reminders(learner)
    stamp = _epoch(occurrence.starts_at)
    if plan.remind:
        for offset in preferences.offsets:
            due = reminder_due(occurrence.starts_at, offset, timezone, preferences, now)
            if due is None:
                continue
            await enqueue(
                session,
                key=f"r:{learner.id}:{plan.activity_id}:{stamp}:{offset}",
                learner_id=learner.id,
                activity_id=plan.activity_id,
                kind=ReminderKind.REMINDER,
                starts_at=occurrence.starts_at,
                due_at=due,
                now=now,
                payload={"offset": offset},
                revive=True,
            )
    if plan.status == PlanStatus.GOING.value:
        ended = occurrence.ends_at or occurrence.starts_at + DEFAULT_LENGTH
        await enqueue(
            session,
            key=f"f:{learner.id}:{plan.activity_id}:{stamp}",
            learner_id=learner.id,
            activity_id=plan.activity_id,
            kind=ReminderKind.FOLLOW_UP,
            starts_at=occurrence.starts_at,
            due_at=quiet_adjusted(ended, timezone, preferences),
            now=now,
            revive=True,
        )
    return starts_at


async def reschedule_learner(session: AsyncSession, learner: Learner, now: datetime) -> int:
    """Redo every plan's reminders after the learner changed their preferences."""
    plans = (await session.scalars(select(Plan).where(Plan.learner_id == learner.id))).all()
    await cancel_pending(session, learner.id, kinds=(ReminderKind.REMINDER.value,))
    for plan in plans:
        await schedule_plan(session, plan, learner, now)
    return len(plans)


@dataclass(frozen=True, slots=True)
class Snoozed:
    """The outcome of a snooze: the new due time, or why there is none."""

    due_at: datetime | None
    reason: str = ""  # "starts_soon" | "unknown"


async def _own_reminder(
    session: AsyncSession, learner_id: int, reminder_id: int
) -> Reminder | None:
    reminder = await session.get(Reminder, reminder_id)
    if reminder is None or reminder.learner_id != learner_id:
        return None
    return reminder


async def snooze(
    session: AsyncSession, learner: Learner, reminder_id: int, now: datetime
) -> Snoozed:
    """Remind again in an hour (after the quiet hours), if the session has not started by then."""
    reminder = await _own_reminder(session, learner.id, reminder_id)
    if reminder is None or reminder.kind != ReminderKind.REMINDER.value:
        return Snoozed(None, "unknown")
    activity = await session.get(Activity, reminder.activity_id)
    if activity is None or reminder.starts_at is None:
        return Snoozed(None, "unknown")
    timezone = await activity_timezone(session, activity)
    due = quiet_adjusted(now + SNOOZE, timezone, get_reminders(learner))
    if due >= reminder.starts_at:
        return Snoozed(None, "starts_soon")
    await enqueue(
        session,
        key=f"z:{reminder.id}:{_epoch(due)}",
        learner_id=learner.id,
        activity_id=reminder.activity_id,
        kind=ReminderKind.REMINDER,
        starts_at=reminder.starts_at,
        due_at=due,
        now=now,
        payload={"snoozed": True},
    )
    return Snoozed(due)


async def stop_reminders(session: AsyncSession, learner: Learner, reminder_id: int) -> int | None:
    """No more reminders for the activity of this reminder; return the activity id."""
    reminder = await _own_reminder(session, learner.id, reminder_id)
    if reminder is None or reminder.activity_id is None:
        return None
    plan = await session.scalar(
        select(Plan).where(Plan.learner_id == learner.id, Plan.activity_id == reminder.activity_id)
    )
    if plan is not None:
        plan.remind = False
    await cancel_pending(
        session,
        learner.id,
        activity_id=reminder.activity_id,
        kinds=(ReminderKind.REMINDER.value,),
    )
    return reminder.activity_id


async def _learner_tz(session: AsyncSession, learner: Learner, activity: Activity) -> str:
    city = await session.get(City, learner.city_id or activity.city_id)
    return city.timezone if city else await activity_timezone(session, activity)


async def _notify_plans(
    session: AsyncSession, activity_id: int, *, retired: bool, now: datetime
) -> int:
    activity = await session.get(Activity, activity_id)
    if activity is None:
        return 0
    rows = await session.execute(
        select(Plan, Learner)
        .join(Learner, Learner.id == Plan.learner_id)
        .where(Plan.activity_id == activity_id)
    )
    told = 0
    for plan, learner in rows:
        before = plan.next_starts_at
        if retired or activity.status != ActivityStatus.ACTIVE.value:
            after = None
            await cancel_pending(session, learner.id, activity_id=activity_id, kinds=PLAN_KINDS)
            plan.next_starts_at = None
        else:
            after = await schedule_plan(session, plan, learner, now)
        if before is None or before <= now or before == after:
            continue  # nothing upcoming was promised, or nothing changed
        if not (learner.consent and learner.is_active):
            continue
        timezone = await _learner_tz(session, learner, activity)
        due = quiet_adjusted(now, timezone, get_reminders(learner))
        if after is None:
            key = f"x:{learner.id}:{activity_id}:{_epoch(before)}"
            kind = ReminderKind.CANCELLED
        else:
            key = f"m:{learner.id}:{activity_id}:{_epoch(after)}"
            kind = ReminderKind.MOVED
        told += await enqueue(
            session,
            key=key,
            learner_id=learner.id,
            activity_id=activity_id,
            kind=kind,
            starts_at=after,
            due_at=due,
            now=now,
            payload={"before": before.isoformat()},
        )
    return told


async def notify_changes(
    database: Database,
    changed_ids: Iterable[int],
    retired_ids: Iterable[int],
    now: datetime,
) -> int:
    """After a feed sync: tell people who saved an activity that it moved or was cancelled.

    Reminders of moved activities are rescheduled. Each notice is enqueued once per change, so
    calling this again for the same sync does nothing. Returns the number of notices enqueued.
    """
    retired = set(retired_ids)
    told = 0
    for activity_id in sorted(set(changed_ids) | retired):
        async with database.session() as session:
            told += await _notify_plans(
                session, activity_id, retired=activity_id in retired, now=now
            )
    return told
