"""Plain values that search takes and returns; no database or web code is imported here."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from catalogue.texts import in_language


@dataclass(frozen=True, slots=True)
class DateWindow:
    """A half-open span of time [start, end) in UTC."""

    start: datetime
    end: datetime

    def __post_init__(self) -> None:
        for name in ("start", "end"):
            if getattr(self, name).tzinfo is None:
                raise ValueError(f"window {name} must be timezone-aware")
        if self.end <= self.start:
            raise ValueError("window end must be after its start")


@dataclass(frozen=True, slots=True)
class SearchFilters:
    """What a learner narrowed the offer to; an empty value means "any"."""

    types: tuple[str, ...] = ()
    # An activity matches when it has at least one of these topics.
    topics: tuple[str, ...] = ()
    free_only: bool = False
    # True: only online; False: only in person; None: both.
    online: bool | None = None
    # A language the activity is given in (its `languages` list).
    language: str | None = None
    # The learner's age: activities whose age range excludes it are hidden.
    age: int | None = None
    # Only activities with a session overlapping this window.
    window: DateWindow | None = None
    # Also show activities whose sessions have all ended (or that have none).
    include_past: bool = False


@dataclass(frozen=True, slots=True)
class ActivityHit:
    """One activity in a result, with its next session (or None when it has none)."""

    activity_id: int
    city_id: int
    partner_id: int
    type: str
    titles: dict[str, str]
    starts_at: datetime | None
    ends_at: datetime | None
    source_tz: str | None
    all_day: bool
    distance_km: float | None
    is_free: bool | None
    online: bool
    venue_name: str | None
    latitude: float | None
    longitude: float | None

    def title(self, language: str) -> str:
        """Return the title in ``language``, else any title."""
        return in_language(self.titles, language)


@dataclass(frozen=True, slots=True)
class NearResult:
    """Hits ordered by distance, and the radius that was finally searched."""

    hits: list[ActivityHit]
    radius_km: float
