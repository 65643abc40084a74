"""The four numbers a City of Learning reports: people, badges issued, activities, partners."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from catalogue.models import Partner
from catalogue.search import count_upcoming
from community.models import Learner
from credentials.models import Achievement, Award


@dataclass(frozen=True, slots=True)
class CityNumbers:
    """A city's headline figures."""

    learners: int
    badges_issued: int
    published_activities: int
    partners: int

    @property
    def badges_per_learner(self) -> float:
        """Badges issued per learner: the funnel the product exists to improve."""
        return self.badges_issued / self.learners if self.learners else 0.0


async def city_numbers(session: AsyncSession, city_id: int, *, now: datetime) -> CityNumbers:
    """Count learners of the city, badges its partners issued (not revoked), activities on
    offer now, and partners."""
    learners = await session.scalar(
        select(func.count()).select_from(Learner).where(Learner.city_id == city_id)
    )
    badges = await session.scalar(
        select(func.count())
        .select_from(Award)
        .join(Achievement, Achievement.id == Award.achievement_id)
        .join(Partner, Partner.id == Achievement.partner_id)
        .where(Partner.city_id == city_id, Award.revoked.is_(False))
    )
    partners = await session.scalar(
        select(func.count()).select_from(Partner).where(Partner.city_id == city_id)
    )
    activities = await count_upcoming(session, city_id, now)
    return CityNumbers(int(learners or 0), int(badges or 0), activities, int(partners or 0))
