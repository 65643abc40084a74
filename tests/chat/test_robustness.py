"""Bad days: forged buttons, duplicate updates, Telegram saying 429 or 403, a lost database."""

from __future__ import annotations

import asyncio
import os
import shutil
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.sandbox.client import SandboxUser
from bot.sandbox.state import PendingQuery
from community.models import Learner
from tests.chat.conftest import ChatWorld
from tests.conftest import PG_URL


async def _onboard_in_english(world: ChatWorld, name: str) -> object:
    user = world.sandbox.user(name, language_code="en")
    await user.start("lisbon")
    await user.press(await user.wait_for_message(), "✅ English")
    await user.press(await user.wait_for_message(), "Skip")
    await user.press(await user.wait_for_message(), "25–34")
    await user.press(await user.wait_for_message(), 0)
    await user.wait_for_message(text_contains="all set")
    return user


async def _press_forged(world: ChatWorld, user: SandboxUser, message: object, data: str) -> str:
    """Send a callback query with data the bot never put on a button (a forged client)."""
    sandbox_world = world.sandbox.world
    bot = world.sandbox.bot()
    query_id = sandbox_world.new_query_id()
    answer: asyncio.Future[dict] = asyncio.get_running_loop().create_future()
    bot.queries[query_id] = PendingQuery(user.id, answer)
    payload = {
        "id": query_id,
        "from": user.person.to_user(),
        "message": message.raw,
        "chat_instance": "42",
        "data": data,
    }
    await sandbox_world.push_update(bot, "callback_query", payload)
    result = await asyncio.wait_for(answer, 5)
    return result.get("text") or ""


async def test_forged_and_foreign_buttons_are_refused(world: ChatWorld) -> None:
    """Callback data that the bot never sent gets a short answer and changes nothing."""
    user = await _onboard_in_english(world, "Rui")
    await user.send("/settings")
    settings_message = await user.wait_for_message(text_contains="Your settings")
    for data in ("set:v9:delete:yes", "adm:v1:grant:1", "onb:v1:age:13", "\u0000" * 10, "x" * 64):
        answer = await _press_forged(world, user, settings_message, data)
        assert "earlier message" in answer or "doesn't work any more" in answer
    async with world.database.session() as session:
        learner = await session.scalar(select(Learner).where(Learner.telegram_id == user.id))
    assert learner is not None
    assert learner.age_band == "25-34"


async def test_telegram_429_is_retried_after_the_wait(world: ChatWorld) -> None:
    """A flood-control answer delays the reply; it does not lose it."""
    user = world.sandbox.user("Flo", language_code="en")
    world.sandbox.faults.inject("sendMessage", user.id, error=429, retry_after=1)
    await user.start()
    welcome = await user.wait_for_message(timeout=8)
    assert "which language" in welcome.text


async def test_a_blocked_bot_marks_the_learner_inactive(world: ChatWorld) -> None:
    """403 from Telegram: no crash, and the learner is not written to again."""
    user = world.sandbox.user("Bea", language_code="en")
    world.sandbox.faults.inject("sendMessage", user.id, error=403, times=None)
    await user.start()
    async with world.database.session() as session:
        for _ in range(50):
            learner = await session.scalar(select(Learner).where(Learner.telegram_id == user.id))
            if learner is not None and not learner.is_active:
                break
            await session.rollback()
            await asyncio.sleep(0.05)
    assert learner is not None
    assert learner.is_active is False
    world.sandbox.faults.clear()


@pytest.mark.skipif(bool(PG_URL), reason="simulates a lost SQLite file")
async def test_a_lost_database_gets_an_apology_and_loses_nothing(world: ChatWorld) -> None:
    """While the database is unreachable the learner is told so; afterwards all works again."""
    user = await _onboard_in_english(world, "Dan")
    path = Path(world.settings.db_url.split("///", 1)[1])
    database = world.application.bot_data.services.database
    await database.dispose()
    moved = path.with_suffix(".away")
    os.rename(path, moved)
    path.mkdir()  # noqa: ASYNC240 - the test breaks the file on purpose
    try:
        await user.send("/settings")
        apology = await user.wait_for_message()
        assert "can't reach my memory" in apology.text
    finally:
        shutil.rmtree(path)
        os.rename(moved, path)
    await user.send("/settings")
    summary = await user.wait_for_message(text_contains="Your settings")
    assert "Lisbon" in summary.text
