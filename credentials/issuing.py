"""Issue an award once per learner and achievement, signed by the partner; revoke it later."""

from __future__ import annotations

import json
import secrets
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from catalogue.models import Partner
from community.models import Learner
from credentials import ob3, proof
from credentials.achievements import issuer_profile, to_ob3
from credentials.issuers import signing_key
from credentials.models import Achievement, Award, Holder
from credentials.status import allocate_slot, status_list_url


class AwardError(LookupError):
    """A learner, achievement or award does not exist, or does not belong to the asker."""


class RevokedBy:
    """Who revoked an award (stored as text)."""

    LEARNER = "learner"
    OPERATOR = "operator"


@dataclass(frozen=True)
class AwardResult:
    """The award and whether this call created it (False: it existed already)."""

    award: Award
    created: bool


def credential_url(public_base_url: str, credential_uuid: str) -> str:
    """Return the public page of a credential."""
    return f"{public_base_url}/credentials/{credential_uuid}"


async def holder_for(session: AsyncSession, learner_id: int) -> Holder:
    """Return the learner's holder row (random recipient identifier), creating it once."""
    for _attempt in range(3):
        holder = await session.scalar(select(Holder).where(Holder.learner_id == learner_id))
        if holder is not None:
            return holder
        try:
            async with session.begin_nested():
                holder = Holder(learner_id=learner_id, identifier=secrets.token_hex(32))
                session.add(holder)
        except IntegrityError:
            continue
        return holder
    raise AwardError(f"could not record a holder for learner {learner_id}")


async def _existing(session: AsyncSession, learner_id: int, achievement_id: int) -> Award | None:
    return await session.scalar(
        select(Award).where(Award.learner_id == learner_id, Award.achievement_id == achievement_id)
    )


async def issue_award(
    session: AsyncSession,
    *,
    learner_id: int,
    achievement_id: int,
    public_base_url: str,
    secret_key: bytes,
    now: datetime,
    evidence: Sequence[ob3.Evidence] = (),
) -> AwardResult:
    """Award an achievement to a learner once: sign an OB 3.0 credential and store it.

    The learner's first name goes in only when they chose it (`Holder.include_name`); no
    caller can decide that for them.
    """
    existing = await _existing(session, learner_id, achievement_id)
    if existing is not None:
        return AwardResult(existing, created=False)
    learner = await session.get(Learner, learner_id)
    achievement = await session.get(Achievement, achievement_id)
    if learner is None or achievement is None:
        raise AwardError(f"no learner {learner_id} or no achievement {achievement_id}")
    partner = await session.get(Partner, achievement.partner_id)
    if partner is None:
        raise AwardError(f"achievement {achievement_id} has no issuer")
    holder = await holder_for(session, learner_id)
    key = await signing_key(session, partner, public_base_url, secret_key, now)
    slot = await allocate_slot(session, partner.id)
    salt = secrets.token_hex(16)
    identifiers = [ob3.IdentityObject.hashed_identifier(holder.identifier, salt=salt)]
    if holder.include_name and learner.first_name:
        identifiers.append(ob3.IdentityObject.plain_name(learner.first_name))
    credential_uuid = str(uuid.uuid4())
    badge = to_ob3(achievement, public_base_url, learner.language)
    credential = ob3.OpenBadgeCredential(
        id=f"urn:uuid:{credential_uuid}",
        name=badge.name,
        description=badge.description,
        image=badge.image,
        issuer=issuer_profile(partner, key.did),
        valid_from=now,
        awarded_date=now,
        credential_subject=ob3.AchievementSubject(
            achievement=badge, identifiers=tuple(identifiers)
        ),
        evidence=tuple(evidence),
        credential_status=ob3.BitstringStatusListEntry(
            status_list_url(public_base_url, partner.slug, slot.number), slot.index
        ),
    )
    signed = proof.sign_document(
        credential.to_jsonld(), key.private_key, key.verification_method, now
    )
    award = Award(
        learner_id=learner_id,
        achievement_id=achievement_id,
        credential_uuid=credential_uuid,
        credential_json=json.dumps(signed, ensure_ascii=False),
        status_list_id=slot.list_id,
        status_index=slot.index,
        recipient_salt=salt,
        revoked=False,
        public=True,
        issued_at=now,
    )
    try:
        async with session.begin_nested():
            session.add(award)
    except IntegrityError:
        # A concurrent trigger awarded it first: theirs is the award.
        existing = await _existing(session, learner_id, achievement_id)
        if existing is None:
            raise
        return AwardResult(existing, created=False)
    return AwardResult(award, created=True)


async def get_award(session: AsyncSession, award_id: int) -> Award:
    """Return an award by id, or raise AwardError."""
    award = await session.get(Award, award_id)
    if award is None:
        raise AwardError(f"no award with id {award_id}")
    return award


async def own_award(session: AsyncSession, learner_id: int, award_id: int) -> Award:
    """Return an award only if it belongs to this learner; anything else is AwardError."""
    award = await session.get(Award, award_id)
    if award is None or award.learner_id != learner_id:
        raise AwardError("this badge is not yours")
    return award


def _set_revoked(award: Award, revoked: bool, by: str | None, now: datetime) -> Award:
    award.revoked = revoked
    award.revoked_at = now if revoked else None
    award.revoked_by = by if revoked else None
    return award


async def revoke_award(
    session: AsyncSession, award_id: int, now: datetime, by: str = RevokedBy.OPERATOR
) -> Award:
    """Revoke an award: its bit is set the next time the status list is served."""
    return _set_revoked(await get_award(session, award_id), True, by, now)


async def unrevoke_award(session: AsyncSession, award_id: int) -> Award:
    """Undo a revocation made by mistake."""
    award = await get_award(session, award_id)
    return _set_revoked(award, False, None, award.issued_at)


async def revoke_own_award(
    session: AsyncSession, learner_id: int, award_id: int, now: datetime
) -> Award:
    """Let a learner revoke one of their own badges (for good: only an operator can undo it)."""
    award = await own_award(session, learner_id, award_id)
    return _set_revoked(award, True, RevokedBy.LEARNER, now)
