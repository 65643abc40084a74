"""The 1EdTech Open Badges 3.0 eddsa-rdfc-2022 test vector, reproduced exactly."""

import json
from pathlib import Path
from typing import Any

import pytest

from credentials import keys, proof

# A copy of the published vector, kept in the repository so CI needs nothing outside it.
VECTOR_DIR = Path(__file__).parent / "fixtures" / "ob3-eddsa-test-vector"


@pytest.fixture(scope="module")
def vector() -> dict[str, Any]:
    return json.loads((VECTOR_DIR / "vector.json").read_text("utf-8"))


def _expected_text(vector: dict[str, Any], name: str) -> str:
    return (VECTOR_DIR / vector["expected"][name]).read_text("utf-8")


def test_public_key_multibase_matches_private_key(vector: dict[str, Any]) -> None:
    pair = keys.key_pair_from_private_key(bytes.fromhex(vector["private_key_ed25519_hex"]))
    assert pair.public_key_multibase == vector["public_key_multibase"]
    assert vector["proof_options"]["verificationMethod"].endswith(pair.public_key_multibase)


def test_canonical_forms_and_hashes(vector: dict[str, Any]) -> None:
    data = proof.signing_input(vector["credential"], vector["proof_options"])
    assert data.document_canonical == _expected_text(vector, "document_canon_file")
    assert data.proof_canonical == _expected_text(vector, "proof_canon_file")
    assert data.document_hash.hex() == vector["expected"]["document_hash_sha256_hex"]
    assert data.proof_hash.hex() == vector["expected"]["proof_hash_sha256_hex"]


def test_proof_value(vector: dict[str, Any]) -> None:
    private_key = bytes.fromhex(vector["private_key_ed25519_hex"])
    made = proof.create_proof(vector["credential"], private_key, vector["proof_options"])
    assert made["proofValue"] == vector["expected"]["proofValue"]
    assert {k: v for k, v in made.items() if k != "proofValue"} == vector["proof_options"]


def test_vector_verifies_and_tampering_fails(vector: dict[str, Any]) -> None:
    public_key = keys.decode_public_key(vector["public_key_multibase"])
    secured = {**vector["credential"], "proof": {**vector["proof_options"]}}
    secured["proof"]["proofValue"] = vector["expected"]["proofValue"]
    proof.verify_proof(secured, public_key)
    tampered = json.loads(json.dumps(secured))
    tampered["credentialSubject"]["achievement"]["name"] = "Teamwork!"
    with pytest.raises(proof.ProofError):
        proof.verify_proof(tampered, public_key)
