"""Places for "near me" without sharing a location: the city centre and its neighbourhoods.

Also where a shared point lies: inside the learner's city, in another of our cities, or far
from all of them. Plain values in, plain values out; the discovery journey sends them.
"""

from __future__ import annotations

from dataclasses import dataclass

from catalogue.geo import haversine_km
from catalogue.models import City
from conversations.i18n import _

MAX_PLACES = 24  # the centre and 23 neighbourhoods: eight rows of three on a phone
MIN_REACH_KM = 10.0


@dataclass(frozen=True, slots=True)
class Place:
    """A named point of a city that a learner can pick instead of sharing a location."""

    index: int
    name: str
    latitude: float
    longitude: float


def places(city: City) -> list[Place]:
    """The city centre first, then the neighbourhoods in the order the city lists them."""
    found = [Place(0, _("City centre"), city.latitude, city.longitude)]
    for index, entry in enumerate(list(city.neighbourhoods)[: MAX_PLACES - 1], 1):
        try:
            point = float(entry["lat"]), float(entry["lon"])
        except (KeyError, TypeError, ValueError):
            continue
        found.append(Place(index, str(entry.get("name") or ""), *point))
    return [place for place in found if place.name]


def place_at(city: City, index: int) -> Place | None:
    """The place a button points at, or None when the city's list has changed since."""
    return next((place for place in places(city) if place.index == index), None)


def reach_km(city: City) -> float:
    """How far from its centre a city's searches go: twice its radius, for the suburbs."""
    return max(city.radius_km * 2, MIN_REACH_KM)


def is_outside(city: City, latitude: float, longitude: float) -> bool:
    """True when a point is beyond the city's reach, so a search there would find nothing."""
    return haversine_km(city.latitude, city.longitude, latitude, longitude) > reach_km(city)
