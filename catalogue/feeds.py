"""Feeds: where each partner publishes, how often it is read, and how healthy it is."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from pathlib import PurePath

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from yarl import URL

from catalogue.formats import Format
from catalogue.models import City, Feed, FeedStatus, Partner
from catalogue.partners import add_partner, find_partner, require_city, require_partner

FORMATS = ("auto", *(item.value for item in Format))
MIN_INTERVAL = 5 * 60
MAX_INTERVAL = 7 * 24 * 3600
# Feeds imported from a file have no address to read again; the scheduler leaves them alone.
FILE_SCHEME = "file:"
_INTERVAL = re.compile(r"(\d+)\s*([smhd])", re.IGNORECASE)
_UNIT_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


class FeedAdminError(ValueError):
    """A feed cannot be added or found; the message says why in one line."""


@dataclass(frozen=True, slots=True)
class FeedHealth:
    """A feed as the coordinator sees it in a list: where, how often, and how it is doing."""

    id: int
    city: str
    # The city's IANA zone, to show the times below as people there read them.
    timezone: str
    partner: str
    url: str
    format: str
    interval_seconds: int
    status: str
    last_success_at: datetime | None
    last_attempt_at: datetime | None
    items_total: int
    consecutive_failures: int
    last_error: str | None
    next_due_at: datetime | None


def parse_interval(text: str) -> int:
    """Seconds in '90m', '1h', '2h30m', '1d' or a plain number of seconds (5 min to 7 days)."""
    cleaned = text.strip().lower().replace(" ", "")
    if cleaned.isdigit():
        seconds = int(cleaned)
    else:
        parts = _INTERVAL.findall(cleaned)
        if not parts or "".join(n + u for n, u in parts) != cleaned:
            raise FeedAdminError(f"{text!r} is not an interval; write e.g. 30m, 1h, 6h or 1d")
        seconds = sum(int(number) * _UNIT_SECONDS[unit] for number, unit in parts)
    if not MIN_INTERVAL <= seconds <= MAX_INTERVAL:
        raise FeedAdminError("the interval must be between 5 minutes and 7 days")
    return seconds


def format_interval(seconds: int) -> str:
    """A short label such as '1h', '30m', '1d 6h', or 'manual' for imported files."""
    if seconds <= 0:
        return "manual"
    parts = []
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60), ("s", 1)):
        if seconds >= size:
            parts.append(f"{seconds // size}{unit}")
            seconds %= size
    return " ".join(parts)


def _check_format(fmt: str) -> str:
    if fmt not in FORMATS:
        raise FeedAdminError(f"unknown format {fmt!r}; use one of {', '.join(FORMATS)}")
    return fmt


def _check_url(url: str) -> str:
    try:
        parsed = URL(url.strip())
    except (TypeError, ValueError):
        parsed = None
    if parsed is None or parsed.scheme not in ("http", "https") or not parsed.raw_host:
        raise FeedAdminError(f"{url!r} is not an http:// or https:// address")
    if len(str(parsed)) > 2000:
        raise FeedAdminError("the address is longer than 2,000 characters")
    return str(parsed)


async def _upsert(
    session: AsyncSession, partner: Partner, url: str, fmt: str, interval_seconds: int
) -> Feed:
    feed = await session.scalar(
        select(Feed).where(Feed.partner_id == partner.id, Feed.url == url).limit(1)
    )
    if feed is None:
        feed = Feed(
            partner_id=partner.id,
            city_id=partner.city_id,
            url=url,
            status=FeedStatus.NEW.value,
            items_total=0,
            consecutive_failures=0,
        )
        session.add(feed)
    elif feed.format != fmt:
        # Read it again from scratch: the same bytes may now mean something else.
        feed.etag = feed.last_modified = feed.content_hash = None
    feed.format = fmt
    feed.interval_seconds = interval_seconds
    await session.flush()
    return feed


async def add_feed(
    session: AsyncSession,
    *,
    city_slug: str,
    partner: str,
    url: str,
    fmt: str = "auto",
    interval_seconds: int = 3600,
) -> Feed:
    """Register a partner's feed (or update the same partner's feed at the same address)."""
    if not MIN_INTERVAL <= interval_seconds <= MAX_INTERVAL:
        raise FeedAdminError("the interval must be between 5 minutes and 7 days")
    city = await require_city(session, city_slug)
    owner = await require_partner(session, partner, city)
    # A new feed has no next_due_at, so the scheduler reads it on its next round.
    return await _upsert(session, owner, _check_url(url), _check_format(fmt), interval_seconds)


async def add_file_feed(
    session: AsyncSession,
    *,
    city_slug: str,
    file_name: str,
    partner: str | None = None,
    fmt: str = "auto",
) -> Feed:
    """The feed row that a local file import writes to; the partner defaults to the file's name."""
    city: City = await require_city(session, city_slug)
    stem = PurePath(file_name).name.split(".", 1)[0] or "import"
    if partner is None:
        owner = await find_partner(session, stem, city.id) or await add_partner(
            session, city_slug=city.slug, name=stem
        )
    else:
        owner = await require_partner(session, partner, city)
    url = FILE_SCHEME + PurePath(file_name).name
    return await _upsert(session, owner, url[:2000], _check_format(fmt), 0)


async def list_feeds(session: AsyncSession, city_slug: str | None = None) -> list[FeedHealth]:
    """Every feed with its health, ordered by city, partner and id."""
    query = (
        select(Feed, Partner.name, City.slug, City.timezone)
        .join(Partner, Partner.id == Feed.partner_id)
        .join(City, City.id == Feed.city_id)
        .order_by(City.slug, Partner.name, Feed.id)
    )
    if city_slug:
        query = query.where(City.slug == city_slug)
    rows = await session.execute(query)
    return [
        FeedHealth(
            id=feed.id,
            city=city,
            timezone=timezone,
            partner=partner,
            url=feed.url,
            format=feed.format,
            interval_seconds=feed.interval_seconds,
            status=feed.status,
            last_success_at=feed.last_success_at,
            last_attempt_at=feed.last_attempt_at,
            items_total=feed.items_total,
            consecutive_failures=feed.consecutive_failures,
            last_error=feed.last_error,
            next_due_at=feed.next_due_at,
        )
        for feed, partner, city, timezone in rows
    ]


async def due_feed_ids(session: AsyncSession, now: datetime, limit: int = 100) -> list[int]:
    """Ids of scheduled feeds whose next read is due at ``now``, the longest-waiting first."""
    query = (
        select(Feed.id)
        .where(
            Feed.interval_seconds > 0,
            or_(Feed.next_due_at.is_(None), Feed.next_due_at <= now),
        )
        .order_by(Feed.next_due_at.is_not(None), Feed.next_due_at, Feed.id)
        .limit(limit)
    )
    return list(await session.scalars(query))


async def all_feed_ids(session: AsyncSession) -> list[int]:
    """Ids of every feed that can be read from an address, in id order."""
    return list(
        await session.scalars(select(Feed.id).where(Feed.interval_seconds > 0).order_by(Feed.id))
    )
