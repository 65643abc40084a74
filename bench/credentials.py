"""Benchmark: credentials issued and verified per second on one core, with a breakdown."""

import hashlib
import json
import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from pyld import jsonld as pyld_jsonld

from credentials import did, jsonld, keys, ob3, proof, status_list, verify

BASE_URL = "https://bench.example.org"
STATUS_URL = f"{BASE_URL}/status/bench/1"


def _rate(action: Callable[[], object], seconds: float) -> float:
    """Run an action repeatedly for about `seconds` and return calls per second."""
    action()  # warm caches, as a long-running service would have them
    count = 0
    start = time.perf_counter()
    deadline = start + seconds
    while True:
        action()
        count += 1
        now = time.perf_counter()
        if now >= deadline:
            return count / (now - start)


def _credential(issuer_did: str, serial: int) -> dict[str, Any]:
    achievement = ob3.Achievement(
        id=f"{BASE_URL}/achievements/museum-night",
        name="Night at the Museum",
        description="Took part in a guided night tour of the city museum.",
        criteria=ob3.Criteria(narrative="Join the tour and answer three questions."),
        image=ob3.Image(f"{BASE_URL}/achievements/museum-night.png"),
        alignments=(ob3.Alignment("Cultural awareness", "https://skills.example.org/123"),),
    )
    return ob3.OpenBadgeCredential(
        id=f"urn:uuid:00000000-0000-4000-8000-{serial:012d}",
        name="Night at the Museum",
        issuer=ob3.Profile(id=issuer_did, name="City Museum"),
        valid_from=datetime(2025, 1, 1, tzinfo=UTC),
        credential_subject=ob3.AchievementSubject(
            achievement=achievement,
            identifiers=(ob3.IdentityObject.hashed_identifier(f"learner-{serial}"),),
        ),
        evidence=(ob3.Evidence(narrative="Answered 3 of 3 questions."),),
        credential_status=ob3.BitstringStatusListEntry(STATUS_URL, serial % 131_072),
    ).to_jsonld()


def _stock_pyld(document: dict[str, Any]) -> str:
    """Canonicalise with pyld as it comes (no static tag, no context memo), for comparison."""

    def loader(url: str, options: dict[str, Any] | None = None) -> dict[str, Any]:
        return {"contextUrl": None, "documentUrl": url, "document": jsonld.load_context(url)}

    options = {"algorithm": "URDNA2015", "format": "application/n-quads", "documentLoader": loader}
    return str(pyld_jsonld.normalize(document, options))


def run(seconds: float = 3.0) -> dict[str, float]:
    """Measure issuing and verifying rates plus a baseline and a per-stage breakdown."""
    pair = keys.generate_key_pair()
    issuer_did = did.issuer_did(BASE_URL, "bench")
    method = did.verification_method_id(issuer_did, pair.public_key_multibase)
    did_document = did.did_document(issuer_did, [pair.public_key_multibase])
    list_credential = proof.sign_document(
        status_list.status_list_credential(
            STATUS_URL, issuer_did, status_list.StatusList(), datetime(2025, 1, 1, tzinfo=UTC)
        ),
        pair.private_key,
        method,
    )
    serial = iter(range(10**9))
    unsigned = _credential(issuer_did, 1)
    signed = proof.sign_document(unsigned, pair.private_key, method)
    options = proof.proof_options(method)
    canonical = jsonld.canonicalize(unsigned).encode("utf-8")
    digest = hashlib.sha256(canonical).digest() * 2
    signature = keys.sign(pair.private_key, digest)

    def issue() -> None:
        document = _credential(issuer_did, next(serial))
        proof.sign_document(document, pair.private_key, method)

    def check() -> None:
        result = verify.verify_credential(
            signed, lambda _: did_document, lambda _: list_credential
        )
        assert result.valid  # noqa: S101

    part = seconds / 4
    return {
        "issued_per_second": _rate(issue, seconds),
        "verified_per_second_with_status": _rate(check, seconds),
        "baseline_ed25519_sign_per_second": _rate(
            lambda: keys.sign(pair.private_key, digest), part
        ),
        "baseline_ed25519_verify_per_second": _rate(
            lambda: keys.verify_signature(pair.public_key, signature, digest), part
        ),
        "ms_build_document": 1000 / _rate(lambda: _credential(issuer_did, 2), part),
        "ms_canonicalize_document": 1000 / _rate(lambda: jsonld.canonicalize(unsigned), part),
        "ms_canonicalize_document_stock_pyld": 1000 / _rate(lambda: _stock_pyld(unsigned), part),
        "ms_canonicalize_proof_config_uncached": 1000
        / _rate(lambda: jsonld.canonicalize({**options, "@context": unsigned["@context"]}), part),
        "ms_sha256_document": 1000 / _rate(lambda: hashlib.sha256(canonical).digest(), part),
        "ms_ed25519_sign": 1000 / _rate(lambda: keys.sign(pair.private_key, digest), part),
        "credential_json_bytes": float(len(json.dumps(signed))),
    }


if __name__ == "__main__":
    for name, value in run().items():
        print(f"{name:42} {value:12.3f}")
