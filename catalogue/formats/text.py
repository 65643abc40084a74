"""Decoding bytes and turning publisher markup into plain text."""

from __future__ import annotations

import codecs
import html
import re

_XML_DECLARED = re.compile(rb"""^\s*<\?xml[^>]*encoding\s*=\s*["']([A-Za-z0-9._-]+)["']""")
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([A-Za-z0-9._-]+)""", re.IGNORECASE)
_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_BLOCK_TAGS = frozenset(
    {"br", "p", "div", "ul", "ol", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "section"}
)
_SKIPPED_TAGS = frozenset({"script", "style", "template", "head"})
_SPACES = re.compile(r"[ \t\r\f\v\u00a0]+")
_BLANK_LINES = re.compile(r"\n\s*\n\s*(\n\s*)+")


def decode_text(data: bytes) -> tuple[str, str | None]:
    """Decode a body: BOM, then a declared charset, then UTF-8, then Windows-1252.

    Returns the text and a warning when the encoding had to be guessed.
    """
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return data.decode(encoding, errors="replace"), None
    head = data[:1024]
    declared = _XML_DECLARED.match(head) or _META_CHARSET.search(head)
    if declared:
        name = declared.group(1).decode("ascii")
        try:
            return data.decode(name), None
        except (LookupError, UnicodeDecodeError):
            pass  # A wrong declaration is common; fall through to guessing.
    try:
        return data.decode("utf-8"), None
    except UnicodeDecodeError as error:
        where = data[: error.start].count(b"\n") + 1
    # Publishers on older office software export Windows-1252 without saying so.
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError:
        text = data.decode("latin-1")
    return (
        text,
        f"the body is not valid UTF-8 (first bad byte on line {where}); read as Windows-1252",
    )


# A tag's name and attributes end at the next ">" and never cross a "<", so each attempt to
# read a tag stops at the next "<": the whole scan is linear in the text, whatever it holds
# (the standard library's HTMLParser slows down quadratically on inputs like "<a<a<a...").
_TAG = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9:-]*)(?:[\s/][^<>]*)?>|<[!?][^<>]*>")
MAX_HTML_CHARS = 50_000  # far more than any description shows; the rest is dropped


def html_to_text(fragment: str) -> str:
    """Strip tags from an HTML description, keeping paragraph breaks, as plain text."""
    if "<" not in fragment:
        return tidy_text(html.unescape(fragment))
    fragment = fragment[:MAX_HTML_CHARS]
    parts: list[str] = []
    skipping: set[str] = set()
    position, size = 0, len(fragment)
    while position < size:
        opening = fragment.find("<", position)
        if opening < 0:
            opening = size
        if not skipping:
            parts.append(fragment[position:opening])
        if opening == size:
            break
        if fragment.startswith("<!--", opening):
            closing = fragment.find("-->", opening + 4)
            position = size if closing < 0 else closing + 3
            continue
        tag = _TAG.match(fragment, opening)
        if tag is None:  # a lone "<", as in "a < b": it is text
            if not skipping:
                parts.append("<")
            position = opening + 1
            continue
        position = tag.end()
        name = (tag.group(2) or "").lower()
        if name in _SKIPPED_TAGS:
            (skipping.discard if tag.group(1) else skipping.add)(name)
        elif skipping:
            continue
        elif name in _BLOCK_TAGS:
            parts.append("\n")
        elif name == "li" and not tag.group(1):
            parts.append("\n• ")
    return tidy_text(html.unescape("".join(parts)))


def tidy_text(text: str) -> str:
    """Collapse runs of spaces and blank lines; keep single line breaks."""
    lines = (_SPACES.sub(" ", line).strip() for line in text.replace("\r\n", "\n").split("\n"))
    joined = "\n".join(lines).strip()
    return _BLANK_LINES.sub("\n\n", joined)


def clean_title(text: str) -> str:
    """A title on one line, kept literally: markup stays as text and is escaped on output."""
    return " ".join(text.split())


def split_list(value: str) -> list[str]:
    """Split a comma, semicolon or pipe separated cell into trimmed, non-empty items."""
    return [item.strip() for item in re.split(r"[,;|]", value) if item.strip()]
