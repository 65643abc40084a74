"""Alembic environment: runs on a connection the service hands over, or opens its own."""

from __future__ import annotations

import asyncio

from alembic import context
from sqlalchemy.engine import Connection

from bot.registry import metadata
from storage.engine import create_database

# Search indexes (SQLite R*Tree/FTS5 and their shadow tables) live outside the models.
_UNMODELLED = ("activity_rtree", "activity_fts")


def _include(obj: object, name: str | None, kind: str, reflected: bool, _compare: object) -> bool:
    """Keep autogenerate from proposing to drop the hand-made search indexes."""
    return not (kind == "table" and reflected and (name or "").startswith(_UNMODELLED))


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=metadata,
        include_object=_include,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


async def _run_async(url: str) -> None:
    database = create_database(url)
    try:
        async with database.engine.connect() as connection:
            await connection.run_sync(_run)
            await connection.commit()
    finally:
        await database.dispose()


connection = context.config.attributes.get("connection")
if connection is not None:
    _run(connection)
else:
    asyncio.run(_run_async(context.config.get_main_option("sqlalchemy.url") or ""))
