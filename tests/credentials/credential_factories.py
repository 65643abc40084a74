"""Test factories: an issuer with its key, DID document and status list, and a full credential."""

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from credentials import did, keys, ob3, proof, status_list

BASE_URL = "https://colbot.example.org"
STATUS_URL = f"{BASE_URL}/status/museu/1"
VALID_FROM = datetime(2025, 5, 1, 10, 0, tzinfo=UTC)


@dataclass
class Issuer:
    """An issuer with a key, a DID document and a revocation list, as the service would hold."""

    did: str
    key: keys.KeyPair
    status: status_list.StatusList = field(default_factory=status_list.StatusList)
    old_keys: list[str] = field(default_factory=list)

    @property
    def method(self) -> str:
        return did.verification_method_id(self.did, self.key.public_key_multibase)

    def did_document(self) -> dict[str, Any]:
        return did.did_document(self.did, [self.key.public_key_multibase, *self.old_keys])

    def resolve(self, requested: str) -> dict[str, Any] | None:
        return self.did_document() if requested == self.did else None

    def status_credential(self) -> dict[str, Any]:
        unsigned = status_list.status_list_credential(
            STATUS_URL, self.did, self.status, VALID_FROM
        )
        return proof.sign_document(unsigned, self.key.private_key, self.method)

    def lookup(self, url: str) -> dict[str, Any] | None:
        return self.status_credential() if url == STATUS_URL else None

    def sign(self, document: dict[str, Any]) -> dict[str, Any]:
        return proof.sign_document(document, self.key.private_key, self.method)


def make_credential(
    issuer_did: str, *, index: int = 7, name: str = "Night at the Museum", with_name: bool = False
) -> ob3.OpenBadgeCredential:
    """A full OpenBadgeCredential with every part the service uses."""
    identifiers = [ob3.IdentityObject.hashed_identifier("learner-42", salt="s4lt")]
    if with_name:
        identifiers.append(ob3.IdentityObject.plain_name("Ada Lovelace"))
    achievement = ob3.Achievement(
        id=f"{BASE_URL}/achievements/night-at-the-museum",
        name=name,
        description="Took part in a guided night tour of the city museum.",
        criteria=ob3.Criteria(narrative="Join the tour and answer three questions."),
        achievement_type="Badge",
        image=ob3.Image(f"{BASE_URL}/achievements/night-at-the-museum.png", caption="Badge"),
        alignments=(
            ob3.Alignment(
                target_name="Cultural awareness",
                target_url="https://esco.example.org/skill/123",
                target_type="ext:ESCOSkill",
                target_code="S1.2.3",
                target_framework="ESCO",
            ),
        ),
        tags=("museum", "history"),
    )
    return ob3.OpenBadgeCredential(
        id="urn:uuid:3f0a7c3e-1b7e-4a8e-9d65-1c2b3a4d5e6f",
        name=name,
        issuer=ob3.Profile(id=issuer_did, name="Museu da Cidade", url="https://museu.example.org"),
        valid_from=VALID_FROM,
        credential_subject=ob3.AchievementSubject(
            achievement=achievement, identifiers=tuple(identifiers)
        ),
        evidence=(
            ob3.Evidence(
                id=f"{BASE_URL}/evidence/991", name="Quiz answers", narrative="3 of 3 right"
            ),
        ),
        credential_status=ob3.BitstringStatusListEntry(STATUS_URL, index),
    )
