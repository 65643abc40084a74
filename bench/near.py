"""Near-me latency: top 10 within 3 km at growing catalogue sizes, on SQLite and PostgreSQL.

Goal: p95 at most 2 ms at 100k activities, and 1M no more than twice 10k. Run with
`python -m bench.near [sizes...]`, e.g. `python -m bench.near 10000 100000 1000000`.
PostgreSQL is used when COLBOT_BENCH_DATABASE_URL is set (the database is emptied!).
"""

from __future__ import annotations

import asyncio
import json
import os
import random
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import text

from bench import emptied_postgres
from bot.migrate import migrate
from catalogue.geo import haversine_km
from catalogue.index import rebuild_all
from catalogue.search import near
from storage import Database, create_database

NOW = datetime(2026, 12, 3, 12, 0, tzinfo=UTC)
# Roughly the municipality of Lisbon.
SOUTH, NORTH, WEST, EAST = 38.69, 38.80, -9.23, -9.09
SIZES = (10_000, 100_000, 1_000_000)
QUERIES = 200
BATCH = 20_000
ACTIVITY_COLUMNS = (
    "id, city_id, partner_id, source_id, type, titles, descriptions, topics, competences, "
    "online, audience, languages, status, content_hash, created_at, updated_at, "
    "latitude, longitude, is_free"
)
SQLITE_INSERT_ACTIVITY = (
    "INSERT INTO activities (id, city_id, partner_id, source_id, type, titles, descriptions, "
    "topics, competences, online, audience, languages, status, content_hash, created_at, "
    "updated_at, latitude, longitude, is_free) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)
TYPES = ("workshop", "course", "event", "volunteering")


def _activities(start: int, count: int, rng: random.Random) -> list[tuple[Any, ...]]:
    rows = []
    for index in range(start, start + count):
        rows.append(
            (
                index,
                1,
                1,
                f"bench-{index}",
                TYPES[index % len(TYPES)],
                json.dumps({"pt": f"Oficina número {index}", "en": f"Workshop number {index}"}),
                json.dumps({"pt": "Uma sessão prática com apoio individual."}),
                json.dumps(["coding"] if index % 3 else ["environment"]),
                "[]",
                False,
                "[]",
                '["pt"]',
                "retired" if index % 33 == 0 else "active",
                "",
                NOW,
                NOW,
                rng.uniform(SOUTH, NORTH),
                rng.uniform(WEST, EAST),
                index % 2 == 0,
            )
        )
    return rows


def _occurrences(activities: list[tuple[Any, ...]], rng: random.Random) -> list[tuple[Any, ...]]:
    rows = []
    for row in activities:
        # One activity in ten is over; the rest start within the next two months.
        days = -rng.uniform(1, 30) if row[0] % 10 == 0 else rng.uniform(0, 60)
        start = NOW + timedelta(days=days)
        rows.append((row[0], row[0], start, start + timedelta(hours=2), "Europe/Lisbon", False))
    return rows


def _sqlite_time(value: datetime) -> str:
    return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")


async def _load(database: Database, size: int) -> None:
    """Bulk-insert `size` activities, one session each, then rebuild the search indexes."""
    rng = random.Random(size)
    async with database.session() as session:
        await session.execute(
            text(
                "INSERT INTO cities (id, slug, names, country, timezone, default_language, "
                "latitude, longitude, radius_km, neighbourhoods, created_at) VALUES (1, 'lisboa', "
                "'{}', 'PT', 'Europe/Lisbon', 'pt', 38.72, -9.14, 15, '[]', :now)"
            ),
            {"now": NOW},
        )
        await session.execute(
            text(
                "INSERT INTO partners (id, city_id, slug, name, created_at) "
                "VALUES (1, 1, 'bench', 'Bench', :now)"
            ),
            {"now": NOW},
        )
        connection = await session.connection()
        raw = (await connection.get_raw_connection()).driver_connection
        for start in range(1, size + 1, BATCH):
            activities = _activities(start, min(BATCH, size + 1 - start), rng)
            occurrences = _occurrences(activities, rng)
            if database.dialect == "postgresql":
                await raw.copy_records_to_table(
                    "activities", records=activities, columns=ACTIVITY_COLUMNS.split(", ")
                )
                await raw.copy_records_to_table(
                    "occurrences",
                    records=occurrences,
                    columns=["id", "activity_id", "starts_at", "ends_at", "source_tz", "all_day"],
                )
            else:
                await raw.executemany(
                    SQLITE_INSERT_ACTIVITY,
                    [
                        (*row[:14], _sqlite_time(row[14]), _sqlite_time(row[15]), *row[16:])
                        for row in activities
                    ],
                )
                await raw.executemany(
                    "INSERT INTO occurrences (id, activity_id, starts_at, ends_at, source_tz, "
                    "all_day) VALUES (?, ?, ?, ?, ?, ?)",
                    [
                        (a, b, _sqlite_time(c), _sqlite_time(d), e, f)
                        for a, b, c, d, e, f in occurrences
                    ],
                )
        await rebuild_all(session)
    async with database.engine.connect() as connection:
        await connection.execute(text("ANALYZE"))
        await connection.commit()
    # Closing the loading connections folds SQLite's write-ahead log back into the file and
    # drops state left by the load, so queries run as in a service started afterwards.
    await database.dispose()


async def _full_scan(database: Database, latitude: float, longitude: float) -> list[int]:
    """The baseline: every upcoming activity's distance computed, then sorted."""
    async with database.sessions() as session:
        rows = await session.execute(
            text(
                "SELECT a.id, a.latitude, a.longitude FROM activities a "
                "WHERE a.status = 'active' AND a.duplicate_of_id IS NULL "
                "AND a.latitude IS NOT NULL AND EXISTS (SELECT 1 FROM occurrences o "
                "WHERE o.activity_id = a.id AND coalesce(o.ends_at, o.starts_at) >= :now)"
            ),
            {"now": NOW if database.dialect == "postgresql" else _sqlite_time(NOW)},
        )
        distances = [
            (haversine_km(latitude, longitude, lat, lon), activity_id)
            for activity_id, lat, lon in rows
        ]
    return [activity_id for _, activity_id in sorted(distances)[:10]]


def _percentiles(samples: list[float]) -> dict[str, float]:
    cuts = statistics.quantiles(samples, n=100)
    return {"p50_ms": round(cuts[49], 3), "p95_ms": round(cuts[94], 3)}


async def _measure(database: Database, queries: int, *, baseline: bool) -> dict[str, Any]:
    rng = random.Random(7)
    points = [(rng.uniform(SOUTH, NORTH), rng.uniform(WEST, EAST)) for _ in range(queries)]
    samples = []
    async with database.sessions() as session:
        for latitude, longitude in points[:20]:  # warm the caches
            await near(session, city_id=1, latitude=latitude, longitude=longitude, now=NOW)
        for latitude, longitude in points:
            began = time.perf_counter()
            result = await near(
                session, city_id=1, latitude=latitude, longitude=longitude, now=NOW
            )
            samples.append((time.perf_counter() - began) * 1000)
            if len(result.hits) != 10:
                raise RuntimeError(f"expected 10 hits, got {len(result.hits)}")
    figures: dict[str, Any] = {"near": _percentiles(samples)}
    if baseline:
        scans = []
        for latitude, longitude in points[:50]:
            began = time.perf_counter()
            await _full_scan(database, latitude, longitude)
            scans.append((time.perf_counter() - began) * 1000)
        figures["full_scan"] = _percentiles(scans)
    return figures


async def run(
    sizes: tuple[int, ...] = SIZES, queries: int = QUERIES, pg_url: str | None = None
) -> dict[str, Any]:
    """Build each catalogue size on each database, time near-me, and return the figures."""
    pg_url = pg_url or os.environ.get("COLBOT_BENCH_DATABASE_URL")
    results: dict[str, Any] = {}
    with tempfile.TemporaryDirectory() as folder:
        for dialect in ("sqlite", "postgresql") if pg_url else ("sqlite",):
            for size in sizes:
                if dialect == "sqlite":
                    database = create_database(
                        f"sqlite+aiosqlite:///{Path(folder) / f'{size}.db'}"
                    )
                else:
                    database = await emptied_postgres(pg_url or "")
                try:
                    await migrate(database)
                    began = time.perf_counter()
                    await _load(database, size)
                    build = time.perf_counter() - began
                    figures = await _measure(database, queries, baseline=size == min(sizes))
                finally:
                    await database.dispose()
                figures["build_s"] = round(build, 1)
                results[f"{dialect}/{size}"] = figures
                print(
                    f"{dialect:10} {size:>9,}  {json.dumps(figures)}", file=sys.stderr, flush=True
                )
    return results


def _ratios(results: dict[str, Any], sizes: tuple[int, ...]) -> None:
    small, large = min(sizes), max(sizes)
    for dialect in ("sqlite", "postgresql"):
        low, high = results.get(f"{dialect}/{small}"), results.get(f"{dialect}/{large}")
        if not low or not high or small == large:
            continue
        ratio = high["near"]["p95_ms"] / low["near"]["p95_ms"]
        scan = low["full_scan"]["p95_ms"] / low["near"]["p95_ms"]
        print(
            f"{dialect}: p95 at {large:,} is {ratio:.2f}x that at {small:,}; "
            f"a full scan at {small:,} is {scan:.1f}x slower than near()"
        )


if __name__ == "__main__":
    chosen = tuple(int(arg) for arg in sys.argv[1:]) or SIZES
    _ratios(asyncio.run(run(chosen)), chosen)
