"""Database models of recognition: issuer keys, status lists, achievements, holders, awards."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    ForeignKey,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from catalogue.texts import in_language
from storage import Base, UTCDateTime, utcnow


class IssuerKey(Base):
    """One Ed25519 key of a partner; rotation adds a generation and retires the previous one."""

    __tablename__ = "issuer_keys"
    # Two workers creating the first key (or rotating) at once collide here instead of
    # leaving two active keys.
    __table_args__ = (UniqueConstraint("partner_id", "generation"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    partner_id: Mapped[int] = mapped_column(
        ForeignKey("partners.id", ondelete="RESTRICT"), index=True
    )
    generation: Mapped[int] = mapped_column(Integer)
    did: Mapped[str] = mapped_column(String(500))
    public_key_multibase: Mapped[str] = mapped_column(String(100))
    # AES-GCM blob from credentials.keys.encrypt_private_key, bound to the DID.
    encrypted_private_key: Mapped[bytes] = mapped_column(LargeBinary)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    retired_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class StatusListRecord(Base):
    """One revocation list of an issuer; slots are handed out by a counter, spread by a stride."""

    __tablename__ = "credential_status_lists"
    __table_args__ = (UniqueConstraint("partner_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    partner_id: Mapped[int] = mapped_column(ForeignKey("partners.id", ondelete="RESTRICT"))
    number: Mapped[int] = mapped_column(Integer)
    size_bits: Mapped[int] = mapped_column(Integer)
    # index = (offset + slot * stride) mod size; an odd stride makes it a permutation, so
    # neighbouring awards do not sit in neighbouring bits.
    index_offset: Mapped[int] = mapped_column(Integer)
    index_stride: Mapped[int] = mapped_column(Integer)
    next_slot: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Achievement(Base):
    """A badge class: what it recognises, in several languages, and who issues it."""

    __tablename__ = "achievements"

    id: Mapped[int] = mapped_column(primary_key=True)
    partner_id: Mapped[int] = mapped_column(
        ForeignKey("partners.id", ondelete="RESTRICT"), index=True
    )
    # One achievement per activity, created on demand; the badge outlives a retired activity.
    activity_id: Mapped[int | None] = mapped_column(
        ForeignKey("activities.id", ondelete="SET NULL"), unique=True
    )
    # A playlist's badge, earned by holding the badge of each of its activities.
    playlist_id: Mapped[int | None] = mapped_column(
        ForeignKey("playlists.id", ondelete="SET NULL"), unique=True
    )
    kind: Mapped[str] = mapped_column(String(16))
    names: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    descriptions: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    criteria: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    image_url: Mapped[str | None] = mapped_column(String(2000))
    # [{"targetName", "targetUrl", "targetType", "targetCode", "targetFramework"}, ...]
    alignments: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    competences: Mapped[list[str]] = mapped_column(JSON, default=list)
    tags: Mapped[list[str]] = mapped_column(JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    def name(self, language: str) -> str:
        """Return the name in ``language``, else English, else any."""
        return in_language(self.names, language)

    def description(self, language: str) -> str:
        """Return the description in ``language``, else English, else any."""
        return in_language(self.descriptions, language)

    def criteria_text(self, language: str) -> str:
        """Return how the badge is earned in ``language``, else English, else any."""
        return in_language(self.criteria, language)


class AchievementRequirement(Base):
    """A badge that a meta-badge requires; the meta-badge is earned when all are held."""

    __tablename__ = "achievement_requirements"
    __table_args__ = (UniqueConstraint("achievement_id", "required_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    achievement_id: Mapped[int] = mapped_column(
        ForeignKey("achievements.id", ondelete="CASCADE"), index=True
    )
    required_id: Mapped[int] = mapped_column(
        ForeignKey("achievements.id", ondelete="RESTRICT"), index=True
    )


class Holder(Base):
    """A learner's private recipient identifier and public portfolio link; gone with them."""

    __tablename__ = "credential_holders"

    id: Mapped[int] = mapped_column(primary_key=True)
    learner_id: Mapped[int] = mapped_column(
        ForeignKey("learners.id", ondelete="CASCADE"), unique=True
    )
    # Random; only its salted hash goes into credentials, so deleting this row unlinks them.
    identifier: Mapped[str] = mapped_column(String(64))
    portfolio_token: Mapped[str | None] = mapped_column(String(64), unique=True)
    # The learner's choice to put their first name in new credentials (and on the summary).
    include_name: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Award(Base):
    """One achievement earned by one learner, with its signed credential."""

    __tablename__ = "awards"
    __table_args__ = (
        UniqueConstraint("learner_id", "achievement_id"),
        UniqueConstraint("status_list_id", "status_index"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # SET NULL: a deleted learner's shared credentials keep verifying, linked to nobody.
    learner_id: Mapped[int | None] = mapped_column(
        ForeignKey("learners.id", ondelete="SET NULL"), index=True
    )
    achievement_id: Mapped[int] = mapped_column(
        ForeignKey("achievements.id", ondelete="RESTRICT"), index=True
    )
    credential_uuid: Mapped[str] = mapped_column(String(36), unique=True)
    credential_json: Mapped[str] = mapped_column(Text)
    status_list_id: Mapped[int] = mapped_column(
        ForeignKey("credential_status_lists.id", ondelete="RESTRICT")
    )
    status_index: Mapped[int] = mapped_column(Integer)
    recipient_salt: Mapped[str] = mapped_column(String(64))
    revoked: Mapped[bool] = mapped_column(Boolean, default=False)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_by: Mapped[str | None] = mapped_column(String(16))
    public: Mapped[bool] = mapped_column(Boolean, default=True)
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
