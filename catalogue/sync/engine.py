"""Reading one feed end to end: fetch, parse in a thread, write in one transaction, record health.

The order, for one feed:

1. read the feed row (address, format, validators, city time zone and language);
2. fetch with the stored ETag/Last-Modified; a 304, or a 200 with the same bytes as the last
   good read, writes no activity row (the first read of each UTC day is unconditional, so that
   repeating series roll forward through the sync window);
3. parse in a worker thread, with a time limit;
4. refuse a sudden empty read of a feed that had many activities;
5. one transaction: upsert by (feed, source id), retire the missing ones only after a complete
   read, mark copies of other feeds' activities, refresh the search indexes, record health.

Any failure before the transaction commits leaves every activity as it was and marks the feed as
failing with a plain-words error and a backed-off next read.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import random
import time
from dataclasses import dataclass
from datetime import datetime

import aiohttp
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from catalogue.feeds import FILE_SCHEME
from catalogue.fetch import FeedFetcher, without_password
from catalogue.formats import FeedError, parse_feed
from catalogue.index import reindex_activities
from catalogue.models import Activity, ActivityStatus, City, Feed
from catalogue.records import ParseResult
from catalogue.sync.health import mark_failed, mark_incomplete, mark_read
from catalogue.sync.upsert import Changes, FeedOwner, apply_records
from storage import Database

log = logging.getLogger(__name__)

WINDOW_DAYS = 120
PARSE_TIMEOUT = 60.0
# A complete read with no items, from a feed that had at least this many, is treated as broken.
SUDDENLY_EMPTY = 5


class UnknownFeedError(LookupError):
    """No feed has this id."""


@dataclass(frozen=True, slots=True)
class SyncReport:
    """What one read of one feed did; ids let other journeys tell learners what changed."""

    feed_id: int
    added: tuple[int, ...] = ()
    updated: tuple[int, ...] = ()
    retired: tuple[int, ...] = ()
    unchanged: int = 0
    errors: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()
    # Set when the feed was not read because nothing changed (304, or the same bytes).
    skipped_reason: str | None = None
    # Records the adapter read (0 for a skipped or failed read).
    items: int = 0
    # Added or rewritten activities that are copies of another feed's activity.
    duplicates: tuple[int, ...] = ()
    fetch_seconds: float = 0.0
    parse_seconds: float = 0.0
    write_seconds: float = 0.0

    @property
    def ok(self) -> bool:
        """True when the feed was read (or skipped) without an error."""
        return not self.errors

    @property
    def changed_ids(self) -> tuple[int, ...]:
        """Every activity added, rewritten or retired by this read."""
        return (*self.added, *self.updated, *self.retired)


@dataclass(frozen=True, slots=True)
class _Target:
    owner: FeedOwner
    url: str
    format: str
    etag: str | None
    last_modified: str | None
    content_hash: str | None
    # True when a full read already happened today (UTC), so validators may be trusted.
    fresh: bool
    timezone: str
    language: str
    active: int


async def _target(database: Database, feed_id: int, now: datetime) -> _Target:
    async with database.session() as session:
        row = (
            await session.execute(
                select(Feed, City.timezone, City.default_language)
                .join(City, City.id == Feed.city_id)
                .where(Feed.id == feed_id)
            )
        ).first()
        if row is None:
            raise UnknownFeedError(f"no feed with the id {feed_id}")
        feed, timezone, language = row
        active = await _active_count(session, feed_id)
    last = feed.last_success_at
    return _Target(
        owner=FeedOwner(feed.id, feed.city_id, feed.partner_id),
        url=feed.url,
        format=feed.format,
        etag=feed.etag,
        last_modified=feed.last_modified,
        content_hash=feed.content_hash,
        fresh=last is not None and last.date() == now.date(),
        timezone=timezone,
        language=language or "und",
        active=active,
    )


async def _active_count(session: AsyncSession, feed_id: int) -> int:
    query = select(func.count()).where(
        Activity.feed_id == feed_id, Activity.status == ActivityStatus.ACTIVE.value
    )
    return int(await session.scalar(query) or 0)


async def _fail(
    database: Database,
    target: _Target,
    error: str,
    now: datetime,
    rng: random.Random | None,
    *,
    fetch_seconds: float = 0.0,
    parse_seconds: float = 0.0,
) -> SyncReport:
    log.warning("feed %s could not be read: %s", target.owner.feed_id, error)
    async with database.session() as session:
        feed = await session.get(Feed, target.owner.feed_id)
        if feed is not None:
            mark_failed(feed, error, now, rng)
            error = feed.last_error or error
    return SyncReport(
        target.owner.feed_id,
        unchanged=target.active,
        errors=(error,),
        fetch_seconds=fetch_seconds,
        parse_seconds=parse_seconds,
    )


async def _skip(
    database: Database,
    target: _Target,
    reason: str,
    now: datetime,
    rng: random.Random | None,
    *,
    etag: str | None,
    last_modified: str | None,
    body_hash: str | None,
    fetch_seconds: float,
) -> SyncReport:
    async with database.session() as session:
        feed = await session.get(Feed, target.owner.feed_id)
        if feed is not None:
            mark_read(
                feed,
                now,
                etag=etag,
                last_modified=last_modified,
                body_hash=body_hash,
                rng=rng,
            )
    return SyncReport(
        target.owner.feed_id,
        unchanged=target.active,
        skipped_reason=reason,
        fetch_seconds=fetch_seconds,
    )


async def _parse(
    data: bytes, content_type: str | None, target: _Target, now: datetime, limit: float
) -> ParseResult | str:
    """The parsed feed, or one plain line saying why it could not be read."""
    try:
        # The thread cannot be stopped, but the sync stops waiting for it.
        return await asyncio.wait_for(
            asyncio.to_thread(
                parse_feed,
                data,
                target.format,
                content_type,
                now=now,
                default_tz=target.timezone,
                window_days=WINDOW_DAYS,
                default_lang=target.language,
            ),
            timeout=limit,
        )
    except TimeoutError:
        return f"reading the feed took longer than {limit:g} seconds; stopped"
    except FeedError as exc:
        return str(exc)
    except Exception as exc:
        # Whatever a hostile body makes a parser raise (a date out of range, a broken
        # structure) marks the feed as failing instead of escaping the sync.
        log.warning("feed %s: parser error", target.owner.feed_id, exc_info=True)
        return f"the feed could not be read ({type(exc).__name__}: {_short(str(exc))})"


def _short(text: str, limit: int = 200) -> str:
    """One line of an error, bounded, without control characters from the feed."""
    line = "".join(c if c.isprintable() else " " for c in text[: limit * 2])
    return line if len(line) <= limit else line[: limit - 1] + "…"


async def _write(
    database: Database,
    target: _Target,
    result: ParseResult,
    now: datetime,
    rng: random.Random | None,
    *,
    etag: str | None,
    last_modified: str | None,
    body_hash: str,
) -> Changes:
    async with database.session() as session:
        # Two writers of one feed (the job and a CLI run) take turns here on PostgreSQL.
        feed = await session.get(Feed, target.owner.feed_id, with_for_update=True)
        if feed is None:
            raise UnknownFeedError(f"no feed with the id {target.owner.feed_id}")
        changes = await apply_records(
            session, target.owner, result.records, retire_missing=result.complete, now=now
        )
        await reindex_activities(session, changes.touched)
        if result.complete:
            mark_read(
                feed, now, etag=etag, last_modified=last_modified, body_hash=body_hash, rng=rng
            )
        else:
            first = result.warnings[0] if result.warnings else "some items were skipped"
            mark_incomplete(feed, first, now, rng)
        feed.items_total = await _active_count(session, feed.id)
    return changes


async def _read_body(
    database: Database,
    target: _Target,
    data: bytes,
    content_type: str | None,
    now: datetime,
    rng: random.Random | None,
    *,
    etag: str | None,
    last_modified: str | None,
    fetch_seconds: float,
    parse_timeout: float,
) -> SyncReport:
    body_hash = hashlib.sha256(data).hexdigest()
    if target.fresh and body_hash == target.content_hash:
        return await _skip(
            database,
            target,
            "the feed has not changed since the last read (same content)",
            now,
            rng,
            etag=etag,
            last_modified=last_modified,
            body_hash=body_hash,
            fetch_seconds=fetch_seconds,
        )
    started = time.perf_counter()
    result = await _parse(data, content_type, target, now, parse_timeout)
    parse_seconds = time.perf_counter() - started
    if not isinstance(result, str) and not result.records and target.active >= SUDDENLY_EMPTY:
        result = (
            f"the feed suddenly lists no activities although it had {target.active}; "
            "the last good data was kept"
        )
    if isinstance(result, str):
        return await _fail(
            database,
            target,
            result,
            now,
            rng,
            fetch_seconds=fetch_seconds,
            parse_seconds=parse_seconds,
        )
    started = time.perf_counter()
    try:
        changes = await _write(
            database,
            target,
            result,
            now,
            rng,
            etag=etag,
            last_modified=last_modified,
            body_hash=body_hash,
        )
    except Exception as exc:
        log.exception("feed %s: the write failed", target.owner.feed_id)
        error = f"the activities could not be saved ({type(exc).__name__}); nothing was changed"
        return await _fail(
            database,
            target,
            error,
            now,
            rng,
            fetch_seconds=fetch_seconds,
            parse_seconds=parse_seconds,
        )
    return SyncReport(
        target.owner.feed_id,
        added=tuple(changes.added),
        updated=tuple(changes.updated),
        retired=tuple(changes.retired),
        unchanged=changes.unchanged,
        warnings=(*result.warnings, *changes.warnings),
        items=len(result.records),
        duplicates=tuple(changes.duplicates),
        fetch_seconds=fetch_seconds,
        parse_seconds=parse_seconds,
        write_seconds=time.perf_counter() - started,
    )


async def sync_feed(
    database: Database,
    feed_id: int,
    *,
    fetcher: FeedFetcher,
    now: datetime,
    rng: random.Random | None = None,
    parse_timeout: float = PARSE_TIMEOUT,
) -> SyncReport:
    """Fetch, parse and store one feed; never raises for a bad feed, only for a missing one."""
    target = await _target(database, feed_id, now)
    if target.url.startswith(FILE_SCHEME):
        error = "this feed was imported from a file; import the file again to update it"
        return await _fail(database, target, error, now, rng)
    started = time.perf_counter()
    try:
        fetched = await fetcher.fetch(
            target.url,
            etag=target.etag if target.fresh else None,
            last_modified=target.last_modified if target.fresh else None,
        )
    except FeedError as exc:
        elapsed = time.perf_counter() - started
        return await _fail(database, target, str(exc), now, rng, fetch_seconds=elapsed)
    except (OSError, ValueError, aiohttp.ClientError) as exc:
        # The message may hold the feed's URL, with a password: only redacted at warning level.
        shown = without_password(f"{type(exc).__name__}: {exc}")
        log.warning("feed %s: unexpected fetch error: %s", target.owner.feed_id, shown)
        log.debug("feed %s: the fetch error in full", target.owner.feed_id, exc_info=True)
        error = f"the feed could not be fetched ({type(exc).__name__})"
        elapsed = time.perf_counter() - started
        return await _fail(database, target, error, now, rng, fetch_seconds=elapsed)
    fetch_seconds = time.perf_counter() - started
    if fetched.status == "not_modified":
        return await _skip(
            database,
            target,
            "the feed has not changed since the last read (HTTP 304)",
            now,
            rng,
            etag=fetched.etag,
            last_modified=fetched.last_modified,
            body_hash=None,
            fetch_seconds=fetch_seconds,
        )
    return await _read_body(
        database,
        target,
        fetched.body,
        fetched.content_type,
        now,
        rng,
        etag=fetched.etag,
        last_modified=fetched.last_modified,
        fetch_seconds=fetch_seconds,
        parse_timeout=parse_timeout,
    )


async def import_feed(
    database: Database,
    feed_id: int,
    data: bytes,
    *,
    now: datetime,
    content_type: str | None = None,
    rng: random.Random | None = None,
    parse_timeout: float = PARSE_TIMEOUT,
) -> SyncReport:
    """Store a feed body read from elsewhere (a local file) exactly as a fetched one would be."""
    target = await _target(database, feed_id, now)
    return await _read_body(
        database,
        target,
        data,
        content_type,
        now,
        rng,
        etag=None,
        last_modified=None,
        fetch_seconds=0.0,
        parse_timeout=parse_timeout,
    )
