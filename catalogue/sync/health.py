"""A feed's health after each read: when to read it next, and what went wrong in plain words."""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from catalogue.models import Feed, FeedStatus

JITTER = 0.10
MAX_BACKOFF = timedelta(hours=24)
MIN_RETRY = timedelta(minutes=5)
_ERROR_LIMIT = 1000


def next_read(
    feed: Feed, now: datetime, rng: random.Random | None = None, *, factor: float = 1.0
) -> datetime | None:
    """Now plus the feed's interval (times ``factor``) with ±10% jitter; None for manual feeds."""
    if feed.interval_seconds <= 0:
        return None
    spread = (rng or random).uniform(1 - JITTER, 1 + JITTER)
    return now + timedelta(seconds=feed.interval_seconds * factor * spread)


def backoff_factor(failures: int, interval_seconds: int) -> float:
    """Intervals to wait after ``failures`` failures in a row: doubling, at most a day."""
    if interval_seconds <= 0:
        return 1.0
    doubled = 2.0 ** max(0, min(failures - 1, 10))
    ceiling = max(1.0, MAX_BACKOFF.total_seconds() / interval_seconds)
    floor = MIN_RETRY.total_seconds() / interval_seconds
    return max(floor, min(doubled, ceiling))


def one_line(message: str) -> str:
    """Collapse an error message to one line of bounded length."""
    flat = " ".join(message.split())
    return flat if len(flat) <= _ERROR_LIMIT else flat[: _ERROR_LIMIT - 1] + "…"


def mark_failed(feed: Feed, error: str, now: datetime, rng: random.Random | None = None) -> None:
    """Record a failed read: keep the last good data and validators, back off."""
    feed.status = FeedStatus.FAILING.value
    feed.last_error = one_line(error)
    feed.consecutive_failures = (feed.consecutive_failures or 0) + 1
    feed.last_attempt_at = now
    factor = backoff_factor(feed.consecutive_failures, feed.interval_seconds)
    feed.next_due_at = next_read(feed, now, rng, factor=factor)


def mark_read(
    feed: Feed,
    now: datetime,
    *,
    etag: str | None,
    last_modified: str | None,
    body_hash: str | None,
    rng: random.Random | None = None,
) -> None:
    """Record a good read (or a read that found nothing new) and its validators."""
    feed.status = FeedStatus.OK.value
    feed.last_error = None
    feed.consecutive_failures = 0
    feed.last_attempt_at = now
    feed.last_success_at = now
    feed.etag = etag[:500] if etag else None
    feed.last_modified = last_modified[:100] if last_modified else None
    if body_hash is not None:
        feed.content_hash = body_hash
    feed.next_due_at = next_read(feed, now, rng)


def mark_incomplete(
    feed: Feed, warning: str, now: datetime, rng: random.Random | None = None
) -> None:
    """Record a read that skipped items: its data was kept, nothing retired, the feed flagged."""
    feed.status = FeedStatus.FAILING.value
    feed.last_error = one_line(f"incomplete read, nothing was retired: {warning}")
    feed.consecutive_failures = (feed.consecutive_failures or 0) + 1
    feed.last_attempt_at = now
    # The data did flow, so keep the usual rhythm rather than backing off.
    feed.next_due_at = next_read(feed, now, rng)
