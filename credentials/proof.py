"""DataIntegrityProof with the eddsa-rdfc-2022 cryptosuite: create and verify.

Spec: https://www.w3.org/TR/vc-di-eddsa/#eddsa-rdfc-2022
"""

import hashlib
import json
import re
from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from credentials import jsonld
from credentials.keys import sign, verify_signature
from credentials.multibase import MultibaseError, decode_base58btc, encode_base58btc

PROOF_TYPE = "DataIntegrityProof"
CRYPTOSUITE = "eddsa-rdfc-2022"
ASSERTION_METHOD = "assertionMethod"

_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$")
# Consecutive proofs made within one second by one key share a proof configuration.
_PROOF_CANON_CACHE_SIZE = 256
_proof_canon_cache: OrderedDict[str, str] = OrderedDict()


class ProofError(ValueError):
    """A proof is missing, malformed, of an unsupported kind, or does not verify."""


@dataclass(frozen=True)
class SigningInput:
    """The intermediate values of eddsa-rdfc-2022, exposed for tests and diagnostics."""

    proof_canonical: str
    document_canonical: str
    proof_hash: bytes
    document_hash: bytes

    @property
    def signed_bytes(self) -> bytes:
        """The bytes that Ed25519 signs: proof configuration hash then document hash."""
        return self.proof_hash + self.document_hash


def format_datetime(moment: datetime) -> str:
    """Format an aware datetime as an XSD dateTime in UTC with second precision."""
    if moment.tzinfo is None:
        raise ValueError("datetimes in credentials must be timezone-aware")
    return moment.astimezone(UTC).replace(microsecond=0).strftime("%Y-%m-%dT%H:%M:%SZ")


def proof_options(
    verification_method: str,
    created: datetime | str | None = None,
    proof_purpose: str = ASSERTION_METHOD,
) -> dict[str, Any]:
    """Build the proof options (the proof without its value) for a new proof."""
    if created is None:
        created = datetime.now(UTC)
    return {
        "type": PROOF_TYPE,
        "created": created if isinstance(created, str) else format_datetime(created),
        "verificationMethod": verification_method,
        "cryptosuite": CRYPTOSUITE,
        "proofPurpose": proof_purpose,
    }


def signing_input(unsecured: Mapping[str, Any], options: Mapping[str, Any]) -> SigningInput:
    """Canonicalise and hash the proof configuration and the document (spec 3.3.4 to 3.3.6)."""
    if options.get("type") != PROOF_TYPE or options.get("cryptosuite") != CRYPTOSUITE:
        raise ProofError(f"the proof is not a {PROOF_TYPE} with cryptosuite {CRYPTOSUITE}")
    created = options.get("created")
    if created is not None and not (isinstance(created, str) and _DATETIME.match(created)):
        raise ProofError("the proof's 'created' value is not an XSD dateTime")
    config = {key: value for key, value in options.items() if key != "proofValue"}
    config["@context"] = unsecured.get("@context")
    proof_canonical = _canonicalize_proof_config(config)
    document_canonical = jsonld.canonicalize(unsecured)
    return SigningInput(
        proof_canonical=proof_canonical,
        document_canonical=document_canonical,
        proof_hash=hashlib.sha256(proof_canonical.encode("utf-8")).digest(),
        document_hash=hashlib.sha256(document_canonical.encode("utf-8")).digest(),
    )


def create_proof(
    unsecured: Mapping[str, Any], private_key: bytes, options: Mapping[str, Any]
) -> dict[str, Any]:
    """Create an eddsa-rdfc-2022 proof for a document (which must not carry a proof)."""
    if "proof" in unsecured:
        raise ProofError("the document already has a proof")
    data = signing_input(unsecured, options)
    proof = {key: value for key, value in options.items() if key != "@context"}
    proof["proofValue"] = encode_base58btc(sign(private_key, data.signed_bytes))
    return proof


def sign_document(
    unsecured: Mapping[str, Any],
    private_key: bytes,
    verification_method: str,
    created: datetime | str | None = None,
) -> dict[str, Any]:
    """Return a copy of the document secured with an assertionMethod eddsa-rdfc-2022 proof."""
    options = proof_options(verification_method, created)
    return {**unsecured, "proof": create_proof(unsecured, private_key, options)}


def get_proof(secured: Mapping[str, Any]) -> dict[str, Any]:
    """Return the single proof object of a secured document."""
    proof = secured.get("proof")
    if isinstance(proof, list):
        if len(proof) != 1:
            raise ProofError("documents with several proofs are not supported")
        proof = proof[0]
    if not isinstance(proof, dict):
        raise ProofError("the document has no proof")
    return proof


def verify_proof(secured: Mapping[str, Any], public_key: bytes) -> None:
    """Verify a document's eddsa-rdfc-2022 proof against a public key; raise ProofError if not."""
    proof = get_proof(secured)
    proof_value = proof.get("proofValue")
    if not isinstance(proof_value, str):
        raise ProofError("the proof has no proofValue")
    try:
        signature = decode_base58btc(proof_value)
    except MultibaseError as error:
        raise ProofError("the proofValue is not multibase base58btc") from error
    if len(signature) != 64:
        raise ProofError("the proofValue is not a 64-byte Ed25519 signature")
    unsecured = {key: value for key, value in secured.items() if key != "proof"}
    options = {key: value for key, value in proof.items() if key != "proofValue"}
    proof_context = options.pop("@context", None)
    if proof_context is not None:
        # A proof may carry the contexts it was made with; they must prefix the document's.
        document_context = _as_list(unsecured.get("@context"))
        proof_contexts = _as_list(proof_context)
        if document_context[: len(proof_contexts)] != proof_contexts:
            raise ProofError("the proof's @context does not match the document's")
        unsecured["@context"] = proof_context
    data = signing_input(unsecured, options)
    if not verify_signature(public_key, signature, data.signed_bytes):
        raise ProofError("the signature does not match the content and key")


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def _canonicalize_proof_config(config: Mapping[str, Any]) -> str:
    key = json.dumps(config, sort_keys=True, separators=(",", ":"))
    cached = _proof_canon_cache.get(key)
    if cached is None:
        cached = jsonld.canonicalize(config)
        _proof_canon_cache[key] = cached
        if len(_proof_canon_cache) > _PROOF_CANON_CACHE_SIZE:
            _proof_canon_cache.popitem(last=False)
    return cached
