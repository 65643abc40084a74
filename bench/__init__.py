"""Benchmarks: each prints figures as ratios against a baseline measured in the same run."""

from __future__ import annotations

import asyncio
import os
import platform
from typing import Any

from sqlalchemy import text

from storage import Database, create_database


def environment() -> dict[str, Any]:
    """Describe where the figures were measured."""
    return {
        "python": platform.python_version(),
        "machine": platform.machine(),
        "cpus": os.cpu_count(),
    }


async def emptied_postgres(url: str) -> Database:
    """The PostgreSQL database at ``url`` with its public schema dropped and made anew.

    Benchmarks must start from nothing to be comparable, so COLBOT_BENCH_DATABASE_URL has to
    name a scratch database: everything in it is deleted.
    """
    database = create_database(url)
    async with database.engine.begin() as connection:
        await connection.execute(text("DROP SCHEMA public CASCADE"))
        await connection.execute(text("CREATE SCHEMA public"))
    return database


async def run_named(name: str) -> dict[str, Any]:
    """Run one benchmark and return ``{"bench", "metrics", "environment"}``."""
    if name == "chat":
        from bench.chat import run

        metrics = await run()
    elif name == "sync":
        from bench.sync import run as run_sync

        metrics = await run_sync()
    elif name == "near":
        from bench.near import run as run_near

        metrics = await run_near()
    elif name == "credentials":
        from bench.credentials import run as run_credentials

        metrics = await asyncio.to_thread(run_credentials)
    else:
        msg = f"unknown benchmark {name!r}"
        raise ValueError(msg)
    return {"bench": name, "metrics": metrics, "environment": environment()}
