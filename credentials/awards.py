"""Awards as people see them: plain views, the baked badge image, and an export of them all."""

from __future__ import annotations

import io
import json
import zipfile
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from catalogue.models import City, Partner
from credentials import baking, images
from credentials.issuing import credential_url
from credentials.linkedin import add_to_profile_url
from credentials.models import Achievement, Award


@dataclass(frozen=True)
class AwardView:
    """Everything a message or page shows about one award, in plain values."""

    award_id: int
    credential_uuid: str
    name: str
    description: str
    issuer_name: str
    issuer_id: str
    city_name: str
    kind: str
    competences: tuple[str, ...]
    issued_at: datetime
    revoked: bool
    page_url: str
    json_url: str
    png_url: str
    linkedin_url: str
    public: bool = True  # listed on the learner's public portfolio

    @property
    def file_stem(self) -> str:
        """A safe file name (without extension) for downloads."""
        cleaned = "".join(c if c.isalnum() else "-" for c in self.name.lower()).strip("-")
        return f"{cleaned[:40].strip('-') or 'badge'}-{self.credential_uuid[:8]}"


def credential_of(award: Award) -> dict[str, Any]:
    """Return the signed credential of an award as a JSON object."""
    return dict(json.loads(award.credential_json))


@lru_cache(maxsize=128)
def _artwork(name: str, city: str, kind: str) -> bytes:
    # Drawing takes tens of milliseconds; the same badge is drawn for every download.
    return images.badge_png(name, city, kind)


async def _context(session: AsyncSession, award: Award) -> tuple[Achievement, Partner, City]:
    achievement = await session.get(Achievement, award.achievement_id)
    if achievement is None:
        raise LookupError(f"award {award.id} has no achievement")
    partner = await session.get(Partner, achievement.partner_id)
    city = await session.get(City, partner.city_id) if partner else None
    if partner is None or city is None:
        raise LookupError(f"award {award.id} has no issuer or city")
    return achievement, partner, city


def _view(
    award: Award, achievement: Achievement, partner: Partner, city: City, base: str
) -> AwardView:
    credential = credential_of(award)
    subject_achievement = credential.get("credentialSubject", {}).get("achievement", {})
    language = str(subject_achievement.get("inLanguage") or city.default_language)
    name = str(credential.get("name") or achievement.name(language))
    page = credential_url(base, award.credential_uuid)
    issuer = credential.get("issuer", {})
    return AwardView(
        award_id=award.id,
        credential_uuid=award.credential_uuid,
        name=name,
        description=str(subject_achievement.get("description") or ""),
        issuer_name=partner.name,
        issuer_id=str(issuer.get("id", "")) if isinstance(issuer, dict) else str(issuer),
        city_name=city.name(language),
        kind=achievement.kind,
        competences=tuple(achievement.competences),
        issued_at=award.issued_at,
        revoked=award.revoked,
        page_url=page,
        json_url=f"{page}.json",
        png_url=f"{page}.png",
        linkedin_url=add_to_profile_url(
            name=name,
            organization=partner.name,
            issued_at=award.issued_at,
            cert_url=page,
            cert_id=award.credential_uuid,
        ),
        public=award.public,
    )


async def award_view(session: AsyncSession, award: Award, public_base_url: str) -> AwardView:
    """Describe one award for a message or a page."""
    achievement, partner, city = await _context(session, award)
    return _view(award, achievement, partner, city, public_base_url)


async def award_by_uuid(session: AsyncSession, credential_uuid: str) -> Award | None:
    """Return the award whose credential has this UUID."""
    return await session.scalar(select(Award).where(Award.credential_uuid == credential_uuid))


async def learner_awards(
    session: AsyncSession, learner_id: int, public_base_url: str, *, include_revoked: bool = True
) -> list[AwardView]:
    """Return a learner's awards, newest first."""
    query = select(Award).where(Award.learner_id == learner_id)
    if not include_revoked:
        query = query.where(Award.revoked.is_(False))
    awards = (await session.scalars(query.order_by(Award.issued_at.desc(), Award.id))).all()
    return [await award_view(session, award, public_base_url) for award in awards]


async def baked_png(session: AsyncSession, award: Award) -> bytes:
    """Return the badge artwork with the signed credential baked in."""
    achievement, partner, city = await _context(session, award)
    view = _view(award, achievement, partner, city, "")
    return baking.bake_png(_artwork(view.name, view.city_name, view.kind), credential_of(award))


def badge_artwork(view: AwardView) -> bytes:
    """Return the plain badge artwork of an award (for a photo message)."""
    return _artwork(view.name, view.city_name, view.kind)


async def export_zip(session: AsyncSession, learner_id: int, public_base_url: str) -> bytes:
    """Return a zip with every badge of a learner as JSON and as a baked PNG."""
    buffer = io.BytesIO()
    awards = (await session.scalars(select(Award).where(Award.learner_id == learner_id))).all()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for award in awards:
            view = await award_view(session, award, public_base_url)
            archive.writestr(
                f"{view.file_stem}.json",
                json.dumps(credential_of(award), ensure_ascii=False, indent=2),
            )
            archive.writestr(f"{view.file_stem}.png", await baked_png(session, award))
    return buffer.getvalue()
