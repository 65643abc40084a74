"""Only one process syncs feeds at a time: a PostgreSQL advisory lock held for one round."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from sqlalchemy import text

from storage import Database

# An arbitrary constant that names "the feed sync round" among the service's advisory locks.
FEED_SYNC_LOCK = 0x0C0B_F33D
RETRY_SECONDS = 0.25


@asynccontextmanager
async def sync_round(
    database: Database, key: int = FEED_SYNC_LOCK, *, wait: float = 0.0
) -> AsyncIterator[bool]:
    """Yield True when this process may sync now; on SQLite (one process) always True.

    With ``wait`` the lock is tried again for up to that many seconds (a person running
    ``colbot sync`` while the bot reads its round), otherwise only once (the bot's job).
    """
    if database.dialect != "postgresql":
        yield True
        return
    async with database.engine.connect() as pooled:
        # Autocommit: the lock belongs to the connection, not to a transaction left open.
        connection = await pooled.execution_options(isolation_level="AUTOCOMMIT")
        deadline = time.monotonic() + wait
        while True:
            taken = bool(
                await connection.scalar(text("SELECT pg_try_advisory_lock(:key)"), {"key": key})
            )
            if taken or time.monotonic() >= deadline:
                break
            await asyncio.sleep(RETRY_SECONDS)
        try:
            yield taken
        finally:
            if taken:
                await connection.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": key})
