"""iCalendar (RFC 5545) adapter.

Conventions beyond the standard (documented in catalogue/samples/README.md):
- CATEGORIES: competence codes (`digcomp:2.1`, ESCO URIs) become competences, `type:workshop`
  sets the activity type, everything else is a topic.
- SUMMARY and DESCRIPTION may repeat with different LANGUAGE parameters for translations.
- X-COLBOT-TYPE, X-COLBOT-COMPETENCES, X-COLBOT-AUDIENCE, X-COLBOT-AGE ("16-29", "18+"),
  X-COLBOT-FREE (yes/no), X-COLBOT-COST, X-COLBOT-LANGUAGES, X-COLBOT-ACCESSIBILITY,
  X-COLBOT-ONLINE (a link; CONFERENCE works too).
"""

from __future__ import annotations

import hashlib
import re
from collections import defaultdict
from datetime import UTC, date, datetime, timedelta, tzinfo
from typing import Any

from icalendar import Component

from catalogue.formats import recurrence, values
from catalogue.formats.context import ParseContext, resolve_zone
from catalogue.formats.errors import FeedFormatError
from catalogue.formats.ical_lines import parse_calendars
from catalogue.formats.prelude import open_text
from catalogue.formats.text import clean_title, html_to_text, split_list
from catalogue.records import ActivityRecord, ActivityType, OccurrenceRecord, ParseResult

Props = dict[str, list[Any]]
_GEO_URI = re.compile(r"^geo:\s*(-?[\d.]+)\s*,\s*(-?[\d.]+)", re.IGNORECASE)
_UID_LINE = re.compile(r"^UID[;:]", re.IGNORECASE)
_LOOKS_HTML = re.compile(r"<[a-zA-Z/][^<>]*>")  # never crosses a "<": linear on "<a<a<a…"


def parse(
    data: bytes,
    *,
    now: datetime,
    default_tz: str,
    window_days: int = 120,
    default_lang: str = "und",
) -> ParseResult:
    """Read one or more VCALENDARs into activity records, expanding repeats in the window."""
    text, ctx = open_text(
        data, now=now, default_tz=default_tz, window_days=window_days, default_lang=default_lang
    )
    first = next((line for line in text.lstrip("\ufeff").splitlines() if line.strip()), "")
    if first.strip().upper() != "BEGIN:VCALENDAR":
        raise FeedFormatError(
            f"line 1: an iCalendar file must start with BEGIN:VCALENDAR, found {first[:40]!r}"
        )
    _check_nesting(text)
    try:
        calendars = parse_calendars(text)
    except (ValueError, TypeError) as error:  # icalendar raises both for values it cannot read
        detail = str(error).splitlines()[0][:120]
        raise FeedFormatError(f"the iCalendar data could not be read: {detail}") from None
    uid_lines = _uid_lines(text)
    records: list[ActivityRecord] = []
    for number, calendar in enumerate(calendars, 1):
        records.extend(_read_calendar(ctx, calendar, number, uid_lines))
    return ctx.result(records)


def _check_nesting(text: str) -> None:
    """Refuse unbalanced BEGIN/END lines with the line that breaks them."""
    stack: list[tuple[str, int]] = []
    for number, line in enumerate(text.splitlines(), 1):
        upper = line.strip().upper()
        if upper.startswith("BEGIN:"):
            stack.append((upper[6:], number))
        elif upper.startswith("END:"):
            name = upper[4:]
            if not stack:
                raise FeedFormatError(f"line {number}: END:{name} has no matching BEGIN")
            opened, opened_at = stack.pop()
            if opened != name:
                raise FeedFormatError(
                    f"line {number}: END:{name} does not close BEGIN:{opened} "
                    f"from line {opened_at}"
                )
    if stack:
        opened, opened_at = stack[-1]
        raise FeedFormatError(f"line {opened_at}: BEGIN:{opened} is never closed")


def _uid_lines(text: str) -> dict[str, int]:
    """Line number of each UID, so warnings can point at the event."""
    found: dict[str, int] = {}
    for number, line in enumerate(text.splitlines(), 1):
        if _UID_LINE.match(line):
            found.setdefault(line.split(":", 1)[-1].strip(), number)
    return found


def _read_calendar(
    ctx: ParseContext, calendar: Component, number: int, uid_lines: dict[str, int]
) -> list[ActivityRecord]:
    label = f"calendar {number}"
    wr_zone = str(calendar.get("X-WR-TIMEZONE", "") or "")
    zone_name = ctx.default_tz
    zone: tzinfo = ctx.zone
    if wr_zone:
        resolved = resolve_zone(wr_zone)
        if resolved is None:
            ctx.warn(label, f"unknown X-WR-TIMEZONE {wr_zone!r}; using {ctx.default_tz}")
        else:
            zone, zone_name = resolved, resolved.key
    masters: dict[str, Props] = {}
    overrides: dict[str, list[Props]] = defaultdict(list)
    for index, event in enumerate(calendar.walk("VEVENT"), 1):
        uid = str(event.get("UID", "") or "").strip() or _fallback_uid(event, number, index)
        for prop, problem in getattr(event, "errors", []):
            ctx.warn(f"event {uid!r}", f"{prop} could not be read ({problem})")
        props = _index(event)
        if "RECURRENCE-ID" in props:
            overrides[uid].append(props)
        elif uid in masters:
            ctx.warn(f"event {uid!r}", "UID appears twice in one calendar; second copy ignored")
        else:
            masters[uid] = props
    records: list[ActivityRecord] = []
    for uid in list(masters) + [uid for uid in overrides if uid not in masters]:
        where = f"event {uid!r}" + (f" (line {uid_lines[uid]})" if uid in uid_lines else "")
        series = _Series(ctx, where, zone, zone_name, bool(wr_zone))
        master = masters.get(uid)
        if master is None:
            # Moved sessions published without their series: each stands alone.
            master, *rest = overrides[uid]
            extra: list[Props] = rest
        else:
            extra = overrides.get(uid, [])
        record = series.read(uid, master, extra)
        if record is not None:
            records.append(record)
    return records


def _fallback_uid(event: Component, calendar: int, index: int) -> str:
    """A stable id for an event without UID, from its summary and start."""
    start = event.get("DTSTART")
    basis = f"{event.get('SUMMARY', '')}|{start.to_ical() if hasattr(start, 'to_ical') else ''}"
    digest = hashlib.sha256(basis.encode("utf-8", "replace")).hexdigest()[:16]
    return f"nouid-{digest}" if event.get("SUMMARY") else f"nouid-{calendar}-{index}"


def _index(event: Component) -> Props:
    """Properties by upper-case name, each a list: plain dict look-ups keep big feeds fast."""
    return {
        str(name).upper(): value if isinstance(value, list) else [value]
        for name, value in dict.items(event)
    }


def _many(event: Props, name: str) -> list[Any]:
    return event.get(name, [])


def _first(event: Props, name: str) -> Any:
    found = event.get(name)
    return found[0] if found else None


def _text(event: Props, name: str) -> str:
    values_ = _many(event, name)
    return str(values_[0]).strip() if values_ else ""


class _Series:
    """Reads one event (with its overrides) into a record."""

    def __init__(
        self, ctx: ParseContext, where: str, zone: tzinfo, zone_name: str, wr_zone: bool
    ) -> None:
        self.ctx, self.where = ctx, where
        self.zone, self.zone_name, self.wr_zone = zone, zone_name, wr_zone

    def _moment(self, prop: Any, what: str) -> tuple[datetime, str, bool] | None:
        """(aware datetime, zone name, all-day) for a DTSTART-like property."""
        try:
            raw = getattr(prop, "dt", None)
        except ValueError:  # icalendar keeps unreadable values as "broken" properties
            raw = None
        if not isinstance(raw, date):
            self.ctx.warn(
                self.where, f"{what} {getattr(prop, 'to_ical', lambda: prop)()!r} is not a date"
            )
            return None
        if not self.ctx.sane(raw, self.where, what):
            return None
        tzid = str(prop.params.get("TZID", "")) if hasattr(prop, "params") else ""
        if not isinstance(raw, datetime):
            return (
                datetime.combine(raw, datetime.min.time(), tzinfo=self.zone),
                self.zone_name,
                True,
            )
        if raw.tzinfo is None:
            zone, name = self.zone, self.zone_name
            if tzid:
                resolved = resolve_zone(tzid)
                if resolved is None:
                    self.ctx.warn(self.where, f"unknown time zone {tzid!r}; using {name}")
                else:
                    zone, name = resolved, resolved.key
            return raw.replace(tzinfo=zone), name, False
        if raw.utcoffset() == timedelta(0) and not tzid and self.wr_zone:
            # Calendar apps export UTC times with X-WR-TIMEZONE; repeats follow local wall time.
            return raw.astimezone(self.zone), self.zone_name, False
        named = resolve_zone(tzid) if tzid else None
        name = named.key if named else (getattr(raw.tzinfo, "key", None) or self.zone_name)
        if raw.utcoffset() == timedelta(0) and not tzid:
            name = "UTC"
        return raw, name, False

    def _span(self, event: Props) -> tuple[datetime, timedelta, str, bool] | None:
        start_prop = _many(event, "DTSTART")
        if not start_prop:
            self.ctx.skip(self.where, "no DTSTART")
            return None
        moment = self._moment(start_prop[0], "DTSTART")
        if moment is None:
            self.ctx.skip(self.where, "no usable DTSTART")
            return None
        start, name, all_day = moment
        duration = timedelta(days=1) if all_day else timedelta(0)
        end_prop = _many(event, "DTEND")
        if end_prop:
            end = self._moment(end_prop[0], "DTEND")
            if end is not None and end[0] >= start:
                duration = end[0] - start
        elif _many(event, "DURATION"):
            value = getattr(_many(event, "DURATION")[0], "dt", None)
            if isinstance(value, timedelta) and value >= timedelta(0):
                duration = value
        return start, duration, name, all_day

    def _dates(self, event: Props, name: str, zone: tzinfo) -> list[datetime]:
        found: list[datetime] = []
        for prop in _many(event, name):
            for item in getattr(prop, "dts", []):
                value = item.dt[0] if isinstance(item.dt, tuple) else item.dt
                if isinstance(value, date) and self.ctx.sane(value, self.where, name):
                    found.append(self.ctx.localise(value, zone))
        return found

    def read(self, uid: str, event: Props, overrides: list[Props]) -> ActivityRecord | None:
        ctx = self.ctx
        if _text(event, "STATUS").upper() == "CANCELLED":
            return None
        span = self._span(event)
        if span is None:
            return None
        start, duration, tz_name, all_day = span
        starts = self._starts(event, start, duration)
        moved, occurrences = self._overrides(overrides)
        for session in starts:
            if session.astimezone(UTC) in moved:
                continue
            end = session + duration if duration else None
            occurrence = ctx.occurrence(session, end, tz_name, all_day=all_day)
            if occurrence is not None:
                occurrences.append(occurrence)
        if not occurrences:
            return None  # Past or beyond the window: not part of this sync.
        occurrences.sort(key=lambda item: item.start)
        return self._record(uid, event, tuple(occurrences))

    def _starts(self, event: Props, start: datetime, duration: timedelta) -> list[datetime]:
        """Session starts in the window: the repeats expanded, or the one session."""
        ctx = self.ctx
        if not any(name in event for name in ("RRULE", "RDATE", "EXDATE")):
            # What `recurrence.expand` gives a lone session, without building a rule set.
            ended = start + duration < ctx.window_start
            return [] if start > ctx.window_end or ended else [start]
        expansion = recurrence.expand(
            start,
            duration,
            rules=[prop.to_ical().decode() for prop in _many(event, "RRULE")],
            rdates=self._dates(event, "RDATE", start.tzinfo or self.zone),
            exdates=self._dates(event, "EXDATE", start.tzinfo or self.zone),
            window_start=ctx.window_start,
            window_end=ctx.window_end,
        )
        for warning in expansion.warnings:
            ctx.warn(self.where, warning)
        if expansion.lossy:
            ctx.complete = False
        return expansion.starts

    def _overrides(self, overrides: list[Props]) -> tuple[set[datetime], list[OccurrenceRecord]]:
        """Instants replaced by RECURRENCE-ID overrides, and the moved sessions in the window."""
        moved: set[datetime] = set()
        sessions: list[OccurrenceRecord] = []
        for override in overrides:
            recurrence_id = self._moment(_first(override, "RECURRENCE-ID"), "RECURRENCE-ID")
            if recurrence_id is None:
                continue
            moved.add(recurrence_id[0].astimezone(UTC))
            if _text(override, "STATUS").upper() == "CANCELLED":
                continue
            own = self._span(override)
            if own is not None:
                own_end = own[0] + own[1] if own[1] else None
                occurrence = self.ctx.occurrence(own[0], own_end, own[2], all_day=own[3])
                if occurrence is not None:
                    sessions.append(occurrence)
        return moved, sessions

    def _categories(self, event: Props) -> tuple[ActivityType | None, list[str], list[str]]:
        """(type, competence codes, topics) from X-COLBOT-* and CATEGORIES."""
        topics: list[str] = []
        codes = split_list(_text(event, "X-COLBOT-COMPETENCES"))
        kind = values.activity_type(_text(event, "X-COLBOT-TYPE"))
        for prop in _many(event, "CATEGORIES"):
            for item in getattr(prop, "cats", [prop]):
                term = str(item).strip()
                if term.lower().startswith("type:"):
                    kind = kind or values.activity_type(term[5:])
                elif values.looks_like_competence(term) or term.lower().startswith(
                    ("digcomp", "entrecomp", "lifecomp", "greencomp", "http://data.europa.eu/esco")
                ):
                    codes.append(term)
                elif term:
                    topics.append(values.topic(term))
        return kind, codes, topics

    def _place(self, event: Props) -> tuple[str | None, str | None, float | None, float | None]:
        """(venue, address, latitude, longitude) from LOCATION, GEO and Apple's location."""
        latitude, longitude = None, None
        geo = _first(event, "GEO")
        if geo is not None and hasattr(geo, "latitude"):
            latitude, longitude = self.ctx.coordinates(geo.latitude, geo.longitude, self.where)
        venue = _text(event, "LOCATION") or None
        address = None
        structured = _first(event, "X-APPLE-STRUCTURED-LOCATION")
        if structured is not None:
            params = getattr(structured, "params", {})
            address = str(params.get("X-ADDRESS", "")).strip() or None
            venue = venue or str(params.get("X-TITLE", "")).strip() or None
            match = _GEO_URI.match(str(structured))
            if match and latitude is None:
                latitude, longitude = self.ctx.coordinates(
                    match.group(1), match.group(2), self.where
                )
        return venue, address, latitude, longitude

    def _record(
        self, uid: str, event: Props, occurrences: tuple[Any, ...]
    ) -> ActivityRecord | None:
        ctx, where = self.ctx, self.where
        titles = self._localised(event, "SUMMARY", html=False)
        if not titles:
            ctx.skip(where, "no SUMMARY (title)")
            return None
        descriptions = self._localised(event, "DESCRIPTION", html=True)
        if not descriptions and _text(event, "X-ALT-DESC"):
            descriptions = {ctx.default_lang: html_to_text(_text(event, "X-ALT-DESC"))}
        kind, codes, topics = self._categories(event)
        venue, address, latitude, longitude = self._place(event)
        online_url = _text(event, "X-COLBOT-ONLINE") or _text(event, "CONFERENCE") or None
        ages = values.age_range(_text(event, "X-COLBOT-AGE")) or (None, None)
        min_age, max_age = ctx.ages(ages[0], ages[1], where)
        image = _text(event, "IMAGE") or None
        for attachment in _many(event, "ATTACH"):
            if str(getattr(attachment, "params", {}).get("FMTTYPE", "")).startswith("image/"):
                image = image or str(attachment)
        if kind is None:
            kind = (
                ActivityType.DIGITAL_EXPERIENCE if online_url and not venue else ActivityType.EVENT
            )
        return ctx.build(
            where,
            source_id=uid,
            type=kind,
            titles=titles,
            descriptions=descriptions,
            topics=values.unique(topics),
            competences=ctx.competences(codes, where),
            venue_name=venue,
            address=address,
            latitude=latitude,
            longitude=longitude,
            online=online_url is not None,
            online_url=values.web_url(online_url),
            audience=values.unique(
                [values.topic(a) for a in split_list(_text(event, "X-COLBOT-AUDIENCE"))]
            ),
            min_age=min_age,
            max_age=max_age,
            is_free=values.flag(_text(event, "X-COLBOT-FREE") or None),
            cost=_text(event, "X-COLBOT-COST") or None,
            languages=ctx.languages(split_list(_text(event, "X-COLBOT-LANGUAGES")), where),
            accessibility=_text(event, "X-COLBOT-ACCESSIBILITY") or None,
            image_url=values.web_url(image),
            signup_url=values.web_url(_text(event, "URL")),
            occurrences=occurrences,
        )

    def _localised(self, event: Props, name: str, *, html: bool) -> dict[str, str]:
        found: dict[str, str] = {}
        for prop in _many(event, name):
            raw = str(prop)
            text = html_to_text(raw) if html and _LOOKS_HTML.search(raw) else raw
            text = text.strip() if html else clean_title(text)
            if not text:
                continue
            lang_param = str(getattr(prop, "params", {}).get("LANGUAGE", "") or "")
            lang = values.language(lang_param) if lang_param else None
            found.setdefault(lang or self.ctx.default_lang, text)
        return found
