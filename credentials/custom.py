"""Custom achievements: a playlist's badge, meta-badges that require others, and challenges."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from catalogue.models import Activity, Partner, Playlist, PlaylistItem
from credentials.achievements import AchievementError, AchievementSpec, create_achievement
from credentials.images import AchievementKind
from credentials.models import Achievement, AchievementRequirement, Award

# Plain criteria per language; a meta-badge's names the badges it requires.
PLAYLIST_CRITERIA = {
    "en": "Earned the badge of every activity in this playlist.",
    "pt": "Obteve o badge de todas as atividades deste percurso.",
    "es": "Obtuvo la insignia de todas las actividades de este itinerario.",
    "lt": "Gavo visų šio maršruto veiklų ženklelius.",
    "uk": "Отримав(ла) значки всіх активностей цього маршруту.",
}
META_CRITERIA = {
    "en": "Earned all of these badges: {names}.",
    "pt": "Obteve todos estes badges: {names}.",
    "es": "Obtuvo todas estas insignias: {names}.",
    "lt": "Gavo visus šiuos ženklelius: {names}.",
    "uk": "Отримав(ла) усі ці значки: {names}.",
}
CHALLENGE_CRITERIA = {
    "en": "Completed the challenge and had it approved.",
    "pt": "Concluiu o desafio e este foi aprovado.",
    "es": "Completó el reto y fue aprobado.",
    "lt": "Įveikė iššūkį, ir jis buvo patvirtintas.",
    "uk": "Виконав(ла) виклик, і його схвалили.",
}
_MAX_TAGS = 10


@dataclass(frozen=True)
class AchievementSummary:
    """One badge class as an operator lists it."""

    id: int
    kind: str
    partner_slug: str
    name: str
    playlist_slug: str | None
    requires: tuple[int, ...]
    awarded: int


async def _playlist_achievement(session: AsyncSession, playlist_id: int) -> Achievement | None:
    return await session.scalar(select(Achievement).where(Achievement.playlist_id == playlist_id))


async def playlist_activities(session: AsyncSession, playlist_id: int) -> list[Activity]:
    """Return the activities of a playlist in their order."""
    query = (
        select(Activity)
        .join(PlaylistItem, PlaylistItem.activity_id == Activity.id)
        .where(PlaylistItem.playlist_id == playlist_id)
        .order_by(PlaylistItem.position, PlaylistItem.id)
    )
    return list((await session.scalars(query)).all())


def _union(lists: Sequence[Sequence[str]]) -> list[str]:
    return list(dict.fromkeys(item for items in lists for item in items))


async def ensure_playlist_achievement(
    session: AsyncSession,
    playlist_id: int,
    *,
    partner_id: int | None = None,
    names: dict[str, str] | None = None,
    descriptions: dict[str, str] | None = None,
) -> Achievement:
    """Return a playlist's badge class, creating it the first time (safe under races).

    The issuer is ``partner_id``, else the partner of the playlist's first activity; the
    competences are those of all its activities.
    """
    existing = await _playlist_achievement(session, playlist_id)
    if existing is not None:
        return existing
    playlist = await session.get(Playlist, playlist_id)
    if playlist is None:
        raise AchievementError(f"no playlist with id {playlist_id}")
    activities = await playlist_activities(session, playlist_id)
    if not activities:
        raise AchievementError(f"playlist {playlist.slug!r} has no activities yet")
    badge_names = dict(names or playlist.titles)
    spec = AchievementSpec(
        partner_id=partner_id or activities[0].partner_id,
        kind=AchievementKind.PLAYLIST,
        names=badge_names,
        descriptions=dict(descriptions or {}) or dict(playlist.descriptions) or badge_names,
        criteria=dict(PLAYLIST_CRITERIA),
        competences=_union([a.competences for a in activities]),
        tags=["playlist", *_union([a.topics for a in activities])][:_MAX_TAGS],
        playlist_id=playlist.id,
    )
    try:
        async with session.begin_nested():
            return await create_achievement(session, spec)
    except IntegrityError:
        found = await _playlist_achievement(session, playlist_id)
        if found is None:
            raise
        return found


async def _meta_criteria(session: AsyncSession, required: Sequence[int]) -> dict[str, str]:
    rows = (await session.scalars(select(Achievement).where(Achievement.id.in_(required)))).all()
    by_id = {row.id: row for row in rows}
    missing = [str(i) for i in required if i not in by_id]
    if missing:
        raise AchievementError(f"no achievement with id {', '.join(missing)}")
    return {
        language: template.format(names=", ".join(by_id[i].name(language) for i in required))
        for language, template in META_CRITERIA.items()
    }


async def create_meta_achievement(
    session: AsyncSession, spec: AchievementSpec, requires: Sequence[int]
) -> Achievement:
    """Create a badge that is earned by holding every badge in ``requires``."""
    required = list(dict.fromkeys(requires))
    if not required:
        raise AchievementError("a meta-badge needs at least one required achievement")
    criteria = await _meta_criteria(session, required)
    row = await create_achievement(
        session,
        replace(spec, kind=AchievementKind.META, criteria=dict(spec.criteria) or criteria),
    )
    session.add_all(AchievementRequirement(achievement_id=row.id, required_id=i) for i in required)
    await session.flush()
    return row


async def create_challenge_achievement(
    session: AsyncSession, spec: AchievementSpec
) -> Achievement:
    """Create a challenge's badge class (awarded when a submission is approved)."""
    return await create_achievement(
        session,
        replace(
            spec,
            kind=AchievementKind.CHALLENGE,
            criteria=dict(spec.criteria) or dict(CHALLENGE_CRITERIA),
        ),
    )


async def requirements(session: AsyncSession, achievement_id: int) -> list[int]:
    """Return the ids of the badges a meta-badge requires (empty for other kinds)."""
    query = (
        select(AchievementRequirement.required_id)
        .where(AchievementRequirement.achievement_id == achievement_id)
        .order_by(AchievementRequirement.id)
    )
    return list((await session.scalars(query)).all())


async def list_achievements(
    session: AsyncSession, language: str = "en"
) -> list[AchievementSummary]:
    """Return every badge class with its issuer, what it requires and how often it was given."""
    counts = await session.execute(
        select(Award.achievement_id, func.count()).group_by(Award.achievement_id)
    )
    awarded = {achievement_id: int(count) for achievement_id, count in counts}
    required: dict[int, list[int]] = {}
    for row in await session.scalars(
        select(AchievementRequirement).order_by(AchievementRequirement.id)
    ):
        required.setdefault(row.achievement_id, []).append(row.required_id)
    query = (
        select(Achievement, Partner.slug, Playlist.slug)
        .join(Partner, Partner.id == Achievement.partner_id)
        .outerjoin(Playlist, Playlist.id == Achievement.playlist_id)
        .order_by(Achievement.id)
    )
    return [
        AchievementSummary(
            id=achievement.id,
            kind=achievement.kind,
            partner_slug=partner_slug,
            name=achievement.name(language),
            playlist_slug=playlist_slug,
            requires=tuple(required.get(achievement.id, ())),
            awarded=awarded.get(achievement.id, 0),
        )
        for achievement, partner_slug, playlist_slug in await session.execute(query)
    ]
