"""Database models of people: learners and their roles."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import JSON, BigInteger, Boolean, ForeignKey, String, UniqueConstraint
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


class Role(Base):
    """A role a learner holds, optionally limited to one city."""

    __tablename__ = "roles"
    __table_args__ = (UniqueConstraint("learner_id", "role", "city_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    learner_id: Mapped[int] = mapped_column(ForeignKey("learners.id", ondelete="CASCADE"))
    role: Mapped[str] = mapped_column(String(32))
    city_id: Mapped[int | None] = mapped_column(ForeignKey("cities.id", ondelete="CASCADE"))
    granted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
