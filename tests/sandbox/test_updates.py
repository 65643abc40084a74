"""getUpdates offsets and long polling, webhook delivery, and the raw HTTP protocol."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest
from aiohttp import web
from telegram import Bot, Update
from telegram.error import Conflict
from telegram.ext import ContextTypes, MessageHandler, filters

from bot.sandbox import SandboxServer
from tests.sandbox.conftest import TOKEN, build_app


@pytest.fixture
async def http() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as session:
        yield session


async def call(
    http: aiohttp.ClientSession, sandbox: SandboxServer, method: str, **params: Any
) -> tuple[int, dict[str, Any]]:
    async with http.post(f"{sandbox.base_url}{TOKEN}/{method}", json=params) as response:
        return response.status, await response.json()


async def test_offset_confirms_earlier_updates(
    sandbox: SandboxServer, http: aiohttp.ClientSession
) -> None:
    alice = sandbox.user("Alice")
    for text in ("one", "two", "three"):
        await alice.send(text)
    status, body = await call(http, sandbox, "getUpdates")
    assert status == 200
    assert body["ok"] is True
    ids = [u["update_id"] for u in body["result"]]
    assert [u["message"]["text"] for u in body["result"]] == ["one", "two", "three"]
    assert ids == sorted(ids)
    assert len(set(ids)) == 3
    # without an offset nothing is confirmed
    _, again = await call(http, sandbox, "getUpdates", limit=2)
    assert [u["update_id"] for u in again["result"]] == ids[:2]
    # offset = last + 1 confirms everything before it
    _, rest = await call(http, sandbox, "getUpdates", offset=ids[1])
    assert [u["update_id"] for u in rest["result"]] == ids[1:]
    _, empty = await call(http, sandbox, "getUpdates", offset=ids[-1] + 1)
    assert empty["result"] == []
    _, info = await call(http, sandbox, "getWebhookInfo")
    assert info["result"] == {
        "url": "",
        "has_custom_certificate": False,
        "pending_update_count": 0,
    }


async def test_negative_offset_keeps_the_last_updates(
    sandbox: SandboxServer, http: aiohttp.ClientSession
) -> None:
    alice = sandbox.user("Alice")
    for text in ("a", "b", "c"):
        await alice.send(text)
    _, body = await call(http, sandbox, "getUpdates", offset=-1)
    assert [u["message"]["text"] for u in body["result"]] == ["c"]


async def test_long_poll_returns_when_an_update_arrives(sandbox: SandboxServer) -> None:
    alice = sandbox.user("Alice")
    async with Bot(TOKEN, base_url=sandbox.base_url) as bot:
        began = time.monotonic()
        poll = asyncio.create_task(bot.get_updates(timeout=5))
        await asyncio.sleep(0.2)
        assert not poll.done()
        await alice.send("wake up")
        updates = await poll
        assert time.monotonic() - began < 2
        assert updates[0].message is not None
        assert updates[0].message.text == "wake up"
        began = time.monotonic()
        assert await bot.get_updates(offset=updates[0].update_id + 1, timeout=0.3) == ()
        assert time.monotonic() - began >= 0.3


async def test_allowed_updates_filter_new_updates(
    sandbox: SandboxServer, http: aiohttp.ClientSession
) -> None:
    alice = sandbox.user("Alice")
    await call(http, sandbox, "getUpdates", allowed_updates=json.dumps(["callback_query"]))
    await alice.send("ignored")
    _, body = await call(http, sandbox, "getUpdates")
    assert body["result"] == []


async def test_form_encoded_and_get_requests(
    sandbox: SandboxServer, http: aiohttp.ClientSession
) -> None:
    alice = sandbox.user("Alice")
    await alice.send("/start")
    markup = json.dumps({"inline_keyboard": [[{"text": "Go", "callback_data": "go"}]]})
    form = {"chat_id": str(alice.id), "text": "form", "reply_markup": markup}
    async with http.post(f"{sandbox.base_url}{TOKEN}/SENDMESSAGE", data=form) as response:
        body = await response.json()
    assert body["ok"]
    assert body["result"]["reply_markup"]["inline_keyboard"][0][0]["text"] == "Go"
    async with http.get(
        f"{sandbox.base_url}{TOKEN}/sendMessage", params={"chat_id": alice.id, "text": "get"}
    ) as response:
        assert (await response.json())["result"]["text"] == "get"
    assert [m.text for m in alice.messages_from_bot()] == ["form", "get"]


class Receiver:
    """A tiny webhook endpoint that can be told to fail."""

    def __init__(self) -> None:
        self.received: list[tuple[dict[str, Any], str | None]] = []
        self.failures_left = 0
        self.arrived = asyncio.Event()

    async def handle(self, request: web.Request) -> web.Response:
        if self.failures_left > 0:
            self.failures_left -= 1
            return web.Response(status=500)
        self.received.append(
            (await request.json(), request.headers.get("X-Telegram-Bot-Api-Secret-Token"))
        )
        self.arrived.set()
        return web.Response(text="ok")


@pytest.fixture
async def receiver() -> AsyncIterator[tuple[Receiver, str]]:
    target = Receiver()
    app = web.Application()
    app.router.add_post("/hook", target.handle)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    yield target, f"http://127.0.0.1:{port}/hook"
    await runner.cleanup()


async def test_webhook_delivery_with_secret_retries_and_order(
    sandbox: SandboxServer, receiver: tuple[Receiver, str]
) -> None:
    target, url = receiver
    alice = sandbox.user("Alice")
    async with Bot(TOKEN, base_url=sandbox.base_url) as bot:
        target.failures_left = 2
        assert await bot.set_webhook(url, secret_token="s3cr3t-token")
        with pytest.raises(Conflict, match="webhook is active"):
            await bot.get_updates()
        for text in ("first", "second", "third"):
            await alice.send(text)
        async with asyncio.timeout(5):
            while len(target.received) < 3:
                target.arrived.clear()
                await target.arrived.wait()
        assert [u["message"]["text"] for u, _ in target.received] == ["first", "second", "third"]
        assert {secret for _, secret in target.received} == {"s3cr3t-token"}
        info = await bot.get_webhook_info()
        assert info.url == url
        assert info.pending_update_count == 0
        assert (
            info.last_error_message == "Wrong response from the webhook: 500 Internal Server Error"
        )
        assert await bot.delete_webhook()
        await alice.send("polled again")
        updates = await bot.get_updates()
        assert updates[-1].message is not None
        assert updates[-1].message.text == "polled again"


async def test_webhook_gives_up_after_bounded_retries(sandbox: SandboxServer) -> None:
    alice = sandbox.user("Alice")
    async with Bot(TOKEN, base_url=sandbox.base_url) as bot:
        # nothing listens on port 9 of loopback: every attempt is refused
        await bot.set_webhook("http://127.0.0.1:9/hook")
        await alice.send("lost")
        async with asyncio.timeout(5):
            # an operator can only poll getWebhookInfo to see the queue drain
            while (await bot.get_webhook_info()).pending_update_count:  # noqa: ASYNC110
                await asyncio.sleep(0.05)
        info = await bot.get_webhook_info()
        assert info.last_error_message == "Connection refused"
        assert sandbox.bot().delivered == []


async def test_ptb_application_in_webhook_mode(sandbox: SandboxServer) -> None:
    """PTB fed by our own aiohttp receiver that checks the secret, as the product will do."""
    app = build_app(sandbox)

    async def shout(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.effective_message is not None
        assert update.effective_message.text
        await update.effective_message.reply_text(update.effective_message.text.upper())

    app.add_handler(MessageHandler(filters.TEXT, shout))

    async def webhook(request: web.Request) -> web.Response:
        if request.headers.get("X-Telegram-Bot-Api-Secret-Token") != "hook-secret":
            return web.Response(status=403)
        await app.update_queue.put(Update.de_json(await request.json(), app.bot))
        return web.Response()

    receiver_app = web.Application()
    receiver_app.router.add_post("/telegram", webhook)
    runner = web.AppRunner(receiver_app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    url = f"http://127.0.0.1:{runner.addresses[0][1]}/telegram"
    try:
        async with app:
            await app.start()
            await app.bot.set_webhook(url, secret_token="hook-secret")
            alice = sandbox.user("Alice")
            await alice.send("quiet please")
            reply = await alice.wait_for_message()
            assert reply.text == "QUIET PLEASE"
            await app.stop()
    finally:
        await runner.cleanup()
