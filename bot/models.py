"""Models that only the service itself uses: the record of processed updates."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger
from sqlalchemy.orm import Mapped, mapped_column

from storage import Base, UTCDateTime, utcnow


class ProcessedUpdate(Base):
    """An ``update_id`` already handled, so a second delivery does nothing."""

    __tablename__ = "processed_updates"

    update_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
