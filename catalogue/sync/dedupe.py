"""The same activity published by two feeds is shown once: the later copy points at the earlier.

Two activities are copies when their next sessions start within 30 minutes of each other, their
places are within 200 metres, and their titles share most words (Jaccard overlap of normalised
words, stop words left out, at least 0.6 for some pair of their titles). Only activities of
other feeds are compared: a feed never duplicates itself.
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache

from sqlalchemy import ColumnElement, and_, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from catalogue.geo import haversine_km
from catalogue.models import Activity, ActivityStatus, Occurrence

START_TOLERANCE = timedelta(minutes=30)
DISTANCE_KM = 0.2
TITLE_OVERLAP = 0.6
CHUNK = 500
_WORD = re.compile(r"\w+")
# Short words in the catalogue's languages that say nothing about what an activity is.
_STOP_TEXT = (
    "an and at da das de del do dos el em en for in la las los na nas no nos of on os para "
    "por the to um uma un una with com ir ar su"
)
_STOP_WORDS = frozenset(_STOP_TEXT.split())


@dataclass(frozen=True, slots=True)
class Copy:
    """What is compared to find copies: an activity's titles, place and next start."""

    id: int | None
    titles: dict[str, str]
    latitude: float
    longitude: float
    start: datetime
    key: str = ""


@lru_cache(maxsize=65536)
def title_words(title: str) -> frozenset[str]:
    """Accent-free, case-folded words of a title, without stop words."""
    folded = unicodedata.normalize("NFKD", title.casefold())
    plain = "".join(char for char in folded if not unicodedata.combining(char))
    words = _WORD.findall(plain)
    kept = frozenset(w for w in words if len(w) > 1 and w not in _STOP_WORDS)
    return kept or frozenset(words)


def title_overlap(first: dict[str, str], second: dict[str, str]) -> float:
    """The best word overlap (0..1) between any title of one and any title of the other."""
    best = 0.0
    for left in first.values():
        left_words = title_words(left)
        for right in second.values():
            right_words = title_words(right)
            union = len(left_words | right_words)
            if union:
                best = max(best, len(left_words & right_words) / union)
    return best


def same_activity(first: Copy, second: Copy) -> float:
    """The title overlap when the two look like copies of one activity, else 0."""
    if abs(first.start - second.start) > START_TOLERANCE:
        return 0.0
    # A degree of latitude is about 111 km: a cheap test before the exact distance.
    if abs(first.latitude - second.latitude) > DISTANCE_KM / 100:
        return 0.0
    distance = haversine_km(first.latitude, first.longitude, second.latitude, second.longitude)
    if distance > DISTANCE_KM:
        return 0.0
    overlap = title_overlap(first.titles, second.titles)
    return overlap if overlap >= TITLE_OVERLAP else 0.0


def _bucket(moment: datetime) -> int:
    return int(moment.timestamp() // START_TOLERANCE.total_seconds())


class CopyIndex:
    """Activities of other feeds, bucketed by start time for quick comparison."""

    def __init__(self, copies: Iterable[Copy]) -> None:
        self._buckets: dict[int, list[Copy]] = defaultdict(list)
        for copy in copies:
            self._buckets[_bucket(copy.start)].append(copy)

    def __bool__(self) -> bool:
        return bool(self._buckets)

    def best(self, subject: Copy) -> Copy | None:
        """The earliest-published most similar copy of ``subject``, if any."""
        found: list[tuple[float, int, Copy]] = []
        bucket = _bucket(subject.start)
        for key in (bucket - 1, bucket, bucket + 1):
            for other in self._buckets.get(key, ()):
                score = same_activity(subject, other)
                if score and other.id is not None:
                    found.append((-score, other.id, other))
        return min(found)[2] if found else None


def _next_start(now: datetime) -> ColumnElement[datetime]:
    """The first start of the sessions joined by ``_upcoming``, per grouped activity."""
    return func.min(Occurrence.starts_at).label("start")


def _upcoming(now: datetime) -> ColumnElement[bool]:
    """Join condition: an activity's sessions that have not ended at ``now``."""
    return and_(
        Occurrence.activity_id == Activity.id,
        func.coalesce(Occurrence.ends_at, Occurrence.starts_at) >= now,
    )


async def copies_in_city(
    session: AsyncSession,
    *,
    city_id: int,
    feed_id: int,
    subjects: Sequence[Copy],
    now: datetime,
) -> CopyIndex:
    """Shown activities of the city's other feeds whose next start is near any subject's."""
    if not subjects:
        return CopyIndex(())
    earliest = min(s.start for s in subjects) - START_TOLERANCE
    latest = max(s.start for s in subjects) + START_TOLERANCE
    start = _next_start(now)
    # One join and one aggregate (no aggregated subquery), which planners handle well even
    # before the fresh rows of a first import have statistics.
    rows = await session.execute(
        select(Activity.id, Activity.titles, Activity.latitude, Activity.longitude, start)
        .join(Occurrence, _upcoming(now))
        .where(
            Activity.city_id == city_id,
            or_(Activity.feed_id.is_(None), Activity.feed_id != feed_id),
            Activity.status == ActivityStatus.ACTIVE.value,
            Activity.duplicate_of_id.is_(None),
            Activity.latitude.is_not(None),
        )
        .group_by(Activity.id)
        .having(start.between(earliest, latest))
    )
    return CopyIndex(
        Copy(row.id, row.titles or {}, row.latitude, row.longitude, row.start) for row in rows
    )


async def _dependants(session: AsyncSession, ids: Sequence[int], now: datetime) -> list[Copy]:
    """Activities pointing at any of ``ids``, with their place and next start when known."""
    found: list[Copy] = []
    start = _next_start(now)
    for offset in range(0, len(ids), CHUNK):
        chunk = ids[offset : offset + CHUNK]
        rows = await session.execute(
            select(
                Activity.id,
                Activity.titles,
                Activity.latitude,
                Activity.longitude,
                start,
                Activity.duplicate_of_id,
            )
            .outerjoin(Occurrence, _upcoming(now))
            .where(Activity.duplicate_of_id.in_(chunk))
            .group_by(Activity.id)
        )
        for row in rows:
            if row.latitude is None or row.start is None:
                never = datetime.min.replace(tzinfo=now.tzinfo)
                found.append(Copy(row.id, {}, 0.0, 0.0, never, key=str(row.duplicate_of_id)))
            else:
                found.append(
                    Copy(
                        row.id,
                        row.titles or {},
                        row.latitude,
                        row.longitude,
                        row.start,
                        key=str(row.duplicate_of_id),
                    )
                )
    return found


async def _point(session: AsyncSession, ids: Iterable[int], target: int | None) -> None:
    ids = sorted(set(ids))
    for offset in range(0, len(ids), CHUNK):
        await session.execute(
            update(Activity)
            .where(Activity.id.in_(ids[offset : offset + CHUNK]))
            .values(duplicate_of_id=target)
        )


async def settle_dependants(
    session: AsyncSession,
    *,
    changed: dict[int, Copy | None],
    became_copies: dict[int, int],
    retired: Sequence[int],
    now: datetime,
) -> set[int]:
    """Keep pointers into changed or retired activities true; return the ids repointed.

    ``changed`` maps each rewritten activity to what it now looks like (None when it cannot be
    compared), ``became_copies`` maps rewritten activities that turned into copies to their
    original. Copies of a retired activity are shown again.
    """
    touched: set[int] = set()
    watched = sorted({*changed, *retired})
    if not watched:
        return touched
    retired_set = set(retired)
    release: list[int] = []
    repoint: dict[int, list[int]] = defaultdict(list)
    for dependant in await _dependants(session, watched, now):
        assert dependant.id is not None  # noqa: S101 - rows always have ids
        original = int(dependant.key)
        if original in retired_set:
            release.append(dependant.id)
        elif original in became_copies:
            repoint[became_copies[original]].append(dependant.id)
        else:
            now_like = changed.get(original)
            if now_like is None or not dependant.titles or not same_activity(dependant, now_like):
                release.append(dependant.id)
    if release:
        await _point(session, release, None)
        touched.update(release)
    for target, ids in repoint.items():
        await _point(session, ids, target)
        touched.update(ids)
    return touched


async def adopt_later_copy(session: AsyncSession, *, original: int, later: int) -> set[int]:
    """Make ``later`` (and whatever pointed at it) a copy of the earlier ``original``."""
    rows = await session.scalars(select(Activity.id).where(Activity.duplicate_of_id == later))
    ids = {later, *rows}
    await _point(session, ids, original)
    return ids
