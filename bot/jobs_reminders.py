"""Scheduled jobs of plans: the reminder dispatcher and the weekly digest.

Both read the time from ``Services.clock`` so tests move time instead of sleeping, and both keep
their state in the database, so a restart (or a second process) carries on where it stopped.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from telegram import Bot
from telegram.constants import ParseMode
from telegram.error import BadRequest, Forbidden, RetryAfter, TelegramError

from community.digest import enqueue_digests
from community.dispatch import (
    Deliver,
    Delivery,
    DispatchReport,
    Due,
    Outcome,
    dispatch_due,
)
from conversations.context import BotContext, Reply, Services
from conversations.i18n import use_language
from conversations.reminders import render_due
from storage import Database

if TYPE_CHECKING:
    from bot.app import BotApplication

log = logging.getLogger(__name__)

DISPATCH_EVERY = timedelta(seconds=15)
DIGEST_EVERY = timedelta(minutes=10)


def _seconds(value: Any) -> float:
    return value.total_seconds() if isinstance(value, timedelta) else float(value)


async def _send(bot: Bot, due: Due, reply: Reply, now: datetime) -> Delivery:
    """Send one rendered message and say how it went, in the dispatcher's terms."""
    try:
        await bot.send_message(
            due.telegram_id, reply.text, reply_markup=reply.markup, parse_mode=ParseMode.HTML
        )
    except Forbidden:
        return Delivery(Outcome.BLOCKED)
    except RetryAfter as exc:
        wait = _seconds(exc.retry_after)
        return Delivery(Outcome.RETRY, retry_at=now + timedelta(seconds=wait))
    except BadRequest as exc:
        if "chat not found" in exc.message.lower():
            return Delivery(Outcome.BLOCKED)
        log.warning("reminder %s refused by Telegram: %s", due.id, exc.message)
        return Delivery(Outcome.FAILED)
    except TelegramError as exc:
        log.warning("reminder %s not sent: %s", due.id, exc)
        return Delivery(Outcome.FAILED)
    return Delivery(Outcome.SENT)


def make_sender(bot: Bot, database: Database, now: datetime) -> Deliver:
    """A function that renders one due row in its learner's language and sends it."""

    async def deliver(due: Due) -> Delivery:
        with use_language(due.language):
            async with database.session() as session:
                reply = await render_due(session, due)
            if reply is None:
                return Delivery(Outcome.GONE)
            return await _send(bot, due, reply, now)

    return deliver


async def deliver_due(bot: Bot, database: Database, now: datetime) -> DispatchReport:
    """Send everything due at ``now`` (one dispatcher run)."""
    return await dispatch_due(database, make_sender(bot, database, now), now)


def _services(application: BotApplication) -> Services:
    services = application.bot_data.services
    if services is None:
        msg = "services are not configured"
        raise RuntimeError(msg)
    return services


async def dispatch_now(application: BotApplication, now: datetime | None = None) -> DispatchReport:
    """One dispatcher run for this application (at ``now``, else the services' clock)."""
    services = _services(application)
    return await deliver_due(application.bot, services.database, now or services.clock())


async def digests_now(application: BotApplication, now: datetime | None = None) -> int:
    """Enqueue the digests whose slot has come, then send what is due."""
    services = _services(application)
    moment = now or services.clock()
    made = await enqueue_digests(services.database, moment)
    if made:
        await dispatch_now(application, moment)
    return made


async def _dispatch_job(context: BotContext) -> None:
    try:
        report = await deliver_due(
            context.bot, context.services.database, context.services.clock()
        )
    except Exception:
        log.exception("reminder dispatcher run failed; the next run retries")
        return
    if report.claimed:
        log.info("reminders: %s", report.outcomes)


async def _digest_job(context: BotContext) -> None:
    try:
        made = await enqueue_digests(context.services.database, context.services.clock())
    except Exception:
        log.exception("digest run failed; the next run retries")
        return
    if made:
        log.info("digests enqueued: %s", made)


def schedule_jobs(application: BotApplication) -> None:
    """Start the dispatcher and the digest jobs on the application's job queue."""
    queue = application.job_queue
    if queue is None:
        log.warning("no job queue: reminders and digests will not be sent")
        return
    queue.run_repeating(_dispatch_job, interval=DISPATCH_EVERY, first=1, name="reminders")
    queue.run_repeating(_digest_job, interval=DIGEST_EVERY, first=5, name="digests")
