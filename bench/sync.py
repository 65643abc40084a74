"""Feed sync throughput: first import of 10,000-item feeds, and re-syncs that must write nothing.

Two generated feeds (iCalendar and JSON-LD, 10,000 activities each) are served by a local
aiohttp server and read through the real `sync_feed` path into a fresh SQLite database (or the
PostgreSQL database named by COLBOT_BENCH_DATABASE_URL, which is emptied first). Figures:

- first import, items per second for fetch + parse + write, and for the write alone
  (goal: at least 2,000 items per second);
- baselines from the same run: parsing the same bytes alone, and inserting the same number of
  activity rows with the bare sqlite3 module;
- re-sync of the unchanged feed, answered 304 and answered 200 with the same bytes: seconds and
  activity/occurrence rows written (must be 0).

Run with `python -m bench.sync`.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import os
import random
import re
import sqlite3
import tempfile
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import aiohttp
from aiohttp import web
from sqlalchemy import event

from bench import emptied_postgres
from bench.sync_parse import GOAL_PER_SECOND, ITEMS, NOW, ical_feed, jsonld_feed
from bot.migrate import migrate
from catalogue.cities import read_cities_file, upsert_cities
from catalogue.feeds import add_feed
from catalogue.fetch import FeedFetcher
from catalogue.formats import parse_feed
from catalogue.partners import add_partner
from catalogue.sync import SyncReport, sync_feed
from storage import Database, create_database

_WRITE = re.compile(r"\s*(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+\"?(\w+)", re.IGNORECASE)


class RowCounter:
    """Rows that INSERT, UPDATE and DELETE statements send to the activity tables."""

    def __init__(self, database: Database) -> None:
        self.rows = 0
        self._engine = database.engine.sync_engine
        event.listen(self._engine, "after_cursor_execute", self._seen)

    def _seen(self, _c: Any, cursor: Any, sql: str, params: Any, _x: Any, many: bool) -> None:
        target = _WRITE.match(sql)
        if target and target.group(1) in ("activities", "occurrences"):
            # Batched inserts flatten their parameters: trust the driver's count when it has one.
            self.rows += cursor.rowcount if cursor.rowcount >= 0 else (len(params) if many else 1)

    def close(self) -> None:
        """Stop counting."""
        event.remove(self._engine, "after_cursor_execute", self._seen)


class Site:
    """Serves the generated feeds; honours If-None-Match only when ``conditional`` is on."""

    def __init__(self, feeds: dict[str, tuple[bytes, str]]) -> None:
        self.feeds = feeds
        self.conditional = True
        self.port = 0

    async def handle(self, request: web.Request) -> web.Response:
        """GET /NAME."""
        body, media = self.feeds[request.match_info["name"]]
        etag = '"' + hashlib.sha256(body).hexdigest()[:20] + '"'
        if self.conditional and request.headers.get("If-None-Match") == etag:
            return web.Response(status=304, headers={"ETag": etag})
        headers = {"Content-Type": media}
        if self.conditional:
            headers["ETag"] = etag
        return web.Response(body=body, headers=headers)

    def url(self, name: str) -> str:
        """Where a feed is served."""
        return f"http://127.0.0.1:{self.port}/{name}"

    @asynccontextmanager
    async def running(self) -> AsyncIterator[Site]:
        """Serve on a free loopback port."""
        app = web.Application(client_max_size=64 * 1024 * 1024)
        app.router.add_get("/{name}", self.handle)
        runner = web.AppRunner(app, access_log=None)
        await runner.setup()
        await web.TCPSite(runner, "127.0.0.1", 0).start()
        self.port = int(runner.addresses[0][1])
        try:
            yield self
        finally:
            await runner.cleanup()


def sqlite_insert_baseline(count: int) -> float:
    """Seconds to insert ``count`` activity-shaped rows with the bare sqlite3 module."""
    with tempfile.TemporaryDirectory() as folder:
        connection = sqlite3.connect(Path(folder) / "baseline.sqlite3")
        connection.execute("PRAGMA journal_mode=WAL")
        connection.execute("PRAGMA synchronous=NORMAL")
        connection.execute(
            "CREATE TABLE a (id INTEGER PRIMARY KEY, source_id TEXT UNIQUE, titles TEXT, "
            "descriptions TEXT, latitude REAL, longitude REAL, content_hash TEXT)"
        )
        connection.execute(
            "CREATE TABLE o (id INTEGER PRIMARY KEY, activity_id INTEGER, starts_at TEXT)"
        )
        rows = [
            (f"s{i}", json.dumps({"pt": f"T {i}"}), json.dumps({"pt": "D"}), 38.7, -9.1, "h" * 64)
            for i in range(count)
        ]
        started = time.perf_counter()
        with connection:
            connection.executemany(
                "INSERT INTO a (source_id, titles, descriptions, latitude, longitude, "
                "content_hash) VALUES (?, ?, ?, ?, ?, ?)",
                rows,
            )
            connection.executemany(
                "INSERT INTO o (activity_id, starts_at) VALUES (?, ?)",
                [(i + 1, "2026-12-10 18:00:00") for i in range(count)],
            )
        elapsed = time.perf_counter() - started
        connection.close()
    return elapsed


async def _prepare(database: Database, site: Site) -> dict[str, int]:
    async with database.session() as session:
        await upsert_cities(session, read_cities_file())
        ids = {}
        for name, partner in (("agenda.ics", "Biblioteca"), ("courses.json", "Academia")):
            await add_partner(session, city_slug="lisbon", name=partner)
            feed = await add_feed(session, city_slug="lisbon", partner=partner, url=site.url(name))
            ids[name] = feed.id
    return ids


async def _timed_sync(
    database: Database, feed_id: int, fetcher: FeedFetcher, counter: RowCounter
) -> tuple[SyncReport, float, int]:
    counter.rows = 0
    started = time.perf_counter()
    report = await sync_feed(database, feed_id, fetcher=fetcher, now=NOW)
    elapsed = time.perf_counter() - started
    if report.errors:
        raise RuntimeError(f"feed {feed_id}: {report.errors[0]}")
    return report, elapsed, counter.rows


async def run() -> dict[str, Any]:
    """Import two 10,000-item feeds, re-sync them unchanged; return the figures."""
    rng = random.Random(11)
    bodies = {
        "agenda.ics": (ical_feed(ITEMS, rng), "text/calendar"),
        "courses.json": (jsonld_feed(ITEMS, rng), "application/ld+json"),
    }
    figures: dict[str, Any] = {"items_per_feed": ITEMS, "goal_items_per_second": GOAL_PER_SECOND}
    with tempfile.TemporaryDirectory() as folder:
        pg_url = os.environ.get("COLBOT_BENCH_DATABASE_URL")
        if pg_url:
            database = await emptied_postgres(pg_url)
        else:
            database = create_database(f"sqlite:///{folder}/bench.sqlite3")
        figures["database"] = database.dialect
        await migrate(database)
        counter = RowCounter(database)
        site = Site(bodies)
        try:
            async with site.running(), aiohttp.ClientSession() as http:
                fetcher = FeedFetcher(http, allow_hosts=["127.0.0.1"], max_bytes=32 * 1024 * 1024)
                feeds = await _prepare(database, site)
                for name, label in (("agenda.ics", "ical"), ("courses.json", "jsonld")):
                    body, media = bodies[name]
                    started = time.perf_counter()
                    await asyncio.to_thread(
                        parse_feed, body, "auto", media, now=NOW, default_tz="Europe/Lisbon"
                    )
                    parse_only = time.perf_counter() - started
                    report, elapsed, rows = await _timed_sync(
                        database, feeds[name], fetcher, counter
                    )
                    added = len(report.added)
                    figures[f"{label}_bytes"] = len(body)
                    figures[f"{label}_added"] = added
                    figures[f"{label}_first_import_seconds"] = round(elapsed, 3)
                    figures[f"{label}_first_import_items_per_second"] = round(added / elapsed)
                    figures[f"{label}_fetch_seconds"] = round(report.fetch_seconds, 3)
                    figures[f"{label}_parse_seconds"] = round(report.parse_seconds, 3)
                    figures[f"{label}_write_seconds"] = round(report.write_seconds, 3)
                    figures[f"{label}_write_items_per_second"] = round(
                        added / report.write_seconds
                    )
                    figures[f"{label}_first_import_rows_written"] = rows
                    figures[f"{label}_baseline_parse_only_items_per_second"] = round(
                        ITEMS / parse_only
                    )
                    _, resync, rows = await _timed_sync(database, feeds[name], fetcher, counter)
                    figures[f"{label}_resync_304_seconds"] = round(resync, 4)
                    figures[f"{label}_resync_304_rows_written"] = rows
                    site.conditional = False
                    _, resync, rows = await _timed_sync(database, feeds[name], fetcher, counter)
                    site.conditional = True
                    figures[f"{label}_resync_same_bytes_seconds"] = round(resync, 4)
                    figures[f"{label}_resync_same_bytes_rows_written"] = rows
        finally:
            counter.close()
            await database.dispose()
    baseline = sqlite_insert_baseline(ITEMS)
    figures["baseline_sqlite3_insert_items_per_second"] = round(ITEMS / baseline)
    for label in ("ical", "jsonld"):
        figures[f"{label}_write_vs_bare_sqlite3"] = round(
            figures[f"{label}_write_items_per_second"]
            / figures["baseline_sqlite3_insert_items_per_second"],
            3,
        )
    return figures


if __name__ == "__main__":
    results = asyncio.run(run())
    for key, value in results.items():
        print(f"{key:<48} {value}")
    slowest = min(
        results["ical_first_import_items_per_second"],
        results["jsonld_first_import_items_per_second"],
    )
    verdict = "met" if slowest >= GOAL_PER_SECOND else "NOT met"
    print(f"goal {GOAL_PER_SECOND}/s end to end: {verdict}")
