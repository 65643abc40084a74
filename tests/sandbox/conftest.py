"""Fixtures: a running sandbox, and a real python-telegram-bot Application wired to it."""

from __future__ import annotations

import io
from collections.abc import AsyncIterator, Awaitable, Callable

import pytest
from PIL import Image
from telegram import Message, TelegramObject, Update
from telegram.ext import Application, ApplicationBuilder

from bot.sandbox import SandboxServer

TOKEN = "123456789:AAHsandboxTOKENforTESTS_abcdefghijk"
BOT_USERNAME = "colbot_test_bot"

AppFactory = Callable[[Callable[[Application], None]], Awaitable[Application]]


@pytest.fixture
async def sandbox() -> AsyncIterator[SandboxServer]:
    """A started sandbox with one bot registered; fails the test on any sandbox bug."""
    async with SandboxServer(webhook_retry_delays=(0.02, 0.05, 0.1)) as server:
        server.add_bot(TOKEN, BOT_USERNAME, "City of Learning")
        yield server
        assert not server.internal_errors, server.internal_errors
        assert_shapes_known(server)


def _unknown_fields(obj: TelegramObject, path: str) -> list[str]:
    """Fields PTB did not recognise: each one is a shape mistake in the sandbox."""
    found = [f"{path}.{key}" for key in obj.api_kwargs]
    for name, value in obj._get_attrs(recursive=False).items():
        items = value if isinstance(value, tuple) else (value,)
        for item in items:
            for inner in item if isinstance(item, tuple) else (item,):
                if isinstance(inner, TelegramObject):
                    found += _unknown_fields(inner, f"{path}.{name}")
    return found


def assert_shapes_known(server: SandboxServer) -> None:
    """Every message the sandbox stored parses in PTB without unknown fields."""
    for conversation in server.world.conversations.values():
        for stored in conversation.messages.values():
            message = Message.de_json(stored.raw, None)
            assert _unknown_fields(message, "message") == [], stored.raw
    for account in server.world.bots.values():
        for raw in account.update_log:
            assert _unknown_fields(Update.de_json(raw, None), "update") == [], raw


def build_app(sandbox: SandboxServer) -> Application:
    """A PTB Application that talks to the sandbox over real HTTP."""
    return (
        ApplicationBuilder()
        .token(TOKEN)
        .base_url(sandbox.base_url)
        .base_file_url(sandbox.base_file_url)
        .build()
    )


@pytest.fixture
async def polling_app(sandbox: SandboxServer) -> AsyncIterator[AppFactory]:
    """Start a PTB Application in polling mode after a test registers its handlers."""
    started: list[Application] = []

    async def start(register: Callable[[Application], None]) -> Application:
        app = build_app(sandbox)
        register(app)
        await app.initialize()
        await app.start()
        assert app.updater is not None
        await app.updater.start_polling(poll_interval=0, timeout=5)
        started.append(app)
        return app

    yield start
    for app in started:
        assert app.updater is not None
        await app.updater.stop()
        await app.stop()
        await app.shutdown()


def png_bytes(width: int = 400, height: int = 300, color: str = "teal") -> bytes:
    """A real PNG image, as a person's phone would send."""
    out = io.BytesIO()
    Image.new("RGB", (width, height), color).save(out, format="PNG")
    return out.getvalue()
