"""Shared pieces of every search: who may appear, which session is next, ids into hits."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import ColumnElement, and_, case, exists, func, or_, select
from sqlalchemy.dialects.postgresql import JSONB, array
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql.expression import ScalarSelect, cast

from catalogue.models import Activity, ActivityStatus, Occurrence
from catalogue.search.types import ActivityHit, SearchFilters

ACTIVITIES = Activity.__table__
OCCURRENCES = Occurrence.__table__


def dialect_of(session: AsyncSession) -> str:
    """Return ``sqlite`` or ``postgresql`` for the session's engine."""
    return session.get_bind().dialect.name


def _session_conditions(occurrence: object, filters: SearchFilters, now: datetime) -> list:
    occ = occurrence.c  # type: ignore[attr-defined]
    end = func.coalesce(occ.ends_at, occ.starts_at)
    conditions = [occ.activity_id == ACTIVITIES.c.id]
    if not filters.include_past:
        conditions.append(end >= now)
    if filters.window is not None:
        conditions += [occ.starts_at < filters.window.end, end >= filters.window.start]
    return conditions


def _json_list_has_any(
    dialect: str, column: ColumnElement, values: Sequence[str]
) -> ColumnElement:
    if dialect == "postgresql":
        return cast(column, JSONB).has_any(array(list(values)))
    each = func.json_each(column).table_valued("value")
    return exists().select_from(each).where(each.c.value.in_(list(values)))


def activity_conditions(
    dialect: str, city_id: int | None, filters: SearchFilters, now: datetime
) -> list[ColumnElement[bool]]:
    """Conditions on ``activities`` for what may be shown under ``filters`` at ``now``."""
    table = ACTIVITIES.c
    conditions: list[ColumnElement[bool]] = [
        table.status == ActivityStatus.ACTIVE.value,
        table.duplicate_of_id.is_(None),
    ]
    if city_id is not None:
        conditions.append(table.city_id == city_id)
    if filters.types:
        conditions.append(table.type.in_([str(kind) for kind in filters.types]))
    if filters.topics:
        conditions.append(_json_list_has_any(dialect, table.topics, filters.topics))
    if filters.free_only:
        conditions.append(table.is_free.is_(True))
    if filters.online is not None:
        conditions.append(table.online == filters.online)
    if filters.language:
        conditions.append(_json_list_has_any(dialect, table.languages, (filters.language,)))
    if filters.age is not None:
        conditions.append(or_(table.min_age.is_(None), table.min_age <= filters.age))
        conditions.append(or_(table.max_age.is_(None), table.max_age >= filters.age))
    if not filters.include_past or filters.window is not None:
        occurrence = OCCURRENCES.alias("o_any")
        conditions.append(exists().where(and_(*_session_conditions(occurrence, filters, now))))
    return conditions


def next_start(filters: SearchFilters, now: datetime) -> ScalarSelect:
    """The start of each activity's next session that has not ended, correlated to activities."""
    occurrence = OCCURRENCES.alias("o_start")
    upcoming = SearchFilters(window=filters.window)
    return (
        select(func.min(occurrence.c.starts_at))
        .where(*_session_conditions(occurrence, upcoming, now))
        .scalar_subquery()
    )


def _next_occurrence_id(filters: SearchFilters, now: datetime) -> ScalarSelect:
    occurrence = OCCURRENCES.alias("o_next")
    occ = occurrence.c
    query = select(occ.id).where(*_session_conditions(occurrence, filters, now))
    if filters.include_past:
        # The next session if there is one, else the most recent one.
        upcoming = func.coalesce(occ.ends_at, occ.starts_at) >= now
        query = query.order_by(
            case((upcoming, 0), else_=1), case((upcoming, occ.starts_at)), occ.starts_at.desc()
        )
    else:
        query = query.order_by(occ.starts_at, occ.id)
    return query.limit(1).scalar_subquery()


async def hydrate(
    session: AsyncSession,
    activity_ids: Sequence[int],
    filters: SearchFilters,
    now: datetime,
    distances: dict[int, float] | None = None,
) -> list[ActivityHit]:
    """Load hits for ``activity_ids`` in that order, each with its next session, in one query."""
    if not activity_ids:
        return []
    table = ACTIVITIES.c
    inner = (
        select(
            table.id,
            table.city_id,
            table.partner_id,
            table.type,
            table.titles,
            table.is_free,
            table.online,
            table.venue_name,
            table.latitude,
            table.longitude,
            _next_occurrence_id(filters, now).label("occurrence_id"),
        )
        .where(table.id.in_(list(activity_ids)))
        .subquery()
    )
    occ = OCCURRENCES.c
    statement = select(inner, occ.starts_at, occ.ends_at, occ.source_tz, occ.all_day).outerjoin(
        OCCURRENCES, occ.id == inner.c.occurrence_id
    )
    rows = {row.id: row for row in (await session.execute(statement)).all()}
    distances = distances or {}
    return [
        ActivityHit(
            activity_id=row.id,
            city_id=row.city_id,
            partner_id=row.partner_id,
            type=row.type,
            titles=dict(row.titles or {}),
            starts_at=row.starts_at,
            ends_at=row.ends_at,
            source_tz=row.source_tz,
            all_day=bool(row.all_day),
            distance_km=distances.get(row.id),
            is_free=row.is_free,
            online=bool(row.online),
            venue_name=row.venue_name,
            latitude=row.latitude,
            longitude=row.longitude,
        )
        for row in (rows.get(activity_id) for activity_id in activity_ids)
        if row is not None
    ]
