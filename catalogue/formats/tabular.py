"""CSV adapter for the partner template described in catalogue/samples/README.md.

One row per session; rows sharing an id are sessions of one activity and the first row's details
win. Separators `,` or `;` are sniffed; UTF-8 (with or without BOM) or Windows-1252.
"""

from __future__ import annotations

import csv
import io
from datetime import datetime
from typing import Any

from catalogue.formats import values
from catalogue.formats.context import ParseContext, require_bytes
from catalogue.formats.errors import FeedFormatError
from catalogue.formats.safety import check_size, refuse_locator
from catalogue.formats.text import clean_title, html_to_text, split_list
from catalogue.records import ActivityRecord, ActivityType, OccurrenceRecord, ParseResult

REQUIRED_COLUMNS = ("id", "title", "start")
OPTIONAL_COLUMNS = (
    "title_<lang>",
    "description",
    "description_<lang>",
    "end",
    "timezone",
    "venue",
    "address",
    "lat",
    "lon",
    "type",
    "topics",
    "competences",
    "free",
    "cost",
    "online",
    "link",
    "signup",
    "languages",
    "min_age",
    "max_age",
    "audience",
    "accessibility",
    "image",
)
_ALIASES = {"latitude": "lat", "longitude": "lon", "lng": "lon", "url": "signup", "name": "title"}
_MAX_FIELD = 100_000


def parse(
    data: bytes,
    *,
    now: datetime,
    default_tz: str,
    window_days: int = 120,
    default_lang: str = "und",
) -> ParseResult:
    """Read a CSV file in the partner template into activity records."""
    data = require_bytes(data)
    check_size(data)
    refuse_locator(data)
    ctx = ParseContext(now, default_tz, window_days, default_lang)
    text = _decode(data, ctx)
    if not text.strip():
        raise FeedFormatError("the CSV file is empty")
    header_line = text.lstrip().split("\n", 1)[0]
    delimiter = ";" if header_line.count(";") > header_line.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = [_column(name) for name in next(reader)]
    except (csv.Error, StopIteration) as error:
        raise FeedFormatError(f"line 1: the CSV header could not be read ({error})") from None
    missing = [name for name in REQUIRED_COLUMNS if name not in header]
    if missing:
        raise FeedFormatError(
            f"line 1: the CSV header is missing required column(s) {', '.join(missing)} "
            f"(found: {', '.join(name for name in header if name) or 'nothing'})"
        )
    rows: dict[str, tuple[int, dict[str, str], list[OccurrenceRecord], bool]] = {}
    line = 1
    while True:
        start_line = line + 1
        try:
            cells = next(reader)
        except StopIteration:
            break
        except csv.Error as error:
            ctx.skip(f"line {reader.line_num}", f"the row could not be read ({error})")
            line = reader.line_num
            continue
        line = reader.line_num
        if not any(cell.strip() for cell in cells):
            continue
        _read_row(ctx, rows, header, cells, start_line)
    records = [
        _record(ctx, line_no, row, sessions, dated)
        for line_no, row, sessions, dated in rows.values()
    ]
    return ctx.result(record for record in records if record is not None)


def _decode(data: bytes, ctx: ParseContext) -> str:
    from catalogue.formats.text import decode_text

    text, warning = decode_text(data)
    if warning:
        ctx.warn("", warning)
    return text.lstrip("\ufeff").replace("\r\n", "\n")


def _column(name: str) -> str:
    key = "_".join(name.strip().lstrip("\ufeff").lower().split())
    return _ALIASES.get(key, key)


def _read_row(
    ctx: ParseContext,
    rows: dict[str, tuple[int, dict[str, str], list[OccurrenceRecord], bool]],
    header: list[str],
    cells: list[str],
    line: int,
) -> None:
    where = f"line {line}"
    if len(cells) > len(header):
        ctx.warn(where, f"{len(cells) - len(header)} more cells than columns; extra cells ignored")
    row = {name: cells[i].strip()[:_MAX_FIELD] for i, name in enumerate(header) if i < len(cells)}
    source_id = row.get("id", "")
    if not source_id:
        ctx.skip(where, "the id cell is empty")
        return
    if source_id not in rows and not clean_title(row.get("title", "")):
        ctx.skip(where, "the title cell is empty")
        return
    zone = ctx.zone_for(row.get("timezone"), where)
    occurrence: OccurrenceRecord | None = None
    dated = bool(row.get("start"))
    if dated:
        start = values.when(row["start"])
        if start is None:
            ctx.skip(where, f"start {row['start']!r} is not a date (use 2026-12-31 18:00)")
            return
        end = values.when(row.get("end", "")) if row.get("end") else None
        if row.get("end") and end is None:
            ctx.warn(where, f"end {row['end']!r} is not a date; ignored")
        span = ctx.span(start, end, zone, where)
        if span is None:
            ctx.skip(where, "no usable start date")
            return
        occurrence = ctx.occurrence(span[0], span[1], zone.key, all_day=span[2])
    if source_id in rows:
        rows[source_id][2].extend([occurrence] if occurrence else [])
        return
    rows[source_id] = (line, row, [occurrence] if occurrence else [], dated)


def _record(
    ctx: ParseContext,
    line: int,
    row: dict[str, str],
    sessions: list[OccurrenceRecord],
    dated: bool,
) -> ActivityRecord | None:
    if dated and not sessions:
        return None  # All its sessions are past or beyond the window.
    where = f"line {line}"
    titles = {ctx.default_lang: clean_title(row["title"])}
    descriptions: dict[str, str] = {}
    if row.get("description"):
        descriptions[ctx.default_lang] = html_to_text(row["description"])
    for key, value in row.items():
        for prefix, target in (("title_", titles), ("description_", descriptions)):
            if key.startswith(prefix) and value:
                code = values.language(key[len(prefix) :])
                if code:
                    target[code] = (
                        clean_title(value) if prefix == "title_" else html_to_text(value)
                    )
    kind = values.activity_type(row.get("type"))
    if row.get("type") and kind is None:
        ctx.warn(where, f"unknown type {row['type']!r}; using a default")
    latitude, longitude = ctx.coordinates(row.get("lat"), row.get("lon"), where)
    online_url = values.web_url(row.get("link"))
    online = values.flag(row.get("online")) or bool(online_url)
    if kind is None:
        if dated:
            kind = ActivityType.EVENT
        else:
            kind = ActivityType.DIGITAL_EXPERIENCE if online else ActivityType.OPEN_SPACE
    min_age, max_age = ctx.ages(row.get("min_age"), row.get("max_age"), where)
    topics: list[str] = []
    codes = split_list(row.get("competences", ""))
    for item in split_list(row.get("topics", "")):
        (codes if values.looks_like_competence(item) else topics).append(item)
    fields: dict[str, Any] = {
        "source_id": row["id"],
        "type": kind,
        "titles": titles,
        "descriptions": descriptions,
        "topics": values.unique([values.topic(item) for item in topics]),
        "competences": ctx.competences(codes, where),
        "venue_name": clean_title(row.get("venue", "")) or None,
        "address": clean_title(row.get("address", "")) or None,
        "latitude": latitude,
        "longitude": longitude,
        "online": online,
        "online_url": online_url,
        "audience": values.unique([values.topic(a) for a in split_list(row.get("audience", ""))]),
        "min_age": min_age,
        "max_age": max_age,
        "is_free": values.flag(row.get("free")),
        "cost": row.get("cost") or None,
        "languages": ctx.languages(split_list(row.get("languages", "")), where),
        "accessibility": row.get("accessibility") or None,
        "image_url": values.web_url(row.get("image")),
        "signup_url": values.web_url(row.get("signup")),
        "occurrences": tuple(sorted(sessions, key=lambda item: item.start)),
    }
    return ctx.build(where, **fields)
