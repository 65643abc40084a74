"""schema.org JSON-LD adapter: Event (and subtypes), EducationEvent, Course, CourseInstance.

The activity type comes from `additionalType` when it names a taxonomy type ("workshop",
"https://ns.colbot.example/activity#volunteering"); otherwise Course → course, EducationEvent →
workshop, Hackathon → project, other events → event. Competences come from `teaches` and
`assesses` (DefinedTerm with termCode and inDefinedTermSet, or a URL/code string); keywords
that are competence codes count too.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from datetime import datetime
from typing import Any

from catalogue.formats import recurrence, values
from catalogue.formats.context import ParseContext
from catalogue.formats.errors import FeedFormatError
from catalogue.formats.jsonld_fields import NodeFields
from catalogue.formats.prelude import open_text
from catalogue.formats.schedule import schedule_rule
from catalogue.records import ActivityRecord, ActivityType, OccurrenceRecord, ParseResult

EVENT_TYPES = frozenset(
    {
        "Event",
        "EducationEvent",
        "Festival",
        "TheaterEvent",
        "SocialEvent",
        "ExhibitionEvent",
        "Hackathon",
        "ChildrensEvent",
        "MusicEvent",
        "ScreeningEvent",
        "BusinessEvent",
        "LiteraryEvent",
        "DanceEvent",
        "SportsEvent",
        "VisualArtsEvent",
        "FoodEvent",
        "CourseInstance",
    }
)
COURSE_TYPES = frozenset({"Course"})
_DEFAULT_KIND = {
    "Course": ActivityType.COURSE,
    "CourseInstance": ActivityType.COURSE,
    "EducationEvent": ActivityType.WORKSHOP,
    "Hackathon": ActivityType.PROJECT,
}


def parse(
    data: bytes,
    *,
    now: datetime,
    default_tz: str,
    window_days: int = 120,
    default_lang: str = "und",
) -> ParseResult:
    """Read a JSON-LD document (object, array or @graph) into activity records."""
    text, ctx = open_text(
        data, now=now, default_tz=default_tz, window_days=window_days, default_lang=default_lang
    )
    document = load_json(text, "the JSON")
    return read_documents(ctx, [("", document)])


def load_json(text: str, what: str) -> Any:
    """json.loads with an error naming the line and column."""
    try:
        return json.loads(text.lstrip("\ufeff"))
    except json.JSONDecodeError as error:
        message = error.msg
        if message == "Extra data":
            message = f"unexpected {error.doc[error.pos]!r} after the end of the JSON value"
        raise FeedFormatError(
            f"{what} is not valid: {message} at line {error.lineno}, column {error.colno}"
        ) from None
    except RecursionError:
        raise FeedFormatError(f"{what} is nested too deeply to read") from None


def read_documents(ctx: ParseContext, documents: list[tuple[str, Any]]) -> ParseResult:
    """Records from already-decoded JSON-LD documents, each labelled for warnings."""
    records: list[ActivityRecord] = []
    for label, document in documents:
        nodes = list(_nodes(document))
        index = {str(node["@id"]): node for node in nodes if isinstance(node.get("@id"), str)}
        number = 0
        for node in nodes:
            types = _types(node)
            if not types & (EVENT_TYPES | COURSE_TYPES):
                continue
            number += 1
            where = f"{label}item {number}" + (
                f" ({str(node.get('name'))[:40]!r})" if node.get("name") else ""
            )
            record = _NodeReader(ctx, index, where).read(node, types)
            if record is not None:
                records.append(record)
    return ctx.result(records)


def _types(node: dict[str, Any]) -> set[str]:
    raw = node.get("@type")
    items = raw if isinstance(raw, list) else [raw]
    return {str(item).rsplit("/", 1)[-1].removeprefix("schema:") for item in items if item}


def _nodes(document: Any, depth: int = 0) -> Iterator[dict[str, Any]]:
    """Top-level nodes of a document: itself, an array's members, @graph and ItemList members."""
    if depth > 4:
        return
    if isinstance(document, list):
        for item in document:
            yield from _nodes(item, depth + 1)
    elif isinstance(document, dict):
        if "@graph" in document:
            yield from _nodes(document["@graph"], depth + 1)
            return
        if "ItemList" in _types(document):
            for element in document.get("itemListElement") or []:
                inner = element.get("item", element) if isinstance(element, dict) else element
                yield from _nodes(inner, depth + 1)
            return
        yield document


class _NodeReader:
    """Turns one Event or Course node into a record."""

    def __init__(self, ctx: ParseContext, index: dict[str, dict[str, Any]], where: str) -> None:
        self.ctx, self.where = ctx, where
        self.fields = NodeFields(ctx, index, where)

    def read(self, node: dict[str, Any], types: set[str]) -> ActivityRecord | None:
        ctx, where, fields = self.ctx, self.where, self.fields
        node = fields.deref(node)
        is_course = bool(types & COURSE_TYPES)
        sessions = [fields.deref(item) for item in fields.many(node.get("hasCourseInstance"))]
        sessions = [item for item in sessions if isinstance(item, dict)]
        if not is_course:
            sessions = [node]
        occurrences: list[OccurrenceRecord] = []
        dated = False
        for session in sessions:
            found, had_dates = self._occurrences(session)
            occurrences.extend(found)
            dated = dated or had_dates
        if dated and not occurrences:
            return None  # Every session is past or beyond the window.
        if not is_course and not dated:
            ctx.skip(where, "an event without a usable startDate")
            return None
        place_source = next((s for s in sessions if s.get("location")), node)
        place = fields.place(place_source.get("location"))
        online = place.online or any(
            str(s.get("eventAttendanceMode", "")).endswith(
                ("OnlineEventAttendanceMode", "MixedEventAttendanceMode")
            )
            or str(s.get("courseMode", "")).lower() in {"online", "blended"}
            for s in [node, *sessions]
        )
        languages = fields.languages(node, sessions)
        # A plain-string name is in the activity's language when it has exactly one.
        lang = languages[0] if len(languages) == 1 else None
        titles = fields.texts(node.get("name"), title=True, lang=lang)
        if not titles:
            ctx.skip(where, "no name (title)")
            return None
        kind = fields.kind(node) or _kind_for(types, online, is_course)
        keywords, codes = fields.keywords(node)
        codes.extend(fields.competence_terms(node))
        offer = fields.offer(node)
        free = fields.free(node, offer)
        audience, min_age, max_age = fields.audience(node)
        occurrences.sort(key=lambda item: item.start)
        return ctx.build(
            where,
            source_id=_source_id(node, titles),
            type=kind,
            titles=titles,
            descriptions=fields.texts(node.get("description"), title=False, lang=lang),
            topics=keywords,
            competences=ctx.competences(codes, where),
            venue_name=place.name,
            address=place.address,
            latitude=place.latitude,
            longitude=place.longitude,
            online=online,
            online_url=place.online_url,
            audience=audience,
            min_age=min_age,
            max_age=max_age,
            is_free=free,
            cost=offer.cost,
            languages=languages,
            accessibility=fields.accessibility(node),
            image_url=fields.image(node.get("image")),
            signup_url=values.web_url(offer.url or fields.first_text(node.get("url"))),
            occurrences=tuple(occurrences),
        )

    def _occurrences(self, session: dict[str, Any]) -> tuple[list[OccurrenceRecord], bool]:
        """Occurrences of one event or course instance in the window, and whether it had dates."""
        schedules = [
            s for s in self.fields.many(session.get("eventSchedule")) if isinstance(s, dict)
        ]
        if schedules:
            return [found for schedule in schedules for found in self._scheduled(schedule)], True
        return self._single(session)

    def _scheduled(self, schedule: dict[str, Any]) -> list[OccurrenceRecord]:
        """Sessions of a repeating Schedule inside the window."""
        ctx, where = self.ctx, self.where
        zone = ctx.zone_for(str(schedule.get("scheduleTimezone") or ""), where)
        rule = schedule_rule(schedule, zone)
        if isinstance(rule, str):
            ctx.warn(where, rule)
            return []
        start, length, text, exceptions = rule
        if not ctx.sane(start, where, "eventSchedule startDate"):
            return []
        expansion = recurrence.expand(
            start,
            length,
            rules=[text],
            exdates=exceptions,
            window_start=ctx.window_start,
            window_end=ctx.window_end,
        )
        for warning in expansion.warnings:
            ctx.warn(where, warning)
        if expansion.lossy:
            ctx.complete = False
        found = (
            ctx.occurrence(begin, begin + length if length else None, zone.key)
            for begin in expansion.starts
        )
        return [occurrence for occurrence in found if occurrence is not None]

    def _single(self, session: dict[str, Any]) -> tuple[list[OccurrenceRecord], bool]:
        """The one session given by startDate/endDate (or duration)."""
        ctx, where, zone = self.ctx, self.where, self.ctx.zone
        found: list[OccurrenceRecord] = []
        start_text = self.fields.first_text(session.get("startDate"))
        if not start_text:
            return found, False
        start = values.when(start_text)
        if start is None:
            ctx.warn(where, f"startDate {start_text!r} is not a date")
            return found, False
        end_text = self.fields.first_text(session.get("endDate"))
        end = values.when(end_text) if end_text else None
        span = ctx.span(start, end, zone, where)
        if span is None:
            return found, False
        begin, finish, all_day = span
        if finish is None and session.get("duration"):
            length = values.duration(str(session["duration"]))
            finish = begin + length if length else None
        tz_name = zone.key
        if (
            isinstance(start, datetime)
            and start.tzinfo
            and start.utcoffset() != zone.utcoffset(start.replace(tzinfo=None))
        ):
            tz_name = "UTC"  # The offset does not match the city zone; show it neutrally.
        occurrence = ctx.occurrence(begin, finish, tz_name, all_day=all_day)
        if occurrence is not None:
            found.append(occurrence)
        return found, True


def _kind_for(types: set[str], online: bool, is_course: bool) -> ActivityType:
    if is_course:
        return ActivityType.COURSE
    for name, kind in _DEFAULT_KIND.items():
        if name in types:
            return kind
    return ActivityType.EVENT


def _source_id(node: dict[str, Any], titles: dict[str, str]) -> str:
    for key in ("@id", "identifier", "url"):
        value = node.get(key)
        if isinstance(value, dict):
            value = value.get("value") or value.get("@id")
        if isinstance(value, str | int) and str(value).strip():
            return str(value).strip()
    basis = "|".join(sorted(titles.values())) + "|" + str(node.get("startDate", ""))
    return "hash-" + hashlib.sha256(basis.encode("utf-8")).hexdigest()[:16]
