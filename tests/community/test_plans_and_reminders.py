"""Plans and reminder rows: due times, quiet hours, snooze, stop, and feed changes."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select

from catalogue.models import Activity, ActivityStatus, Occurrence
from community.models import Attendance, Learner, Plan, Reminder, ReminderKind
from community.plans import (
    PlanError,
    answer_follow_up,
    list_plans,
    remove_plan,
    save_plan,
    toggle_reminders,
)
from community.preferences import get_reminders, toggle_offset
from community.reminders import notify_changes, reschedule_learner, snooze, stop_reminders
from storage import Database
from tests.community import factories

LISBON = ZoneInfo("Europe/Lisbon")
NOW = datetime(2026, 12, 1, 10, 0, tzinfo=UTC)


def lisbon(day: int, hour: int, minute: int = 0) -> datetime:
    """A December 2026 time in Lisbon (UTC+0 in winter), as UTC."""
    return datetime(2026, 12, day, hour, minute, tzinfo=LISBON).astimezone(UTC)


async def _pending(database: Database, learner_id: int) -> list[Reminder]:
    async with database.session() as session:
        rows = await session.scalars(
            select(Reminder)
            .where(Reminder.learner_id == learner_id, Reminder.status == "pending")
            .order_by(Reminder.due_at)
        )
        return list(rows)


async def test_saving_schedules_a_day_and_an_hour_before(database: Database) -> None:
    """Defaults: 24 h and 1 h before the next session; saving twice changes nothing."""
    async with database.session() as session:
        ana = await factories.learner(session)
        act = await factories.activity(session, [lisbon(3, 18), lisbon(10, 18)])
        result = await save_plan(session, ana, act.id, NOW)
        again = await save_plan(session, ana, act.id, NOW)
    assert not isinstance(result, PlanError)
    assert result.created
    assert result.next_starts_at == lisbon(3, 18)
    assert not isinstance(again, PlanError)
    assert not again.created
    rows = await _pending(database, ana.id)
    assert [r.due_at for r in rows] == [lisbon(2, 18), lisbon(3, 17)]
    assert {r.kind for r in rows} == {ReminderKind.REMINDER.value}


async def test_quiet_hours_postpone_or_bring_forward(database: Database) -> None:
    """22:00–08:00 city time: wait until 08:00, or say it the evening before if 08:00 is late."""
    async with database.session() as session:
        ana = await factories.learner(session)
        late = await factories.activity(session, lisbon(3, 23))  # a day before: 23:00 → 08:00
        early = await factories.activity(session, lisbon(4, 7))  # an hour before: 06:00 → 21:59
        morning = await factories.activity(session, lisbon(5, 8, 30))  # 07:30 → 08:00
        for act in (late, early, morning):
            await save_plan(session, ana, act.id, NOW)
    due = {
        (r.activity_id, r.payload["offset"]): r.due_at for r in await _pending(database, ana.id)
    }
    assert due[late.id, 1440] == lisbon(3, 8)
    assert due[late.id, 60] == lisbon(3, 22) - timedelta(minutes=1)  # 22:00 is quiet already
    assert due[early.id, 60] == lisbon(3, 21, 59)
    assert due[early.id, 1440] == lisbon(3, 8)
    assert due[morning.id, 60] == lisbon(5, 8)


async def test_no_consent_no_plan_and_unknown_activity(database: Database) -> None:
    """Without consent nothing is kept; a retired or missing activity cannot be saved."""
    async with database.session() as session:
        shy = await factories.learner(session, consent=False)
        ana = await factories.learner(session)
        act = await factories.activity(session, lisbon(3, 18))
        assert await save_plan(session, shy, act.id, NOW) is PlanError.NO_CONSENT
        assert await save_plan(session, ana, 999_999, NOW) is PlanError.UNKNOWN
        act.status = ActivityStatus.RETIRED.value
        assert await save_plan(session, ana, act.id, NOW) is PlanError.UNKNOWN


async def test_preferences_snooze_stop_and_unsave(database: Database) -> None:
    """Offsets are per learner; snooze adds an hour; stop and unsave cancel what is pending."""
    async with database.session() as session:
        ana = await factories.learner(session)
        act = await factories.activity(session, lisbon(3, 18))
        await save_plan(session, ana, act.id, NOW)
        toggle_offset(ana, 1440)
        toggle_offset(ana, 180)
        assert get_reminders(ana).offsets == (180, 60)
        await reschedule_learner(session, ana, NOW)
    rows = await _pending(database, ana.id)
    assert [r.due_at for r in rows] == [lisbon(3, 15), lisbon(3, 17)]

    at = lisbon(3, 15, 1)
    async with database.session() as session:
        ana = await session.get(Learner, ana.id)
        snoozed = await snooze(session, ana, rows[0].id, at)
        assert snoozed.due_at == at + timedelta(hours=1)
        too_late = await snooze(session, ana, rows[0].id, lisbon(3, 17, 30))
        assert too_late.due_at is None
        assert too_late.reason == "starts_soon"
    assert len(await _pending(database, ana.id)) == 3

    async with database.session() as session:
        ana = await session.get(Learner, ana.id)
        assert await stop_reminders(session, ana, rows[0].id) == act.id
        plan = await session.scalar(select(Plan).where(Plan.learner_id == ana.id))
        assert plan is not None
        assert plan.remind is False
    assert await _pending(database, ana.id) == []

    async with database.session() as session:
        ana = await session.get(Learner, ana.id)
        on_again = await toggle_reminders(session, ana, act.id, NOW)
        assert not isinstance(on_again, PlanError)
        assert on_again.remind
    assert len(await _pending(database, ana.id)) == 2
    async with database.session() as session:
        ana = await session.get(Learner, ana.id)
        assert await remove_plan(session, ana, act.id)
        assert await list_plans(session, ana.id, NOW) == []
    assert await _pending(database, ana.id) == []


async def test_going_asks_afterwards_and_records_attendance(database: Database) -> None:
    """ "I'm going" adds a "did you go?" at the end; yes records the session once."""
    async with database.session() as session:
        ana = await factories.learner(session)
        act = await factories.activity(session, lisbon(3, 18))
        await save_plan(session, ana, act.id, NOW, going=True)
        [view] = await list_plans(session, ana.id, NOW)
        assert view.status == "going"
        assert view.starts_at == lisbon(3, 18)
    [follow_up] = [r for r in await _pending(database, ana.id) if r.kind == "follow_up"]
    assert follow_up.due_at == lisbon(3, 20)
    async with database.session() as session:
        ana = await session.get(Learner, ana.id)
        for _ in range(2):
            answer = await answer_follow_up(
                session, ana, follow_up.id, went=True, now=lisbon(3, 20, 5)
            )
            assert answer is not None
            assert answer.recorded
        stranger = await factories.learner(session)
        assert await answer_follow_up(session, stranger, follow_up.id, went=True, now=NOW) is None
        count = len(list(await session.scalars(select(Attendance))))
    assert count == 1


async def test_moved_and_cancelled_are_told_once(database: Database) -> None:
    """A sync that moves an activity tells savers once and reschedules; retiring tells once."""
    async with database.session() as session:
        ana = await factories.learner(session)
        moved = await factories.activity(session, lisbon(3, 18))
        dropped = await factories.activity(session, lisbon(4, 18))
        untouched = await factories.activity(session, lisbon(5, 18))
        for act in (moved, dropped, untouched):
            await save_plan(session, ana, act.id, NOW)
    async with database.session() as session:
        occurrence = await session.scalar(
            select(Occurrence).where(Occurrence.activity_id == moved.id)
        )
        assert occurrence is not None
        occurrence.starts_at = lisbon(6, 18)
        retired = await session.get(Activity, dropped.id)
        assert retired is not None
        retired.status = ActivityStatus.RETIRED.value
    for _ in range(2):  # a rerun sync tells nobody twice
        told = await notify_changes(database, [moved.id, untouched.id], [dropped.id], NOW)
        assert told == (2 if _ == 0 else 0)
    rows = await _pending(database, ana.id)
    notices = {(r.kind, r.activity_id) for r in rows if r.kind in ("moved", "cancelled")}
    assert notices == {("moved", moved.id), ("cancelled", dropped.id)}
    reminders = {(r.activity_id, r.starts_at) for r in rows if r.kind == "reminder"}
    assert reminders == {(moved.id, lisbon(6, 18)), (untouched.id, lisbon(5, 18))}
