"""Near me: the closest activities to a point, widening the radius when too few are found."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from math import cos, radians
from typing import Any

from sqlalchemy import (
    ColumnElement,
    CompoundSelect,
    Float,
    FromClause,
    Select,
    bindparam,
    func,
    select,
    text,
    true,
    union_all,
)
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql.expression import BindParameter, column, table

from catalogue.geo import EARTH_RADIUS_KM, haversine_km, valid_point
from catalogue.search.prepared import fetch_all
from catalogue.search.query import (
    ACTIVITIES,
    HIT_COLUMNS,
    Shape,
    activity_conditions,
    dialect_of,
    hit_of,
    hits_select,
    needs_session,
    next_session,
    parameters,
    session_columns,
    shape_of,
)
from catalogue.search.types import NearResult, SearchFilters

KM_PER_DEGREE = radians(1) * EARTH_RADIUS_KM
# Ring searches start this small and double, so a dense city reads few rows per query.
FIRST_RING_KM = 0.05
# A box around one point (in Earth radii, about 6 mm), to read every activity at that place.
SAME_PLACE = 1e-9
SLACK = 1.01
_RTREE = table(
    "activity_rtree",
    column("id"),
    column("min_lat"),
    column("max_lat"),
    column("min_lon"),
    column("max_lon"),
)
_CAPABILITY = "colbot_search_earth"
_LATITUDE = HIT_COLUMNS.index("latitude")
_LONGITUDE = HIT_COLUMNS.index("longitude")
Found = list[tuple[Sequence[Any], float]]


@dataclass(frozen=True, slots=True)
class _Probe:
    """One query point and what it needs: its filters, the time and how many rows."""

    city_id: int | None
    latitude: float
    longitude: float
    filters: SearchFilters
    now: datetime
    needed: int

    def values(self) -> dict[str, Any]:
        """Bound parameter values shared by both spatial statements."""
        return {
            **parameters(self.city_id, self.filters, self.now),
            "p_lat": self.latitude,
            "p_lon": self.longitude,
            "p_needed": self.needed,
        }


def radius_steps(radius_km: float, max_radius_km: float) -> list[float]:
    """The radii tried in turn: the asked one, doubled until the maximum."""
    steps = [radius_km]
    while steps[-1] < max_radius_km:
        steps.append(min(steps[-1] * 2, max_radius_km))
    return steps


async def _has_earthdistance(session: AsyncSession) -> bool:
    # Cached per database connection: the answer only changes with a migration.
    connection = await session.connection()
    info = connection.info
    if _CAPABILITY not in info:
        found = await session.scalar(text("SELECT to_regclass('ix_activities_earth') IS NOT NULL"))
        info[_CAPABILITY] = bool(found)
    return bool(info[_CAPABILITY])


def _with_distances(probe: _Probe, rows: Sequence[Sequence[Any]], limit_km: float) -> Found:
    """Rows within ``limit_km``, each with its exact distance, nearest (then lowest id) first."""
    found = []
    for row in rows:
        distance = haversine_km(probe.latitude, probe.longitude, row[_LATITUDE], row[_LONGITUDE])
        if distance <= limit_km:
            found.append((row, distance))
    found.sort(key=lambda item: (item[1], item[0][0]))
    return found


def _hits_near(shape: Shape, nearest: Select | CompoundSelect) -> Select:
    """The nearest activities' hit columns: the search and the loading in one statement."""
    found = nearest.subquery("found")
    return hits_select(shape, found.join(ACTIVITIES, ACTIVITIES.c.id == found.c.id))


@lru_cache(maxsize=64)
def _near_earth_statement(shape: Shape) -> Select:
    """The hits nearest first, from a walk of the GiST index bounded by a box.

    Each activity's next session is joined LATERAL as the walk meets it: an inner join when the
    shape needs a session (it is also the "has an upcoming session" test), so one index probe
    per candidate does both, and the hit columns come from the row the walk already read.
    """
    table_ = ACTIVITIES.c
    centre = func.ll_to_earth(bindparam("p_lat", type_=Float()), bindparam("p_lon", type_=Float()))
    point = func.ll_to_earth(table_.latitude, table_.longitude)
    # earthdistance's sphere is a little larger than ours: scale so both agree on the radius.
    reach = bindparam("p_reach", type_=Float()) * func.earth()
    session = next_session(shape)
    # The box bounds the walk; the exact radius is checked in Python (`_with_distances`), so
    # the database does not recompute a distance per row. Nearest first, the rows within the
    # radius always come before those in the box's corners, so the result is the same.
    return (
        select(*(table_[name] for name in HIT_COLUMNS), *session_columns(session))
        .select_from(ACTIVITIES.join(session, true(), isouter=not needs_session(shape)))
        .where(
            table_.latitude.is_not(None),
            table_.longitude.is_not(None),
            func.earth_box(centre, reach).op("@>")(point),
            *activity_conditions(shape, sessions=False),
        )
        .order_by(point.op("<->")(centre))
        .limit(bindparam("p_needed"))
    )


def _place(row: Sequence[Any]) -> tuple[float, float]:
    return row[_LATITUDE], row[_LONGITUDE]


async def _nearest_earth(
    session: AsyncSession, probe: _Probe, shape: Shape, max_radius_km: float
) -> Found:
    """PostgreSQL: a k-nearest-neighbour walk of the GiST index, bounded by the radius.

    The walk orders by distance alone (a second sort key would stop PostgreSQL from walking the
    index), so activities at one place come back in no set order. Pages must not overlap: one
    row more than needed shows whether a place's activities run past the end, and then all of
    them are read and the order settled by id (`_with_distances`).
    """
    statement = _near_earth_statement(shape)
    values = {
        **probe.values(),
        "p_reach": max_radius_km / EARTH_RADIUS_KM,
        "p_needed": probe.needed + 1,
    }
    rows = list(await fetch_all(session, statement, values, generic_plan=True))
    if len(rows) > probe.needed and _place(rows[-1]) == _place(rows[-2]):
        place = _place(rows[-1])
        values |= {"p_lat": place[0], "p_lon": place[1], "p_reach": SAME_PLACE, "p_needed": None}
        there = await fetch_all(session, statement, values, generic_plan=True)
        rows = [row for row in rows if _place(row) != place]
        rows += [row for row in there if _place(row) == place]
    return _with_distances(probe, rows, max_radius_km)


def _ring_query(shape: Shape, ring: int) -> Select:
    """Activities in ring ``ring`` around the point, nearest first (flat-earth metric)."""
    table_ = ACTIVITIES.c

    def value(name: str) -> BindParameter[float]:
        return bindparam(f"r{ring}_{name}", type_=Float())

    dlat = table_.latitude - bindparam("p_lat", type_=Float())
    dlon = (table_.longitude - bindparam("p_lon", type_=Float())) * bindparam(
        "p_squeeze", type_=Float()
    )
    planar = dlat * dlat + dlon * dlon
    conditions: list[ColumnElement[bool]]
    source: FromClause
    if shape.dialect == "sqlite":
        box = _RTREE.c
        source = _RTREE.join(ACTIVITIES, table_.id == box.id)
        conditions = [
            box.max_lat >= value("south"),
            box.min_lat <= value("north"),
            box.max_lon >= value("west"),
            box.min_lon <= value("east"),
        ]
    else:
        source = ACTIVITIES
        conditions = [
            table_.latitude.between(value("south"), value("north")),
            table_.longitude.between(value("west"), value("east")),
        ]
    conditions += [planar <= value("outer"), planar > value("inner")]
    return (
        select(table_.id, table_.latitude, table_.longitude)
        .select_from(source)
        .where(*conditions, *activity_conditions(shape, city_index=False))
        .order_by(planar, table_.id)
        .limit(bindparam("p_needed"))
    )


@lru_cache(maxsize=64)
def _near_rings_statement(shape: Shape, rings: int) -> Select:
    arms = [select(_ring_query(shape, ring).subquery()) for ring in range(rings)]
    return _hits_near(shape, union_all(*arms).limit(bindparam("p_needed")))


def _ring_values(probe: _Probe, rings: list[float]) -> dict[str, float]:
    squeeze = max(cos(radians(probe.latitude)), 0.01)
    values = {"p_squeeze": squeeze}
    inner = -1.0
    for ring, radius_km in enumerate(rings):
        lat_span = radius_km / KM_PER_DEGREE
        lon_span = lat_span / squeeze
        # The flat-earth distance orders a city-sized disc as the great circle does; a little
        # slack keeps edge points, and the exact distance is computed afterwards.
        outer = (lat_span * SLACK) ** 2
        values |= {
            f"r{ring}_south": probe.latitude - lat_span * SLACK,
            f"r{ring}_north": probe.latitude + lat_span * SLACK,
            f"r{ring}_west": probe.longitude - lon_span * SLACK,
            f"r{ring}_east": probe.longitude + lon_span * SLACK,
            f"r{ring}_inner": inner,
            f"r{ring}_outer": outer,
        }
        inner = outer
    return values


async def _nearest_rings(
    session: AsyncSession, probe: _Probe, shape: Shape, max_radius_km: float
) -> Found:
    """SQLite (or PostgreSQL without earthdistance): rings of growing width, in one query.

    Each ring is read nearest first from a small box, and the rings are concatenated from the
    centre outwards, so the first ``needed`` rows are the nearest; the database stops reading
    rings once it has them, so a dense city reads a few small boxes and a sparse one a few
    more, never the whole map.
    """
    rings = radius_steps(FIRST_RING_KM, max_radius_km)
    values = {**probe.values(), **_ring_values(probe, rings)}
    rows = await fetch_all(session, _near_rings_statement(shape, len(rings)), values)
    return _with_distances(probe, rows, max_radius_km)


async def near(
    session: AsyncSession,
    *,
    city_id: int | None,
    latitude: float,
    longitude: float,
    radius_km: float = 3.0,
    limit: int = 10,
    offset: int = 0,
    filters: SearchFilters | None = None,
    now: datetime,
    max_radius_km: float | None = None,
) -> NearResult:
    """Return the nearest activities with a place, widening ×2 (to 8× by default) if too few."""
    if not valid_point(latitude, longitude):
        raise ValueError(f"({latitude}, {longitude}) is not a point on Earth")
    if radius_km <= 0:
        raise ValueError("radius_km must be positive")
    ceiling = max(radius_km, max_radius_km if max_radius_km is not None else radius_km * 8)
    probe = _Probe(city_id, latitude, longitude, filters or SearchFilters(), now, offset + limit)
    shape = shape_of(dialect_of(session), city_id, probe.filters)
    if shape.dialect == "postgresql" and await _has_earthdistance(session):
        found = await _nearest_earth(session, probe, shape, ceiling)
    else:
        found = await _nearest_rings(session, probe, shape, ceiling)
    steps = radius_steps(radius_km, ceiling)
    radius = next(
        (step for step in steps if sum(1 for _, d in found if d <= step) >= probe.needed),
        steps[-1],
    )
    page = [(row, d) for row, d in found if d <= radius][offset : offset + limit]
    return NearResult(hits=[hit_of(row, d) for row, d in page], radius_km=radius)
