"""What is on next: activities ordered by their next session, and how many there are."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from catalogue.search.query import ACTIVITIES, activity_conditions, dialect_of, hydrate, next_start
from catalogue.search.types import ActivityHit, SearchFilters


async def upcoming(
    session: AsyncSession,
    *,
    city_id: int | None,
    filters: SearchFilters | None = None,
    limit: int = 10,
    offset: int = 0,
    now: datetime,
) -> list[ActivityHit]:
    """Return activities ordered by their next session's start (those without one last)."""
    filters = filters or SearchFilters()
    starts = next_start(filters, now)
    statement = (
        select(ACTIVITIES.c.id)
        .where(*activity_conditions(dialect_of(session), city_id, filters, now))
        .order_by(starts.asc().nulls_last(), ACTIVITIES.c.id)
        .limit(limit)
        .offset(offset)
    )
    ids = list((await session.scalars(statement)).all())
    return await hydrate(session, ids, filters, now)


async def count_upcoming(session: AsyncSession, city_id: int | None, now: datetime) -> int:
    """Return how many activities have a session that has not ended."""
    conditions = activity_conditions(dialect_of(session), city_id, SearchFilters(), now)
    statement = select(func.count()).select_from(ACTIVITIES).where(*conditions)
    return int((await session.scalar(statement)) or 0)
