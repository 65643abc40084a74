"""Achievements (badge classes): create them, one per activity on demand, and describe them."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from catalogue.models import Activity, City, Partner
from credentials import ob3
from credentials.competences import alignment_for
from credentials.images import AchievementKind
from credentials.models import Achievement

# Plain criteria per language for badges created from an activity.
_ACTIVITY_CRITERIA = {
    "en": "Took part in this activity and checked in with the organiser.",
    "pt": "Participou nesta atividade e fez check-in junto da organização.",
    "es": "Participó en esta actividad e hizo check-in con la organización.",
    "lt": "Dalyvavo šioje veikloje ir užsiregistravo pas organizatorių.",
    "uk": "Взяв(ла) участь у цій діяльності та відмітився(лась) в організатора.",
}


class AchievementError(LookupError):
    """An achievement or the activity it should come from does not exist."""


@dataclass(frozen=True)
class AchievementSpec:
    """What an organiser defines for a badge class, as plain values."""

    partner_id: int
    kind: AchievementKind
    names: dict[str, str]
    descriptions: dict[str, str]
    criteria: dict[str, str]
    competences: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    image_url: str | None = None
    activity_id: int | None = None
    playlist_id: int | None = None


async def create_achievement(session: AsyncSession, spec: AchievementSpec) -> Achievement:
    """Create a badge class; alignments are derived from the competence codes."""
    alignments = [a for a in (alignment_for(code) for code in spec.competences) if a]
    row = Achievement(
        partner_id=spec.partner_id,
        activity_id=spec.activity_id,
        playlist_id=spec.playlist_id,
        kind=AchievementKind(spec.kind).value,
        names=dict(spec.names),
        descriptions=dict(spec.descriptions),
        criteria=dict(spec.criteria),
        image_url=spec.image_url,
        alignments=alignments,
        competences=list(spec.competences),
        tags=list(spec.tags),
    )
    session.add(row)
    await session.flush()
    return row


async def ensure_activity_achievement(session: AsyncSession, activity_id: int) -> Achievement:
    """Return the badge class of an activity, creating it the first time (safe under races)."""
    existing = await session.scalar(
        select(Achievement).where(Achievement.activity_id == activity_id)
    )
    if existing is not None:
        return existing
    activity = await session.get(Activity, activity_id)
    if activity is None:
        raise AchievementError(f"no activity with id {activity_id}")
    spec = AchievementSpec(
        partner_id=activity.partner_id,
        kind=AchievementKind.ACTIVITY,
        names=dict(activity.titles),
        descriptions={lang: text[:1000] for lang, text in activity.descriptions.items() if text}
        or dict(activity.titles),
        criteria=dict(_ACTIVITY_CRITERIA),
        competences=list(activity.competences),
        tags=[activity.type, *activity.topics][:10],
        image_url=activity.image_url,
        activity_id=activity.id,
    )
    try:
        async with session.begin_nested():
            return await create_achievement(session, spec)
    except IntegrityError:
        found = await session.scalar(
            select(Achievement).where(Achievement.activity_id == activity_id)
        )
        if found is None:
            raise
        return found


def achievement_url(public_base_url: str, achievement_id: int) -> str:
    """Return the public address of a badge class."""
    return f"{public_base_url}/achievements/{achievement_id}"


def image_url(public_base_url: str, achievement: Achievement) -> str:
    """Return the badge image address: the organiser's own, else our generated medal."""
    return achievement.image_url or f"{achievement_url(public_base_url, achievement.id)}.png"


def to_ob3(achievement: Achievement, public_base_url: str, language: str) -> ob3.Achievement:
    """Describe a badge class as an OB 3.0 Achievement in one language."""
    name = achievement.name(language)
    return ob3.Achievement(
        id=achievement_url(public_base_url, achievement.id),
        name=name,
        description=achievement.description(language) or name,
        criteria=ob3.Criteria(narrative=achievement.criteria_text(language) or name),
        achievement_type="Badge",
        image=ob3.Image(image_url(public_base_url, achievement), caption=name),
        alignments=tuple(_alignment(a) for a in achievement.alignments),
        tags=tuple(achievement.tags),
        in_language=language,
    )


def issuer_profile(partner: Partner, issuer_did: str) -> ob3.Profile:
    """Return the partner as an OB 3.0 issuer Profile."""
    return ob3.Profile(id=issuer_did, name=partner.name, url=partner.website or None)


def _alignment(data: dict[str, Any]) -> ob3.Alignment:
    return ob3.Alignment(
        target_name=data["targetName"],
        target_url=data["targetUrl"],
        target_type=data.get("targetType"),
        target_code=data.get("targetCode"),
        target_framework=data.get("targetFramework"),
    )


async def city_of(session: AsyncSession, partner: Partner) -> City | None:
    """Return the partner's city (its name goes on the badge artwork)."""
    return await session.get(City, partner.city_id)
