"""Webhook mode: Telegram's secret header is required, and a retried update is handled once."""

from __future__ import annotations

import socket
from collections.abc import AsyncIterator

import aiohttp
import pytest

from bot.runner import running_bot
from bot.sandbox.server import SandboxServer
from bot.web import SECRET_HEADER, WEBHOOK_PATH
from catalogue.cities import upsert_cities
from storage import Database
from tests.chat.conftest import CITIES, WEBHOOK_SECRET, bot_settings


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
async def webhook_url(
    sandbox: SandboxServer, database: Database, database_url: str
) -> AsyncIterator[str]:
    """The bot in webhook mode; yields the URL Telegram would post to."""
    async with database.session() as session:
        await upsert_cities(session, CITIES)
    port = _free_port()
    settings = bot_settings(
        sandbox,
        database_url,
        web_port=port,
        public_base_url=f"http://127.0.0.1:{port}",
        webhook_secret=WEBHOOK_SECRET,
    )
    async with running_bot(settings, mode="webhook"):
        yield f"http://127.0.0.1:{port}{WEBHOOK_PATH}"


def _update(update_id: int, user_id: int, text: str) -> dict[str, object]:
    person = {"id": user_id, "is_bot": False, "first_name": "Web", "language_code": "en"}
    return {
        "update_id": update_id,
        "message": {
            "message_id": update_id,
            "date": 1_800_000_000,
            "chat": {"id": user_id, "type": "private", "first_name": "Web"},
            "from": person,
            "text": text,
            "entities": [{"type": "bot_command", "offset": 0, "length": len(text)}],
        },
    }


async def test_updates_arrive_through_the_webhook(
    sandbox: SandboxServer, webhook_url: str
) -> None:
    """The sandbox delivers with the secret header the bot registered, and the bot answers."""
    info = sandbox.bot().webhook
    assert info is not None
    assert info.url == webhook_url
    user = sandbox.user("Web", language_code="en")
    await user.start()
    welcome = await user.wait_for_message()
    assert "which language" in welcome.text


@pytest.mark.parametrize("secret", [None, "", "wrong", WEBHOOK_SECRET[:-1]])
async def test_a_wrong_or_missing_secret_is_refused(
    sandbox: SandboxServer, webhook_url: str, secret: str | None
) -> None:
    """Anyone can find the URL; only Telegram knows the secret."""
    user = sandbox.user("Mallory", language_code="en")
    headers = {} if secret is None else {SECRET_HEADER: secret}
    async with (
        aiohttp.ClientSession() as http,
        http.post(webhook_url, json=_update(777, user.id, "/start"), headers=headers) as response,
    ):
        assert response.status == 403
    assert user.messages_from_bot() == []


async def test_a_retried_update_is_answered_once(sandbox: SandboxServer, webhook_url: str) -> None:
    """Telegram retries when it sees no answer in time; the person still gets one reply."""
    user = sandbox.user("Web", language_code="en")
    await user.start()
    await user.wait_for_message()
    headers = {SECRET_HEADER: WEBHOOK_SECRET}
    async with aiohttp.ClientSession() as http:
        for _ in range(3):
            async with http.post(
                webhook_url, json=_update(4242, user.id, "/help"), headers=headers
            ) as response:
                assert response.status == 200
        async with http.post(webhook_url, data=b"{not json", headers=headers) as response:
            assert response.status == 400
    await user.wait_for_message(text_contains="how I can help")
    await user.send("hello")  # a later update: once it is answered, the retries were too
    await user.wait_for_message(text_contains="didn't get that")
    texts = [m.text for m in user.messages_from_bot()]
    assert sum("how I can help" in (t or "") for t in texts) == 1
