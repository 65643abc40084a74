"""Open Badges 3.0 data model as frozen dataclasses, serialised as VC Data Model 2.0 JSON-LD.

Spec: https://www.imsglobal.org/spec/ob/v3p0/ (section links beside each class).
"""

import hashlib
import secrets
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from credentials.jsonld import OB_EXTENSIONS_CONTEXT, OB_V3_CONTEXT, VC_V2_CONTEXT
from credentials.proof import format_datetime

# Types defined only by the OB extensions context; the context is added when one is used.
EXTENSION_TYPES = frozenset(
    {"1EdTechJsonSchemaValidator2019", "1EdTechRevocationList", "1EdTechCredentialRefresh"}
)
REVOCATION = "revocation"

JsonObject = dict[str, Any]


def _put(target: JsonObject, key: str, value: Any) -> None:
    """Set a key only when the value is present, so optional fields stay absent."""
    if value is not None and value not in ((), []):
        target[key] = value


@dataclass(frozen=True)
class Image:
    """An image with an optional caption. https://www.imsglobal.org/spec/ob/v3p0/#image"""

    id: str
    caption: str | None = None

    def to_jsonld(self) -> JsonObject:
        """Serialise as an OB 3.0 Image object."""
        data: JsonObject = {"id": self.id, "type": "Image"}
        _put(data, "caption", self.caption)
        return data


@dataclass(frozen=True)
class Profile:
    """An issuer or creator. https://www.imsglobal.org/spec/ob/v3p0/#profile"""

    id: str
    name: str
    url: str | None = None
    description: str | None = None
    email: str | None = None
    image: Image | None = None

    def to_jsonld(self) -> JsonObject:
        """Serialise as an OB 3.0 Profile object."""
        data: JsonObject = {"id": self.id, "type": ["Profile"], "name": self.name}
        _put(data, "url", self.url)
        _put(data, "description", self.description)
        _put(data, "email", self.email)
        _put(data, "image", self.image.to_jsonld() if self.image else None)
        return data


@dataclass(frozen=True)
class Criteria:
    """How the achievement is earned. https://www.imsglobal.org/spec/ob/v3p0/#criteria"""

    narrative: str | None = None
    id: str | None = None

    def to_jsonld(self) -> JsonObject:
        """Serialise as an OB 3.0 Criteria object."""
        data: JsonObject = {}
        _put(data, "id", self.id)
        _put(data, "narrative", self.narrative)
        return data


@dataclass(frozen=True)
class Alignment:
    """A link to a framework skill or standard. https://www.imsglobal.org/spec/ob/v3p0/#alignment"""

    target_name: str
    target_url: str
    target_type: str | None = None
    target_code: str | None = None
    target_framework: str | None = None
    target_description: str | None = None

    def to_jsonld(self) -> JsonObject:
        """Serialise as an OB 3.0 Alignment object."""
        data: JsonObject = {
            "type": ["Alignment"],
            "targetName": self.target_name,
            "targetUrl": self.target_url,
        }
        _put(data, "targetDescription", self.target_description)
        _put(data, "targetType", self.target_type)
        _put(data, "targetCode", self.target_code)
        _put(data, "targetFramework", self.target_framework)
        return data


@dataclass(frozen=True)
class Achievement:
    """What was accomplished. https://www.imsglobal.org/spec/ob/v3p0/#achievement"""

    id: str
    name: str
    description: str
    criteria: Criteria
    achievement_type: str | None = None
    image: Image | None = None
    alignments: tuple[Alignment, ...] = ()
    tags: tuple[str, ...] = ()
    creator: Profile | None = None
    in_language: str | None = None

    def to_jsonld(self) -> JsonObject:
        """Serialise as an OB 3.0 Achievement object."""
        data: JsonObject = {
            "id": self.id,
            "type": ["Achievement"],
            "name": self.name,
            "description": self.description,
            "criteria": self.criteria.to_jsonld(),
        }
        _put(data, "achievementType", self.achievement_type)
        _put(data, "image", self.image.to_jsonld() if self.image else None)
        _put(data, "alignment", [alignment.to_jsonld() for alignment in self.alignments])
        _put(data, "tag", list(self.tags))
        _put(data, "creator", self.creator.to_jsonld() if self.creator else None)
        _put(data, "inLanguage", self.in_language)
        return data


@dataclass(frozen=True)
class IdentityObject:
    """A recipient identifier, usually a salted hash. https://www.imsglobal.org/spec/ob/v3p0/#identityobject"""

    identity_hash: str
    identity_type: str
    hashed: bool
    salt: str | None = None

    @classmethod
    def hashed_identifier(
        cls, identifier: str, identity_type: str = "identifier", salt: str | None = None
    ) -> "IdentityObject":
        """Hash an identifier as `sha256$hex(identifier + salt)` with a fresh random salt."""
        salt = secrets.token_hex(16) if salt is None else salt
        digest = hashlib.sha256((identifier + salt).encode("utf-8")).hexdigest()
        return cls(f"sha256${digest}", identity_type, hashed=True, salt=salt)

    @classmethod
    def plain_name(cls, name: str) -> "IdentityObject":
        """Name the recipient in clear text; only when the learner asked for it."""
        return cls(name, "name", hashed=False)

    def matches(self, identifier: str) -> bool:
        """Return whether a plain identifier is the one this object identifies."""
        if not self.hashed:
            return secrets.compare_digest(self.identity_hash, identifier)
        digest = hashlib.sha256((identifier + (self.salt or "")).encode("utf-8")).hexdigest()
        return secrets.compare_digest(self.identity_hash.lower(), f"sha256${digest}")

    def to_jsonld(self) -> JsonObject:
        """Serialise as an OB 3.0 IdentityObject."""
        data: JsonObject = {
            "type": "IdentityObject",
            "identityHash": self.identity_hash,
            "identityType": self.identity_type,
            "hashed": self.hashed,
        }
        _put(data, "salt", self.salt)
        return data


@dataclass(frozen=True)
class AchievementSubject:
    """The recipient and the achievement. https://www.imsglobal.org/spec/ob/v3p0/#achievementsubject"""

    achievement: Achievement
    identifiers: tuple[IdentityObject, ...] = ()
    id: str | None = None

    def to_jsonld(self) -> JsonObject:
        """Serialise as an OB 3.0 AchievementSubject."""
        data: JsonObject = {}
        _put(data, "id", self.id)
        data["type"] = ["AchievementSubject"]
        _put(data, "identifier", [identity.to_jsonld() for identity in self.identifiers])
        data["achievement"] = self.achievement.to_jsonld()
        return data


@dataclass(frozen=True)
class Evidence:
    """Something that shows the work. https://www.imsglobal.org/spec/ob/v3p0/#evidence"""

    id: str | None = None
    name: str | None = None
    description: str | None = None
    narrative: str | None = None
    genre: str | None = None
    audience: str | None = None

    def to_jsonld(self) -> JsonObject:
        """Serialise as an OB 3.0 Evidence object."""
        data: JsonObject = {}
        _put(data, "id", self.id)
        data["type"] = ["Evidence"]
        _put(data, "name", self.name)
        _put(data, "description", self.description)
        _put(data, "narrative", self.narrative)
        _put(data, "genre", self.genre)
        _put(data, "audience", self.audience)
        return data


@dataclass(frozen=True)
class BitstringStatusListEntry:
    """Where this credential's revocation bit lives. https://www.w3.org/TR/vc-bitstring-status-list/#bitstringstatuslistentry"""

    status_list_credential: str
    status_list_index: int
    status_purpose: str = REVOCATION

    def to_jsonld(self) -> JsonObject:
        """Serialise as a BitstringStatusListEntry (the index is a string, as the spec says)."""
        return {
            "id": f"{self.status_list_credential}#{self.status_list_index}",
            "type": "BitstringStatusListEntry",
            "statusPurpose": self.status_purpose,
            "statusListIndex": str(self.status_list_index),
            "statusListCredential": self.status_list_credential,
        }


@dataclass(frozen=True)
class OpenBadgeCredential:
    """An achievement credential. https://www.imsglobal.org/spec/ob/v3p0/#achievementcredential"""

    id: str
    name: str
    issuer: Profile
    valid_from: datetime
    credential_subject: AchievementSubject
    description: str | None = None
    image: Image | None = None
    valid_until: datetime | None = None
    awarded_date: datetime | None = None
    evidence: tuple[Evidence, ...] = ()
    credential_status: BitstringStatusListEntry | None = None
    extra_contexts: tuple[str, ...] = field(default=())

    def to_jsonld(self) -> JsonObject:
        """Serialise as an unsigned VC Data Model 2.0 OpenBadgeCredential document."""
        data: JsonObject = {
            "@context": [VC_V2_CONTEXT, OB_V3_CONTEXT],
            "id": self.id,
            "type": ["VerifiableCredential", "OpenBadgeCredential"],
            "name": self.name,
        }
        _put(data, "description", self.description)
        _put(data, "image", self.image.to_jsonld() if self.image else None)
        data["issuer"] = self.issuer.to_jsonld()
        data["validFrom"] = format_datetime(self.valid_from)
        _put(data, "validUntil", format_datetime(self.valid_until) if self.valid_until else None)
        _put(
            data, "awardedDate", format_datetime(self.awarded_date) if self.awarded_date else None
        )
        data["credentialSubject"] = self.credential_subject.to_jsonld()
        _put(data, "evidence", [item.to_jsonld() for item in self.evidence])
        if self.credential_status is not None:
            data["credentialStatus"] = self.credential_status.to_jsonld()
        contexts = data["@context"]
        contexts.extend(url for url in self.extra_contexts if url not in contexts)
        if _uses_types(data, EXTENSION_TYPES) and OB_EXTENSIONS_CONTEXT not in contexts:
            contexts.append(OB_EXTENSIONS_CONTEXT)
        return data


def _uses_types(node: Any, names: frozenset[str]) -> bool:
    if isinstance(node, list):
        return any(_uses_types(item, names) for item in node)
    if not isinstance(node, dict):
        return False
    types = node.get("type", [])
    if any(name in names for name in (types if isinstance(types, list) else [types])):
        return True
    return any(_uses_types(value, names) for key, value in node.items() if key != "type")
