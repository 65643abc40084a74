"""Benchmarks: each prints figures as ratios against a baseline measured in the same run."""

from __future__ import annotations

import asyncio
import os
import platform
from typing import Any


def environment() -> dict[str, Any]:
    """Describe where the figures were measured."""
    return {
        "python": platform.python_version(),
        "machine": platform.machine(),
        "cpus": os.cpu_count(),
    }


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
