"""Revocation lists per issuer: hand out status slots, and publish the signed list."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from catalogue.models import Partner
from credentials import proof, status_list
from credentials.issuers import signing_key
from credentials.models import Award, StatusListRecord

# Fill a list to half, so that one bit never singles out one of a few credentials.
_FILL = 2


@dataclass(frozen=True)
class StatusSlot:
    """Where one credential's revocation bit lives."""

    list_id: int
    number: int
    index: int


def status_list_url(public_base_url: str, partner_slug: str, number: int) -> str:
    """Return the URL of an issuer's status list credential."""
    return f"{public_base_url}/status/{partner_slug}/{number}"


async def _new_list(session: AsyncSession, partner_id: int, number: int) -> None:
    size = status_list.MIN_BITS
    row = StatusListRecord(
        partner_id=partner_id,
        number=number,
        size_bits=size,
        index_offset=secrets.randbelow(size),
        index_stride=secrets.randbelow(size // 2) * 2 + 1,
        next_slot=0,
    )
    try:
        async with session.begin_nested():
            session.add(row)
    except IntegrityError:
        pass  # another worker opened the same list: use theirs


async def allocate_slot(session: AsyncSession, partner_id: int) -> StatusSlot:
    """Take the next free slot of the issuer's current list, opening a new list when full."""
    for _attempt in range(5):
        current = await session.scalar(
            select(StatusListRecord)
            .where(StatusListRecord.partner_id == partner_id)
            .order_by(StatusListRecord.number.desc())
            .limit(1)
        )
        if current is None:
            await _new_list(session, partner_id, 1)
            continue
        # One atomic statement: concurrent workers each get their own slot.
        slot = await session.scalar(
            update(StatusListRecord)
            .where(
                StatusListRecord.id == current.id,
                StatusListRecord.next_slot < StatusListRecord.size_bits // _FILL,
            )
            .values(next_slot=StatusListRecord.next_slot + 1)
            .returning(StatusListRecord.next_slot)
        )
        if slot is None:
            await _new_list(session, partner_id, current.number + 1)
            continue
        index = (current.index_offset + (slot - 1) * current.index_stride) % current.size_bits
        return StatusSlot(list_id=current.id, number=current.number, index=index)
    raise RuntimeError("could not allocate a status list slot")


async def status_list_document(
    session: AsyncSession,
    partner_slug: str,
    number: int,
    public_base_url: str,
    secret_key: bytes,
    now: datetime,
) -> dict[str, Any] | None:
    """Build and sign an issuer's status list from the award rows; None if there is none."""
    row = await session.scalar(
        select(StatusListRecord)
        .join(Partner, Partner.id == StatusListRecord.partner_id)
        .where(Partner.slug == partner_slug, StatusListRecord.number == number)
    )
    if row is None:
        return None
    partner = await session.get(Partner, row.partner_id)
    if partner is None:
        return None
    bits = status_list.StatusList(row.size_bits)
    revoked = await session.scalars(
        select(Award.status_index).where(Award.status_list_id == row.id, Award.revoked)
    )
    for index in revoked:
        bits.set(index)
    key = await signing_key(session, partner, public_base_url, secret_key, now)
    url = status_list_url(public_base_url, partner_slug, number)
    unsigned = status_list.status_list_credential(url, key.did, bits, now)
    return proof.sign_document(unsigned, key.private_key, key.verification_method, now)
