"""Plans: save an activity, say "I'm going", list them, and record that someone went."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from sqlalchemy import delete, func, select
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from catalogue.models import Activity, ActivityStatus, City, Occurrence
from catalogue.texts import in_language
from community.models import Attendance, Learner, Plan, PlanStatus, Reminder, ReminderKind
from community.reminders import cancel_pending, schedule_plan


class PlanError(StrEnum):
    """Why a plan could not be made."""

    UNKNOWN = "unknown"  # no such activity, or it is no longer on offer
    NO_CONSENT = "no_consent"  # we may not keep plans for this person


@dataclass(frozen=True, slots=True)
class PlanResult:
    """What saving did: the plan's status, whether it reminds, and its next session."""

    status: PlanStatus
    remind: bool
    next_starts_at: datetime | None
    created: bool


@dataclass(frozen=True, slots=True)
class PlanView:
    """One line of "My plans"."""

    activity_id: int
    titles: dict[str, str]
    status: PlanStatus
    remind: bool
    starts_at: datetime | None
    timezone: str
    venue_name: str | None
    online: bool

    def title(self, language: str) -> str:
        """Return the title in ``language``, else any title."""
        return in_language(self.titles, language)


async def _live_activity(session: AsyncSession, activity_id: int) -> Activity | None:
    activity = await session.get(Activity, activity_id)
    if activity is None or activity.status != ActivityStatus.ACTIVE.value:
        return None
    return activity


async def get_plan(session: AsyncSession, learner_id: int, activity_id: int) -> Plan | None:
    """Return the learner's plan for an activity, if any."""
    return await session.scalar(
        select(Plan).where(Plan.learner_id == learner_id, Plan.activity_id == activity_id)
    )


async def save_plan(
    session: AsyncSession,
    learner: Learner,
    activity_id: int,
    now: datetime,
    *,
    going: bool = False,
    remind: bool | None = None,
) -> PlanResult | PlanError:
    """Save (or mark as going) an activity and schedule its reminders; idempotent."""
    if not learner.consent:
        return PlanError.NO_CONSENT
    if await _live_activity(session, activity_id) is None:
        return PlanError.UNKNOWN
    plan = await get_plan(session, learner.id, activity_id)
    created = plan is None
    if plan is None:
        plan = Plan(
            learner_id=learner.id,
            activity_id=activity_id,
            status=PlanStatus.SAVED.value,
            remind=True,
            created_at=now,
        )
        session.add(plan)
    if going:
        plan.status = PlanStatus.GOING.value
    if remind is not None:
        plan.remind = remind
    plan.updated_at = now
    await session.flush()
    starts_at = await schedule_plan(session, plan, learner, now)
    return PlanResult(PlanStatus(plan.status), plan.remind, starts_at, created)


async def toggle_reminders(
    session: AsyncSession, learner: Learner, activity_id: int, now: datetime
) -> PlanResult | PlanError:
    """The "remind me" button: save with reminders, or turn the reminders of a plan off."""
    plan = await get_plan(session, learner.id, activity_id)
    remind = True if plan is None else not plan.remind
    return await save_plan(session, learner, activity_id, now, remind=remind)


async def remove_plan(session: AsyncSession, learner: Learner, activity_id: int) -> bool:
    """Forget a plan and everything it had scheduled; False when there was none."""
    result = await session.execute(
        delete(Plan).where(Plan.learner_id == learner.id, Plan.activity_id == activity_id)
    )
    await cancel_pending(
        session,
        learner.id,
        activity_id=activity_id,
        kinds=(ReminderKind.REMINDER.value, ReminderKind.FOLLOW_UP.value),
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


async def list_plans(session: AsyncSession, learner_id: int, now: datetime) -> list[PlanView]:
    """The learner's plans that are still on offer, soonest first (undated ones last)."""
    upcoming = (
        select(Occurrence.activity_id, func.min(Occurrence.starts_at).label("starts_at"))
        .where(Occurrence.starts_at > now)
        .group_by(Occurrence.activity_id)
        .subquery()
    )
    rows = await session.execute(
        select(Plan, Activity, City.timezone, upcoming.c.starts_at)
        .join(Activity, Activity.id == Plan.activity_id)
        .join(City, City.id == Activity.city_id)
        .outerjoin(upcoming, upcoming.c.activity_id == Plan.activity_id)
        .where(Plan.learner_id == learner_id, Activity.status == ActivityStatus.ACTIVE.value)
    )
    views = [
        PlanView(
            activity_id=activity.id,
            titles=dict(activity.titles),
            status=PlanStatus(plan.status),
            remind=plan.remind,
            starts_at=starts_at,
            timezone=timezone,
            venue_name=activity.venue_name,
            online=activity.online,
        )
        for plan, activity, timezone, starts_at in rows
    ]
    views.sort(key=lambda v: (v.starts_at is None, v.starts_at or now, v.activity_id))
    return views


async def record_attendance(
    session: AsyncSession,
    learner_id: int,
    activity_id: int,
    starts_at: datetime,
    now: datetime,
    source: str = "self",
) -> bool:
    """Record that a learner went to a session that has started; False if no such session."""
    session_row = await session.scalar(
        select(Occurrence.id).where(
            Occurrence.activity_id == activity_id,
            Occurrence.starts_at == starts_at,
            Occurrence.starts_at <= now,
        )
    )
    if session_row is None:
        return False
    dialect = session.get_bind().dialect.name
    insert = postgresql_insert if dialect == "postgresql" else sqlite_insert
    await session.execute(
        insert(Attendance)
        .values(
            learner_id=learner_id,
            activity_id=activity_id,
            starts_at=starts_at,
            source=source,
            recorded_at=now,
        )
        .on_conflict_do_nothing(index_elements=["learner_id", "activity_id", "starts_at"])
    )
    return True


async def attended(session: AsyncSession, learner_id: int, activity_id: int) -> int:
    """How many sessions of an activity the learner went to."""
    count = await session.scalar(
        select(func.count())
        .select_from(Attendance)
        .where(Attendance.learner_id == learner_id, Attendance.activity_id == activity_id)
    )
    return int(count or 0)


@dataclass(frozen=True, slots=True)
class FollowUpAnswer:
    """What answering "did you go?" did."""

    activity_id: int
    went: bool
    recorded: bool


async def answer_follow_up(
    session: AsyncSession, learner: Learner, reminder_id: int, *, went: bool, now: datetime
) -> FollowUpAnswer | None:
    """Record the answer to a "did you go?" message; None when it is not this learner's."""
    reminder = await session.get(Reminder, reminder_id)
    if (
        reminder is None
        or reminder.learner_id != learner.id
        or reminder.kind != ReminderKind.FOLLOW_UP.value
        or reminder.activity_id is None
        or reminder.starts_at is None
    ):
        return None
    recorded = False
    if went:
        recorded = await record_attendance(
            session, learner.id, reminder.activity_id, reminder.starts_at, now
        )
    return FollowUpAnswer(reminder.activity_id, went, recorded)
