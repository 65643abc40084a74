"""Database models of the learning offer (cities first; partners, feeds and activities follow)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Float, String
from sqlalchemy.orm import Mapped, mapped_column

from storage import Base, UTCDateTime, utcnow


class City(Base):
    """A City, region or island of Learning, with its own page, timezone and language."""

    __tablename__ = "cities"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(64), unique=True)
    names: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    country: Mapped[str] = mapped_column(String(2))
    timezone: Mapped[str] = mapped_column(String(64))
    default_language: Mapped[str] = mapped_column(String(8))
    latitude: Mapped[float] = mapped_column(Float)
    longitude: Mapped[float] = mapped_column(Float)
    radius_km: Mapped[float] = mapped_column(Float, default=15.0)
    neighbourhoods: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    def name(self, language: str) -> str:
        """Return the city's name in ``language``, falling back to its own language."""
        return (
            self.names.get(language)
            or self.names.get(self.default_language)
            or next(iter(self.names.values()), self.slug)
        )
