"""Database models of people: learners and their roles."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    ForeignKey,
    Index,
    Integer,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from storage import Base, UTCDateTime, utcnow


class RoleName(StrEnum):
    """What a person may do beyond learning."""

    YOUTH_WORKER = "youth_worker"
    ORGANISER = "organiser"
    COORDINATOR = "coordinator"
    OPERATOR = "operator"


class Learner(Base):
    """A person who talks to the bot; keeps only what the product needs."""

    __tablename__ = "learners"

    id: Mapped[int] = mapped_column(primary_key=True)
    telegram_id: Mapped[int] = mapped_column(BigInteger, unique=True)
    first_name: Mapped[str] = mapped_column(String(128), default="")
    language: Mapped[str] = mapped_column(String(8))
    city_id: Mapped[int | None] = mapped_column(ForeignKey("cities.id", ondelete="SET NULL"))
    interests: Mapped[list[str]] = mapped_column(JSON, default=list)
    age_band: Mapped[str | None] = mapped_column(String(16))
    consent: Mapped[bool] = mapped_column(Boolean, default=False)
    guardian_consent: Mapped[bool] = mapped_column(Boolean, default=False)
    consent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    onboarding_step: Mapped[str | None] = mapped_column(String(32))
    onboarded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Reminder offsets, quiet hours, digest slot, discovery filters: see community.preferences.
    preferences: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class Role(Base):
    """A role a learner holds, optionally limited to one city."""

    __tablename__ = "roles"
    __table_args__ = (UniqueConstraint("learner_id", "role", "city_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    learner_id: Mapped[int] = mapped_column(ForeignKey("learners.id", ondelete="CASCADE"))
    role: Mapped[str] = mapped_column(String(32))
    city_id: Mapped[int | None] = mapped_column(ForeignKey("cities.id", ondelete="CASCADE"))
    granted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class PlanStatus(StrEnum):
    """How much a learner committed to an activity."""

    SAVED = "saved"
    GOING = "going"


class Plan(Base):
    """An activity a learner saved or said they are going to; one row per learner+activity."""

    __tablename__ = "plans"
    __table_args__ = (UniqueConstraint("learner_id", "activity_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    learner_id: Mapped[int] = mapped_column(ForeignKey("learners.id", ondelete="CASCADE"))
    activity_id: Mapped[int] = mapped_column(
        ForeignKey("activities.id", ondelete="CASCADE"), index=True
    )
    status: Mapped[str] = mapped_column(String(16), default=PlanStatus.SAVED.value)
    remind: Mapped[bool] = mapped_column(Boolean, default=True)
    # The session the pending reminders were made for; a different one after a sync = moved.
    next_starts_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Attendance(Base):
    """A learner took part in one session of an activity (said so, or later checked in)."""

    __tablename__ = "attendances"
    __table_args__ = (UniqueConstraint("learner_id", "activity_id", "starts_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    learner_id: Mapped[int] = mapped_column(ForeignKey("learners.id", ondelete="CASCADE"))
    activity_id: Mapped[int] = mapped_column(
        ForeignKey("activities.id", ondelete="CASCADE"), index=True
    )
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    source: Mapped[str] = mapped_column(String(16), default="self")
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ReminderKind(StrEnum):
    """What a scheduled message is about."""

    REMINDER = "reminder"
    FOLLOW_UP = "follow_up"  # "did you go?"
    MOVED = "moved"
    CANCELLED = "cancelled"
    DIGEST = "digest"


class ReminderStatus(StrEnum):
    """Where a scheduled message is in its life."""

    PENDING = "pending"
    CLAIMED = "claimed"
    SENT = "sent"
    CANCELLED = "cancelled"
    FAILED = "failed"


class Reminder(Base):
    """A message due at a time: reminders, follow-ups, change notices and digests.

    ``key`` names what the message is about, so enqueueing twice (two processes, a rerun
    sync) still sends it once. A dispatcher claims a row with a token and a lease; a row whose
    lease ran out is claimed again, so a crash between claim and send loses nothing.
    """

    __tablename__ = "reminders"
    __table_args__ = (Index("ix_reminders_status_due", "status", "due_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(160), unique=True)
    learner_id: Mapped[int] = mapped_column(
        ForeignKey("learners.id", ondelete="CASCADE"), index=True
    )
    activity_id: Mapped[int | None] = mapped_column(
        ForeignKey("activities.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(16))
    # The session this message is about (reminders, follow-ups, moved notices).
    starts_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    due_at: Mapped[datetime] = mapped_column(UTCDateTime)
    status: Mapped[str] = mapped_column(String(16), default=ReminderStatus.PENDING.value)
    claim_token: Mapped[str | None] = mapped_column(String(32))
    claimed_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    payload: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class FollowKind(StrEnum):
    """What a learner can follow."""

    TOPIC = "topic"
    PARTNER = "partner"
    PLACE = "place"  # a neighbourhood of the learner's city, by slug


class Follow(Base):
    """A topic, partner or neighbourhood a learner follows for the weekly digest."""

    __tablename__ = "follows"
    __table_args__ = (UniqueConstraint("learner_id", "kind", "value"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    learner_id: Mapped[int] = mapped_column(ForeignKey("learners.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(16))
    value: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
