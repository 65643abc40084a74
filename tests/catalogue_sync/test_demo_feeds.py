"""The demo's feed server and its sample catalogue, synced through the real path."""

from __future__ import annotations

from pathlib import Path

import aiohttp
from sqlalchemy import func, select

from bot.demo import prepare_database, running_demo
from bot.feed_server import SampleFeedServer
from bot.settings import load_settings
from catalogue.models import Activity, City, Feed, FeedStatus, Partner
from catalogue.samples import FEED_FILES, load_json
from storage import create_database

EXPECTED_TYPES = {
    "lisbon-libraries.ics": "text/calendar",
    "youth-ponte.rss.xml": "application/rss+xml",
    "green-jobs.atom.xml": "application/atom+xml",
    "digital-academy.jsonld.json": "application/ld+json",
    "community-arts.html": "text/html",
    "repair-network.csv": "text/csv",
    "madeira-digital.csv": "text/csv",
}


async def test_feed_server_speaks_like_a_partner_server() -> None:
    async with SampleFeedServer() as server, aiohttp.ClientSession() as http:
        for name in FEED_FILES:
            async with http.get(server.url(name)) as response:
                assert response.status == 200
                assert response.content_type == EXPECTED_TYPES[name]
                etag = response.headers["ETag"]
                modified = response.headers["Last-Modified"]
                assert await response.read()
            async with http.get(server.url(name), headers={"If-None-Match": etag}) as again:
                assert again.status == 304
            async with http.get(
                server.url(name), headers={"If-Modified-Since": modified}
            ) as by_date:
                assert by_date.status == 304
        async with http.get(server.url("nothing.ics")) as missing:
            assert missing.status == 404


async def _counts(url: str) -> dict[str, object]:
    database = create_database(url)
    try:
        async with database.session() as session:
            return {
                "cities": await session.scalar(select(func.count()).select_from(City)),
                "partners": await session.scalar(select(func.count()).select_from(Partner)),
                "activities": await session.scalar(select(func.count()).select_from(Activity)),
                "statuses": set(await session.scalars(select(Feed.status))),
                "formats": sorted(await session.scalars(select(Feed.format))),
            }
    finally:
        await database.dispose()


async def test_prepare_database_syncs_every_sample_feed(tmp_path: Path) -> None:
    settings = load_settings(data_dir=tmp_path, database_url=f"sqlite:///{tmp_path / 'd.sqlite3'}")
    async with SampleFeedServer() as server:
        reports = await prepare_database(settings, server)
    assert len(reports) == len(FEED_FILES)
    assert all(report.ok for report in reports)
    expected = sum(1 for partner in load_json("partners.json") if partner["feed"])
    assert len(reports) == expected
    counts = await _counts(settings.db_url)
    assert counts["cities"] == 2
    assert counts["partners"] == len(load_json("partners.json"))
    assert counts["activities"] == 16 + 13 + 12 + 14 + 10 + 12 + 6
    assert counts["statuses"] == {FeedStatus.OK.value}
    assert counts["formats"] == sorted(["ical", "rss", "atom", "jsonld", "html", "csv", "csv"])


async def test_running_demo_has_the_sample_catalogue(tmp_path: Path) -> None:
    async with running_demo(load_settings(data_dir=tmp_path)) as demo:
        assert demo.feeds is not None
        counts = await _counts(demo.settings.db_url)
        assert counts["activities"] == 83
        assert counts["statuses"] == {FeedStatus.OK.value}
