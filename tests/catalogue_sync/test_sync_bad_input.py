"""Hostile or broken feeds through sync_feed: a clear error, bounded time, catalogue intact.

Each test first syncs a good version of the feed, then serves the bad one, and checks that every
activity of the good version is still active and unchanged.
"""

from __future__ import annotations

import asyncio
import json
import time
from dataclasses import dataclass
from datetime import datetime, timedelta

import aiohttp
import pytest
from aiohttp import web
from sqlalchemy import select
from sync_helpers import PartnerSite

from catalogue.fetch import FeedFetcher
from catalogue.models import Activity, Feed, FeedStatus
from catalogue.sync import SyncReport, sync_feed
from storage import Database

SECONDS = 8.0
BILLION_LAUGHS = (
    '<?xml version="1.0"?>\n<!DOCTYPE lolz [\n <!ENTITY lol "lol">\n'
    + "".join(
        f' <!ENTITY lol{n} "{("&lol" + (str(n - 1) if n > 2 else "") + ";") * 10}">\n'
        for n in range(2, 10)
    )
    + ']>\n<rss version="2.0"><channel><title>&lol9;</title>'
    "<item><title>&lol9;</title><guid>1</guid></item></channel></rss>\n"
).encode()


def _days(now: datetime, n: int) -> str:
    return (now + timedelta(days=n)).strftime("%Y-%m-%d")


def rss(now: datetime, extra: str = "", declaration: str = 'encoding="utf-8"') -> bytes:
    items = "".join(
        f"<item><title>Oficina {i}</title><guid>o{i}</guid>"
        f"<ev:startdate>{_days(now, i + 1)}T18:00:00+00:00</ev:startdate></item>\n"
        for i in range(3)
    )
    return (
        f'<?xml version="1.0" {declaration}?>\n'
        '<rss version="2.0" xmlns:ev="http://purl.org/rss/1.0/modules/event/">\n'
        f"<channel><title>Ponte</title><language>pt</language>\n{items}{extra}</channel></rss>\n"
    ).encode()


def csv(now: datetime, extra: str = "") -> bytes:
    rows = "".join(f"c{i},Repair café {i},{_days(now, i + 1)} 18:00\n" for i in range(3))
    return ("id,title,start\n" + rows + extra).encode("utf-8")


def jsonld(now: datetime) -> bytes:
    graph = [
        {"@type": "Event", "@id": f"e{i}", "name": f"Curso {i}", "startDate": _days(now, i + 1)}
        for i in range(3)
    ]
    return json.dumps({"@context": "https://schema.org", "@graph": graph}, indent=1).encode()


def ics(now: datetime, extra: str = "") -> bytes:
    events = "".join(
        f"BEGIN:VEVENT\r\nUID:v{i}\r\nSUMMARY:Clube {i}\r\n"
        f"DTSTART:{(now + timedelta(days=i + 1)):%Y%m%dT180000Z}\r\nEND:VEVENT\r\n"
        for i in range(3)
    )
    return f"BEGIN:VCALENDAR\r\nVERSION:2.0\r\n{events}{extra}END:VCALENDAR\r\n".encode()


@dataclass
class Baseline:
    """A feed synced once from good data, and its activities as they were."""

    feed_id: int
    rows: list[tuple]
    url: str


async def _rows(database: Database, feed_id: int) -> list[tuple]:
    async with database.session() as session:
        result = await session.execute(
            select(
                Activity.id,
                Activity.source_id,
                Activity.status,
                Activity.titles,
                Activity.content_hash,
                Activity.updated_at,
            )
            .where(Activity.feed_id == feed_id)
            .order_by(Activity.id)
        )
        return [tuple(row) for row in result]


async def baseline(
    database: Database, site: PartnerSite, fetcher, new_feed, now, path: str, body: bytes, ctype
) -> Baseline:
    url = site.publish(path, body, ctype)
    feed_id = await new_feed(url)
    report = await sync_feed(database, feed_id, fetcher=fetcher, now=now)
    assert report.ok
    assert len(report.added) == 3
    return Baseline(feed_id, await _rows(database, feed_id), url)


async def bad_sync(database: Database, base: Baseline, fetcher, now) -> SyncReport:
    """Sync the bad version within the time bound; the good activities must be untouched."""
    started = time.perf_counter()
    async with asyncio.timeout(SECONDS + 2):
        report = await sync_feed(database, base.feed_id, fetcher=fetcher, now=now)
    assert time.perf_counter() - started < SECONDS
    after = {row[0]: row for row in await _rows(database, base.feed_id)}
    for row in base.rows:
        assert after[row[0]] == row
        assert row[2] == "active"
    return report


async def assert_failed(database: Database, base: Baseline, report: SyncReport, *words: str):
    assert len(report.errors) == 1
    error = report.errors[0]
    assert "\n" not in error
    assert "Traceback" not in error
    for word in words:
        assert word in error
    async with database.session() as session:
        feed = await session.get(Feed, base.feed_id)
        assert feed is not None
        assert feed.status == FeedStatus.FAILING
        assert feed.last_error == error
        assert feed.consecutive_failures == 1


async def move_feed(database: Database, base: Baseline, url: str) -> None:
    """Point the feed at another address of the partner's server."""
    async with database.session() as session:
        feed = await session.get(Feed, base.feed_id)
        assert feed is not None
        feed.url = url


@pytest.fixture
def prepared(lisbon, site, fetcher, new_feed, now):
    async def make(path: str, body: bytes, ctype: str) -> Baseline:
        return await baseline(lisbon, site, fetcher, new_feed, now, path, body, ctype)

    return make


async def test_malformed_xml(lisbon, site, fetcher, prepared, now) -> None:
    base = await prepared("/ponte.rss", rss(now), "application/rss+xml")
    site.publish("/ponte.rss", b'<?xml version="1.0"?>\n<rss><<<>>>', "application/rss+xml")
    report = await bad_sync(lisbon, base, fetcher, now)
    await assert_failed(lisbon, base, report, "not well-formed", "line 2")


async def test_xml_entity_bomb(lisbon, site, fetcher, prepared, now) -> None:
    base = await prepared("/ponte.rss", rss(now), "application/rss+xml")
    site.publish("/ponte.rss", BILLION_LAUGHS, "application/rss+xml")
    report = await bad_sync(lisbon, base, fetcher, now)
    await assert_failed(lisbon, base, report, "entities", "refused")


async def test_fifty_megabyte_body(lisbon, site, fetcher, prepared, now) -> None:
    sent = []

    async def huge(request: web.Request) -> web.StreamResponse:
        response = web.StreamResponse(headers={"Content-Type": "text/calendar"})
        await response.prepare(request)
        chunk = b"X" * (1024 * 1024)
        try:
            for _ in range(50):
                await response.write(chunk)
                sent.append(len(chunk))
        except (ConnectionResetError, aiohttp.ClientConnectionResetError):
            pass
        return response

    base = await prepared("/agenda.ics", ics(now), "text/calendar")
    await move_feed(lisbon, base, site.route("/huge.ics", huge))
    report = await bad_sync(lisbon, base, fetcher, now)
    await assert_failed(lisbon, base, report, "more than 10,485,760 bytes")
    assert sum(sent) < 50 * 1024 * 1024


async def test_server_that_never_answers(lisbon, site, prepared, now) -> None:
    finished = asyncio.Event()

    async def silent(_request: web.Request) -> web.Response:
        await finished.wait()
        return web.Response()

    base = await prepared("/agenda.ics", ics(now), "text/calendar")
    await move_feed(lisbon, base, site.route("/silent.ics", silent))
    async with aiohttp.ClientSession() as http:
        impatient = FeedFetcher(http, allow_hosts=["127.0.0.1"], read_timeout=1.0)
        try:
            report = await bad_sync(lisbon, base, impatient, now)
        finally:
            finished.set()
    await assert_failed(lisbon, base, report, "did not answer within 1 seconds")


async def test_redirect_to_a_private_address(lisbon, site, fetcher, prepared, now) -> None:
    async def sneaky(_request: web.Request) -> web.Response:
        raise web.HTTPFound("http://169.254.169.254/latest/meta-data/")

    base = await prepared("/agenda.ics", ics(now), "text/calendar")
    await move_feed(lisbon, base, site.route("/moved.ics", sneaky))
    report = await bad_sync(lisbon, base, fetcher, now)
    await assert_failed(lisbon, base, report, "169.254.169.254", "refused")


async def test_minutely_rule_without_end(lisbon, site, fetcher, prepared, now) -> None:
    base = await prepared("/agenda.ics", ics(now), "text/calendar")
    spam = (
        "BEGIN:VEVENT\r\nUID:spam\r\nSUMMARY:Spam\r\n"
        f"DTSTART:{(now + timedelta(days=1)):%Y%m%dT100000Z}\r\nRRULE:FREQ=MINUTELY\r\n"
        "END:VEVENT\r\n"
    )
    site.publish("/agenda.ics", ics(now, spam), "text/calendar")
    report = await bad_sync(lisbon, base, fetcher, now)
    assert report.ok
    assert any("too frequent" in warning for warning in report.warnings)
    async with lisbon.session() as session:
        spam_row = await session.scalar(select(Activity).where(Activity.source_id == "spam"))
        assert spam_row is not None


async def test_csv_with_missing_columns(lisbon, site, fetcher, prepared, now) -> None:
    base = await prepared("/cafes.csv", csv(now), "text/csv")
    site.publish("/cafes.csv", b"id;nome;data\n1;A;2026-12-10\n", "text/csv")
    report = await bad_sync(lisbon, base, fetcher, now)
    await assert_failed(lisbon, base, report, "title, start", "line 1")


async def test_jsonld_with_a_trailing_semicolon(lisbon, site, fetcher, prepared, now) -> None:
    base = await prepared("/academy.json", jsonld(now), "application/ld+json")
    site.publish("/academy.json", jsonld(now) + b";\n", "application/ld+json")
    report = await bad_sync(lisbon, base, fetcher, now)
    lines = jsonld(now).count(b"\n") + 1
    await assert_failed(lisbon, base, report, "';'", f"line {lines}")


async def test_body_that_is_only_a_file_path(lisbon, site, fetcher, prepared, now) -> None:
    base = await prepared("/cafes.csv", csv(now), "text/csv")
    site.publish("/cafes.csv", b"/etc/passwd\n", "text/csv")
    report = await bad_sync(lisbon, base, fetcher, now)
    await assert_failed(lisbon, base, report, "nothing was opened")


async def test_markup_in_titles_is_kept_as_text(lisbon, site, fetcher, prepared, now) -> None:
    base = await prepared("/cafes.csv", csv(now), "text/csv")
    title = "<b>Clube</b> *de* _código_ [link](tg://user?id=1) & <script>amigos</script>"
    site.publish("/cafes.csv", csv(now, f'm1,"{title}",{_days(now, 4)} 18:00\n'), "text/csv")
    report = await bad_sync(lisbon, base, fetcher, now)
    assert report.ok
    async with lisbon.session() as session:
        row = await session.scalar(select(Activity).where(Activity.source_id == "m1"))
        assert row is not None
        assert row.title("pt") == title


async def test_coordinates_out_of_range(lisbon, site, fetcher, prepared, now) -> None:
    base = await prepared("/agenda.ics", ics(now), "text/calendar")
    far = (
        "BEGIN:VEVENT\r\nUID:nowhere\r\nSUMMARY:Nowhere\r\n"
        f"DTSTART:{(now + timedelta(days=2)):%Y%m%dT100000Z}\r\nGEO:95.0;200.0\r\nEND:VEVENT\r\n"
    )
    site.publish("/agenda.ics", ics(now, far), "text/calendar")
    report = await bad_sync(lisbon, base, fetcher, now)
    assert report.ok
    assert any("coordinates" in w and "dropped" in w for w in report.warnings)
    async with lisbon.session() as session:
        row = await session.scalar(select(Activity).where(Activity.source_id == "nowhere"))
        assert row is not None
        assert (row.latitude, row.longitude) == (None, None)


async def test_dates_in_year_9999(lisbon, site, fetcher, prepared, now) -> None:
    base = await prepared("/cafes.csv", csv(now), "text/csv")
    site.publish("/cafes.csv", csv(now, "far,Far future,9999-12-31 10:00\n"), "text/csv")
    report = await bad_sync(lisbon, base, fetcher, now)
    assert any("9999" in warning and "line 5" in warning for warning in report.warnings)
    async with lisbon.session() as session:
        assert await session.scalar(select(Activity).where(Activity.source_id == "far")) is None


async def test_non_utf8_file_without_declaration(lisbon, site, fetcher, prepared, now) -> None:
    base = await prepared("/ponte.rss", rss(now), "application/rss+xml")
    title = "Programação — nível básico"
    extra = f"<item><title>{title}</title><guid>cp</guid></item>\n"
    body = rss(now, extra, declaration="").decode("utf-8").encode("cp1252")
    site.publish("/ponte.rss", body, "application/rss+xml")
    report = await bad_sync(lisbon, base, fetcher, now)
    assert report.ok
    assert any("Windows-1252" in warning for warning in report.warnings)
    async with lisbon.session() as session:
        row = await session.scalar(select(Activity).where(Activity.source_id == "cp"))
        assert row is not None
        assert row.title("pt") == title
