"""Reading one activity with what a card needs: its partner and next occurrences."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from catalogue.models import Activity, ActivityStatus, City, Occurrence, Partner


@dataclass(frozen=True, slots=True)
class ActivityDetails:
    """An activity, its organiser, its city, and its upcoming occurrences."""

    activity: Activity
    partner: Partner
    city: City
    upcoming: list[Occurrence]
    upcoming_total: int

    @property
    def active(self) -> bool:
        """Return True while the activity is on offer."""
        return self.activity.status == ActivityStatus.ACTIVE.value


async def activity_details(
    session: AsyncSession, activity_id: int, *, now: datetime, limit: int = 3
) -> ActivityDetails | None:
    """Return an activity with its partner, city and next ``limit`` occurrences."""
    row = (
        await session.execute(
            select(Activity, Partner, City)
            .join(Partner, Partner.id == Activity.partner_id)
            .join(City, City.id == Activity.city_id)
            .where(Activity.id == activity_id)
        )
    ).first()
    if row is None:
        return None
    activity, partner, city = row
    not_ended = func.coalesce(Occurrence.ends_at, Occurrence.starts_at) >= now
    upcoming = list(
        await session.scalars(
            select(Occurrence)
            .where(Occurrence.activity_id == activity_id, not_ended)
            .order_by(Occurrence.starts_at)
            .limit(limit)
        )
    )
    total = await session.scalar(
        select(func.count())
        .select_from(Occurrence)
        .where(Occurrence.activity_id == activity_id, not_ended)
    )
    return ActivityDetails(activity, partner, city, upcoming, int(total or 0))
