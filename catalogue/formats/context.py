"""State shared by one adapter run: the window, the zone, warnings and record building."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from icalendar.timezone.windows_to_olson import WINDOWS_TO_OLSON

from catalogue.formats import values
from catalogue.formats.errors import FeedFormatError
from catalogue.records import ActivityRecord, OccurrenceRecord, ParseResult

# Dates outside this range are almost always placeholders ("9999-12-31") or typing errors.
MIN_YEAR = 1900
MAX_YEAR = 9998
WARNING_CHARS = 300
MAX_WARNINGS = 200
_SAFE_ZONE = re.compile(r"^[A-Za-z0-9_+\-]+(/[A-Za-z0-9_+\-]+)*$")


def resolve_zone(name: str | None) -> ZoneInfo | None:
    """An IANA zone from an IANA or Windows zone name, or None when unknown."""
    if not name:
        return None
    name = name.strip().strip('"')
    name = WINDOWS_TO_OLSON.get(name, name)
    if not _SAFE_ZONE.match(name):
        return None
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return None


@dataclass
class ParseContext:
    """Options and collected warnings for one parse."""

    now: datetime
    default_tz: str
    window_days: int = 120
    default_lang: str = "und"
    warnings: list[str] = field(default_factory=list)
    complete: bool = True
    _dropped_warnings: int = 0

    def __post_init__(self) -> None:
        if self.now.tzinfo is None:
            raise ValueError("now must be an aware datetime")
        zone = resolve_zone(self.default_tz)
        if zone is None:
            raise ValueError(f"unknown default time zone {self.default_tz!r}")
        self.zone = zone
        self.window_start = self.now.astimezone(UTC)
        self.window_end = self.window_start + timedelta(days=self.window_days)

    def warn(self, where: str, message: str) -> None:
        """Record one warning line, keeping the list bounded for huge broken feeds.

        Feed text quoted in a warning reaches terminals and logs: control characters (escape
        sequences, line breaks) become spaces and the line is cut at a readable length.
        """
        message = "".join(c if c.isprintable() else " " for c in message[:WARNING_CHARS])
        if len(self.warnings) < MAX_WARNINGS:
            self.warnings.append(f"{where}: {message}" if where else message)
        else:
            self._dropped_warnings += 1

    def skip(self, where: str, message: str) -> None:
        """Warn about an item that could not be read; the read is then incomplete."""
        self.complete = False
        self.warn(where, f"{message}; item skipped")

    def zone_for(self, name: str | None, where: str) -> ZoneInfo:
        """The zone called `name`, or the default zone with a warning when it is unknown."""
        if not name:
            return self.zone
        zone = resolve_zone(name)
        if zone is None:
            self.warn(where, f"unknown time zone {name!r}; using {self.default_tz}")
            return self.zone
        return zone

    def sane(self, value: date | datetime, where: str, what: str) -> bool:
        """False (with a warning) for dates in year 9999, before 1900 and similar."""
        if MIN_YEAR <= value.year <= MAX_YEAR:
            return True
        self.warn(where, f"{what} in year {value.year} is not a real date; dropped")
        return False

    def localise(self, value: date | datetime, zone: tzinfo) -> datetime:
        """Attach `zone` to a floating time or a date (local midnight)."""
        if not isinstance(value, datetime):
            return datetime.combine(value, time(0), tzinfo=zone)
        if value.tzinfo is None:
            return value.replace(tzinfo=zone)
        return value

    def span(
        self, start: date | datetime, end: date | datetime | None, zone: ZoneInfo, where: str
    ) -> tuple[datetime, datetime | None, bool] | None:
        """Aware (start, end, all-day) from parsed values; None (warned) for impossible dates."""
        if not self.sane(start, where, "start date"):
            return None
        all_day = not isinstance(start, datetime)
        begin = self.localise(start, zone)
        finish = None
        if end is not None and self.sane(end, where, "end date"):
            finish = self.localise(end, zone)
            if not isinstance(end, datetime):
                finish += timedelta(days=1)  # An end date includes that whole day.
        elif all_day:
            finish = begin + timedelta(days=1)
        return begin, finish, all_day

    def in_window(self, start: datetime, end: datetime | None) -> bool:
        """True when a session has not ended yet and starts inside the window."""
        return (end or start) >= self.window_start and start <= self.window_end

    def occurrence(
        self,
        start: datetime,
        end: datetime | None,
        tz_name: str,
        *,
        all_day: bool = False,
    ) -> OccurrenceRecord | None:
        """An occurrence in UTC when it falls in the window, else None."""
        start_utc = start.astimezone(UTC)
        end_utc = end.astimezone(UTC) if end is not None else None
        if end_utc is not None and end_utc < start_utc:
            end_utc = None
        if not self.in_window(start_utc, end_utc):
            return None
        return OccurrenceRecord(start_utc, end_utc, tz_name, all_day)

    def coordinates(
        self, latitude: object, longitude: object, where: str
    ) -> tuple[float | None, float | None]:
        """Validated coordinates, or (None, None) with a warning when unusable."""
        if latitude in (None, "") and longitude in (None, ""):
            return None, None
        try:
            lat, lon = float(str(latitude).strip()), float(str(longitude).strip())
        except ValueError:
            self.warn(where, f"coordinates {latitude!r}, {longitude!r} are not numbers; dropped")
            return None, None
        if not (-90.0 <= lat <= 90.0 and -180.0 <= lon <= 180.0):  # NaN fails too
            self.warn(where, f"coordinates {lat}, {lon} are out of range; dropped")
            return None, None
        return lat, lon

    def competences(self, raw: Iterable[str], where: str) -> tuple[str, ...]:
        """Known competence codes; unknown ones are dropped with one warning."""
        found: list[str] = []
        unknown: list[str] = []
        for item in raw:
            if not item.strip():
                continue
            code = values.competence(item)
            if code:
                found.append(code)
            else:
                unknown.append(item.strip())
        if unknown:
            self.warn(where, f"unrecognised competence codes dropped: {', '.join(unknown[:5])}")
        return values.unique(found)

    def languages(self, raw: Iterable[str], where: str) -> tuple[str, ...]:
        """Primary language subtags; unknown names dropped with a warning."""
        found: list[str] = []
        for item in raw:
            code = values.language(item)
            if code:
                found.append(code)
            elif item.strip():
                self.warn(where, f"unrecognised language {item.strip()!r} dropped")
        return values.unique(found)

    def ages(self, low: object, high: object, where: str) -> tuple[int | None, int | None]:
        """A valid (min, max) age pair; impossible values dropped with a warning."""
        parsed: list[int | None] = []
        for value in (low, high):
            if value in (None, ""):
                parsed.append(None)
                continue
            try:
                age = int(str(value).strip())
            except ValueError:
                self.warn(where, f"age {value!r} is not a whole number; dropped")
                parsed.append(None)
                continue
            if not 0 <= age <= 120:
                self.warn(where, f"age {age} is out of range; dropped")
                parsed.append(None)
                continue
            parsed.append(age)
        if parsed[0] is not None and parsed[1] is not None and parsed[0] > parsed[1]:
            self.warn(where, f"minimum age {parsed[0]} is above maximum {parsed[1]}; dropped")
            return None, None
        return parsed[0], parsed[1]

    def build(self, where: str, **fields: object) -> ActivityRecord | None:
        """Make a record; a value the record refuses skips the item with a warning."""
        try:
            return ActivityRecord(**fields)  # type: ignore[arg-type]
        except (TypeError, ValueError) as error:
            self.skip(where, str(error))
            return None

    def result(self, records: Iterable[ActivityRecord]) -> ParseResult:
        """The final result; duplicate source ids keep the first item with a warning."""
        kept: dict[str, ActivityRecord] = {}
        for record in records:
            if record.source_id in kept:
                self.warn(f"item {record.source_id!r}", "duplicate id; later copy ignored")
                continue
            kept[record.source_id] = record
        warnings = list(self.warnings)
        if self._dropped_warnings:
            warnings.append(f"{self._dropped_warnings} more warnings not shown")
        return ParseResult(tuple(kept.values()), tuple(warnings), self.complete)


def require_bytes(data: object) -> bytes:
    """Refuse anything but bytes: a str would be taken for a path or URL by some parsers."""
    if not isinstance(data, bytes | bytearray | memoryview):
        raise FeedFormatError(f"a feed body must be bytes, not {type(data).__name__}")
    return bytes(data)
