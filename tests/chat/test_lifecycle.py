"""Start-up and shutdown: commands per language, schema checks, and a clean stop on SIGTERM."""

from __future__ import annotations

import asyncio
import os
import signal
import sys

import pytest
from sqlalchemy import text

from bot.migrate import OutOfDateError, ensure_schema, pending
from bot.sandbox.methods_settings import visible_commands
from bot.sandbox.server import SandboxServer
from storage import Database, create_database
from tests.chat.conftest import TOKEN, ChatWorld
from tests.conftest import PG_URL


async def test_commands_and_descriptions_are_set_in_every_language(world: ChatWorld) -> None:
    """A Ukrainian speaker sees the command menu in Ukrainian, an English one in English."""
    bot = world.sandbox.bot()
    person = world.sandbox.user("Olena", language_code="uk")
    await person.start()
    await person.wait_for_message()
    menu_uk = visible_commands(bot, world.sandbox.world, person.id, person.id, "uk")
    menu_en = visible_commands(bot, world.sandbox.world, person.id, person.id, "en")
    assert [c["command"] for c in menu_uk] == [c["command"] for c in menu_en]
    assert "menu" in [c["command"] for c in menu_en]
    assert menu_uk[0]["description"] != menu_en[0]["description"]
    assert set(bot.descriptions) >= {"", "pt", "es", "lt", "uk"}


async def test_sqlite_migrates_and_postgres_refuses_an_old_schema(database_url: str) -> None:
    """An out-of-date database is brought up to date on SQLite, refused on PostgreSQL."""
    database = create_database(database_url)
    try:
        if PG_URL:
            async with database.engine.begin() as connection:
                await connection.execute(text("DROP SCHEMA public CASCADE"))
                await connection.execute(text("CREATE SCHEMA public"))
            with pytest.raises(OutOfDateError, match="colbot migrate"):
                await ensure_schema(database, auto_migrate=None)
            await ensure_schema(database, auto_migrate=True)
        else:
            assert await pending(database)
            await ensure_schema(database, auto_migrate=None)
        assert not await pending(database)
    finally:
        await database.dispose()


async def test_colbot_run_stops_cleanly_on_sigterm(
    sandbox: SandboxServer, database: Database, database_url: str, tmp_path
) -> None:
    """The real command starts, answers a person, and exits 0 on SIGTERM."""
    env = dict(os.environ)
    env.update(
        TELEGRAM_BOT_TOKEN=TOKEN,
        COLBOT_TELEGRAM_API_URL=sandbox.base_url,
        COLBOT_TELEGRAM_FILE_URL=sandbox.base_file_url,
        COLBOT_DATABASE_URL=database_url,
        COLBOT_WEB_PORT="0",
        COLBOT_DATA_DIR=str(tmp_path),
    )
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot.cli", "run",
        env=env, stderr=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE,
    )  # fmt: skip
    try:
        person = sandbox.user("Sig", language_code="en")
        await person.start()
        welcome = await person.wait_for_message(timeout=30)
        assert "which language" in welcome.text
        process.send_signal(signal.SIGTERM)
        _out, err = await asyncio.wait_for(process.communicate(), timeout=30)
    finally:
        if process.returncode is None:
            process.kill()
    assert process.returncode == 0, err.decode()
    assert b"stopped cleanly" in err
    assert b"Traceback" not in err
