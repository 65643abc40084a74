"""Verify an Open Badges 3.0 credential: proof, issuer's key, terms, dates and revocation."""

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Literal

from credentials import baking, did, keys, proof
from credentials.jsonld import JsonLdProcessingError, RelativeIriError, UndefinedTermError
from credentials.status_list import StatusList, StatusListError

Status = Literal["active", "revoked", "unknown"]
# Given a DID, return its DID document (or None when it cannot be resolved).
DidResolver = Callable[[str], Mapping[str, Any] | None]
# Given a status list credential URL, return that signed credential (or None if unavailable).
StatusLookup = Callable[[str], Mapping[str, Any] | None]


class CredentialFormatError(ValueError):
    """Bytes are neither a JSON credential nor a badge image with one baked in."""


@dataclass(frozen=True)
class VerificationResult:
    """The outcome of verifying a credential, in plain values ready to show to a person."""

    valid: bool
    reasons: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    issuer_id: str | None = None
    issuer_name: str | None = None
    achievement_name: str | None = None
    valid_from: str | None = None
    status: Status = "unknown"


def extract_credential(data: bytes) -> dict[str, Any]:
    """Return the credential in JSON bytes, a baked PNG or a baked SVG."""
    if data.startswith(baking.PNG_SIGNATURE):
        return baking.unbake_png(data)
    head = data[:512].lstrip(b"\xef\xbb\xbf \t\r\n")
    if head.startswith(b"<"):
        return baking.unbake_svg(data)
    if len(data) > baking.MAX_CREDENTIAL_BYTES:
        raise CredentialFormatError("the credential is larger than allowed")
    try:
        document = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError) as error:
        raise CredentialFormatError("not JSON, PNG or SVG") from error
    if not isinstance(document, dict):
        raise CredentialFormatError("the credential is not a JSON object")
    return document


def verify_credential(
    document: Mapping[str, Any],
    resolve_did_document: DidResolver,
    status_lookup: StatusLookup | None = None,
    now: datetime | None = None,
) -> VerificationResult:
    """Verify a credential's proof, key control, terms, validity period and revocation status."""
    now = now or datetime.now(UTC)
    issuer_id, issuer_name = _issuer(document)
    reasons = _check_secured(document, issuer_id, resolve_did_document)
    reasons += _check_dates(document, now)
    warnings: list[str] = []
    status: Status = "unknown"
    if not reasons:
        status, status_problem = _check_status(
            document, issuer_id, resolve_did_document, status_lookup, now
        )
        if status == "revoked":
            reasons.append("The issuer has revoked this credential.")
        elif status_problem:
            warnings.append(status_problem)
    subject = document.get("credentialSubject")
    achievement = subject.get("achievement") if isinstance(subject, Mapping) else None
    return VerificationResult(
        valid=not reasons,
        reasons=reasons,
        warnings=warnings,
        issuer_id=issuer_id,
        issuer_name=issuer_name,
        achievement_name=_text(achievement.get("name"))
        if isinstance(achievement, Mapping)
        else None,
        valid_from=_text(document.get("validFrom")),
        status=status,
    )


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def _issuer(document: Mapping[str, Any]) -> tuple[str | None, str | None]:
    issuer = document.get("issuer")
    if isinstance(issuer, str):
        return issuer, None
    if isinstance(issuer, Mapping):
        return _text(issuer.get("id")), _text(issuer.get("name"))
    return None, None


def _check_secured(  # noqa: PLR0911 (one guard per way a credential can fail)
    document: Mapping[str, Any], issuer_id: str | None, resolve: DidResolver
) -> list[str]:
    """Check the proof and that the issuer controls its key; return reasons for failure."""
    types = document.get("type")
    if not isinstance(types, list) or "VerifiableCredential" not in types:
        return ["This is not a verifiable credential."]
    if issuer_id is None:
        return ["The credential does not name its issuer."]
    try:
        found = proof.get_proof(document)
    except proof.ProofError:
        return ["The credential is not signed."]
    if found.get("type") != proof.PROOF_TYPE or found.get("cryptosuite") != proof.CRYPTOSUITE:
        return [f"The signature is not of the supported kind ({proof.CRYPTOSUITE})."]
    if found.get("proofPurpose") != proof.ASSERTION_METHOD:
        return ["The signature was not made to assert a credential."]
    method = found.get("verificationMethod")
    if not isinstance(method, str) or method.split("#", 1)[0] != issuer_id:
        return ["The signing key does not belong to the issuer."]
    try:
        did_document = resolve(issuer_id)
        if did_document is None:
            return ["The issuer's identity document could not be found."]
        public_key = keys.decode_public_key(did.assertion_key(did_document, method))
    except (did.DidError, keys.KeyFormatError) as error:
        return [f"The issuer does not vouch for the signing key ({error})."]
    try:
        proof.verify_proof(document, public_key)
    except UndefinedTermError as error:
        return [f"The credential uses a term its vocabulary does not define: {error.term!r}."]
    except RelativeIriError as error:
        return [f"The credential uses an identifier that is not a full address: {error.iri!r}."]
    except JsonLdProcessingError as error:
        return [f"The credential cannot be read as linked data ({error})."]
    except proof.ProofError as error:
        return [f"The signature is not valid: {error}."]
    return []


def _parse_time(value: Any) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _check_dates(document: Mapping[str, Any], now: datetime) -> list[str]:
    reasons = []
    valid_from = _parse_time(document.get("validFrom"))
    if "validFrom" in document and valid_from is None:
        reasons.append("The credential's start date is not a valid date.")
    elif valid_from is not None and valid_from > now:
        reasons.append("The credential is not valid yet.")
    valid_until = _parse_time(document.get("validUntil"))
    if "validUntil" in document and valid_until is None:
        reasons.append("The credential's end date is not a valid date.")
    elif valid_until is not None and valid_until < now:
        reasons.append("The credential has expired.")
    return reasons


def _check_status(  # noqa: PLR0911 (one guard per way a status can be unknown)
    document: Mapping[str, Any],
    issuer_id: str | None,
    resolve: DidResolver,
    lookup: StatusLookup | None,
    now: datetime,
) -> tuple[Status, str | None]:
    """Return the revocation status and, when it is unknown, why."""
    entries = document.get("credentialStatus")
    if entries is None:
        return "active", None
    entries = entries if isinstance(entries, list) else [entries]
    revocation = [
        entry
        for entry in entries
        if isinstance(entry, Mapping)
        and entry.get("type") == "BitstringStatusListEntry"
        and entry.get("statusPurpose") == "revocation"
    ]
    if not revocation:
        return "unknown", "The credential's status uses a method this verifier does not know."
    if lookup is None:
        return "unknown", "The revocation status was not checked."
    for entry in revocation:
        url = entry.get("statusListCredential")
        index = entry.get("statusListIndex")
        if not isinstance(url, str) or not isinstance(index, str) or not index.isdigit():
            return "unknown", "The credential's status entry is malformed."
        list_credential = lookup(url)
        if list_credential is None:
            return "unknown", "The issuer's status list could not be fetched."
        problem = _check_list_credential(list_credential, url, issuer_id, resolve, now)
        if problem:
            return "unknown", problem
        try:
            encoded = list_credential["credentialSubject"]["encodedList"]
            if StatusList.decode(encoded).get(int(index)):
                return "revoked", None
        except (KeyError, TypeError, StatusListError) as error:
            return "unknown", f"The issuer's status list is unreadable ({error})."
    return "active", None


def _check_list_credential(
    list_credential: Mapping[str, Any],
    url: str,
    issuer_id: str | None,
    resolve: DidResolver,
    now: datetime,
) -> str | None:
    """Check that a status list credential is genuine, current and from the same issuer."""
    if list_credential.get("id") != url:
        return "The status list is not the one the credential points to."
    list_issuer, _ = _issuer(list_credential)
    if list_issuer != issuer_id:
        return "The status list was not issued by the credential's issuer."
    types = list_credential.get("type")
    if not isinstance(types, list) or "BitstringStatusListCredential" not in types:
        return "The status list is not a BitstringStatusListCredential."
    subject = list_credential.get("credentialSubject")
    if not isinstance(subject, Mapping) or subject.get("statusPurpose") != "revocation":
        return "The status list is not a revocation list."
    problems = _check_secured(list_credential, list_issuer, resolve)
    problems += _check_dates(list_credential, now)
    if problems:
        return f"The issuer's status list does not verify: {' '.join(problems)}"
    return None
