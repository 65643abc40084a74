"""Fixtures for the sync tests: a real local partner server, a city with partners, counters."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from datetime import datetime

import aiohttp
import pytest
from sync_helpers import NOW, PartnerSite, WriteCounter

from catalogue.cities import read_cities_file, upsert_cities
from catalogue.feeds import add_feed
from catalogue.fetch import FeedFetcher
from catalogue.partners import add_partner
from storage import Database


@pytest.fixture
def now() -> datetime:
    return NOW


@pytest.fixture
async def site() -> AsyncIterator[PartnerSite]:
    server = PartnerSite()
    await server.start()
    yield server
    assert server.runner is not None
    await server.runner.cleanup()


@pytest.fixture
async def fetcher() -> AsyncIterator[FeedFetcher]:
    async with aiohttp.ClientSession() as session:
        yield FeedFetcher(session, allow_hosts=["127.0.0.1"], read_timeout=2.0, total_timeout=5.0)


@pytest.fixture
async def lisbon(database: Database) -> Database:
    """The database with the sample cities and two Lisbon partners."""
    async with database.session() as session:
        await upsert_cities(session, read_cities_file())
        await add_partner(session, city_slug="lisbon", name="Biblioteca de Marvila")
        await add_partner(session, city_slug="lisbon", name="Associação Ponte")
    return database


NewFeed = Callable[..., Awaitable[int]]


@pytest.fixture
def new_feed(lisbon: Database) -> NewFeed:
    """Register a feed of a partner (the library by default) and return its id."""

    async def make(url: str, fmt: str = "auto", partner: str = "biblioteca-de-marvila") -> int:
        async with lisbon.session() as session:
            feed = await add_feed(session, city_slug="lisbon", partner=partner, url=url, fmt=fmt)
            return feed.id

    return make


@pytest.fixture
def writes(database: Database) -> Iterator[WriteCounter]:
    counter = WriteCounter(database)
    yield counter
    counter.close()
