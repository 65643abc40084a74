"""The dispatcher: claims, leases, blocked people, rate limits, and two dispatchers at once."""

from __future__ import annotations

import asyncio
from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from community.dispatch import LEASE, Delivery, Due, Outcome, claim_due, dispatch_due
from community.models import Learner, Reminder
from community.plans import save_plan
from storage import Database, create_database
from tests.community import factories

NOW = datetime(2026, 12, 1, 10, 0, tzinfo=UTC)
START = datetime(2026, 12, 3, 18, 0, tzinfo=UTC)
DAY_BEFORE = START - timedelta(days=1)


class Recorder:
    """Stands in for Telegram: remembers what was sent, can refuse some people."""

    def __init__(self, blocked: frozenset[int] = frozenset()) -> None:
        self.sent: Counter[int] = Counter()
        self.blocked = blocked

    async def __call__(self, due: Due) -> Delivery:
        await asyncio.sleep(0)
        if due.telegram_id in self.blocked:
            return Delivery(Outcome.BLOCKED)
        self.sent[due.id] += 1
        return Delivery(Outcome.SENT)


async def _plans(database: Database, people: int) -> list[Learner]:
    async with database.session() as session:
        act = await factories.activity(session, START)
        learners = [await factories.learner(session) for _ in range(people)]
        for learner in learners:
            await save_plan(session, learner, act.id, NOW)
    return learners


async def _statuses(database: Database) -> Counter[str]:
    async with database.session() as session:
        rows = await session.execute(
            select(Reminder.status, func.count()).group_by(Reminder.status)
        )
        return Counter({row.status: row[1] for row in rows})


async def test_due_rows_are_sent_once_and_only_when_due(database: Database) -> None:
    """Nothing before its time; at its time once; a second run sends nothing more."""
    await _plans(database, 3)
    send = Recorder()
    early = await dispatch_due(database, send, DAY_BEFORE - timedelta(minutes=1))
    assert early.claimed == 0
    report = await dispatch_due(database, send, DAY_BEFORE)
    again = await dispatch_due(database, send, DAY_BEFORE + timedelta(minutes=5))
    assert report.count(Outcome.SENT) == 3
    assert again.claimed == 0
    assert set(send.sent.values()) == {1}
    assert (await _statuses(database))["sent"] == 3


async def test_a_crash_after_claiming_is_healed_by_the_lease(database: Database) -> None:
    """Claimed rows of a dead process are claimed again once the lease runs out."""
    await _plans(database, 2)
    lost = await claim_due(database, DAY_BEFORE)  # the process dies right here
    assert len(lost) == 2
    send = Recorder()
    meanwhile = await dispatch_due(database, send, DAY_BEFORE + LEASE - timedelta(seconds=1))
    assert meanwhile.claimed == 0
    later = await dispatch_due(database, send, DAY_BEFORE + LEASE + timedelta(seconds=1))
    assert later.count(Outcome.SENT) == 2
    assert set(send.sent.values()) == {1}


async def test_blocked_person_is_marked_inactive_and_others_still_get_theirs(
    database: Database,
) -> None:
    """403 for one person: they become inactive, their other rows are cancelled, others sent."""
    learners = await _plans(database, 3)
    send = Recorder(blocked=frozenset({learners[1].telegram_id}))
    report = await dispatch_due(database, send, DAY_BEFORE)
    assert report.count(Outcome.SENT) == 2
    assert report.count(Outcome.BLOCKED) == 1
    blocked = await factories.reload(database, Learner, learners[1].id)
    assert blocked.is_active is False
    async with database.session() as session:
        left = await session.scalars(
            select(Reminder.status).where(Reminder.learner_id == learners[1].id)
        )
        assert set(left) == {"cancelled"}  # the 1-hour reminder will not be tried either


async def test_rate_limit_puts_the_row_back_for_later(database: Database) -> None:
    """429: this row waits until retry_at and the rest of the batch is given back."""
    await _plans(database, 3)
    calls = 0

    async def limited(due: Due) -> Delivery:
        nonlocal calls
        calls += 1
        return Delivery(Outcome.RETRY, retry_at=DAY_BEFORE + timedelta(seconds=30))

    report = await dispatch_due(database, limited, DAY_BEFORE)
    assert calls == 1
    assert report.count(Outcome.RETRY) == 1
    send = Recorder()
    soon = await dispatch_due(database, send, DAY_BEFORE + timedelta(seconds=10))
    assert soon.count(Outcome.SENT) == 2
    later = await dispatch_due(database, send, DAY_BEFORE + timedelta(seconds=31))
    assert later.count(Outcome.SENT) == 1
    assert set(send.sent.values()) == {1}


async def test_two_dispatchers_on_two_engines_send_each_row_once(
    database: Database, database_url: str
) -> None:
    """1,000 due reminders, two processes' worth of engines racing: every one sent once."""
    async with database.session() as session:
        act = await factories.activity(session, START)
        home = await factories.city(session)
        learners = [
            Learner(
                telegram_id=500_000 + index,
                language="en",
                city_id=home.id,
                consent=True,
                interests=[],
                preferences={},
            )
            for index in range(1000)
        ]
        session.add_all(learners)
        await session.flush()
        session.add_all(
            Reminder(
                key=f"bulk:{learner.id}",
                learner_id=learner.id,
                activity_id=act.id,
                kind="reminder",
                starts_at=START,
                due_at=START - timedelta(hours=1),
                payload={},
            )
            for learner in learners
        )
    other = create_database(database_url)
    try:
        send = Recorder()
        reports = await asyncio.gather(
            dispatch_due(database, send, START, batch=50, max_batches=100),
            dispatch_due(other, send, START, batch=50, max_batches=100),
        )
    finally:
        await other.dispose()
    assert len(send.sent) == len(learners) >= 1000
    assert set(send.sent.values()) == {1}
    assert sum(r.claimed for r in reports) == len(learners)
    assert all(r.claimed > 0 for r in reports)  # both really took part
    assert (await _statuses(database)) == Counter({"sent": len(learners)})


@pytest.mark.parametrize(
    ("batch", "minutes"),
    [
        # One row per batch: the second batch is claimed 4 minutes in, so its lease must run
        # from then, not from the start of the run.
        (1, (4, 6)),
        # Both rows in one batch: after a 4.5-minute first send the second row's lease is
        # nearly out, so it is renewed before sending.
        (2, (4.5, 5.5)),
    ],
)
async def test_a_slow_run_keeps_its_leases(
    database: Database, batch: int, minutes: tuple[float, float]
) -> None:
    """Run A's sends are slow; run B starts while A is busy with its last row. B must find
    nothing to take, so every reminder reaches its person exactly once."""
    await _plans(database, 2)
    sent: Counter[int] = Counter()
    moment = [DAY_BEFORE]
    other_runs: list[int] = []

    async def run_b(due: Due) -> Delivery:
        sent[due.id] += 1
        return Delivery(Outcome.SENT)

    async def slow_a(due: Due) -> Delivery:
        sent[due.id] += 1
        step = len(sent) - 1
        moment[0] = DAY_BEFORE + timedelta(minutes=minutes[step])
        if step == 1:  # B starts while A is still sending its last row
            other_runs.append((await dispatch_due(database, run_b, moment[0])).claimed)
        return Delivery(Outcome.SENT)

    await dispatch_due(database, slow_a, DAY_BEFORE, batch=batch, clock=lambda: moment[0])

    assert sorted(sent.values()) == [1, 1]
    assert other_runs == [0]
    assert (await _statuses(database))["sent"] == 2
