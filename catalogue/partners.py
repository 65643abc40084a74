"""Partners: the organisations of a city that publish activities and issue badges."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from catalogue.cities import get_city
from catalogue.models import Activity, ActivityStatus, City, Feed, Partner

_NOT_SLUG = re.compile(r"[^a-z0-9]+")
_SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


class PartnerError(ValueError):
    """A partner cannot be added or found; the message says why in one line."""


@dataclass(frozen=True, slots=True)
class PartnerSummary:
    """A partner as the coordinator lists it."""

    id: int
    slug: str
    name: str
    city: str
    website: str | None
    contact: str | None
    feeds: int
    activities: int


def slugify(text: str, max_length: int = 64) -> str:
    """Lower-case ASCII letters, digits and dashes: 'Teatro do Bairro' -> 'teatro-do-bairro'."""
    ascii_text = (
        unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii").lower()
    )
    return _NOT_SLUG.sub("-", ascii_text).strip("-")[:max_length].rstrip("-")


async def require_city(session: AsyncSession, slug: str) -> City:
    """Return the city with this slug or raise PartnerError naming it."""
    city = await get_city(session, slug)
    if city is None:
        raise PartnerError(f"no city with the slug {slug!r}; add it with 'colbot cities add'")
    return city


def _clean(value: str | None, limit: int, field: str) -> str | None:
    if value is None or not value.strip():
        return None
    value = value.strip()
    if len(value) > limit:
        raise PartnerError(f"{field} is longer than {limit} characters")
    return value


async def add_partner(
    session: AsyncSession,
    *,
    city_slug: str,
    name: str,
    website: str | None = None,
    contact: str | None = None,
    slug: str | None = None,
) -> Partner:
    """Create a partner in a city, or update the one with the same slug in that city."""
    city = await require_city(session, city_slug)
    name = (name or "").strip()
    if not name:
        raise PartnerError("a partner needs a name")
    if len(name) > 200:
        raise PartnerError("the name is longer than 200 characters")
    slug = slug or slugify(name)
    if not _SLUG.match(slug) or len(slug) > 64:
        raise PartnerError(f"slug {slug!r} must be lower-case letters, digits and dashes")
    partner = await session.scalar(select(Partner).where(Partner.slug == slug))
    if partner is None:
        partner = Partner(city_id=city.id, slug=slug)
        session.add(partner)
    elif partner.city_id != city.id:
        raise PartnerError(f"the slug {slug!r} already belongs to a partner in another city")
    partner.name = name
    partner.website = _clean(website, 500, "website") or partner.website
    partner.contact = _clean(contact, 200, "contact") or partner.contact
    await session.flush()
    return partner


async def find_partner(session: AsyncSession, reference: str, city_id: int) -> Partner | None:
    """Return the city's partner whose slug or name (any case) is ``reference``."""
    reference = reference.strip()
    by_slug = await session.scalar(
        select(Partner).where(Partner.city_id == city_id, Partner.slug == reference)
    )
    if by_slug is not None:
        return by_slug
    return await session.scalar(
        select(Partner)
        .where(Partner.city_id == city_id, func.lower(Partner.name) == reference.lower())
        .order_by(Partner.id)
        .limit(1)
    )


async def require_partner(session: AsyncSession, reference: str, city: City) -> Partner:
    """Return the city's partner named ``reference`` or raise PartnerError."""
    partner = await find_partner(session, reference, city.id)
    if partner is None:
        raise PartnerError(
            f"no partner called {reference!r} in {city.slug}; add it with 'colbot partners add'"
        )
    return partner


async def list_partners(
    session: AsyncSession, city_slug: str | None = None
) -> list[PartnerSummary]:
    """Every partner (of one city, when given) with its number of feeds and active activities."""
    feeds = select(Feed.partner_id, func.count().label("n")).group_by(Feed.partner_id).subquery()
    activities = (
        select(Activity.partner_id, func.count().label("n"))
        .where(Activity.status == ActivityStatus.ACTIVE.value)
        .group_by(Activity.partner_id)
        .subquery()
    )
    query = (
        select(
            Partner,
            City.slug,
            func.coalesce(feeds.c.n, 0),
            func.coalesce(activities.c.n, 0),
        )
        .join(City, City.id == Partner.city_id)
        .outerjoin(feeds, feeds.c.partner_id == Partner.id)
        .outerjoin(activities, activities.c.partner_id == Partner.id)
        .order_by(City.slug, Partner.slug)
    )
    if city_slug:
        query = query.where(City.slug == city_slug)
    rows = await session.execute(query)
    return [
        PartnerSummary(
            id=partner.id,
            slug=partner.slug,
            name=partner.name,
            city=city,
            website=partner.website,
            contact=partner.contact,
            feeds=int(feed_count),
            activities=int(activity_count),
        )
        for partner, city, feed_count, activity_count in rows
    ]
