"""What ``colbot partners``, ``feeds``, ``sync`` and ``activities`` do (imported when they run).

A feed that cannot be read ends with exit status 2 and one line saying why; never a traceback.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import aiohttp

from bot.migrate import ensure_schema
from bot.settings import Settings
from catalogue.cities import CityError, get_city, list_cities
from catalogue.feeds import (
    FeedAdminError,
    FeedHealth,
    add_feed,
    add_file_feed,
    all_feed_ids,
    format_interval,
    list_feeds,
    parse_interval,
)
from catalogue.fetch import FeedFetcher, without_password
from catalogue.formats import MAX_FEED_BYTES
from catalogue.partners import PartnerError, add_partner, list_partners
from catalogue.sync import SyncReport, UnknownFeedError, import_feed, sync_feed, sync_round
from storage import Database, create_database, utcnow

# Mistakes an operator can make; each becomes one line on stderr and exit status 2.
_EXPECTED = (PartnerError, FeedAdminError, CityError, UnknownFeedError, ValueError)
_BAR = 24


def _fail(message: str) -> int:
    print(f"colbot: {message}", file=sys.stderr)
    return 2


@asynccontextmanager
async def _database(settings: Settings) -> AsyncIterator[Database]:
    database = create_database(settings.db_url)
    try:
        await ensure_schema(database, auto_migrate=settings.auto_migrate)
        yield database
    finally:
        await database.dispose()


def _when(moment: datetime | None, zone: str) -> str:
    """A stored (UTC) moment as the city's wall clock, with the zone's abbreviation."""
    if moment is None:
        return "never"
    try:
        local = moment.astimezone(ZoneInfo(zone))
    except (ValueError, ZoneInfoNotFoundError):
        local = moment
    return local.strftime("%Y-%m-%d %H:%M %Z")


def _cut(text: str | None, width: int) -> str:
    text = text or ""
    return text if len(text) <= width else text[: width - 1] + "…"


# partners -----------------------------------------------------------------------------------


async def partners_command(args: argparse.Namespace, settings: Settings) -> int:
    """Add a partner, or list them with their feeds and activities."""
    try:
        async with _database(settings) as database, database.session() as session:
            if args.action == "add":
                partner = await add_partner(
                    session,
                    city_slug=args.city,
                    name=args.name,
                    website=args.website,
                    contact=args.contact,
                    slug=args.slug,
                )
                print(f"saved partner {partner.slug} ({partner.name})")
                return 0
            rows = await list_partners(session, args.city)
    except _EXPECTED as exc:
        return _fail(str(exc))
    if not rows:
        print("no partners yet; add one with 'colbot partners add --city SLUG --name NAME'")
    for row in rows:
        print(
            f"{row.city:<10} {row.slug:<28} {_cut(row.name, 40):<40} "
            f"feeds {row.feeds:>2}  activities {row.activities:>4}"
        )
    return 0


# feeds --------------------------------------------------------------------------------------


def _health_line(feed: FeedHealth) -> str:
    return (
        f"{feed.id:>4}  {feed.city:<8} {_cut(feed.partner, 28):<28} {feed.format:<6} "
        f"{format_interval(feed.interval_seconds):<7} {feed.status:<8} "
        f"{_when(feed.last_success_at, feed.timezone):<21} {feed.items_total:>5}  "
        f"{_cut(feed.last_error, 60)}"
    )


def _print_feeds(feeds: list[FeedHealth]) -> None:
    if not feeds:
        print("no feeds yet; add one with 'colbot feeds add --city SLUG --partner NAME --url URL'")
        return
    print(
        f"{'id':>4}  {'city':<8} {'partner':<28} {'format':<6} {'every':<7} {'status':<8} "
        f"{'last success':<21} {'items':>5}  last error"
    )
    for feed in feeds:
        print(_health_line(feed).rstrip())
    for feed in feeds:
        print(f"{feed.id:>4}  {without_password(feed.url)}")


def _read_file(path: Path) -> bytes:
    """The file's bytes, refusing what is not a regular file or is too large to be a feed."""
    if not path.is_file():
        raise FeedAdminError(f"{path} is not a file")
    size = path.stat().st_size
    if size > MAX_FEED_BYTES:
        raise FeedAdminError(
            f"{path} is {size:,} bytes, more than the {MAX_FEED_BYTES:,} accepted"
        )
    return path.read_bytes()


async def _import(args: argparse.Namespace, database: Database) -> int:
    path = Path(args.path)
    data = _read_file(path)
    async with database.session() as session:
        feed = await add_file_feed(
            session,
            city_slug=args.city,
            file_name=path.name,
            partner=args.partner,
            fmt=args.format,
        )
        feed_id = feed.id
    report = await import_feed(database, feed_id, data, now=utcnow())
    return _finish([report], {feed_id: path.name})


async def feeds_command(args: argparse.Namespace, settings: Settings) -> int:
    """Add, list or import feeds."""
    try:
        async with _database(settings) as database:
            if args.action == "import":
                return await _import(args, database)
            async with database.session() as session:
                if args.action == "add":
                    feed = await add_feed(
                        session,
                        city_slug=args.city,
                        partner=args.partner,
                        url=args.url,
                        fmt=args.format,
                        interval_seconds=parse_interval(args.every),
                    )
                    print(f"saved feed {feed.id}: {without_password(feed.url)} every {args.every}")
                    return 0
                feeds = await list_feeds(session, args.city)
    except _EXPECTED as exc:
        return _fail(str(exc))
    _print_feeds(feeds)
    return 0


# sync ---------------------------------------------------------------------------------------


def _progress(done: int, total: int, label: str) -> None:
    filled = round(_BAR * done / total) if total else _BAR
    bar = "#" * filled + "-" * (_BAR - filled)
    print(f"[{bar}] {done}/{total} {label}", file=sys.stderr, flush=True)


def _summary(reports: Sequence[SyncReport], names: dict[int, str]) -> None:
    header = f"{'feed':>4}  {'partner':<28} {'added':>6} {'updated':>8} {'retired':>8} "
    print(header + f"{'unchanged':>10} {'errors':>7}")
    totals = [0, 0, 0, 0, 0]
    for report in reports:
        figures = [
            len(report.added),
            len(report.updated),
            len(report.retired),
            report.unchanged,
            len(report.errors),
        ]
        totals = [a + b for a, b in zip(totals, figures, strict=True)]
        print(
            f"{report.feed_id:>4}  {_cut(names.get(report.feed_id), 28):<28} {figures[0]:>6} "
            f"{figures[1]:>8} {figures[2]:>8} {figures[3]:>10} {figures[4]:>7}"
        )
    if len(reports) > 1:
        print(
            f"{'':>4}  {'total':<28} {totals[0]:>6} {totals[1]:>8} {totals[2]:>8} "
            f"{totals[3]:>10} {totals[4]:>7}"
        )


def _finish(reports: Sequence[SyncReport], names: dict[int, str]) -> int:
    """Print the summary and each feed's outcome; 2 when any feed could not be read."""
    _summary(reports, names)
    status = 0
    for report in reports:
        if report.errors:
            status = 2
            print(f"colbot: feed {report.feed_id}: {report.errors[0]}", file=sys.stderr)
            continue
        for warning in report.warnings[:5]:
            print(f"feed {report.feed_id}: warning: {warning}", file=sys.stderr)
        if len(report.warnings) > 5:
            more = len(report.warnings) - 5
            print(f"feed {report.feed_id}: ... and {more} more warnings", file=sys.stderr)
        if report.skipped_reason:
            print(f"feed {report.feed_id}: {report.skipped_reason}")
        elif report.items == 0:
            print(f"feed {report.feed_id}: the feed has no activities")
    return status


async def _names(database: Database) -> dict[int, str]:
    async with database.session() as session:
        return {feed.id: feed.partner for feed in await list_feeds(session)}


async def _sync_all(
    database: Database, settings: Settings, feed_ids: Sequence[int], names: dict[int, str]
) -> list[SyncReport]:
    reports = []
    async with aiohttp.ClientSession() as http:
        fetcher = FeedFetcher(http, allow_networks=settings.feed_allow_networks)
        for done, feed_id in enumerate(feed_ids):
            _progress(done, len(feed_ids), f"reading feed {feed_id} ({names[feed_id]})")
            reports.append(await sync_feed(database, feed_id, fetcher=fetcher, now=utcnow()))
        _progress(len(feed_ids), len(feed_ids), "done")
    return reports


async def sync_command(args: argparse.Namespace, settings: Settings) -> int:
    """Read every feed (or one) now, with progress and a summary table."""
    try:
        async with _database(settings) as database:
            names = await _names(database)
            if args.feed is not None:
                if args.feed not in names:
                    raise UnknownFeedError(f"no feed with the id {args.feed}")
                feed_ids = [args.feed]
            else:
                async with database.session() as session:
                    feed_ids = await all_feed_ids(session)
            if not feed_ids:
                print("no feeds to read; add one with 'colbot feeds add'")
                return 0
            async with sync_round(database, wait=args.wait) as ours:
                if not ours:
                    return _fail(
                        f"the bot is reading the feeds and did not finish within {args.wait:g} s; "
                        "try again later or pass a longer --wait"
                    )
                reports = await _sync_all(database, settings, feed_ids, names)
    except _EXPECTED as exc:
        return _fail(str(exc))
    return _finish(reports, names)


# activities ---------------------------------------------------------------------------------


async def activities_command(args: argparse.Namespace, settings: Settings) -> int:
    """List activities near a point or matching a text."""
    from catalogue.search import near, search_text

    try:
        async with _database(settings) as database, database.session() as session:
            city_id = None
            if args.city:
                city = await get_city(session, args.city)
                if city is None:
                    raise CityError(f"no city with the slug {args.city!r}")
                city_id = city.id
            if args.action == "near":
                result = await near(
                    session,
                    city_id=city_id,
                    latitude=args.lat,
                    longitude=args.lon,
                    radius_km=args.km,
                    max_radius_km=args.km,
                    limit=args.limit,
                    now=utcnow(),
                )
                hits = result.hits
            else:
                hits = await search_text(
                    session, city_id=city_id, text=args.text, limit=args.limit, now=utcnow()
                )
            # Times as the bot shows them: on the clock of the activity's city.
            zones = {city.id: city.timezone for city in await list_cities(session)}
    except _EXPECTED as exc:
        return _fail(str(exc))
    if not hits:
        print("nothing found")
    for hit in hits:
        distance = f"{hit.distance_km:5.1f} km" if hit.distance_km is not None else "        "
        zone = zones.get(hit.city_id, "UTC")
        starts = _when(hit.starts_at, zone) if hit.starts_at else "no date"
        title = _cut(hit.title(args.language), 60)
        print(f"{hit.activity_id:>6}  {distance}  {starts:<21}  {title}")
    return 0
