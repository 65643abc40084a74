"""Every migration goes down and up again; the search vector keeps its meaning on PostgreSQL."""

from __future__ import annotations

import importlib

import pytest
from alembic import command
from sqlalchemy import text
from sqlalchemy.engine import Connection

from bot.migrate import alembic_config, pending
from storage import Database

# Titles and places whose vectors must not change when the function's body does.
SAMPLES = [
    ('{"pt": "Oficina de programação", "en": "Coding workshop"}', '{"pt": "<b>Ação</b>"}'),
    ('{"uk": "Майстер-клас"}', "null"),
    ('["not", "an", "object"]', '{"lt": "Šokių pamoka"}'),
    ("{}", '{"es": "Diseño ÁÉÍÓÚ ñ"}'),
]


def _down_and_up(connection: Connection) -> None:
    config = alembic_config()
    config.attributes["connection"] = connection
    command.downgrade(config, "base")
    command.upgrade(config, "head")


async def test_every_migration_goes_down_and_up_again(database: Database) -> None:
    async with database.engine.begin() as connection:
        await connection.run_sync(_down_and_up)
    assert not await pending(database)


async def test_the_search_vector_is_the_same_as_revision_0004s(database: Database) -> None:
    if database.dialect != "postgresql":
        pytest.skip("the search vector is a PostgreSQL function")
    first = importlib.import_module("bot.migrations.versions.0004_catalogue_search")
    async with database.engine.begin() as connection:
        language = await connection.scalar(
            text(
                "SELECT l.lanname FROM pg_proc p JOIN pg_language l ON l.oid = p.prolang "
                "WHERE p.proname = 'colbot_search_vector'"
            )
        )
        assert language == "plpgsql"
        # Revision 0004's SQL body, as a temporary function beside the current one.
        await connection.execute(
            text(
                first.SEARCH_VECTOR.format(s="pg_temp").replace(
                    "pg_temp.colbot_unaccent", "public.colbot_unaccent"
                )
            )
        )
        for titles, descriptions in SAMPLES:
            for venue, address in ((None, None), ("Biblioteca Camões", "Rua São Bento, 1")):
                params = {"t": titles, "d": descriptions, "v": venue, "a": address}
                now = await connection.scalar(
                    text(
                        "SELECT colbot_search_vector(CAST(:t AS json), CAST(:d AS json), "
                        "CAST(:v AS text), CAST(:a AS text))::text"
                    ),
                    params,
                )
                before = await connection.scalar(
                    text(
                        "SELECT pg_temp.colbot_search_vector(CAST(:t AS json), "
                        "CAST(:d AS json), CAST(:v AS text), CAST(:a AS text))::text"
                    ),
                    params,
                )
                assert now == before
                assert titles == "{}" or now
