"""The dispatcher: claim due rows, hand each to a sender, record what happened.

Claiming is one short transaction. On PostgreSQL the due rows are locked with
``FOR UPDATE SKIP LOCKED`` (another process skips them rather than waits) and stamped with this
run's token and a lease; on SQLite one ``UPDATE ... WHERE status = 'pending'`` does the same under
the database's single writer lock. Each row is then marked in its own short transaction, and
only if it still carries our token. A process that dies after claiming leaves rows whose lease
runs out, and the next run claims them again: nothing is lost, and nothing that was marked sent
is sent again.
"""

from __future__ import annotations

import logging
import secrets
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from sqlalchemy import and_, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from community.models import Learner, Plan, Reminder, ReminderKind, ReminderStatus
from community.reminders import cancel_pending, schedule_plan
from storage import Database

log = logging.getLogger(__name__)

LEASE = timedelta(minutes=5)
# A claim this close to the end of its lease is renewed before each send, so a slow run never
# sends a row that another process may already have claimed again.
RENEW_BEFORE = timedelta(minutes=1)
MAX_ATTEMPTS = 5
LOST = "lost"  # the claim ran out and another run took the row: not sent by this one


@dataclass(frozen=True, slots=True)
class Due:
    """A claimed row with what a sender needs to render it."""

    id: int
    token: str
    kind: ReminderKind
    learner_id: int
    telegram_id: int
    language: str
    activity_id: int | None
    starts_at: datetime | None
    payload: dict[str, Any]
    attempts: int
    deliverable: bool  # False: the learner left or withdrew consent; drop without sending


class Outcome(StrEnum):
    """What happened when a sender tried to deliver a row."""

    SENT = "sent"
    BLOCKED = "blocked"  # the person blocked the bot
    RETRY = "retry"  # rate limited: try again at ``retry_at``
    GONE = "gone"  # nothing left to say (activity deleted, plan removed)
    FAILED = "failed"  # an error: try again later, a few times


@dataclass(frozen=True, slots=True)
class Delivery:
    """A sender's answer for one row."""

    outcome: Outcome
    retry_at: datetime | None = None


Deliver = Callable[[Due], Awaitable[Delivery]]


@dataclass(slots=True)
class DispatchReport:
    """Counts of one dispatcher run."""

    claimed: int = 0
    outcomes: dict[str, int] = field(default_factory=dict)

    def count(self, outcome: Outcome) -> int:
        """How many rows ended with ``outcome``."""
        return self.outcomes.get(outcome.value, 0)


def _claimable(row: Any, now: datetime) -> Any:
    return or_(
        and_(row.status == ReminderStatus.PENDING.value, row.due_at <= now),
        and_(row.status == ReminderStatus.CLAIMED.value, row.claimed_until < now),
    )


async def _claim_ids(session: AsyncSession, now: datetime, limit: int, token: str) -> None:
    candidate = aliased(Reminder)
    oldest_first = (
        select(candidate.id)
        .where(_claimable(candidate, now))
        .order_by(candidate.due_at)
        .limit(limit)
    )
    claim = update(Reminder).values(
        status=ReminderStatus.CLAIMED.value,
        claim_token=token,
        claimed_until=now + LEASE,
        attempts=Reminder.attempts + 1,
    )
    if session.get_bind().dialect.name == "postgresql":
        ids = list(await session.scalars(oldest_first.with_for_update(skip_locked=True)))
        if ids:
            await session.execute(
                claim.where(Reminder.id.in_(ids)),
                execution_options={"synchronize_session": False},
            )
        return
    # SQLite: the transaction began IMMEDIATE, so this read-and-update is one atomic step.
    await session.execute(
        claim.where(Reminder.id.in_(oldest_first.scalar_subquery()), _claimable(Reminder, now)),
        execution_options={"synchronize_session": False},
    )


async def claim_due(
    database: Database, now: datetime, *, limit: int = 100, token: str | None = None
) -> list[Due]:
    """Claim up to ``limit`` due rows for this run (oldest first) and return them."""
    token = token or secrets.token_hex(8)
    async with database.session() as session:
        await _claim_ids(session, now, limit, token)
        rows = await session.execute(
            select(Reminder, Learner)
            .join(Learner, Learner.id == Reminder.learner_id)
            .where(Reminder.claim_token == token, Reminder.status == ReminderStatus.CLAIMED.value)
            .order_by(Reminder.due_at, Reminder.id)
        )
        return [
            Due(
                id=reminder.id,
                token=token,
                kind=ReminderKind(reminder.kind),
                learner_id=learner.id,
                telegram_id=learner.telegram_id,
                language=learner.language,
                activity_id=reminder.activity_id,
                starts_at=reminder.starts_at,
                payload=dict(reminder.payload or {}),
                attempts=reminder.attempts,
                deliverable=learner.is_active and learner.consent,
            )
            for reminder, learner in rows
        ]


async def renew(database: Database, due: Due, now: datetime) -> bool:
    """Extend this run's claim on ``due`` from ``now``; False when the row is no longer ours."""
    async with database.session() as session:
        result = await session.execute(
            update(Reminder).where(_ours(due)).values(claimed_until=now + LEASE),
            execution_options={"synchronize_session": False},
        )
        return bool(result.rowcount)  # type: ignore[attr-defined]


def _ours(due: Due) -> Any:
    return and_(
        Reminder.id == due.id,
        Reminder.claim_token == due.token,
        Reminder.status == ReminderStatus.CLAIMED.value,
    )


async def _after_follow_up(session: AsyncSession, due: Due, now: datetime) -> None:
    """A recurring activity: once "did you go?" is out, remind about the next session."""
    plan = await session.scalar(
        select(Plan).where(Plan.learner_id == due.learner_id, Plan.activity_id == due.activity_id)
    )
    learner = await session.get(Learner, due.learner_id)
    if plan is not None and learner is not None:
        await schedule_plan(session, plan, learner, now)


async def finish(database: Database, due: Due, delivery: Delivery, now: datetime) -> bool:
    """Record a delivery; False when the claim was lost (lease ran out, someone else has it)."""
    async with database.session() as session:
        statement = update(Reminder).where(_ours(due))
        if delivery.outcome is Outcome.SENT:
            values: dict[str, Any] = {"status": ReminderStatus.SENT.value, "sent_at": now}
        elif delivery.outcome is Outcome.RETRY:
            values = {"status": ReminderStatus.PENDING.value, "due_at": delivery.retry_at or now}
        elif delivery.outcome is Outcome.FAILED and due.attempts < MAX_ATTEMPTS:
            backoff = timedelta(minutes=2**due.attempts)
            values = {"status": ReminderStatus.PENDING.value, "due_at": now + backoff}
        elif delivery.outcome is Outcome.FAILED:
            values = {"status": ReminderStatus.FAILED.value}
        else:
            values = {"status": ReminderStatus.CANCELLED.value}
        values |= {"claim_token": None, "claimed_until": None}
        result = await session.execute(statement.values(**values))
        if not result.rowcount:  # type: ignore[attr-defined]
            log.warning("reminder %s: claim lost before it was marked", due.id)
            return False
        if delivery.outcome is Outcome.BLOCKED:
            await session.execute(
                update(Learner).where(Learner.id == due.learner_id).values(is_active=False)
            )
            await cancel_pending(session, due.learner_id)
        if delivery.outcome is Outcome.SENT and due.kind is ReminderKind.FOLLOW_UP:
            await _after_follow_up(session, due, now)
        return True


async def release(database: Database, claimed: Sequence[Due]) -> None:
    """Give claimed rows back untouched (the run stops early, e.g. after a rate limit)."""
    if not claimed:
        return
    async with database.session() as session:
        for due in claimed:
            await session.execute(
                update(Reminder)
                .where(_ours(due))
                .values(
                    status=ReminderStatus.PENDING.value,
                    claim_token=None,
                    claimed_until=None,
                    attempts=Reminder.attempts - 1,
                )
            )


def _superseded(claimed: Sequence[Due]) -> set[int]:
    """Reminders for a session whose later reminder is due too: only the latest is worth sending.

    This happens after downtime, or when someone saves an activity that starts soon.
    """
    latest: dict[tuple[int, int | None, datetime | None], int] = {}
    stale: set[int] = set()
    for due in claimed:  # oldest first, so a later one replaces an earlier one
        if due.kind is not ReminderKind.REMINDER:
            continue
        key = (due.learner_id, due.activity_id, due.starts_at)
        if key in latest:
            stale.add(latest[key])
        latest[key] = due.id
    return stale


async def dispatch_due(
    database: Database,
    deliver: Deliver,
    now: datetime,
    *,
    batch: int = 100,
    max_batches: int = 20,
    clock: Callable[[], datetime] | None = None,
) -> DispatchReport:
    """Claim and deliver what is due, batch after batch; stop early when rate limited.

    ``now`` is the time the run starts; the time spent since is added to it for every claim
    and lease (or ``clock`` is read), so a slow run (Telegram waits, many rows) keeps its leases
    honest.
    """
    report = DispatchReport()
    blocked: set[int] = set()
    started = time.monotonic()

    def current() -> datetime:
        if clock is not None:
            return clock()
        return now + timedelta(seconds=time.monotonic() - started)

    for _ in range(max_batches):
        claimed_at = current()
        claimed = await claim_due(database, claimed_at, limit=batch)
        if not claimed:
            break
        report.claimed += len(claimed)
        stale = _superseded(claimed)
        for index, due in enumerate(claimed):
            if current() >= claimed_at + LEASE - RENEW_BEFORE and not await renew(
                database, due, current()
            ):
                report.outcomes[LOST] = report.outcomes.get(LOST, 0) + 1
                continue
            if not due.deliverable or due.learner_id in blocked or due.id in stale:
                delivery = Delivery(Outcome.GONE)
            else:
                try:
                    delivery = await deliver(due)
                except Exception:
                    log.exception("reminder %s: delivery failed", due.id)
                    delivery = Delivery(Outcome.FAILED)
            await finish(database, due, delivery, current())
            if delivery.outcome is Outcome.BLOCKED:
                blocked.add(due.learner_id)
            report.outcomes[delivery.outcome.value] = (
                report.outcomes.get(delivery.outcome.value, 0) + 1
            )
            if delivery.outcome is Outcome.RETRY:
                await release(database, claimed[index + 1 :])
                return report
        if len(claimed) < batch:
            break
    return report
