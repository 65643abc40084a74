"""Near me: the closest activities to a point, widening the radius when too few are found."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from math import cos, radians

from sqlalchemy import ColumnElement, Select, func, literal, select, text, union_all
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql.expression import column, table

from catalogue.geo import EARTH_RADIUS_KM, haversine_km, valid_point
from catalogue.search.query import ACTIVITIES, activity_conditions, dialect_of, hydrate
from catalogue.search.types import NearResult, SearchFilters

KM_PER_DEGREE = radians(1) * EARTH_RADIUS_KM
# Ring searches start this small and double, so a dense city reads few rows per query.
FIRST_RING_KM = 0.05
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


@dataclass(frozen=True, slots=True)
class _Probe:
    """One query point and what it needs: its filters, the time and how many rows."""

    city_id: int | None
    latitude: float
    longitude: float
    filters: SearchFilters
    now: datetime
    needed: int


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


def _with_distances(probe: _Probe, rows: list, limit_km: float) -> list[tuple[int, float]]:
    found = []
    for row in rows:
        distance = haversine_km(probe.latitude, probe.longitude, row.latitude, row.longitude)
        if distance <= limit_km:
            found.append((row.id, distance))
    found.sort(key=lambda item: (item[1], item[0]))
    return found


async def _nearest_earth(
    session: AsyncSession, probe: _Probe, max_radius_km: float
) -> list[tuple[int, float]]:
    """PostgreSQL: a k-nearest-neighbour walk of the GiST index, bounded by the radius."""
    table_ = ACTIVITIES.c
    centre = func.ll_to_earth(probe.latitude, probe.longitude)
    point = func.ll_to_earth(table_.latitude, table_.longitude)
    # earthdistance's sphere is a little larger than ours: scale so both agree on the radius.
    reach = literal(max_radius_km / EARTH_RADIUS_KM) * func.earth()
    statement = (
        select(table_.id, table_.latitude, table_.longitude)
        .where(
            table_.latitude.is_not(None),
            table_.longitude.is_not(None),
            func.earth_box(centre, reach).op("@>")(point),
            func.earth_distance(centre, point) <= reach,
            *activity_conditions("postgresql", probe.city_id, probe.filters, probe.now),
        )
        .order_by(point.op("<->")(centre))
        .limit(probe.needed)
    )
    rows = list((await session.execute(statement)).all())
    return _with_distances(probe, rows, max_radius_km)


def _ring_query(dialect: str, probe: _Probe, inner_km: float, outer_km: float) -> Select:
    """Activities between two distances from the point, nearest first (flat-earth metric)."""
    table_ = ACTIVITIES.c
    lat_span = outer_km / KM_PER_DEGREE
    squeeze = max(cos(radians(probe.latitude)), 0.01)
    lon_span = lat_span / squeeze
    south, north = probe.latitude - lat_span, probe.latitude + lat_span
    west, east = probe.longitude - lon_span, probe.longitude + lon_span
    dlat = table_.latitude - probe.latitude
    dlon = (table_.longitude - probe.longitude) * squeeze
    planar = dlat * dlat + dlon * dlon
    conditions: list[ColumnElement[bool]]
    if dialect == "sqlite":
        box = _RTREE.c
        source = _RTREE.join(ACTIVITIES, table_.id == box.id)
        conditions = [
            box.max_lat >= south,
            box.min_lat <= north,
            box.max_lon >= west,
            box.min_lon <= east,
        ]
    else:
        source = ACTIVITIES
        conditions = [table_.latitude.between(south, north), table_.longitude.between(west, east)]
    # The flat-earth distance orders a city-sized disc as the great circle does; a little
    # slack keeps edge points, and the exact distance is computed afterwards.
    conditions.append(planar <= (lat_span * SLACK) ** 2)
    if inner_km > 0:
        conditions.append(planar > (inner_km / KM_PER_DEGREE * SLACK) ** 2)
    return (
        select(table_.id, table_.latitude, table_.longitude, planar.label("planar"))
        .select_from(source)
        .where(*conditions, *activity_conditions(dialect, probe.city_id, probe.filters, probe.now))
        .order_by(planar, table_.id)
        .limit(probe.needed)
    )


async def _nearest_rings(
    session: AsyncSession, probe: _Probe, max_radius_km: float
) -> list[tuple[int, float]]:
    """SQLite (or PostgreSQL without earthdistance): rings of growing width, in one query.

    Each ring is read nearest first from a small box, and the rings are concatenated from the
    centre outwards, so the first ``needed`` rows are the nearest; the database stops reading
    rings once it has them, so a dense city reads a few small boxes and a sparse one a few
    more, never the whole map.
    """
    dialect = dialect_of(session)
    rings = radius_steps(FIRST_RING_KM, max_radius_km)
    arms = [
        select(_ring_query(dialect, probe, inner, outer).subquery())
        for inner, outer in zip([0.0, *rings], rings, strict=False)
    ]
    statement = union_all(*arms).limit(probe.needed)
    rows = list((await session.execute(statement)).all())
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
    if dialect_of(session) == "postgresql" and await _has_earthdistance(session):
        found = await _nearest_earth(session, probe, ceiling)
    else:
        found = await _nearest_rings(session, probe, ceiling)
    steps = radius_steps(radius_km, ceiling)
    radius = next(
        (step for step in steps if sum(1 for _, d in found if d <= step) >= probe.needed),
        steps[-1],
    )
    page = [(activity_id, d) for activity_id, d in found if d <= radius][offset : offset + limit]
    hits = await hydrate(
        session, [activity_id for activity_id, _ in page], probe.filters, now, dict(page)
    )
    return NearResult(hits=hits, radius_km=radius)
