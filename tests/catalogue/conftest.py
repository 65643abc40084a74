"""Fixtures for the catalogue tests: a fixed 'now' and a real local partner server."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime

import aiohttp
import pytest
from aiohttp import web

from catalogue.formats import parse_feed
from catalogue.records import ParseResult
from catalogue.samples import render_sample

NOW = datetime(2026, 12, 3, 12, 0, tzinfo=UTC)


@pytest.fixture
def now() -> datetime:
    return NOW


@pytest.fixture
def parse_sample() -> Callable[[str], ParseResult]:
    def parse(name: str) -> ParseResult:
        zone = "Atlantic/Madeira" if name.startswith("madeira") else "Europe/Lisbon"
        data = render_sample(name, NOW)
        return parse_feed(data, now=NOW, default_tz=zone, default_lang="pt")

    return parse


class PartnerServer:
    """A real aiohttp server on 127.0.0.1 whose routes each test defines."""

    def __init__(self) -> None:
        self.app = web.Application()
        self.runner: web.AppRunner | None = None
        self.port = 0

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    async def start(self) -> None:
        self.runner = web.AppRunner(self.app, handle_signals=False)
        await self.runner.setup()
        site = web.TCPSite(self.runner, "127.0.0.1", 0)
        await site.start()
        self.port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]


@pytest.fixture
async def partner_server() -> AsyncIterator[PartnerServer]:
    server = PartnerServer()
    yield server
    if server.runner is not None:
        await server.runner.cleanup()


@pytest.fixture
async def http_session() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as session:
        yield session
