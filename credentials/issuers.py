"""Issuers: each partner signs with its own Ed25519 key, stored encrypted, rotated on request."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from catalogue.models import Partner
from credentials import did, keys
from credentials.models import IssuerKey


class IssuerError(LookupError):
    """A partner or its key cannot be found or used."""


@dataclass(frozen=True)
class SigningKey:
    """A decrypted key ready to sign, with the DID method that names it."""

    did: str
    verification_method: str
    private_key: bytes

    def __repr__(self) -> str:
        # Keeps private key bytes out of logs and tracebacks.
        return f"SigningKey(verification_method={self.verification_method!r})"


async def partner_by_slug(session: AsyncSession, slug: str) -> Partner:
    """Return the partner with this slug, or raise IssuerError."""
    partner = await session.scalar(select(Partner).where(Partner.slug == slug))
    if partner is None:
        raise IssuerError(f"no partner with the slug {slug!r}")
    return partner


async def _latest_key(session: AsyncSession, partner_id: int) -> IssuerKey | None:
    return await session.scalar(
        select(IssuerKey)
        .where(IssuerKey.partner_id == partner_id)
        .order_by(IssuerKey.generation.desc())
        .limit(1)
    )


async def _add_key(
    session: AsyncSession,
    partner: Partner,
    generation: int,
    public_base_url: str,
    secret_key: bytes,
    now: datetime,
) -> IssuerKey | None:
    """Insert a new generation; None when another worker inserted that generation first."""
    issuer = did.issuer_did(public_base_url, partner.slug)
    pair = keys.generate_key_pair()
    row = IssuerKey(
        partner_id=partner.id,
        generation=generation,
        did=issuer,
        public_key_multibase=pair.public_key_multibase,
        encrypted_private_key=keys.encrypt_private_key(
            pair.private_key, secret_key, issuer.encode()
        ),
        active=True,
        created_at=now,
    )
    try:
        async with session.begin_nested():
            session.add(row)
    except IntegrityError:
        return None
    return row


async def active_key(
    session: AsyncSession, partner: Partner, public_base_url: str, secret_key: bytes, now: datetime
) -> IssuerKey:
    """Return the partner's current key, creating the first one when there is none."""
    for _attempt in range(3):
        latest = await _latest_key(session, partner.id)
        if latest is not None:
            return latest
        created = await _add_key(session, partner, 1, public_base_url, secret_key, now)
        if created is not None:
            return created
    raise IssuerError(f"could not create a key for {partner.slug!r}")


async def rotate_key(
    session: AsyncSession, partner: Partner, public_base_url: str, secret_key: bytes, now: datetime
) -> IssuerKey:
    """Retire the current key and make a new one; old public keys stay in the DID document."""
    latest = await _latest_key(session, partner.id)
    generation = (latest.generation if latest else 0) + 1
    created = await _add_key(session, partner, generation, public_base_url, secret_key, now)
    if created is None:
        raise IssuerError(f"{partner.slug!r} was rotated by someone else just now; try again")
    await session.execute(
        update(IssuerKey)
        .where(IssuerKey.partner_id == partner.id, IssuerKey.id != created.id, IssuerKey.active)
        .values(active=False, retired_at=now)
    )
    return created


def unlock(key: IssuerKey, secret_key: bytes) -> SigningKey:
    """Decrypt a stored key for signing."""
    try:
        private = keys.decrypt_private_key(key.encrypted_private_key, secret_key, key.did.encode())
    except keys.KeyDecryptionError as error:
        raise IssuerError(f"the key of {key.did} cannot be decrypted: {error}") from error
    method = did.verification_method_id(key.did, key.public_key_multibase)
    return SigningKey(did=key.did, verification_method=method, private_key=private)


async def signing_key(
    session: AsyncSession, partner: Partner, public_base_url: str, secret_key: bytes, now: datetime
) -> SigningKey:
    """Return the partner's current key, decrypted and ready to sign."""
    return unlock(await active_key(session, partner, public_base_url, secret_key, now), secret_key)


async def did_document_for(session: AsyncSession, issuer_did: str) -> dict[str, Any] | None:
    """Return the DID document of one of our issuers (every key ever used), or None."""
    rows = (
        await session.scalars(
            select(IssuerKey.public_key_multibase)
            .where(IssuerKey.did == issuer_did)
            .order_by(IssuerKey.generation.desc())
        )
    ).all()
    return did.did_document(issuer_did, rows) if rows else None


async def key_count(session: AsyncSession, partner_id: int) -> int:
    """Return how many keys a partner has had."""
    count = await session.scalar(
        select(func.count()).select_from(IssuerKey).where(IssuerKey.partner_id == partner_id)
    )
    return int(count or 0)
