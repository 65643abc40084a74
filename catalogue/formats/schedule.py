"""schema.org Schedule → repeat rule, so eventSchedule expands like an iCalendar RRULE."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from catalogue.formats import values

_FREQUENCIES = {"D": "DAILY", "W": "WEEKLY", "M": "MONTHLY", "Y": "YEARLY", "H": "HOURLY"}
_NAMED_FREQUENCIES = {
    "daily": "DAILY",
    "weekly": "WEEKLY",
    "monthly": "MONTHLY",
    "yearly": "YEARLY",
}
_DAYS = {
    "monday": "MO",
    "tuesday": "TU",
    "wednesday": "WE",
    "thursday": "TH",
    "friday": "FR",
    "saturday": "SA",
    "sunday": "SU",
}


def _frequency(value: str) -> str | None:
    """ "P1W" → "FREQ=WEEKLY", "P2W" → "FREQ=WEEKLY;INTERVAL=2", "Weekly" → "FREQ=WEEKLY"."""
    text = value.strip().upper()
    if text.lower() in _NAMED_FREQUENCIES:
        return f"FREQ={_NAMED_FREQUENCIES[text.lower()]}"
    if text.startswith("PT") and text.endswith(("H", "M", "S")):
        return "FREQ=" + {"H": "HOURLY", "M": "MINUTELY", "S": "SECONDLY"}[text[-1]]
    if text.startswith("P") and text[1:-1].isdigit() and text[-1] in _FREQUENCIES:
        count, unit = int(text[1:-1]), text[-1]
        if unit == "D" and count % 7 == 0:
            count, unit = count // 7, "W"
        rule = f"FREQ={_FREQUENCIES[unit]}"
        return rule if count == 1 else f"{rule};INTERVAL={count}"
    return None


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def schedule_rule(
    schedule: dict[str, Any], zone: ZoneInfo
) -> tuple[datetime, timedelta, str, list[datetime]] | str:
    """(first start, duration, RRULE, exceptions) for a Schedule, or why it cannot be read."""
    first = values.when(str(schedule.get("startDate") or ""))
    if first is None:
        return "eventSchedule has no startDate"
    first_day = first.date() if isinstance(first, datetime) else first
    clock = _clock(schedule.get("startTime")) or (
        first.time() if isinstance(first, datetime) else time(0)
    )
    start = datetime.combine(first_day, clock, tzinfo=zone)
    end_clock = _clock(schedule.get("endTime"))
    length = values.duration(str(schedule.get("duration") or "")) or timedelta(0)
    if end_clock is not None and not length:
        length = datetime.combine(first_day, end_clock) - datetime.combine(first_day, clock)
        length = max(length, timedelta(0))
    frequency = _frequency(str(schedule.get("repeatFrequency") or ""))
    if frequency is None:
        return f"eventSchedule repeatFrequency {schedule.get('repeatFrequency')!r} not understood"
    parts = [frequency]
    days = [
        _DAYS.get(str(day).rsplit("/", 1)[-1].lower()) for day in _as_list(schedule.get("byDay"))
    ]
    if any(days):
        parts.append("BYDAY=" + ",".join(day for day in days if day))
    last = values.when(str(schedule.get("endDate") or ""))
    if isinstance(last, date):
        last_day = last.date() if isinstance(last, datetime) else last
        parts.append("UNTIL=" + last_day.strftime("%Y%m%d") + "T235959")
    count = schedule.get("repeatCount")
    if isinstance(count, int) and count > 0:
        parts.append(f"COUNT={count}")
    exceptions = []
    for value in _as_list(schedule.get("exceptDate")):
        parsed = values.when(str(value))
        if isinstance(parsed, datetime):
            exceptions.append(parsed if parsed.tzinfo else parsed.replace(tzinfo=zone))
        elif isinstance(parsed, date):
            exceptions.append(datetime.combine(parsed, clock, tzinfo=zone))
    return start, length, ";".join(parts), exceptions


def _clock(value: Any) -> time | None:
    if not value:
        return None
    try:
        return time.fromisoformat(str(value).strip()[:8])
    except ValueError:
        return None
