"""Cities, regions and islands of Learning: add, list, find the nearest."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from catalogue.geo import haversine_km, valid_point
from catalogue.models import City

SAMPLE_CITIES = Path(__file__).with_name("samples") / "cities.json"


class CityError(ValueError):
    """A city definition is invalid; the message says which field and why."""


@dataclass(frozen=True, slots=True)
class NearestCity:
    """A city and how far a point is from its centre."""

    city: City
    distance_km: float


def _centre(data: dict[str, Any]) -> tuple[float, float]:
    centre = data.get("centre")
    try:
        if isinstance(centre, dict):
            return float(centre["lat"]), float(centre["lon"])
        return float(data["latitude"]), float(data["longitude"])
    except (KeyError, TypeError, ValueError) as exc:
        msg = f"{data.get('slug')}: needs a centre (latitude and longitude)"
        raise CityError(msg) from exc


def _check(data: dict[str, Any]) -> None:
    slug = str(data.get("slug", ""))
    if not slug or not slug.replace("-", "").isalnum() or slug.lower() != slug:
        msg = f"slug {slug!r} must be lower-case letters, digits and dashes"
        raise CityError(msg)
    try:
        ZoneInfo(str(data.get("timezone", "")))
    except (ZoneInfoNotFoundError, ValueError) as exc:
        msg = f"{slug}: unknown timezone {data.get('timezone')!r}"
        raise CityError(msg) from exc
    if not valid_point(*_centre(data)):
        msg = f"{slug}: coordinates out of range"
        raise CityError(msg)
    if len(str(data.get("country", ""))) != 2:
        msg = f"{slug}: country must be a two-letter code such as PT"
        raise CityError(msg)
    if not data.get("names"):
        msg = f"{slug}: needs a name in at least one language"
        raise CityError(msg)


async def upsert_city(session: AsyncSession, data: dict[str, Any]) -> City:
    """Create or update a city from a plain mapping (slug, names, timezone, centre...)."""
    _check(data)
    city = await get_city(session, data["slug"])
    if city is None:
        city = City(slug=data["slug"])
        session.add(city)
    city.names = dict(data["names"])
    city.country = str(data["country"]).upper()
    city.timezone = data["timezone"]
    city.default_language = data.get("default_language", "en")
    city.latitude, city.longitude = _centre(data)
    city.radius_km = float(data.get("radius_km", 15.0))
    city.neighbourhoods = list(data.get("neighbourhoods", []))
    await session.flush()
    return city


def read_cities_file(path: Path = SAMPLE_CITIES) -> list[dict[str, Any]]:
    """Read city definitions from a JSON file (a list, or an object with ``cities``)."""
    entries = json.loads(path.read_text(encoding="utf-8"))
    if isinstance(entries, dict):
        entries = entries.get("cities", [])
    return list(entries)


async def upsert_cities(session: AsyncSession, entries: list[dict[str, Any]]) -> list[City]:
    """Create or update several cities, e.g. the samples shipped with the project."""
    return [await upsert_city(session, entry) for entry in entries]


async def get_city(session: AsyncSession, slug: str) -> City | None:
    """Return the city with this slug, if any."""
    return await session.scalar(select(City).where(City.slug == slug))


async def list_cities(session: AsyncSession) -> list[City]:
    """Return every city ordered by slug."""
    return list(await session.scalars(select(City).order_by(City.slug)))


async def nearest_city(session: AsyncSession, latitude: float, longitude: float) -> NearestCity:
    """Return the city whose centre is nearest to a point (there are only a few)."""
    cities = await list_cities(session)
    if not cities:
        msg = "no cities are configured"
        raise CityError(msg)
    best = min(cities, key=lambda c: haversine_km(latitude, longitude, c.latitude, c.longitude))
    return NearestCity(best, haversine_km(latitude, longitude, best.latitude, best.longitude))
