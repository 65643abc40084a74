"""What is on next: activities ordered by their next session, and how many there are."""

from __future__ import annotations

from datetime import datetime
from functools import lru_cache

from sqlalchemy import Select, bindparam, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from catalogue.search.query import (
    ACTIVITIES,
    Shape,
    activity_conditions,
    dialect_of,
    hydrate,
    next_start,
    parameters,
    shape_of,
)
from catalogue.search.types import ActivityHit, SearchFilters


@lru_cache(maxsize=64)
def _upcoming_statement(shape: Shape) -> Select:
    return (
        select(ACTIVITIES.c.id)
        .where(*activity_conditions(shape))
        .order_by(next_start(shape).asc().nulls_last(), ACTIVITIES.c.id)
        .limit(bindparam("p_limit"))
        .offset(bindparam("p_offset"))
    )


@lru_cache(maxsize=8)
def _count_statement(shape: Shape) -> Select:
    return select(func.count()).select_from(ACTIVITIES).where(*activity_conditions(shape))


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
    statement = _upcoming_statement(shape_of(dialect_of(session), city_id, filters))
    values = {**parameters(city_id, filters, now), "p_limit": limit, "p_offset": offset}
    ids = list((await session.scalars(statement, values)).all())
    return await hydrate(session, ids, filters, now)


async def count_upcoming(session: AsyncSession, city_id: int | None, now: datetime) -> int:
    """Return how many activities have a session that has not ended."""
    filters = SearchFilters()
    statement = _count_statement(shape_of(dialect_of(session), city_id, filters))
    return int((await session.scalar(statement, parameters(city_id, filters, now))) or 0)
