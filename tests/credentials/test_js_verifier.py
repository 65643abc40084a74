"""An independent JavaScript verifier accepts our credentials and rejects tampered copies."""

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from credential_factories import Issuer, make_credential

VERIFIER_DIR = Path(__file__).resolve().parents[1] / "js-verifier"
NODE = shutil.which("node")

pytestmark = [
    pytest.mark.npm,
    pytest.mark.skipif(NODE is None, reason="node is not installed"),
    pytest.mark.skipif(
        not (VERIFIER_DIR / "node_modules" / "@digitalbazaar" / "vc").is_dir(),
        reason="tests/js-verifier/node_modules is missing: run `npm ci` in tests/js-verifier",
    ),
]


def _js_verify(
    tmp_path: Path, credential: dict[str, Any], issuer: Issuer, with_status: bool = True
) -> dict[str, Any]:
    files = {"credential": credential, "did": issuer.did_document()}
    if with_status:
        files["status"] = issuer.status_credential()
    for name, document in files.items():
        (tmp_path / f"{name}.json").write_text(json.dumps(document), "utf-8")
    arguments = [str(tmp_path / "credential.json"), "--did", str(tmp_path / "did.json")]
    if with_status:
        arguments += ["--status", str(tmp_path / "status.json")]
    completed = subprocess.run(  # noqa: S603 (fixed script, our own temporary files)
        [str(NODE), str(VERIFIER_DIR / "verify.mjs"), *arguments],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert completed.stdout, completed.stderr
    return dict(json.loads(completed.stdout))


def test_accepts_our_achievement_credential(tmp_path: Path, issuer: Issuer) -> None:
    signed = issuer.sign(make_credential(issuer.did, with_name=True).to_jsonld())
    verdict = _js_verify(tmp_path, signed, issuer)
    assert verdict["verified"], verdict
    assert verdict["status"] == "active"


def test_accepts_our_status_list_credential(tmp_path: Path, issuer: Issuer) -> None:
    issuer.status.set(3)
    verdict = _js_verify(tmp_path, issuer.status_credential(), issuer, with_status=False)
    assert verdict["verified"], verdict


def test_rejects_tampered_copies(tmp_path: Path, issuer: Issuer) -> None:
    signed = issuer.sign(make_credential(issuer.did).to_jsonld())
    tampered = json.loads(json.dumps(signed))
    tampered["credentialSubject"]["achievement"]["name"] = "Something grander"
    assert not _js_verify(tmp_path, tampered, issuer)["verified"]
    status_credential = issuer.status_credential()
    status_credential["credentialSubject"]["encodedList"] = "uH4sIAAAAAAAAA"
    assert not _js_verify(tmp_path, status_credential, issuer, with_status=False)["verified"]


def test_sees_revocation_too(tmp_path: Path, issuer: Issuer) -> None:
    signed = issuer.sign(make_credential(issuer.did, index=5).to_jsonld())
    issuer.status.set(5)
    verdict = _js_verify(tmp_path, signed, issuer)
    assert not verdict["verified"]
    assert verdict["status"] == "revoked"
