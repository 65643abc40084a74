"""What to do next: upcoming activities that share competences or topics with one done."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from catalogue.models import Activity
from catalogue.search import ActivityHit, SearchFilters, upcoming

CANDIDATES = 60


async def related_activities(
    session: AsyncSession, activity_id: int, *, now: datetime, limit: int = 3
) -> list[ActivityHit]:
    """Return up to ``limit`` upcoming activities in the same city, most overlap first."""
    done = await session.get(Activity, activity_id)
    if done is None:
        return []
    topics = tuple(done.topics)
    candidates = await upcoming(
        session,
        city_id=done.city_id,
        filters=SearchFilters(topics=topics) if topics else None,
        limit=CANDIDATES,
        now=now,
    )
    candidate_ids = [hit.activity_id for hit in candidates if hit.activity_id != activity_id]
    if not candidate_ids:
        return []
    details = {a.id: a for a in await _load(session, candidate_ids)}
    competences, topic_set = set(done.competences), set(topics)

    def overlap(hit: ActivityHit) -> tuple[int, int]:
        other = details[hit.activity_id]
        return (len(competences & set(other.competences)), len(topic_set & set(other.topics)))

    ranked = sorted(
        (hit for hit in candidates if hit.activity_id in details),
        key=overlap,
        reverse=True,
    )
    return [hit for hit in ranked if overlap(hit) != (0, 0)][:limit]


async def _load(session: AsyncSession, ids: list[int]) -> list[Activity]:
    return list(await session.scalars(select(Activity).where(Activity.id.in_(ids))))
