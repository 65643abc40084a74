"""A running bot talking real HTTP to the local Bot API sandbox, on a fresh database."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass

import pytest

from bot.app import BotApplication, BuildOptions
from bot.runner import running_bot
from bot.sandbox.server import SandboxServer
from bot.settings import Settings, load_settings
from catalogue.cities import upsert_cities
from storage import Database

TOKEN = "123456789:TEST-token-for-the-local-sandbox"
WEBHOOK_SECRET = "s3cret-s3cret-s3cret-s3cret-s3cret-42"
SECRET_KEY = "key-encryption-secret-for-the-tests-0123456789"

CITIES = [
    {
        "slug": "lisbon",
        "names": {
            "en": "Lisbon",
            "pt": "Lisboa",
            "es": "Lisboa",
            "lt": "Lisabona",
            "uk": "Лісабон",
        },
        "country": "PT",
        "timezone": "Europe/Lisbon",
        "default_language": "pt",
        "latitude": 38.7223,
        "longitude": -9.1393,
    },
    {
        "slug": "madeira",
        "names": {
            "en": "Madeira",
            "pt": "Madeira",
            "es": "Madeira",
            "lt": "Madeira",
            "uk": "Мадейра",
        },
        "country": "PT",
        "timezone": "Atlantic/Madeira",
        "default_language": "pt",
        "latitude": 32.6669,
        "longitude": -16.9241,
    },
    {
        "slug": "vilnius",
        "names": {
            "en": "Vilnius",
            "lt": "Vilnius",
            "pt": "Vilnius",
            "es": "Vilna",
            "uk": "Вільнюс",
        },
        "country": "LT",
        "timezone": "Europe/Vilnius",
        "default_language": "lt",
        "latitude": 54.6872,
        "longitude": 25.2797,
    },
]


@dataclass
class ChatWorld:
    """The sandbox, the running application and the database behind it."""

    sandbox: SandboxServer
    application: BotApplication
    database: Database
    settings: Settings


@pytest.fixture
async def sandbox() -> AsyncIterator[SandboxServer]:
    """A local Bot API with one bot registered."""
    async with SandboxServer(host="127.0.0.1", port=0) as server:
        server.add_bot(TOKEN, "city_learning_bot", "City of Learning")
        yield server


def bot_settings(sandbox: SandboxServer, database_url: str, **extra: object) -> Settings:
    """Settings that point the bot at the sandbox and the test database."""
    values: dict[str, object] = {
        "telegram_bot_token": TOKEN,
        "telegram_api_url": sandbox.base_url,
        "telegram_file_url": sandbox.base_file_url,
        "database_url": database_url,
        "web_port": 0,
        "secret_key": SECRET_KEY,
    }
    return load_settings(**(values | extra))


@pytest.fixture(params=["aiohttp", "httpx"])
def transport(request: pytest.FixtureRequest) -> str:
    """Every chat test runs with our aiohttp transport and with PTB's default one."""
    return str(request.param)


@pytest.fixture
async def world(
    sandbox: SandboxServer, database: Database, database_url: str, transport: str
) -> AsyncIterator[ChatWorld]:
    """The bot polling the sandbox, with three cities configured."""
    async with database.session() as session:
        await upsert_cities(session, CITIES)
    settings = bot_settings(sandbox, database_url)
    options = BuildOptions(transport=transport)
    async with running_bot(settings, mode="polling", options=options) as application:
        yield ChatWorld(sandbox, application, database, settings)
