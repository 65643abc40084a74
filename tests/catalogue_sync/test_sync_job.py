"""The scheduled feed round: due feeds only, one read per feed at a time, one process on PG."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta

import aiohttp
import pytest
from aiohttp import web
from sync_helpers import PartnerSite
from test_sync_engine import agenda

from bot.app import build_application
from bot.jobs import FEED_SYNC_JOB, ROUND_SECONDS, FeedSyncJob, schedule_jobs
from bot.settings import load_settings
from catalogue.models import Feed
from catalogue.sync import sync_round
from storage import Database, create_database


class Clock:
    """A settable clock for the job."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


async def _due(database: Database, feed_id: int) -> datetime | None:
    async with database.session() as session:
        feed = await session.get(Feed, feed_id)
        assert feed is not None
        return feed.next_due_at


async def test_round_reads_due_feeds_on_their_interval(
    lisbon: Database, site: PartnerSite, new_feed, now: datetime
) -> None:
    first = await new_feed(site.publish("/a.ics", agenda(now)))
    second = await new_feed(site.publish("/b.ics", agenda(now, 3)), partner="associacao-ponte")
    clock = Clock(now)
    job = FeedSyncJob(lisbon, allow_hosts=["127.0.0.1"], clock=clock)
    reports = await job.run_round()
    assert reports is not None
    assert sorted(r.feed_id for r in reports) == [first, second]
    dues = [await _due(lisbon, first), await _due(lisbon, second)]
    for due in dues:
        assert due is not None
        assert timedelta(minutes=54) <= due - now <= timedelta(minutes=66)
    # A minute later nothing is due.
    clock.now = now + timedelta(minutes=1)
    assert await job.run_round() == []
    # Once the earlier of the two is due, only that one is read.
    earlier = min(dues)  # type: ignore[type-var]
    clock.now = earlier
    again = await job.run_round()
    assert again is not None
    assert len(again) == 1
    assert again[0].skipped_reason is not None


async def test_one_read_per_feed_at_a_time(
    lisbon: Database, site: PartnerSite, new_feed, now: datetime
) -> None:
    release = asyncio.Event()
    entered = asyncio.Event()
    calls = []

    async def slow(_request: web.Request) -> web.Response:
        calls.append(1)
        entered.set()
        await release.wait()
        return web.Response(body=agenda(now), content_type="text/calendar")

    feed_id = await new_feed(site.route("/slow.ics", slow))
    job = FeedSyncJob(lisbon, allow_hosts=["127.0.0.1"], clock=Clock(now))
    running = asyncio.create_task(job.run_round())
    await asyncio.wait_for(entered.wait(), 5)
    assert job.busy(feed_id)
    async with aiohttp.ClientSession() as http:
        assert await job.sync_one(feed_id, job.fetcher(http)) is None
    release.set()
    reports = await asyncio.wait_for(running, 10)
    assert reports is not None
    assert [len(r.added) for r in reports] == [6]
    assert calls == [1]
    assert not job.busy(feed_id)


async def test_only_one_process_runs_a_round_on_postgresql(
    lisbon: Database, database_url: str, site: PartnerSite, new_feed, now: datetime
) -> None:
    if not database_url.startswith("postgresql"):
        pytest.skip("advisory locks are a PostgreSQL feature; SQLite runs in one process")
    release = asyncio.Event()
    entered = asyncio.Event()

    async def slow(_request: web.Request) -> web.Response:
        entered.set()
        await release.wait()
        return web.Response(body=agenda(now), content_type="text/calendar")

    await new_feed(site.route("/slow.ics", slow))
    other_process = create_database(database_url)
    try:
        # Two engines stand for two processes: each has its own connections.
        async with sync_round(other_process) as free:
            assert free
            async with sync_round(lisbon) as second:
                assert not second
        first = FeedSyncJob(lisbon, allow_hosts=["127.0.0.1"], clock=Clock(now))
        second_job = FeedSyncJob(other_process, allow_hosts=["127.0.0.1"], clock=Clock(now))
        running = asyncio.create_task(first.run_round())
        await asyncio.wait_for(entered.wait(), 5)
        assert await second_job.run_round() is None
        release.set()
        reports = await asyncio.wait_for(running, 10)
        assert reports is not None
        assert len(reports) == 1
        # The lock was released: the other process may run the next round (nothing is due).
        assert await second_job.run_round() == []
    finally:
        await other_process.dispose()


async def test_schedule_jobs_adds_the_minute_round(database: Database) -> None:
    settings = load_settings(telegram_bot_token="123456:" + "A" * 30)
    application = build_application(settings, database)
    feed_sync = schedule_jobs(application, allow_networks=["10.0.0.0/8"])
    assert application.job_queue is not None
    jobs = application.job_queue.get_jobs_by_name(FEED_SYNC_JOB)
    assert len(jobs) == 1
    assert jobs[0].data is feed_sync
    assert jobs[0].job.trigger.interval == timedelta(seconds=ROUND_SECONDS)
    assert feed_sync.allow_networks == ("10.0.0.0/8",)
    assert feed_sync.database is database
