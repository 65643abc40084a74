"""Scheduled work on PTB's job queue: every minute, read the partner feeds that are due.

Each feed is read on its own interval (the sync engine sets the next time, with ±10% jitter so
that feeds added together drift apart). One task reads a given feed at a time (a lock per feed
in this process), and on PostgreSQL only one process runs a round at a time (an advisory lock),
so standby replicas never fetch the same feeds twice.
"""

from __future__ import annotations

import asyncio
import logging
from collections import defaultdict
from collections.abc import Awaitable, Callable, Iterable
from datetime import datetime
from typing import Any

import aiohttp
from telegram.ext import Application, CallbackContext

from catalogue.feeds import due_feed_ids
from catalogue.fetch import FeedFetcher
from catalogue.sync import SyncReport, UnknownFeedError, sync_feed, sync_round
from storage import Database, utcnow

log = logging.getLogger(__name__)

FEED_SYNC_JOB = "feed-sync"
ROUND_SECONDS = 60
FEEDS_PER_ROUND = 50

OnReport = Callable[[SyncReport], Awaitable[None]]


class FeedSyncJob:
    """Reads due feeds in rounds; owns the per-feed locks of this process."""

    def __init__(
        self,
        database: Database,
        *,
        allow_networks: Iterable[str] = (),
        allow_hosts: Iterable[str] = (),
        clock: Callable[[], datetime] = utcnow,
        on_report: OnReport | None = None,
        feeds_per_round: int = FEEDS_PER_ROUND,
    ) -> None:
        self.database = database
        self.allow_networks = tuple(allow_networks)
        self.allow_hosts = tuple(allow_hosts)
        self.clock = clock
        # Other journeys (the new-activities digest, saved-activity notices) listen here.
        self.on_report = on_report
        self.feeds_per_round = feeds_per_round
        self._locks: defaultdict[int, asyncio.Lock] = defaultdict(asyncio.Lock)
        # SQLite has one writer at a time, so its feeds are read one after the other.
        self.concurrency = 1 if database.dialect == "sqlite" else 4

    def fetcher(self, http: aiohttp.ClientSession) -> FeedFetcher:
        """A fetcher over ``http`` with the operator's allowed private networks."""
        return FeedFetcher(http, allow_networks=self.allow_networks, allow_hosts=self.allow_hosts)

    def busy(self, feed_id: int) -> bool:
        """True while a task of this process is reading the feed."""
        return feed_id in self._locks and self._locks[feed_id].locked()

    async def sync_one(self, feed_id: int, fetcher: FeedFetcher) -> SyncReport | None:
        """Read one feed unless this process is already reading it; None when skipped."""
        lock = self._locks[feed_id]
        if lock.locked():
            log.info("feed %s is already being read; skipped", feed_id)
            return None
        async with lock:
            try:
                report = await sync_feed(self.database, feed_id, fetcher=fetcher, now=self.clock())
            except UnknownFeedError:
                return None
            except Exception:  # one broken feed must not stop the others
                log.exception("feed %s: sync failed", feed_id)
                return None
        if self.on_report is not None:
            await self.on_report(report)
        return report

    async def run_round(self) -> list[SyncReport] | None:
        """Read every due feed; None when another process is running the round."""
        async with sync_round(self.database) as ours:
            if not ours:
                log.debug("another process is reading the feeds")
                return None
            async with self.database.session() as session:
                due = await due_feed_ids(session, self.clock(), self.feeds_per_round)
            if not due:
                return []
            gate = asyncio.Semaphore(self.concurrency)
            async with aiohttp.ClientSession() as http:
                fetcher = self.fetcher(http)

                async def one(feed_id: int) -> SyncReport | None:
                    async with gate:
                        return await self.sync_one(feed_id, fetcher)

                results = await asyncio.gather(*(one(feed_id) for feed_id in due))
        reports = [report for report in results if report is not None]
        failed = sum(not report.ok for report in reports)
        log.info("feed round: %d read, %d failed", len(reports), failed)
        return reports


async def sync_due_feeds(context: CallbackContext[Any, Any, Any, Any]) -> None:
    """Job callback: run one round of the feed sync held in the job's data."""
    job = context.job
    if job is not None and isinstance(job.data, FeedSyncJob):
        await job.data.run_round()


def schedule_jobs(
    application: Application[Any, Any, Any, Any, Any, Any],
    *,
    database: Database | None = None,
    allow_networks: Iterable[str] = (),
    on_report: OnReport | None = None,
) -> FeedSyncJob:
    """Add the feed sync round (every minute) to the application's job queue."""
    queue = application.job_queue
    if queue is None:
        msg = "the job queue is missing: install python-telegram-bot[job-queue]"
        raise RuntimeError(msg)
    services = getattr(application.bot_data, "services", None)
    database = database or (services.database if services is not None else None)
    if database is None:
        msg = "schedule_jobs needs the database (build the application first)"
        raise RuntimeError(msg)
    feed_sync = FeedSyncJob(
        database,
        allow_networks=allow_networks,
        clock=services.clock if services is not None else utcnow,
        on_report=on_report,
    )
    queue.run_repeating(
        sync_due_feeds,
        interval=ROUND_SECONDS,
        first=5,
        name=FEED_SYNC_JOB,
        data=feed_sync,
        # A round that overruns the minute is not doubled; a missed one is not replayed.
        job_kwargs={"max_instances": 1, "coalesce": True, "misfire_grace_time": 30},
    )
    return feed_sync
