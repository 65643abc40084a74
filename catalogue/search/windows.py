"""Date windows (today, this week, this weekend, a custom range) in a city's own time zone."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from catalogue.search.types import DateWindow


class WindowKind(StrEnum):
    """The windows a learner can pick."""

    TODAY = "today"
    WEEK = "week"
    WEEKEND = "weekend"
    CUSTOM = "custom"


def _midnight(day: date, zone: ZoneInfo) -> datetime:
    return datetime.combine(day, time(0), tzinfo=zone).astimezone(UTC)


def date_window(
    kind: str,
    now: datetime,
    tz: str,
    *,
    first_day: date | None = None,
    last_day: date | None = None,
) -> DateWindow:
    """Return the UTC window for ``kind`` as seen in time zone ``tz`` at ``now``.

    today: local midnight to the next local midnight; week: now to the same wall-clock time
    seven days later; weekend: Saturday 00:00 to Monday 00:00 local (the current one on a
    Saturday or Sunday); custom: ``first_day`` 00:00 to the midnight after ``last_day``.
    """
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    zone = ZoneInfo(tz)
    local = now.astimezone(zone)
    today = local.date()
    match WindowKind(kind):
        case WindowKind.TODAY:
            return DateWindow(_midnight(today, zone), _midnight(today + timedelta(days=1), zone))
        case WindowKind.WEEK:
            # Adding days to an aware local time keeps the wall clock across a DST change.
            return DateWindow(now.astimezone(UTC), (local + timedelta(days=7)).astimezone(UTC))
        case WindowKind.WEEKEND:
            saturday = today + timedelta(days=(5 - today.weekday()) % 7)
            if today.weekday() == 6:
                saturday = today - timedelta(days=1)
            return DateWindow(
                _midnight(saturday, zone), _midnight(saturday + timedelta(days=2), zone)
            )
        case WindowKind.CUSTOM:
            if first_day is None:
                raise ValueError("a custom window needs first_day")
            last = last_day or first_day
            if last < first_day:
                raise ValueError("last_day is before first_day")
            return DateWindow(
                _midnight(first_day, zone), _midnight(last + timedelta(days=1), zone)
            )
