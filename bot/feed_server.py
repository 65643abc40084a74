"""The demo's partner websites: a real aiohttp server on 127.0.0.1 serving the sample feeds.

Each feed is rendered once when the server starts (its dates relative to that moment), and is
served with its proper content type, an ETag and a Last-Modified date, answering conditional
requests with 304 like a well-behaved partner server would.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import format_datetime, parsedate_to_datetime
from types import TracebackType
from typing import Any

import aiohttp
from aiohttp import web

from catalogue.cities import read_cities_file, upsert_cities
from catalogue.feeds import add_feed
from catalogue.fetch import FeedFetcher
from catalogue.partners import add_partner
from catalogue.samples import FEED_FILES, load_json, render_sample
from catalogue.sync import SyncReport, sync_feed
from storage import Database, utcnow

CONTENT_TYPES = {
    ".ics": "text/calendar; charset=utf-8",
    ".rss.xml": "application/rss+xml; charset=utf-8",
    ".atom.xml": "application/atom+xml; charset=utf-8",
    ".jsonld.json": "application/ld+json; charset=utf-8",
    ".html": "text/html; charset=utf-8",
    ".csv": "text/csv; charset=utf-8",
}


@dataclass(frozen=True, slots=True)
class ServedFeed:
    """One rendered sample feed and its validators."""

    body: bytes
    content_type: str
    etag: str
    last_modified: datetime


FEEDS = web.AppKey("feeds", dict[str, ServedFeed])


def content_type_of(name: str) -> str:
    """The media type a partner would send for a sample file name."""
    for suffix, media in CONTENT_TYPES.items():
        if name.endswith(suffix):
            return media
    return "application/octet-stream"


def render_feeds(now: datetime) -> dict[str, ServedFeed]:
    """Every sample feed rendered for ``now``, with an ETag from its bytes."""
    modified = now.astimezone(UTC).replace(microsecond=0)
    feeds = {}
    for name in FEED_FILES:
        body = render_sample(name, now)
        etag = '"' + hashlib.sha256(body).hexdigest()[:24] + '"'
        feeds[name] = ServedFeed(body, content_type_of(name), etag, modified)
    return feeds


def _not_modified(request: web.Request, feed: ServedFeed) -> bool:
    match = request.headers.get("If-None-Match")
    if match is not None:
        return feed.etag in {tag.strip() for tag in match.split(",")} or match.strip() == "*"
    since = request.headers.get("If-Modified-Since")
    if since is None:
        return False
    try:
        return feed.last_modified <= parsedate_to_datetime(since)
    except (TypeError, ValueError):
        return False


async def serve_feed(request: web.Request) -> web.Response:
    """GET /feeds/{name}: the feed, or 304 when the client already has it."""
    feed = request.app[FEEDS].get(request.match_info["name"])
    if feed is None:
        raise web.HTTPNotFound(text="no such feed")
    headers = {
        "ETag": feed.etag,
        "Last-Modified": format_datetime(feed.last_modified, usegmt=True),
        "Cache-Control": "max-age=300",
    }
    if _not_modified(request, feed):
        return web.Response(status=304, headers=headers)
    return web.Response(body=feed.body, headers={**headers, "Content-Type": feed.content_type})


def build_feed_app(now: datetime) -> web.Application:
    """The feed server's application, with every sample rendered for ``now``."""
    app = web.Application()
    app[FEEDS] = render_feeds(now)
    app.router.add_routes([web.get("/feeds/{name}", serve_feed)])
    return app


class SampleFeedServer:
    """Serves the sample feeds on a loopback port while the context is open."""

    def __init__(self, *, host: str = "127.0.0.1", port: int = 0, now: datetime | None = None):
        self.host = host
        self.port = port
        self.now = now or utcnow()
        self._runner: web.AppRunner | None = None

    def url(self, name: str) -> str:
        """The address of one sample feed."""
        return f"http://{self.host}:{self.port}/feeds/{name}"

    async def __aenter__(self) -> SampleFeedServer:
        self._runner = web.AppRunner(build_feed_app(self.now), access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, self.host, self.port)
        await site.start()
        self.port = int(self._runner.addresses[0][1])
        return self

    async def __aexit__(
        self,
        _type: type[BaseException] | None,
        _error: BaseException | None,
        _tb: TracebackType | None,
    ) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None


async def load_sample_catalogue(
    database: Database, server: SampleFeedServer, *, now: datetime | None = None
) -> list[SyncReport]:
    """Load the sample cities, partners and feeds, and read every feed through the real sync."""
    now = now or utcnow()
    feed_ids: list[int] = []
    async with database.session() as session:
        await upsert_cities(session, read_cities_file())
        partner: dict[str, Any]
        for partner in load_json("partners.json"):
            await add_partner(
                session,
                city_slug=partner["city"],
                name=partner["name"],
                website=partner.get("website"),
                contact=partner.get("contact"),
                slug=partner["slug"],
            )
            if partner.get("feed"):
                feed = await add_feed(
                    session,
                    city_slug=partner["city"],
                    partner=partner["slug"],
                    url=server.url(partner["feed"]["file"]),
                    fmt=partner["feed"].get("format", "auto"),
                )
                feed_ids.append(feed.id)
    async with aiohttp.ClientSession() as http:
        # Loopback is allowed for this fetcher only, which reads only the sample server.
        fetcher = FeedFetcher(http, allow_hosts=[server.host])
        return [
            await sync_feed(database, feed_id, fetcher=fetcher, now=now) for feed_id in feed_ids
        ]
