"""Write one feed's records inside the caller's transaction: insert, rewrite, retire, dedupe.

An activity's row and sessions are rewritten only when the content hash of its normalised record
changed (or it comes back after being retired); an unchanged record writes nothing at all.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import delete, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from catalogue.models import Activity, ActivityStatus, Occurrence
from catalogue.records import ActivityRecord
from catalogue.sync.dedupe import (
    CHUNK,
    Copy,
    adopt_later_copy,
    copies_in_city,
    settle_dependants,
)
from catalogue.sync.rows import activity_values, content_hash, occurrence_values, stored_source_id

ACTIVE = ActivityStatus.ACTIVE.value
RETIRED = ActivityStatus.RETIRED.value


@dataclass(frozen=True, slots=True)
class FeedOwner:
    """Where a feed's activities belong."""

    feed_id: int
    city_id: int
    partner_id: int


@dataclass(slots=True)
class Changes:
    """What one write did, by activity id."""

    added: list[int] = field(default_factory=list)
    updated: list[int] = field(default_factory=list)
    retired: list[int] = field(default_factory=list)
    unchanged: int = 0
    # Activities of this write that are copies of another feed's activity.
    duplicates: list[int] = field(default_factory=list)
    # Every activity whose shown row changed, for the search indexes.
    touched: set[int] = field(default_factory=set)
    warnings: list[str] = field(default_factory=list)


@dataclass(slots=True)
class _Prepared:
    record: ActivityRecord
    source_id: str
    values: dict[str, Any]
    occurrences: list[dict[str, Any]]
    hash: str
    existing_id: int | None = None
    duplicate_of: int | None = None


@dataclass(frozen=True, slots=True)
class _Existing:
    id: int
    hash: str
    status: str


def _prepare(records: Sequence[ActivityRecord], warnings: list[str]) -> list[_Prepared]:
    prepared: dict[str, _Prepared] = {}
    for record in records:
        source_id = stored_source_id(record.source_id)
        if source_id in prepared:
            warnings.append(
                f"two items share the id {record.source_id[:80]!r}; only the first was kept"
            )
            continue
        values = activity_values(record)
        occurrences = occurrence_values(record)
        prepared[source_id] = _Prepared(
            record, source_id, values, occurrences, content_hash(values, occurrences)
        )
    return list(prepared.values())


async def _existing(session: AsyncSession, feed_id: int) -> dict[str, _Existing]:
    rows = await session.execute(
        select(Activity.id, Activity.source_id, Activity.content_hash, Activity.status).where(
            Activity.feed_id == feed_id
        )
    )
    return {row.source_id: _Existing(row.id, row.content_hash, row.status) for row in rows}


def _copy_of(item: _Prepared, now: datetime) -> Copy | None:
    record = item.record
    upcoming = record.next_occurrence(now)
    if record.latitude is None or record.longitude is None or upcoming is None:
        return None
    return Copy(
        item.existing_id,
        item.values["titles"],
        record.latitude,
        record.longitude,
        upcoming.start,
        key=item.source_id,
    )


async def _find_copies(
    session: AsyncSession,
    owner: FeedOwner,
    writes: list[_Prepared],
    now: datetime,
) -> tuple[dict[int, Copy | None], list[tuple[int, int]]]:
    """Set ``duplicate_of`` on each write; return the rewrites' new look and later copies."""
    looks = {item.source_id: _copy_of(item, now) for item in writes}
    subjects = [copy for copy in looks.values() if copy is not None]
    index = await copies_in_city(
        session, city_id=owner.city_id, feed_id=owner.feed_id, subjects=subjects, now=now
    )
    adoptions: list[tuple[int, int]] = []
    for item in writes:
        look = looks[item.source_id]
        match = index.best(look) if look is not None and index else None
        if match is None or match.id is None:
            continue
        if item.existing_id is None or match.id < item.existing_id:
            item.duplicate_of = match.id
        else:
            # The other feed's copy is the later one: it points here instead.
            adoptions.append((item.existing_id, match.id))
    changed = {item.existing_id: looks[item.source_id] for item in writes if item.existing_id}
    return changed, adoptions


def _row(item: _Prepared, now: datetime) -> dict[str, Any]:
    return {
        **item.values,
        "content_hash": item.hash,
        "status": ACTIVE,
        "duplicate_of_id": item.duplicate_of,
        "updated_at": now,
        "retired_at": None,
    }


async def _insert(
    session: AsyncSession, owner: FeedOwner, items: list[_Prepared], now: datetime
) -> dict[str, int]:
    if not items:
        return {}
    rows = [
        {
            **_row(item, now),
            "city_id": owner.city_id,
            "partner_id": owner.partner_id,
            "feed_id": owner.feed_id,
            "source_id": item.source_id,
            "created_at": now,
        }
        for item in items
    ]
    result = await session.execute(
        insert(Activity).returning(Activity.id, Activity.source_id),
        rows,
    )
    return {row.source_id: row.id for row in result}


async def _rewrite(session: AsyncSession, items: list[_Prepared], now: datetime) -> None:
    if not items:
        return
    await session.execute(
        update(Activity), [{"id": item.existing_id, **_row(item, now)} for item in items]
    )
    ids = [item.existing_id for item in items]
    for offset in range(0, len(ids), CHUNK):
        await session.execute(
            delete(Occurrence).where(Occurrence.activity_id.in_(ids[offset : offset + CHUNK]))
        )


async def _insert_occurrences(
    session: AsyncSession, items: list[_Prepared], ids: dict[str, int]
) -> None:
    rows = [
        {**occurrence, "activity_id": ids[item.source_id]}
        for item in items
        for occurrence in item.occurrences
    ]
    if rows:
        await session.execute(insert(Occurrence), rows)


async def _retire(session: AsyncSession, ids: list[int], now: datetime) -> None:
    for offset in range(0, len(ids), CHUNK):
        await session.execute(
            update(Activity)
            .where(Activity.id.in_(ids[offset : offset + CHUNK]))
            .values(status=RETIRED, retired_at=now, updated_at=now, duplicate_of_id=None)
        )


async def apply_records(
    session: AsyncSession,
    owner: FeedOwner,
    records: Sequence[ActivityRecord],
    *,
    retire_missing: bool,
    now: datetime,
) -> Changes:
    """Upsert a feed's records by (feed, source id); retire the missing ones when asked."""
    changes = Changes()
    prepared = _prepare(records, changes.warnings)
    existing = await _existing(session, owner.feed_id)
    new: list[_Prepared] = []
    rewrites: list[_Prepared] = []
    for item in prepared:
        before = existing.get(item.source_id)
        if before is None:
            new.append(item)
        elif before.hash != item.hash or before.status != ACTIVE:
            item.existing_id = before.id
            rewrites.append(item)
        else:
            changes.unchanged += 1
    changed_looks, adoptions = await _find_copies(session, owner, [*new, *rewrites], now)
    ids = await _insert(session, owner, new, now)
    await _rewrite(session, rewrites, now)
    ids.update({item.source_id: item.existing_id for item in rewrites if item.existing_id})
    await _insert_occurrences(session, [*new, *rewrites], ids)
    changes.added = [ids[item.source_id] for item in new]
    changes.updated = [item.existing_id for item in rewrites if item.existing_id]
    changes.duplicates = [ids[i.source_id] for i in (*new, *rewrites) if i.duplicate_of]
    if retire_missing:
        seen = {item.source_id for item in prepared}
        changes.retired = sorted(
            before.id
            for source_id, before in existing.items()
            if source_id not in seen and before.status == ACTIVE
        )
        await _retire(session, changes.retired, now)
    changes.touched = {*changes.added, *changes.updated, *changes.retired}
    for original, later in adoptions:
        changes.touched |= await adopt_later_copy(session, original=original, later=later)
    became_copies = {
        item.existing_id: item.duplicate_of
        for item in rewrites
        if item.existing_id and item.duplicate_of
    }
    changes.touched |= await settle_dependants(
        session,
        changed=changed_looks,
        became_copies=became_copies,
        retired=changes.retired,
        now=now,
    )
    return changes
