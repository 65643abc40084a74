"""JSON-LD embedded in an HTML page: each `application/ld+json` script is read on its own."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from catalogue.formats.errors import FeedFormatError
from catalogue.formats.jsonld import load_json, read_documents
from catalogue.formats.prelude import open_text
from catalogue.records import ParseResult

_SCRIPT_START = re.compile(r"<script", re.IGNORECASE)
_SCRIPT_END = re.compile(r"</script", re.IGNORECASE)
_SCRIPT_OPEN = re.compile(r"<script\b([^<>]*)>", re.IGNORECASE)
_TYPE = re.compile(r"""\btype\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+))""", re.IGNORECASE)


def _scripts(page: str) -> list[tuple[int, str]]:
    """(line, text) of every JSON-LD script block, read in one linear pass over the page."""
    # Searched case-insensitively in the page itself: page.lower() may change the text's
    # length ("İ" lowers to two characters), so its offsets would not fit the page.
    blocks: list[tuple[int, str]] = []
    position, line = 0, 1
    while (found := _SCRIPT_START.search(page, position)) is not None:
        start = found.start()
        line += page.count("\n", position, start)
        position = found.end()
        opening = _SCRIPT_OPEN.match(page, start)
        if opening is None:
            continue
        end = _SCRIPT_END.search(page, opening.end())
        body_end = len(page) if end is None else end.start()
        kind = _TYPE.search(opening.group(1))
        declared = next((g for g in kind.groups() if g is not None), "") if kind else ""
        if declared.split(";", 1)[0].strip().lower() == "application/ld+json":
            blocks.append((line, page[opening.end() : body_end]))
        line += page.count("\n", start, body_end)
        position = body_end
    return blocks


def _unwrap(script: str) -> str:
    """Drop the comment or CDATA wrappers some CMSs put around script bodies."""
    text = script.strip()
    for opening, closing in (("<!--", "-->"), ("//<![CDATA[", "//]]>"), ("<![CDATA[", "]]>")):
        if text.startswith(opening) and text.endswith(closing):
            text = text[len(opening) : -len(closing)].strip()
    return text


def parse(
    data: bytes,
    *,
    now: datetime,
    default_tz: str,
    window_days: int = 120,
    default_lang: str = "und",
) -> ParseResult:
    """Read the JSON-LD blocks of an HTML page; a broken block is skipped with a warning."""
    text, ctx = open_text(
        data, now=now, default_tz=default_tz, window_days=window_days, default_lang=default_lang
    )
    blocks = _scripts(text)
    if not blocks:
        raise FeedFormatError('the HTML page has no <script type="application/ld+json"> block')
    documents: list[tuple[str, Any]] = []
    first_error: FeedFormatError | None = None
    for line, script in blocks:
        what = f"the JSON-LD script starting on line {line}"
        try:
            documents.append((f"script on line {line}, ", load_json(_unwrap(script), what)))
        except FeedFormatError as error:
            first_error = first_error or error
            ctx.complete = False
            ctx.warn("", f"{error}; that script was skipped")
    if not documents and first_error is not None:
        raise first_error
    return read_documents(ctx, documents)
