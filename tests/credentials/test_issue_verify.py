"""Issue a full OpenBadgeCredential and verify it; every kind of bad credential is refused."""

import json
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from credential_factories import STATUS_URL, Issuer, make_credential

from credentials import did, keys, ob3, proof
from credentials.jsonld import UndefinedTermError
from credentials.verify import verify_credential

NOW = datetime(2025, 6, 1, tzinfo=UTC)


def _verify(issuer: Issuer, document: dict[str, Any]) -> Any:
    return verify_credential(document, issuer.resolve, issuer.lookup, now=NOW)


def test_round_trip_reports_what_a_person_needs(issuer: Issuer) -> None:
    signed = issuer.sign(make_credential(issuer.did).to_jsonld())
    result = _verify(issuer, signed)
    assert result.valid, result.reasons
    assert result.status == "active"
    assert result.issuer_id == issuer.did
    assert result.issuer_name == "Museu da Cidade"
    assert result.achievement_name == "Night at the Museum"
    assert result.valid_from == "2025-05-01T10:00:00Z"
    assert signed["proof"]["proofValue"].startswith("z")
    assert signed["credentialStatus"]["statusListCredential"] == STATUS_URL


def test_document_shape() -> None:
    document = make_credential("did:web:example.org:issuers:museu").to_jsonld()
    assert document["@context"] == [
        "https://www.w3.org/ns/credentials/v2",
        "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
    ]
    assert document["credentialSubject"]["type"] == ["AchievementSubject"]
    assert document["credentialStatus"]["statusPurpose"] == "revocation"
    assert document["credentialStatus"]["statusListIndex"] == "7"
    identity = document["credentialSubject"]["identifier"][0]
    assert identity["hashed"] is True
    assert identity["salt"] == "s4lt"
    assert identity["identityHash"].startswith("sha256$")


def test_recipient_name_only_when_requested() -> None:
    without = json.dumps(make_credential("did:web:example.org:issuers:a").to_jsonld())
    with_name = json.dumps(
        make_credential("did:web:example.org:issuers:a", with_name=True).to_jsonld()
    )
    assert "Ada Lovelace" not in without
    assert "Ada Lovelace" in with_name


def test_hashed_identifier_matches_only_its_identifier() -> None:
    identity = ob3.IdentityObject.hashed_identifier("learner-42")
    assert identity.matches("learner-42")
    assert not identity.matches("learner-43")
    assert identity.salt


def test_extensions_context_only_when_its_types_are_used() -> None:
    credential = make_credential("did:web:example.org:issuers:a")
    assert ob3.OB_EXTENSIONS_CONTEXT not in credential.to_jsonld()["@context"]
    evidence = ob3.Evidence(id="https://example.org/e/1", genre="1EdTechRevocationList")
    assert ob3._uses_types({"x": [{"type": ["1EdTechRevocationList"]}]}, ob3.EXTENSION_TYPES)
    assert not ob3._uses_types(evidence.to_jsonld(), ob3.EXTENSION_TYPES)


def test_rotated_key_keeps_verifying(issuer: Issuer) -> None:
    signed = issuer.sign(make_credential(issuer.did).to_jsonld())
    issuer.old_keys.append(issuer.key.public_key_multibase)
    issuer.key = keys.generate_key_pair()
    assert _verify(issuer, signed).valid


def test_tampered_content_is_refused(issuer: Issuer) -> None:
    signed = issuer.sign(make_credential(issuer.did).to_jsonld())
    signed["credentialSubject"]["achievement"]["name"] = "Something grander"
    result = _verify(issuer, signed)
    assert not result.valid
    assert any("signature" in reason for reason in result.reasons)


def test_wrong_key_is_refused(issuer: Issuer) -> None:
    document = make_credential(issuer.did).to_jsonld()
    other = keys.generate_key_pair()
    signed = proof.sign_document(document, other.private_key, issuer.method)
    assert not _verify(issuer, signed).valid


def test_key_not_listed_by_the_issuer_is_refused(issuer: Issuer) -> None:
    other = keys.generate_key_pair()
    method = did.verification_method_id(issuer.did, other.public_key_multibase)
    signed = proof.sign_document(
        make_credential(issuer.did).to_jsonld(), other.private_key, method
    )
    result = _verify(issuer, signed)
    assert not result.valid
    assert any("does not vouch" in reason for reason in result.reasons)


def test_key_of_another_did_is_refused(issuer: Issuer) -> None:
    impostor = Issuer(
        did=did.issuer_did("https://evil.example", "museu"), key=keys.generate_key_pair()
    )
    signed = impostor.sign(make_credential(issuer.did).to_jsonld())

    def resolve_both(requested: str) -> dict[str, Any] | None:
        return issuer.resolve(requested) or impostor.resolve(requested)

    result = verify_credential(signed, resolve_both, issuer.lookup, now=NOW)
    assert not result.valid
    assert result.reasons == ["The signing key does not belong to the issuer."]


def test_undefined_term_is_refused(issuer: Issuer) -> None:
    document = make_credential(issuer.did).to_jsonld()
    document["credentialSubject"]["achievement"]["secretLevel"] = 3
    # Our issuer refuses to sign it: other verifiers would reject the credential.
    with pytest.raises(UndefinedTermError, match="secretLevel"):
        issuer.sign(document)
    # A credential carrying such a term is refused, naming the term.
    added = issuer.sign(make_credential(issuer.did).to_jsonld())
    added["credentialSubject"]["achievement"]["secretLevel"] = 3
    result = _verify(issuer, added)
    assert not result.valid
    assert "secretLevel" in result.reasons[0]


def test_revoked_credential_is_refused(issuer: Issuer) -> None:
    signed = issuer.sign(make_credential(issuer.did, index=99).to_jsonld())
    issuer.status.set(99)
    result = _verify(issuer, signed)
    assert not result.valid
    assert result.status == "revoked"
    issuer.status.clear(99)
    assert _verify(issuer, signed).status == "active"


def test_status_unknown_when_list_unavailable(issuer: Issuer) -> None:
    signed = issuer.sign(make_credential(issuer.did).to_jsonld())
    result = verify_credential(signed, issuer.resolve, lambda _url: None, now=NOW)
    assert result.valid
    assert result.status == "unknown"
    assert result.warnings


def test_forged_status_list_is_not_trusted(issuer: Issuer) -> None:
    signed = issuer.sign(make_credential(issuer.did).to_jsonld())
    forged = issuer.status_credential()
    forged["credentialSubject"]["encodedList"] = "uH4sIAAAAAAAAA"
    result = verify_credential(signed, issuer.resolve, lambda _url: forged, now=NOW)
    assert result.status == "unknown"


def test_wrong_cryptosuite_is_refused(issuer: Issuer) -> None:
    signed = issuer.sign(make_credential(issuer.did).to_jsonld())
    signed["proof"]["cryptosuite"] = "ecdsa-rdfc-2019"
    result = _verify(issuer, signed)
    assert not result.valid
    assert "eddsa-rdfc-2022" in result.reasons[0]


def test_not_yet_valid_and_expired_are_refused(issuer: Issuer) -> None:
    credential = make_credential(issuer.did)
    future = replace(credential, valid_from=NOW + timedelta(days=1))
    result = _verify(issuer, issuer.sign(future.to_jsonld()))
    assert result.reasons == ["The credential is not valid yet."]
    expired = replace(credential, valid_until=NOW - timedelta(seconds=1))
    result = _verify(issuer, issuer.sign(expired.to_jsonld()))
    assert result.reasons == ["The credential has expired."]


def test_unsigned_and_non_credentials_are_refused(issuer: Issuer) -> None:
    document = make_credential(issuer.did).to_jsonld()
    assert _verify(issuer, document).reasons == ["The credential is not signed."]
    assert not _verify(issuer, {"hello": "world"}).valid
