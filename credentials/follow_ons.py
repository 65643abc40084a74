"""Badges that follow from others: a finished playlist, or a meta-badge whose badges are all held.

Run after any award. Only valid (not revoked) badges count towards a follow-on, and an
achievement the learner was ever awarded is never considered again, so calling this twice, or
from two workers at once, gives each follow-on once (the awards' unique constraint settles races).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from catalogue.models import PlaylistItem
from credentials.issuing import issue_award
from credentials.models import Achievement, AchievementRequirement, Award


def _complete(needs: dict[int, set[int]], have: set[int]) -> set[int]:
    return {achievement_id for achievement_id, needed in needs.items() if needed <= have}


async def _finished_playlists(session: AsyncSession, held: set[int]) -> set[int]:
    """Playlist badges whose every activity's badge is held."""
    held_activities = set(
        await session.scalars(
            select(Achievement.activity_id).where(
                Achievement.id.in_(held), Achievement.activity_id.is_not(None)
            )
        )
    )
    if not held_activities:
        return set()
    touched = select(PlaylistItem.playlist_id).where(PlaylistItem.activity_id.in_(held_activities))
    rows = await session.execute(
        select(Achievement.id, PlaylistItem.activity_id)
        .join(PlaylistItem, PlaylistItem.playlist_id == Achievement.playlist_id)
        .where(Achievement.playlist_id.in_(touched))
    )
    needs: dict[int, set[int]] = defaultdict(set)
    for achievement_id, activity_id in rows:
        needs[achievement_id].add(activity_id)
    return _complete(needs, {a for a in held_activities if a is not None})


async def _met_requirements(session: AsyncSession, held: set[int]) -> set[int]:
    """Meta-badges whose every required badge is held."""
    touched = select(AchievementRequirement.achievement_id).where(
        AchievementRequirement.required_id.in_(held)
    )
    rows = await session.execute(
        select(AchievementRequirement.achievement_id, AchievementRequirement.required_id).where(
            AchievementRequirement.achievement_id.in_(touched)
        )
    )
    needs: dict[int, set[int]] = defaultdict(set)
    for achievement_id, required_id in rows:
        needs[achievement_id].add(required_id)
    return _complete(needs, held)


async def due_follow_ons(session: AsyncSession, learner_id: int) -> set[int]:
    """Return the achievements the learner has earned by their badges but not been given yet."""
    rows = await session.execute(
        select(Award.achievement_id, Award.revoked).where(Award.learner_id == learner_id)
    )
    ever: set[int] = set()
    held: set[int] = set()
    for achievement_id, revoked in rows:
        ever.add(achievement_id)
        if not revoked:
            held.add(achievement_id)
    if not held:
        return set()
    earned = await _finished_playlists(session, held) | await _met_requirements(session, held)
    return earned - ever


async def award_follow_ons(
    session: AsyncSession,
    *,
    learner_id: int,
    public_base_url: str,
    secret_key: bytes,
    now: datetime,
) -> list[Award]:
    """Award every playlist and meta-badge the learner now qualifies for; return the new ones."""
    created: list[Award] = []
    tried: set[int] = set()
    # A follow-on can complete another (a meta-badge requiring a playlist badge): repeat until
    # nothing new is due. Each achievement is tried at most once, so this always ends.
    while due := await due_follow_ons(session, learner_id) - tried:
        for achievement_id in _in_order(due):
            tried.add(achievement_id)
            result = await issue_award(
                session,
                learner_id=learner_id,
                achievement_id=achievement_id,
                public_base_url=public_base_url,
                secret_key=secret_key,
                now=now,
            )
            if result.created:
                created.append(result.award)
    return created


def _in_order(ids: Iterable[int]) -> list[int]:
    # Oldest badge classes first, so messages arrive in a stable order.
    return sorted(ids)
