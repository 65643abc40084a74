"""Shared fixtures: a migrated database (SQLite, or PostgreSQL when asked) and settings."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy import text

from bot.migrate import migrate
from conversations.i18n import load_catalogs
from storage import Database, create_database

PG_URL = os.environ.get("COLBOT_TEST_DATABASE_URL")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark every test that uses the database, so CI can rerun just those on PostgreSQL."""
    for item in items:
        if "database" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.db)


@pytest.fixture(scope="session", autouse=True)
def _catalogs() -> None:
    load_catalogs()


async def _reset_postgres(url: str) -> None:
    database = create_database(url)
    try:
        async with database.engine.begin() as connection:
            await connection.execute(text("DROP SCHEMA public CASCADE"))
            await connection.execute(text("CREATE SCHEMA public"))
    finally:
        await database.dispose()


@pytest.fixture
def database_url(tmp_path: Path) -> str:
    """The URL of an empty database for one test."""
    return PG_URL or f"sqlite+aiosqlite:///{tmp_path / 'test.sqlite3'}"


@pytest.fixture
async def database(database_url: str) -> AsyncIterator[Database]:
    """A freshly migrated database, dropped after the test."""
    if PG_URL:
        await _reset_postgres(database_url)
    db = create_database(database_url)
    await migrate(db)
    try:
        yield db
    finally:
        await db.dispose()
