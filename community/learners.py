"""Learners: find or create them, record their choices, forget them on request."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from catalogue.topics import Topic
from community.consent import AgeBand, needs_guardian
from community.models import Learner, Role, RoleName
from storage import utcnow

LAST_SEEN_PRECISION = timedelta(minutes=1)


@dataclass(frozen=True, slots=True)
class Person:
    """What the chat layer knows about a person, without Telegram types."""

    telegram_id: int
    first_name: str
    language: str


async def get_learner(session: AsyncSession, telegram_id: int) -> Learner | None:
    """Return the learner with this Telegram id, if any."""
    return await session.scalar(select(Learner).where(Learner.telegram_id == telegram_id))


async def touch_learner(session: AsyncSession, person: Person) -> tuple[Learner, bool]:
    """Load the learner (creating them on first contact) and note that they were seen."""
    learner = await get_learner(session, person.telegram_id)
    created = learner is None
    if learner is None:
        learner = Learner(
            telegram_id=person.telegram_id,
            first_name=person.first_name[:128],
            language=person.language,
            interests=[],
        )
        session.add(learner)
        await session.flush()
    now = utcnow()
    # Minute precision is plenty, and skipping the write keeps a quick exchange read-only.
    if created or now - learner.last_seen_at > LAST_SEEN_PRECISION:
        learner.last_seen_at = now
    if not learner.is_active:
        learner.is_active = True
    return learner, created


def toggle_interest(learner: Learner, topic: Topic) -> list[str]:
    """Add or remove one topic and return the new list."""
    chosen = [t for t in learner.interests if t != topic.value]
    if len(chosen) == len(learner.interests):
        chosen.append(topic.value)
    learner.interests = sorted(chosen)
    return learner.interests


def set_age_band(learner: Learner, band: AgeBand, country: str) -> bool:
    """Record the age band; return True when a parent or guardian must agree."""
    learner.age_band = band.value
    learner.consent = False
    learner.guardian_consent = False
    return needs_guardian(band, country)


def record_consent(learner: Learner, *, agreed: bool, guardian: bool = False) -> None:
    """Record the learner's answer; without consent keep only language and city."""
    learner.consent = agreed
    learner.guardian_consent = agreed and guardian
    learner.consent_at = utcnow() if agreed else None
    if not agreed:
        learner.interests = []
        learner.age_band = None


async def roles_of(session: AsyncSession, learner_id: int) -> set[RoleName]:
    """Return the roles a learner holds."""
    rows = await session.scalars(select(Role.role).where(Role.learner_id == learner_id))
    return {RoleName(r) for r in rows}


async def grant_role(
    session: AsyncSession, learner_id: int, role: RoleName, city_id: int | None = None
) -> None:
    """Give a learner a role (idempotent)."""
    existing = await session.scalar(
        select(Role).where(
            Role.learner_id == learner_id, Role.role == role.value, Role.city_id == city_id
        )
    )
    if existing is None:
        session.add(Role(learner_id=learner_id, role=role.value, city_id=city_id))
        await session.flush()


async def forget_learner(session: AsyncSession, learner_id: int) -> None:
    """Delete a learner and everything linked to them."""
    await session.execute(delete(Learner).where(Learner.id == learner_id))
