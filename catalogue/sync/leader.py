"""Only one process syncs feeds at a time: a PostgreSQL advisory lock held for one round."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from sqlalchemy import text

from storage import Database

# An arbitrary constant that names "the feed sync round" among the service's advisory locks.
FEED_SYNC_LOCK = 0x0C0B_F33D


@asynccontextmanager
async def sync_round(database: Database, key: int = FEED_SYNC_LOCK) -> AsyncIterator[bool]:
    """Yield True when this process may sync now; on SQLite (one process) always True."""
    if database.dialect != "postgresql":
        yield True
        return
    async with database.engine.connect() as pooled:
        # Autocommit: the lock belongs to the connection, not to a transaction left open.
        connection = await pooled.execution_options(isolation_level="AUTOCOMMIT")
        taken = bool(
            await connection.scalar(text("SELECT pg_try_advisory_lock(:key)"), {"key": key})
        )
        try:
            yield taken
        finally:
            if taken:
                await connection.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": key})
