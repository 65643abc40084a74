"""Schema migrations: apply them, or tell whether the database is behind."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.engine import Connection

from storage import Database

MIGRATIONS = Path(__file__).with_name("migrations")


class OutOfDateError(Exception):
    """The database schema is older than the code."""


def alembic_config(url: str = "") -> Config:
    """Return an Alembic configuration pointing at the bundled migrations."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def _current(connection: Connection) -> set[str]:
    return set(MigrationContext.configure(connection).get_current_heads())


def _upgrade(connection: Connection, config: Config) -> None:
    config.attributes["connection"] = connection
    command.upgrade(config, "head")


async def pending(database: Database) -> bool:
    """Return True when migrations remain to be applied."""
    heads = set(ScriptDirectory.from_config(alembic_config()).get_heads())
    async with database.engine.connect() as connection:
        current = await connection.run_sync(_current)
    return current != heads


async def migrate(database: Database) -> None:
    """Apply every pending migration in one transaction."""
    async with database.engine.begin() as connection:
        await connection.run_sync(_upgrade, alembic_config())


async def ensure_schema(database: Database, *, auto_migrate: bool | None) -> None:
    """Migrate or refuse: SQLite migrates by default, PostgreSQL only when told to."""
    if not await pending(database):
        return
    allowed = auto_migrate if auto_migrate is not None else database.dialect == "sqlite"
    if not allowed:
        msg = (
            "the database schema is out of date: run `colbot migrate` "
            "(or set COLBOT_AUTO_MIGRATE=true)"
        )
        raise OutOfDateError(msg)
    await migrate(database)
