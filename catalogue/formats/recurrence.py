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
_INTERVAL = re.compile(r"(?:^|;)INTERVAL=(\d{1,4})(?:;|$)", re.IGNORECASE)
_COUNT = re.compile(r"(?:^|;)COUNT=", re.IGNORECASE)
_PERIOD_DAYS = {"DAILY": 1, "WEEKLY": 7}


@dataclass
class Expansion:
    """Start times in the window and the warnings raised while expanding."""

    starts: list[datetime] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    # Some sessions may be missing (a rule not understood, or stopped early): the read is not
    # complete, so nothing of the feed may be retired on its strength.
    lossy: bool = False


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


def _moved_forward(rule: str, dtstart: datetime, window_start: datetime) -> datetime:
    """A later start for the same series, so an old daily or weekly rule needs few steps.

    Moving by whole periods (days or weeks times INTERVAL) keeps every later session where it
    was; a COUNT counts from the real start, so such rules are left alone.
    """
    freq = _FREQ.search(rule)
    days = _PERIOD_DAYS.get(freq.group(1).upper()) if freq else None
    if days is None or _COUNT.search(rule):
        return dtstart
    interval = _INTERVAL.search(rule)
    period = timedelta(days=days * max(1, int(interval.group(1)) if interval else 1))
    periods = (window_start - dtstart) // period - 1
    return dtstart + period * periods if periods > 0 else dtstart


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
            first = _moved_forward(rule, dtstart, window_start)
            series.rrule(rrulestr(_until_in_utc(rule, dtstart), dtstart=first))  # type: ignore[arg-type]
        except (ValueError, TypeError, OverflowError) as error:
            out.warnings.append(f"repeat rule {rule[:200]!r} not understood ({error}); ignored")
            out.lossy = True
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
            out.lossy = True
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
