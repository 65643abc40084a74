"""Shared pieces of every search: who may appear, which session is next, ids into hits."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from typing import Any

from sqlalchemy import (
    ARRAY,
    Boolean,
    ColumnElement,
    FromClause,
    Integer,
    Select,
    String,
    and_,
    bindparam,
    case,
    exists,
    func,
    literal_column,
    or_,
    select,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql.expression import BindParameter, ScalarSelect, cast
from sqlalchemy.sql.selectable import LateralFromClause

from catalogue.models import Activity, ActivityStatus, Occurrence
from catalogue.search.types import ActivityHit, SearchFilters
from storage import UTCDateTime

ACTIVITIES = Activity.__table__
OCCURRENCES = Occurrence.__table__


def dialect_of(session: AsyncSession) -> str:
    """Return ``sqlite`` or ``postgresql`` for the session's engine."""
    return session.get_bind().dialect.name


@dataclass(frozen=True, slots=True)
class Shape:
    """Which conditions a search has; statements are built once per shape and reused."""

    dialect: str
    city: bool
    types: bool
    topics: bool
    free_only: bool
    online: bool
    language: bool
    age: bool
    window: bool
    include_past: bool


def shape_of(dialect: str, city_id: int | None, filters: SearchFilters) -> Shape:
    """The shape of a search for ``filters``."""
    return Shape(
        dialect=dialect,
        city=city_id is not None,
        types=bool(filters.types),
        topics=bool(filters.topics),
        free_only=filters.free_only,
        online=filters.online is not None,
        language=bool(filters.language),
        age=filters.age is not None,
        window=filters.window is not None,
        include_past=filters.include_past,
    )


def parameters(city_id: int | None, filters: SearchFilters, now: datetime) -> dict[str, Any]:
    """The values for the bound parameters of `activity_conditions` and `hydrate`."""
    values: dict[str, Any] = {
        "f_now": now,
        "f_active": ActivityStatus.ACTIVE.value,
        "f_city": city_id,
        "f_types": [str(kind) for kind in filters.types],
        "f_topics": list(filters.topics),
        "f_online": filters.online,
        "f_language": [filters.language],
        "f_age": filters.age,
    }
    if filters.window is not None:
        values["f_window_start"] = filters.window.start
        values["f_window_end"] = filters.window.end
    return values


def _time(name: str) -> BindParameter[Any]:
    return bindparam(name, type_=UTCDateTime())


def _session_conditions(occurrence: Any, shape: Shape, *, upcoming: bool) -> list:
    occ = occurrence.c
    end = func.coalesce(occ.ends_at, occ.starts_at)
    conditions = [occ.activity_id == ACTIVITIES.c.id]
    if upcoming:
        conditions.append(end >= _time("f_now"))
    if shape.window:
        conditions += [occ.starts_at < _time("f_window_end"), end >= _time("f_window_start")]
    return conditions


def _json_list_has_any(dialect: str, column: ColumnElement, name: str) -> ColumnElement:
    if dialect == "postgresql":
        return cast(column, JSONB).has_any(bindparam(name, type_=ARRAY(String)))
    each = func.json_each(column).table_valued("value")
    return exists().select_from(each).where(each.c.value.in_(bindparam(name, expanding=True)))


def needs_session(shape: Shape) -> bool:
    """Whether only activities with a matching session may appear (upcoming, or in the window)."""
    return not shape.include_past or shape.window


def activity_conditions(
    shape: Shape, *, city_index: bool = True, sessions: bool = True
) -> list[ColumnElement[bool]]:
    """Conditions on ``activities`` for what may be shown, with `parameters` as values.

    ``city_index=False`` keeps SQLite from driving the query by the city index when an R*Tree
    or a full-text match narrows it far better (without ANALYZE statistics it would guess).
    ``sessions=False`` leaves out the matching-session test, for a statement that joins the
    next session itself (`next_session`).
    """
    table = ACTIVITIES.c
    conditions: list[ColumnElement[bool]] = [
        table.status == bindparam("f_active"),
        table.duplicate_of_id.is_(None),
    ]
    if shape.city:
        city = table.city_id if city_index else table.city_id.op("+")(literal_column("0"))
        conditions.append(city == bindparam("f_city"))
    if shape.types:
        conditions.append(table.type.in_(bindparam("f_types", expanding=True)))
    if shape.topics:
        conditions.append(_json_list_has_any(shape.dialect, table.topics, "f_topics"))
    if shape.free_only:
        conditions.append(table.is_free.is_(True))
    if shape.online:
        conditions.append(table.online == bindparam("f_online", type_=Boolean()))
    if shape.language:
        conditions.append(_json_list_has_any(shape.dialect, table.languages, "f_language"))
    if shape.age:
        age = bindparam("f_age", type_=Integer())
        conditions.append(or_(table.min_age.is_(None), table.min_age <= age))
        conditions.append(or_(table.max_age.is_(None), table.max_age >= age))
    if sessions and needs_session(shape):
        occurrence = OCCURRENCES.alias("o_any")
        session_matches = _session_conditions(occurrence, shape, upcoming=not shape.include_past)
        conditions.append(exists().where(and_(*session_matches)))
    return conditions


def next_start(shape: Shape) -> ScalarSelect:
    """The start of each activity's next session that has not ended, correlated to activities."""
    occurrence = OCCURRENCES.alias("o_start")
    return (
        select(func.min(occurrence.c.starts_at))
        .where(*_session_conditions(occurrence, shape, upcoming=True))
        .scalar_subquery()
    )


def _next_occurrence(shape: Shape, *columns: str) -> Select:
    """The next session's ``columns`` (or the latest one's, with `include_past`), correlated."""
    occurrence = OCCURRENCES.alias("o_next")
    occ = occurrence.c
    query = select(*(occ[name] for name in columns)).where(
        *_session_conditions(occurrence, shape, upcoming=not shape.include_past)
    )
    if shape.include_past:
        # The next session if there is one, else the most recent one.
        upcoming = func.coalesce(occ.ends_at, occ.starts_at) >= _time("f_now")
        query = query.order_by(
            case((upcoming, 0), else_=1), case((upcoming, occ.starts_at)), occ.starts_at.desc()
        )
    else:
        query = query.order_by(occ.starts_at, occ.id)
    return query.limit(1)


def _next_occurrence_id(shape: Shape) -> ScalarSelect:
    return _next_occurrence(shape, "id").scalar_subquery()


SESSION_COLUMNS = ("id", "starts_at", "ends_at", "source_tz", "all_day")


def next_session(shape: Shape) -> LateralFromClause:
    """PostgreSQL: the next session of each activity, to join LATERAL (see `hits_select`)."""
    return _next_occurrence(shape, *SESSION_COLUMNS).lateral("next_session")


def session_columns(session: LateralFromClause) -> list[ColumnElement[Any]]:
    """A `next_session` join's columns, in the order `hit_of` reads them after `HIT_COLUMNS`."""
    return [
        session.c.id.label("occurrence_id"),
        *(session.c[name] for name in SESSION_COLUMNS[1:]),
    ]


HIT_COLUMNS = (
    "id",
    "city_id",
    "partner_id",
    "type",
    "titles",
    "is_free",
    "online",
    "venue_name",
    "latitude",
    "longitude",
)


def hits_select(shape: Shape, source: FromClause, *where: ColumnElement[bool]) -> Select:
    """Plain columns of each activity in ``source``, then its next session's (see `hit_of`).

    ``source`` must include ``activities``; only the shape's window and `include_past` matter.
    """
    table = ACTIVITIES.c
    inner = (
        select(
            *(table[name] for name in HIT_COLUMNS),
            _next_occurrence_id(shape).label("occurrence_id"),
        )
        .select_from(source)
        .where(*where)
        .subquery()
    )
    occ = OCCURRENCES.c
    return select(inner, occ.starts_at, occ.ends_at, occ.source_tz, occ.all_day).outerjoin(
        OCCURRENCES, occ.id == inner.c.occurrence_id
    )


def hit_of(row: Sequence[Any], distance_km: float | None = None) -> ActivityHit:
    """The hit for one row of a `hits_select` statement."""
    (
        activity_id,
        city_id,
        partner_id,
        type_,
        titles,
        is_free,
        online,
        venue_name,
        latitude,
        longitude,
        _occurrence_id,
        starts_at,
        ends_at,
        source_tz,
        all_day,
    ) = row
    return ActivityHit(
        activity_id=activity_id,
        city_id=city_id,
        partner_id=partner_id,
        type=type_,
        titles=dict(titles or {}),
        starts_at=starts_at,
        ends_at=ends_at,
        source_tz=source_tz,
        all_day=bool(all_day),
        distance_km=distance_km,
        is_free=is_free,
        online=bool(online),
        venue_name=venue_name,
        latitude=latitude,
        longitude=longitude,
    )


@lru_cache(maxsize=64)
def _hydrate_statement(shape: Shape) -> Select:
    return hits_select(shape, ACTIVITIES, ACTIVITIES.c.id.in_(bindparam("h_ids", expanding=True)))


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
    shape = shape_of(dialect_of(session), None, filters)
    values = {**parameters(None, filters, now), "h_ids": list(activity_ids)}
    result = await session.execute(_hydrate_statement(shape), values)
    rows = {row.id: row for row in result.all()}
    distances = distances or {}
    found = [rows.get(activity_id) for activity_id in activity_ids]
    return [hit_of(row, distances.get(row.id)) for row in found if row is not None]
