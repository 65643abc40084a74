"""A learner's badges as a whole: progress per competence, and an opt-in public portfolio."""

from __future__ import annotations

import secrets
from collections import Counter
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from community.models import Learner
from credentials.awards import AwardView, award_view, learner_awards
from credentials.competences import competence_label
from credentials.issuing import holder_for, own_award
from credentials.models import Achievement, Award, Holder

OTHER = ""


@dataclass(frozen=True)
class CompetenceGroup:
    """Badges that recognise one competence, and how many badges exist for it."""

    code: str
    label: str
    earned: int
    available: int
    awards: tuple[AwardView, ...]


@dataclass(frozen=True)
class PortfolioSummary:
    """A public portfolio: the first name if the learner chose to show it, and the badges."""

    name: str | None
    awards: tuple[AwardView, ...]


def portfolio_url(public_base_url: str, token: str) -> str:
    """Return the public address of a portfolio."""
    return f"{public_base_url}/portfolio/{token}"


def summary_url(public_base_url: str, token: str) -> str:
    """Return the address of the portfolio's printable one-page summary."""
    return f"{portfolio_url(public_base_url, token)}/print"


async def portfolio_token(session: AsyncSession, learner_id: int) -> str | None:
    """Return the learner's portfolio token if their portfolio is public."""
    return await session.scalar(
        select(Holder.portfolio_token).where(Holder.learner_id == learner_id)
    )


async def enable_portfolio(session: AsyncSession, learner_id: int) -> str:
    """Make the learner's portfolio public and return its (unguessable) token."""
    holder = await holder_for(session, learner_id)
    if holder.portfolio_token is None:
        holder.portfolio_token = secrets.token_urlsafe(18)
        await session.flush()
    return holder.portfolio_token


async def disable_portfolio(session: AsyncSession, learner_id: int) -> None:
    """Take the portfolio down; the old link stops working for good."""
    holder = await session.scalar(select(Holder).where(Holder.learner_id == learner_id))
    if holder is not None:
        holder.portfolio_token = None
        await session.flush()


async def name_on_badges(session: AsyncSession, learner_id: int) -> bool:
    """Return True when the learner chose to put their first name on new badges."""
    chosen = await session.scalar(
        select(Holder.include_name).where(Holder.learner_id == learner_id)
    )
    return bool(chosen)


async def set_name_on_badges(session: AsyncSession, learner_id: int, include: bool) -> None:
    """Record whether new badges carry the learner's first name; issued ones stay as they are."""
    holder = await holder_for(session, learner_id)
    holder.include_name = include
    await session.flush()


async def show_on_portfolio(
    session: AsyncSession, learner_id: int, award_id: int, shown: bool
) -> Award:
    """List or hide one of the learner's own badges on their public portfolio."""
    award = await own_award(session, learner_id, award_id)
    award.public = shown
    await session.flush()
    return award


async def portfolio_summary(
    session: AsyncSession, token: str, public_base_url: str
) -> PortfolioSummary | None:
    """Return a public portfolio, or None when the link is not (or no more) switched on."""
    holder = await session.scalar(select(Holder).where(Holder.portfolio_token == token))
    if holder is None:
        return None
    name = None
    if holder.include_name:
        learner = await session.get(Learner, holder.learner_id)
        name = (learner.first_name if learner else "") or None
    awards = (
        await session.scalars(
            select(Award)
            .where(Award.learner_id == holder.learner_id, Award.revoked.is_(False), Award.public)
            .order_by(Award.issued_at.desc(), Award.id)
        )
    ).all()
    views = [await award_view(session, award, public_base_url) for award in awards]
    return PortfolioSummary(name=name, awards=tuple(views))


async def portfolio_awards(
    session: AsyncSession, token: str, public_base_url: str
) -> list[AwardView] | None:
    """Return the valid, listed badges of a public portfolio, or None when it is not public."""
    summary = await portfolio_summary(session, token, public_base_url)
    return None if summary is None else list(summary.awards)


async def _available_per_competence(session: AsyncSession) -> Counter[str]:
    counts: Counter[str] = Counter()
    for competences in await session.scalars(select(Achievement.competences)):
        counts.update(set(competences or []))
    return counts


async def badges_by_competence(
    session: AsyncSession, learner_id: int, public_base_url: str
) -> list[CompetenceGroup]:
    """Group a learner's valid badges by competence, most badges first, the rest last."""
    views = await learner_awards(session, learner_id, public_base_url, include_revoked=False)
    available = await _available_per_competence(session)
    groups: dict[str, list[AwardView]] = {}
    for view in views:
        for code in view.competences or (OTHER,):
            groups.setdefault(code, []).append(view)
    result = [
        CompetenceGroup(
            code=code,
            label=competence_label(code) if code else "",
            earned=len(items),
            available=max(available.get(code, 0), len(items)),
            awards=tuple(items),
        )
        for code, items in groups.items()
    ]
    result.sort(key=lambda g: (g.code == OTHER, -g.earned, g.label))
    return result
