"""Follows: topics, partners and neighbourhoods a learner wants to hear about."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from catalogue.geo import haversine_km
from catalogue.models import Activity, City, Partner
from catalogue.topics import Topic
from community.models import Follow, FollowKind, Learner

# An activity is "in" a neighbourhood when it is this close to the neighbourhood's centre.
PLACE_RADIUS_KM = 1.5
MAX_FOLLOWS = 50


@dataclass(frozen=True, slots=True)
class Followed:
    """One follow, with a name to show (partner and neighbourhood names are data)."""

    id: int
    kind: FollowKind
    value: str
    name: str


def neighbourhoods(city: City | None) -> dict[str, dict[str, Any]]:
    """The city's neighbourhoods by slug (only those with a usable centre)."""
    found: dict[str, dict[str, Any]] = {}
    for item in (city.neighbourhoods if city else None) or []:
        if not isinstance(item, dict) or not isinstance(item.get("slug"), str):
            continue
        if isinstance(item.get("lat"), int | float) and isinstance(item.get("lon"), int | float):
            found[item["slug"]] = item
    return found


async def _valid(session: AsyncSession, learner: Learner, kind: FollowKind, value: str) -> bool:
    if kind is FollowKind.TOPIC:
        return value in {topic.value for topic in Topic}
    if kind is FollowKind.PARTNER:
        return value.isdigit() and await session.get(Partner, int(value)) is not None
    city = await session.get(City, learner.city_id) if learner.city_id else None
    return value in neighbourhoods(city)


class TooManyFollowsError(Exception):
    """The learner already follows as many things as anyone may (`MAX_FOLLOWS`)."""


async def toggle_follow(
    session: AsyncSession, learner: Learner, kind: FollowKind, value: str, now: datetime
) -> bool | None:
    """Follow or unfollow; True when now followed, None when the value is not followable.

    Raises `TooManyFollowsError` when following one more would pass `MAX_FOLLOWS`.
    """
    existing = await session.scalar(
        select(Follow).where(
            Follow.learner_id == learner.id, Follow.kind == kind.value, Follow.value == value
        )
    )
    if existing is not None:
        await session.delete(existing)
        await session.flush()
        return False
    if not learner.consent or not await _valid(session, learner, kind, value):
        return None
    count = len(await list_follows(session, learner.id))
    if count >= MAX_FOLLOWS:
        raise TooManyFollowsError(MAX_FOLLOWS)
    session.add(Follow(learner_id=learner.id, kind=kind.value, value=value, created_at=now))
    await session.flush()
    return True


async def unfollow(session: AsyncSession, learner_id: int, follow_id: int) -> bool:
    """Remove one of the learner's follows; False when it is not theirs."""
    result = await session.execute(
        delete(Follow).where(Follow.id == follow_id, Follow.learner_id == learner_id)
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


async def list_follows(session: AsyncSession, learner_id: int) -> list[Follow]:
    """The learner's follows, oldest first."""
    rows = await session.scalars(
        select(Follow).where(Follow.learner_id == learner_id).order_by(Follow.id)
    )
    return list(rows)


async def describe_follows(session: AsyncSession, learner: Learner) -> list[Followed]:
    """The learner's follows with partner and neighbourhood names filled in."""
    follows = await list_follows(session, learner.id)
    city = await session.get(City, learner.city_id) if learner.city_id else None
    places = neighbourhoods(city)
    described = []
    for follow in follows:
        kind = FollowKind(follow.kind)
        name = follow.value
        if kind is FollowKind.PARTNER and follow.value.isdigit():
            partner = await session.get(Partner, int(follow.value))
            name = partner.name if partner else name
        elif kind is FollowKind.PLACE and follow.value in places:
            name = str(places[follow.value].get("name") or name)
        described.append(Followed(follow.id, kind, follow.value, name))
    return described


def matches(
    activity: Activity, follows: Sequence[Follow], places: dict[str, dict[str, Any]]
) -> bool:
    """Whether an activity is about something the learner follows."""
    for follow in follows:
        if follow.kind == FollowKind.TOPIC.value and follow.value in (activity.topics or []):
            return True
        if follow.kind == FollowKind.PARTNER.value and follow.value == str(activity.partner_id):
            return True
        place = places.get(follow.value) if follow.kind == FollowKind.PLACE.value else None
        if place and activity.latitude is not None and activity.longitude is not None:
            distance = haversine_km(
                float(place["lat"]), float(place["lon"]), activity.latitude, activity.longitude
            )
            if distance <= PLACE_RADIUS_KM:
                return True
    return False
