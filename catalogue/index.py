"""Keep the search indexes in step with the activities table.

On SQLite the R*Tree (`activity_rtree`) and the full-text table (`activity_fts`) are separate
tables: whoever writes activities (the sync engine, a hand edit) calls `reindex_activities`
with the ids it touched, in the same transaction. On PostgreSQL both indexes are expression
indexes on `activities`, so there is nothing to do. Only active, non-duplicate activities are
indexed; retiring or merging an activity and reindexing it removes it from search.
"""

from __future__ import annotations

import json
from collections.abc import Iterable

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

# Every statement reads the ids to refresh from one JSON array, however many there are.
_REFRESH = (
    "DELETE FROM activity_rtree WHERE id IN (SELECT value FROM json_each(:ids))",
    "DELETE FROM activity_fts WHERE rowid IN (SELECT value FROM json_each(:ids))",
    "INSERT INTO activity_rtree (id, min_lat, max_lat, min_lon, max_lon) "
    "SELECT a.id, a.latitude, a.latitude, a.longitude, a.longitude FROM activities a "
    "WHERE a.id IN (SELECT value FROM json_each(:ids)) "
    "AND a.status = 'active' AND a.duplicate_of_id IS NULL "
    "AND a.latitude IS NOT NULL AND a.longitude IS NOT NULL",
    "INSERT INTO activity_fts (rowid, title, body, place) "
    "SELECT a.id, "
    "coalesce((SELECT group_concat(value, ' ') FROM json_each(a.titles)), ''), "
    "coalesce((SELECT group_concat(value, ' ') FROM json_each(a.descriptions)), ''), "
    "trim(coalesce(a.venue_name, '') || ' ' || coalesce(a.address, '')) "
    "FROM activities a WHERE a.id IN (SELECT value FROM json_each(:ids)) "
    "AND a.status = 'active' AND a.duplicate_of_id IS NULL",
)
_REBUILD = (
    "DELETE FROM activity_rtree",
    "DELETE FROM activity_fts",
    "INSERT INTO activity_rtree (id, min_lat, max_lat, min_lon, max_lon) "
    "SELECT a.id, a.latitude, a.latitude, a.longitude, a.longitude FROM activities a "
    "WHERE a.status = 'active' AND a.duplicate_of_id IS NULL "
    "AND a.latitude IS NOT NULL AND a.longitude IS NOT NULL",
    "INSERT INTO activity_fts (rowid, title, body, place) "
    "SELECT a.id, "
    "coalesce((SELECT group_concat(value, ' ') FROM json_each(a.titles)), ''), "
    "coalesce((SELECT group_concat(value, ' ') FROM json_each(a.descriptions)), ''), "
    "trim(coalesce(a.venue_name, '') || ' ' || coalesce(a.address, '')) "
    "FROM activities a WHERE a.status = 'active' AND a.duplicate_of_id IS NULL",
    # Merge the index segments a bulk load leaves behind, so queries read fewer of them.
    "INSERT INTO activity_fts (activity_fts) VALUES ('optimize')",
)


def _sqlite(session: AsyncSession) -> bool:
    return session.get_bind().dialect.name == "sqlite"


async def reindex_activities(session: AsyncSession, activity_ids: Iterable[int]) -> None:
    """Refresh (or drop) the search index rows of these activities."""
    ids = sorted({int(activity_id) for activity_id in activity_ids})
    if not ids or not _sqlite(session):
        return
    # Changes still pending in the session must be visible to the SQL below.
    await session.flush()
    payload = {"ids": json.dumps(ids)}
    for statement in _REFRESH:
        await session.execute(text(statement), payload)


async def rebuild_all(session: AsyncSession) -> None:
    """Rebuild the search indexes from scratch (after a bulk load or a restore)."""
    if not _sqlite(session):
        return
    await session.flush()
    for statement in _REBUILD:
        await session.execute(text(statement))
