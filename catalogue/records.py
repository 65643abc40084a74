"""Normalised activity records that every feed format adapter produces.

Only the standard library is imported here: the sync engine, the CLI and the tests all build and
read these values without pulling in a parser or the database.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from enum import StrEnum


class ActivityType(StrEnum):
    """Kinds of opportunity in the Cities of Learning taxonomy."""

    EVENT = "event"
    COURSE = "course"
    WORKSHOP = "workshop"
    INTERNSHIP = "internship"
    VOLUNTEERING = "volunteering"
    DIGITAL_EXPERIENCE = "digital_experience"
    PROJECT = "project"
    OPEN_SPACE = "open_space"


@dataclass(frozen=True, slots=True)
class OccurrenceRecord:
    """One dated session of an activity, in UTC, with the time zone it was published in."""

    start: datetime
    end: datetime | None = None
    # The IANA zone the publisher used, so times can be shown as the organiser wrote them.
    source_tz: str = "UTC"
    all_day: bool = False

    def __post_init__(self) -> None:
        for name in ("start", "end"):
            value = getattr(self, name)
            if value is None:
                continue
            if value.tzinfo is None or value.utcoffset() != timedelta(0):
                raise ValueError(f"occurrence {name} must be an aware UTC datetime, got {value!r}")
            if value.tzinfo is not UTC:
                object.__setattr__(self, name, value.astimezone(UTC))
        if self.end is not None and self.end < self.start:
            raise ValueError("occurrence end is before its start")


@dataclass(frozen=True, slots=True)
class ActivityRecord:
    """One learning opportunity as read from a partner feed, in plain text."""

    # Stable within one feed: the sync engine upserts on (feed, source_id).
    source_id: str
    type: ActivityType
    # {language code: text}; "und" when the feed does not say which language.
    titles: dict[str, str]
    descriptions: dict[str, str] = field(default_factory=dict)
    topics: tuple[str, ...] = ()
    # Framework codes such as "digcomp:2.1", "entrecomp:1.3", "lifecomp:p1", "greencomp:2.2",
    # or ESCO skill URIs.
    competences: tuple[str, ...] = ()
    venue_name: str | None = None
    address: str | None = None
    latitude: float | None = None
    longitude: float | None = None
    online: bool = False
    online_url: str | None = None
    audience: tuple[str, ...] = ()
    min_age: int | None = None
    max_age: int | None = None
    # None when the feed does not say.
    is_free: bool | None = None
    cost: str | None = None
    languages: tuple[str, ...] = ()
    accessibility: str | None = None
    image_url: str | None = None
    signup_url: str | None = None
    occurrences: tuple[OccurrenceRecord, ...] = ()

    def __post_init__(self) -> None:
        if not self.source_id:
            raise ValueError("an activity needs a source_id")
        if not any(text.strip() for text in self.titles.values()):
            raise ValueError("an activity needs a title")
        if (self.latitude is None) != (self.longitude is None):
            raise ValueError("latitude and longitude come together")
        if self.latitude is not None and not -90.0 <= self.latitude <= 90.0:
            raise ValueError(f"latitude {self.latitude} is outside -90..90")
        if self.longitude is not None and not -180.0 <= self.longitude <= 180.0:
            raise ValueError(f"longitude {self.longitude} is outside -180..180")
        for age in (self.min_age, self.max_age):
            if age is not None and not 0 <= age <= 120:
                raise ValueError(f"age {age} is outside 0..120")
        if self.min_age is not None and self.max_age is not None and self.min_age > self.max_age:
            raise ValueError("min_age is above max_age")

    @property
    def title(self) -> str:
        """Any one title, for logs and warnings."""
        return next(iter(self.titles.values()))

    def next_occurrence(self, now: datetime) -> OccurrenceRecord | None:
        """The first occurrence that has not ended at `now`."""
        for occurrence in sorted(self.occurrences, key=lambda item: item.start):
            if (occurrence.end or occurrence.start) >= now:
                return occurrence
        return None


@dataclass(frozen=True, slots=True)
class ParseResult:
    """What an adapter read: the records, warnings to show the coordinator, and completeness."""

    records: tuple[ActivityRecord, ...]
    warnings: tuple[str, ...] = ()
    # True only when every item in the feed was read; the sync engine retires activities that
    # disappeared only after a complete read, so a skipped item never deletes anything.
    complete: bool = True
