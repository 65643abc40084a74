"""The person-side helpers: entities, waiting, failures that explain themselves, HTTP control."""

from __future__ import annotations

import asyncio

import aiohttp
import pytest
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup
from telegram.error import Conflict

from bot.sandbox import SandboxServer
from bot.sandbox.formatting import parse_html
from tests.sandbox.conftest import TOKEN


def test_html_entities_use_utf16_offsets() -> None:
    text, entities = parse_html(
        '😀 <b>Olá</b> <a href="https://col.example/a?x=1&amp;y=2">mapa</a>'
    )
    assert text == "😀 Olá mapa"
    assert entities == [
        {"type": "bold", "offset": 3, "length": 3},
        {"type": "text_link", "url": "https://col.example/a?x=1&y=2", "offset": 7, "length": 4},
    ]
    text, entities = parse_html('<pre><code class="language-python">x &lt; 1</code></pre>')
    assert text == "x < 1"
    assert entities == [{"type": "pre", "language": "python", "offset": 0, "length": 5}]


async def test_person_messages_carry_telegram_entities(sandbox: SandboxServer) -> None:
    alice = sandbox.user("Alice", username="alice")
    sent = await alice.send("/start@colbot_test_bot hi @someone see https://x.example #tag")
    kinds = [(e["type"], e["offset"], e["length"]) for e in sent.raw["entities"]]
    assert ("bot_command", 0, 22) in kinds
    assert ("mention", 26, 8) in kinds
    assert ("url", 39, 17) in kinds
    assert ("hashtag", 57, 4) in kinds
    assert sent.raw["from"] == {
        "id": alice.id,
        "is_bot": False,
        "first_name": "Alice",
        "username": "alice",
        "language_code": "en",
    }


async def test_failed_waits_explain_the_chat(sandbox: SandboxServer) -> None:
    alice = sandbox.user("Alice")
    await alice.send("/start")
    with pytest.raises(AssertionError, match=r"(?s)within 0.1s.*#1 Alice: '/start'"):
        await alice.wait_for_message(timeout=0.1)


async def test_unanswered_button_is_reported(sandbox: SandboxServer) -> None:
    alice = sandbox.user("Alice")
    await alice.start()
    async with Bot(TOKEN, base_url=sandbox.base_url) as bot:
        markup = InlineKeyboardMarkup([[InlineKeyboardButton("Save", callback_data="s")]])
        await bot.send_message(alice.id, "Save it?", reply_markup=markup)
        message = await alice.wait_for_message()
        with pytest.raises(AssertionError, match="keeps spinning"):
            await alice.press(message, "Save", timeout=0.2)
        # answering the (now stale) query late is still accepted once, like Telegram's window
        updates = await bot.get_updates()
        query = updates[-1].callback_query
        assert query is not None
        assert query.data == "s"
        assert query.message is not None
        assert query.message.text == "Save it?"


async def test_second_long_poll_conflicts_the_first(sandbox: SandboxServer) -> None:
    """Two running instances of one bot: Telegram ends the older long poll with 409."""
    async with (
        Bot(TOKEN, base_url=sandbox.base_url) as old,
        Bot(TOKEN, base_url=sandbox.base_url) as new,
    ):
        first = asyncio.create_task(old.get_updates(timeout=5))
        await asyncio.sleep(0.1)
        second = asyncio.create_task(new.get_updates(timeout=0.2))
        with pytest.raises(Conflict, match="terminated by other getUpdates request"):
            await first
        assert await second == ()


async def test_http_control_endpoints(sandbox: SandboxServer) -> None:
    async with aiohttp.ClientSession(base_url=sandbox.url) as http:
        async with http.post("/sandbox/users", json={"first_name": "Rui"}) as response:
            user = (await response.json())["user"]
        async with http.post(
            f"/sandbox/users/{user['id']}/send", json={"text": "olá"}
        ) as response:
            assert (await response.json())["message"]["text"] == "olá"
        async with http.get(f"/sandbox/users/{user['id']}/messages") as response:
            history = (await response.json())["messages"]
        assert [m["raw"]["text"] for m in history] == ["olá"]
    update = sandbox.bot().updates[-1]
    assert update["message"]["from"]["first_name"] == "Rui"
