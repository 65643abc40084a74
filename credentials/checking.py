"""Verify a credential against our own records: our DID documents and status lists, no network."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from credentials.issuers import did_document_for
from credentials.status import status_list_document
from credentials.verify import VerificationResult, verify_credential


def _status_urls(document: Mapping[str, Any]) -> list[str]:
    entries = document.get("credentialStatus")
    entries = entries if isinstance(entries, list) else [entries]
    return [
        entry["statusListCredential"]
        for entry in entries
        if isinstance(entry, Mapping) and isinstance(entry.get("statusListCredential"), str)
    ]


def _issuer_id(document: Mapping[str, Any]) -> str | None:
    issuer = document.get("issuer")
    if isinstance(issuer, Mapping):
        issuer = issuer.get("id")
    return issuer if isinstance(issuer, str) else None


async def verify_locally(
    session: AsyncSession,
    document: Mapping[str, Any],
    public_base_url: str,
    secret_key: bytes | None,
    now: datetime,
) -> VerificationResult:
    """Verify with the DID documents and status lists this service publishes itself.

    Issuers of other services are not resolved (that would need the network), so their
    credentials are reported as not verifiable here.
    """
    dids: dict[str, Mapping[str, Any] | None] = {}
    issuer = _issuer_id(document)
    if issuer is not None and issuer.startswith("did:web:"):
        dids[issuer] = await did_document_for(session, issuer)
    lists: dict[str, Mapping[str, Any] | None] = {}
    pattern = re.compile(re.escape(public_base_url) + r"/status/([a-z0-9-]+)/(\d+)$")
    for url in _status_urls(document):
        match = pattern.match(url)
        if match and secret_key is not None:
            lists[url] = await status_list_document(
                session, match.group(1), int(match.group(2)), public_base_url, secret_key, now
            )
    return verify_credential(document, dids.get, lists.get, now=now)
