"""JSON-LD embedded in an HTML page: each `application/ld+json` script is read on its own."""

from __future__ import annotations

from datetime import datetime
from html.parser import HTMLParser
from typing import Any

from catalogue.formats.errors import FeedFormatError
from catalogue.formats.jsonld import load_json, read_documents
from catalogue.formats.prelude import open_text
from catalogue.records import ParseResult


class _ScriptCollector(HTMLParser):
    """Collects (line, text) of every JSON-LD script block."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[tuple[int, str]] = []
        self._current: list[str] | None = None
        self._line = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag != "script":
            return
        kind = (dict(attrs).get("type") or "").split(";", 1)[0].strip().lower()
        if kind == "application/ld+json":
            self._current, self._line = [], self.getpos()[0]

    def handle_data(self, data: str) -> None:
        if self._current is not None:
            self._current.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "script" and self._current is not None:
            self.blocks.append((self._line, "".join(self._current)))
            self._current = None


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
    collector = _ScriptCollector()
    collector.feed(text)
    collector.close()
    if not collector.blocks:
        raise FeedFormatError('the HTML page has no <script type="application/ld+json"> block')
    documents: list[tuple[str, Any]] = []
    first_error: FeedFormatError | None = None
    for line, script in collector.blocks:
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
