"""Shared fixtures: a migrated database (SQLite, or PostgreSQL when asked) and settings."""

from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url

from bot.migrate import migrate
from conversations.i18n import load_catalogs
from storage import Database, create_database
from storage.engine import normalise_url

PG_URL = os.environ.get("COLBOT_TEST_DATABASE_URL")
# Each test process works in a database of its own, so parallel runs never share tables.
PG_TEST_DB = f"colbot_test_{os.getpid()}"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark every test that uses the database, so CI can rerun just those on PostgreSQL."""
    for item in items:
        if "database" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.db)


@pytest.fixture(scope="session", autouse=True)
def _catalogs() -> None:
    load_catalogs()


def postgres_url_in(url: str) -> bool:
    """Return True for a PostgreSQL URL."""
    return url.startswith("postgresql")


async def _reset_postgres(url: str) -> None:
    database = create_database(url)
    try:
        async with database.engine.begin() as connection:
            await connection.execute(text("DROP SCHEMA public CASCADE"))
            await connection.execute(text("CREATE SCHEMA public"))
    finally:
        await database.dispose()


async def _admin(statement: str) -> None:
    assert PG_URL is not None
    engine = create_database(PG_URL).engine.execution_options(isolation_level="AUTOCOMMIT")
    try:
        async with engine.connect() as connection:
            await connection.execute(text(statement))
    finally:
        await engine.dispose()


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str | None]:
    """A scratch PostgreSQL database for this test process, dropped at the end."""
    if not PG_URL:
        yield None
        return
    asyncio.run(_admin(f'DROP DATABASE IF EXISTS "{PG_TEST_DB}"'))
    asyncio.run(_admin(f'CREATE DATABASE "{PG_TEST_DB}"'))
    try:
        yield (
            make_url(normalise_url(PG_URL))
            .set(database=PG_TEST_DB)
            .render_as_string(hide_password=False)
        )
    finally:
        asyncio.run(_admin(f'DROP DATABASE IF EXISTS "{PG_TEST_DB}" WITH (FORCE)'))


@pytest.fixture
def database_url(tmp_path: Path, postgres_url: str | None) -> str:
    """The URL of an empty database for one test."""
    return postgres_url or f"sqlite+aiosqlite:///{tmp_path / 'test.sqlite3'}"


@pytest.fixture
async def database(database_url: str) -> AsyncIterator[Database]:
    """A freshly migrated database, dropped after the test."""
    if postgres_url_in(database_url):
        await _reset_postgres(database_url)
    db = create_database(database_url)
    await migrate(db)
    try:
        yield db
    finally:
        await db.dispose()
