"""Expanding repeat rules into dated sessions, only inside the sync window and with caps."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from dateutil.rrule import rruleset, rrulestr

MAX_PER_SERIES = 200
# Bounds the work for rules that start long ago or rarely match (e.g. "every 29 February").
MAX_STEPS = 20_000
SUBDAILY = frozenset({"SECONDLY", "MINUTELY", "HOURLY"})
_FREQ = re.compile(r"(?:^|;)FREQ=([A-Z]+)", re.IGNORECASE)
_UNTIL = re.compile(r"UNTIL=(\d{8})(T\d{6})?(Z?)", re.IGNORECASE)


@dataclass
class Expansion:
    """Start times in the window and the warnings raised while expanding."""

    starts: list[datetime] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def _until_in_utc(rule: str, dtstart: datetime) -> str:
    """Make UNTIL a UTC time: RFC 5545 requires it when DTSTART has a zone, feeds often forget."""

    def convert(match: re.Match[str]) -> str:
        if match.group(3):
            return match.group(0)
        clock = match.group(2) or "T235959"
        local = datetime.strptime(match.group(1) + clock, "%Y%m%dT%H%M%S")
        utc = local.replace(tzinfo=dtstart.tzinfo).astimezone(UTC)
        return "UNTIL=" + utc.strftime("%Y%m%dT%H%M%SZ")

    return _UNTIL.sub(convert, rule)


def expand(
    dtstart: datetime,
    duration: timedelta,
    *,
    rules: Iterable[str] = (),
    rdates: Iterable[datetime] = (),
    exdates: Iterable[datetime] = (),
    window_start: datetime,
    window_end: datetime,
    cap: int = MAX_PER_SERIES,
) -> Expansion:
    """Starts of a series (aware `dtstart`) that overlap the window, at most `cap` of them."""
    out = Expansion()
    series = rruleset()
    has_rule = False
    for rule in rules:
        freq = _FREQ.search(rule)
        if freq and freq.group(1).upper() in SUBDAILY:
            out.warnings.append(
                f"repeats {freq.group(1).lower()} which is too frequent for a catalogue; "
                "only the first session kept"
            )
            continue
        try:
            series.rrule(rrulestr(_until_in_utc(rule, dtstart), dtstart=dtstart))  # type: ignore[arg-type]
        except (ValueError, TypeError, OverflowError) as error:
            out.warnings.append(f"repeat rule {rule!r} not understood ({error}); ignored")
            continue
        has_rule = True
    if not has_rule:
        series.rdate(dtstart)
    for extra in rdates:
        series.rdate(extra)
    for skipped in exdates:
        series.exdate(skipped)

    steps = 0
    for start in series:
        steps += 1
        if steps > MAX_STEPS:
            out.warnings.append(f"repeat rule needs more than {MAX_STEPS} steps; stopped early")
            break
        if start > window_end:
            break
        if start + duration < window_start:
            continue
        out.starts.append(start)
        if len(out.starts) >= cap:
            out.warnings.append(
                f"more than {cap} sessions in the window; only the first {cap} kept"
            )
            break
    return out
