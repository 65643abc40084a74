"""RSS 2.0 and Atom adapter, reading with feedparser from bytes only.

Event dates come from the RSS event module (`ev:startdate`, `ev:enddate`, `ev:location`) or from
elements in the namespace `https://ns.colbot.example/activity` (any prefix): start, end, timezone,
type, competences, audience, age, free, cost, languages, accessibility, venue, address, lat, lon,
online, signup, image, title_<lang>, description_<lang>. Categories whose scheme/domain is
"competence" or whose term is a competence code become competences; scheme "type" sets the type.
Items without an event date are open offers (open spaces or digital experiences).
"""

from __future__ import annotations

import hashlib
import io
from datetime import datetime
from typing import Any

import feedparser

from catalogue.formats import values
from catalogue.formats.context import ParseContext
from catalogue.formats.errors import FeedFormatError, MalformedXMLError
from catalogue.formats.prelude import open_text
from catalogue.formats.safety import (
    parse_xml_safely,
    refuse_entities,
    xml_as_utf8,
)
from catalogue.formats.text import clean_title, html_to_text, split_list, tidy_text
from catalogue.records import ActivityRecord, ActivityType, OccurrenceRecord, ParseResult

ACTIVITY_NS = "https://ns.colbot.example/activity"
_FEED_ROOTS = frozenset({"rss", "feed", "RDF"})
_HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})


def parse(
    data: bytes,
    *,
    now: datetime,
    default_tz: str,
    window_days: int = 120,
    default_lang: str = "und",
) -> ParseResult:
    """Read an RSS or Atom document into activity records."""
    text, ctx = open_text(
        data, now=now, default_tz=default_tz, window_days=window_days, default_lang=default_lang
    )
    refuse_entities(text)
    body = xml_as_utf8(text)
    malformed: MalformedXMLError | None = None
    try:
        root = parse_xml_safely(body)
    except MalformedXMLError as error:
        malformed = error
    else:
        local_name = root.tag.rsplit("}", 1)[-1]
        if local_name not in _FEED_ROOTS:
            raise FeedFormatError(
                f"this XML is not an RSS or Atom feed (root element <{local_name}>)"
            )
    # A file-like object: feedparser treats a str (and even bytes) as a possible URL or path.
    parsed = feedparser.parse(io.BytesIO(body), sanitize_html=False, resolve_relative_uris=False)
    if malformed is not None:
        if not parsed.entries:
            raise malformed
        ctx.complete = False
        ctx.warn("", f"{malformed}; read leniently, some items may be missing")
    prefix = next((p for p, uri in parsed.namespaces.items() if uri == ACTIVITY_NS), None)
    feed_lang = values.language(str(parsed.feed.get("language") or "")) or default_lang
    reader = _ItemReader(ctx, prefix, feed_lang, str(parsed.get("version", "")).startswith("atom"))
    records = [reader.read(index, entry) for index, entry in enumerate(parsed.entries, 1)]
    return ctx.result(record for record in records if record is not None)


class _ItemReader:
    """Turns one feedparser entry into a record."""

    def __init__(self, ctx: ParseContext, prefix: str | None, feed_lang: str, atom: bool) -> None:
        self.ctx, self.prefix, self.feed_lang = ctx, prefix, feed_lang
        # Atom says when a title is HTML; RSS titles are taken literally because feedparser's
        # guess would strip markup a publisher meant as text.
        self.atom = atom

    def custom(self, entry: Any, name: str) -> str:
        """Text of one element in the activity namespace."""
        if self.prefix is None:
            return ""
        key = f"{self.prefix}_{name}" if self.prefix else name
        return str(entry.get(key) or "").strip()

    def read(self, index: int, entry: Any) -> ActivityRecord | None:
        ctx = self.ctx
        title_raw = str(entry.get("title") or "")
        where = f"item {index}" + (f" ({clean_title(title_raw)[:40]!r})" if title_raw else "")
        detail = entry.get("title_detail") or {}
        lang = values.language(str(detail.get("language") or "")) or self.feed_lang
        is_html = self.atom and detail.get("type") in _HTML_TYPES
        title = html_to_text(title_raw) if is_html else title_raw
        titles = {lang: clean_title(title)} if clean_title(title) else {}
        descriptions = self._descriptions(entry, lang)
        for key in entry:
            for kind, target in (("title_", titles), ("description_", descriptions)):
                head = f"{self.prefix}_{kind}" if self.prefix else None
                if head and key.startswith(head):
                    code = values.language(key[len(head) :])
                    text = str(entry[key]).strip()
                    if code and text:
                        target[code] = clean_title(text) if kind == "title_" else tidy_text(text)
        if not titles:
            ctx.skip(where, "no title")
            return None
        source_id = str(entry.get("id") or entry.get("link") or "").strip()
        if not source_id:
            source_id = "hash-" + hashlib.sha256(title_raw.encode()).hexdigest()[:16]
            ctx.warn(where, "no guid/id or link; using a hash of the title as its id")
        keep, occurrence = self._occurrence(entry, where)
        if not keep:
            return None
        return self._record(entry, where, source_id, titles, descriptions, occurrence)

    def _descriptions(self, entry: Any, lang: str) -> dict[str, str]:
        content = entry.get("content") or []
        detail = content[0] if content else entry.get("summary_detail")
        if not detail:
            return {}
        raw = str(detail.get("value") or "")
        text = html_to_text(raw) if detail.get("type") in _HTML_TYPES else tidy_text(raw)
        code = values.language(str(detail.get("language") or "")) or lang
        return {code: text} if text else {}

    def _occurrence(self, entry: Any, where: str) -> tuple[bool, OccurrenceRecord | None]:
        """(keep the item, its dated session): undated offers are kept without a session."""
        start_text = str(entry.get("ev_startdate") or self.custom(entry, "start") or "")
        if not start_text:
            return True, None
        end_text = str(entry.get("ev_enddate") or self.custom(entry, "end") or "")
        zone = self.ctx.zone_for(self.custom(entry, "timezone"), where)
        start = values.when(start_text)
        if start is None:
            self.ctx.skip(where, f"start date {start_text!r} is not a date")
            return False, None
        end = values.when(end_text) if end_text else None
        if end_text and end is None:
            self.ctx.warn(where, f"end date {end_text!r} is not a date; ignored")
        span = self.ctx.span(start, end, zone, where)
        if span is None:
            self.ctx.skip(where, "no usable start date")
            return False, None
        occurrence = self.ctx.occurrence(span[0], span[1], zone.key, all_day=span[2])
        # A session outside the window leaves the item out of this sync.
        return occurrence is not None, occurrence

    def _record(
        self,
        entry: Any,
        where: str,
        source_id: str,
        titles: dict[str, str],
        descriptions: dict[str, str],
        occurrence: OccurrenceRecord | None,
    ) -> ActivityRecord | None:
        ctx = self.ctx
        kind = values.activity_type(self.custom(entry, "type") or str(entry.get("ev_type") or ""))
        topics: list[str] = []
        codes = split_list(self.custom(entry, "competences"))
        for tag in entry.get("tags") or []:
            term, scheme = str(tag.get("term") or "").strip(), str(tag.get("scheme") or "")
            scheme = scheme.lower().rstrip("/").rsplit("/", 1)[-1]
            if scheme == "type":
                kind = kind or values.activity_type(term)
            elif scheme in {"competence", "competences"} or values.looks_like_competence(term):
                codes.append(term)
            elif term:
                topics.append(values.topic(term))
        latitude, longitude = self._coordinates(entry, where)
        venue = self.custom(entry, "venue") or str(entry.get("ev_location") or "").strip() or None
        online_url = self.custom(entry, "online") or None
        if kind is None:
            if occurrence is not None:
                kind = ActivityType.EVENT
            elif venue or latitude is not None:
                kind = ActivityType.OPEN_SPACE
            else:
                kind = ActivityType.DIGITAL_EXPERIENCE
        ages = values.age_range(self.custom(entry, "age")) or (None, None)
        min_age, max_age = ctx.ages(ages[0], ages[1], where)
        return ctx.build(
            where,
            source_id=source_id,
            type=kind,
            titles=titles,
            descriptions=descriptions,
            topics=values.unique(topics),
            competences=ctx.competences(codes, where),
            venue_name=venue,
            address=self.custom(entry, "address") or None,
            latitude=latitude,
            longitude=longitude,
            online=bool(online_url) or kind is ActivityType.DIGITAL_EXPERIENCE,
            online_url=values.web_url(online_url),
            audience=values.unique(
                [values.topic(a) for a in split_list(self.custom(entry, "audience"))]
            ),
            min_age=min_age,
            max_age=max_age,
            is_free=values.flag(self.custom(entry, "free") or None),
            cost=self.custom(entry, "cost") or None,
            languages=ctx.languages(split_list(self.custom(entry, "languages")), where),
            accessibility=self.custom(entry, "accessibility") or None,
            image_url=values.web_url(self._image(entry)),
            signup_url=values.web_url(
                self.custom(entry, "signup") or str(entry.get("link") or "")
            ),
            occurrences=(occurrence,) if occurrence is not None else (),
        )

    def _coordinates(self, entry: Any, where: str) -> tuple[float | None, float | None]:
        point = entry.get("where") or {}
        coordinates = point.get("coordinates") if point.get("type") == "Point" else None
        if coordinates:
            return self.ctx.coordinates(coordinates[1], coordinates[0], where)
        lat = self.custom(entry, "lat") or str(entry.get("geo_lat") or "")
        lon = self.custom(entry, "lon") or str(entry.get("geo_long") or "")
        return self.ctx.coordinates(lat or None, lon or None, where)

    def _image(self, entry: Any) -> str | None:
        custom = self.custom(entry, "image")
        if custom:
            return custom
        for link in entry.get("links") or []:
            if link.get("rel") == "enclosure" and str(link.get("type", "")).startswith("image/"):
                return str(link.get("href"))
        for thumbnail in entry.get("media_thumbnail") or []:
            if thumbnail.get("url"):
                return str(thumbnail["url"])
        return None
