"""Feed format adapters: bytes in, normalised activity records out.

Every adapter has the same signature, `parse(data, *, now, default_tz, window_days=120,
default_lang="und") -> ParseResult`, and is never handed a URL or a path.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime
from enum import StrEnum

from catalogue.formats import html, ical, jsonld, syndication, tabular
from catalogue.formats.context import require_bytes
from catalogue.formats.errors import (
    FeedError,
    FeedFormatError,
    FeedTooLargeError,
    MalformedXMLError,
    UnsafeFeedError,
)
from catalogue.formats.safety import MAX_FEED_BYTES, check_size, refuse_locator
from catalogue.records import ParseResult

__all__ = [
    "MAX_FEED_BYTES",
    "FeedError",
    "FeedFormatError",
    "FeedTooLargeError",
    "Format",
    "MalformedXMLError",
    "UnsafeFeedError",
    "detect_format",
    "parse_feed",
]


class Format(StrEnum):
    """Feed formats a partner can publish."""

    ICAL = "ical"
    RSS = "rss"
    ATOM = "atom"
    JSONLD = "jsonld"
    HTML = "html"
    CSV = "csv"


Parser = Callable[..., ParseResult]
PARSERS: dict[Format, Parser] = {
    Format.ICAL: ical.parse,
    Format.RSS: syndication.parse,
    Format.ATOM: syndication.parse,
    Format.JSONLD: jsonld.parse,
    Format.HTML: html.parse,
    Format.CSV: tabular.parse,
}
_CONTENT_TYPES = {
    "text/calendar": Format.ICAL,
    "application/ics": Format.ICAL,
    "text/x-vcalendar": Format.ICAL,
    "application/rss+xml": Format.RSS,
    "application/rdf+xml": Format.RSS,
    "application/atom+xml": Format.ATOM,
    "application/ld+json": Format.JSONLD,
    "application/json": Format.JSONLD,
    "text/html": Format.HTML,
    "application/xhtml+xml": Format.HTML,
    "text/csv": Format.CSV,
    "application/csv": Format.CSV,
    "text/comma-separated-values": Format.CSV,
}
_XML_ROOT = re.compile(rb"<(?:[A-Za-z0-9_-]+:)?(rss|RDF|feed|html)[\s>]", re.IGNORECASE)


def detect_format(data: bytes, content_type: str | None = None) -> Format:
    """The format named by the content type, or else the one the bytes look like."""
    if content_type:
        media = content_type.split(";", 1)[0].strip().lower()
        if media in _CONTENT_TYPES:
            return _CONTENT_TYPES[media]
    head = data[:4096].lstrip(b"\xef\xbb\xbf \t\r\n")
    if head[:15].upper().startswith(b"BEGIN:VCALENDAR"):
        return Format.ICAL
    if head[:1] in (b"{", b"["):
        return Format.JSONLD
    if head[:1] == b"<":
        lowered = head.lower()
        if lowered.startswith((b"<!doctype html", b"<html")):
            return Format.HTML
        root = _XML_ROOT.search(head)
        if root:
            name = root.group(1).lower()
            return {b"rss": Format.RSS, b"rdf": Format.RSS, b"feed": Format.ATOM}.get(
                name, Format.HTML
            )
        raise FeedFormatError("the XML is neither an RSS nor an Atom feed nor an HTML page")
    first_line = head.split(b"\n", 1)[0]
    if b"," in first_line or b";" in first_line:
        return Format.CSV
    raise FeedFormatError(
        "the format could not be recognised (expected iCalendar, RSS, Atom, JSON-LD, HTML or CSV)"
    )


def parse_feed(
    data: bytes,
    fmt: Format | str = "auto",
    content_type: str | None = None,
    *,
    now: datetime,
    default_tz: str,
    window_days: int = 120,
    default_lang: str = "und",
    max_bytes: int = MAX_FEED_BYTES,
) -> ParseResult:
    """Check size and shape, pick the adapter (or detect it) and parse."""
    data = require_bytes(data)
    check_size(data, max_bytes)
    refuse_locator(data)
    if fmt == "auto":
        chosen = detect_format(data, content_type)
    else:
        try:
            chosen = Format(fmt)
        except ValueError:
            names = ", ".join(item.value for item in Format)
            raise FeedFormatError(f"unknown feed format {fmt!r}; use one of {names}") from None
    return PARSERS[chosen](
        data, now=now, default_tz=default_tz, window_days=window_days, default_lang=default_lang
    )
