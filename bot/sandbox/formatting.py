"""Telegram's text formatting rules: HTML parse mode, automatic entities, length in UTF-16."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from bot.sandbox.errors import ApiError, bad_request

_SIMPLE_TAGS = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "tg-spoiler": "spoiler",
    "code": "code",
    "pre": "pre",
    "blockquote": "blockquote",
}
_OTHER_TAGS = {"a", "span", "tg-emoji"}
_TAG_NAME = re.compile(r"[A-Za-z][A-Za-z0-9-]*")
_ATTRIBUTE = re.compile(r"""\s*([A-Za-z-]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>"']+)))?""")
_CHAR_REF = re.compile(r"&(#[0-9]{1,7}|#x[0-9A-Fa-f]{1,6}|[A-Za-z]+);")
_NAMED_REFS = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}

_AUTO_PATTERNS = (
    ("url", re.compile(r"\bhttps?://[^\s<>\"']+[^\s<>\"'.,;:!?)\]]")),
    ("email", re.compile(r"(?<![\w.+-])[\w.+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")),
    (
        "bot_command",
        re.compile(r"(?<![\w/])/[A-Za-z0-9_]{1,32}(?:@[A-Za-z][A-Za-z0-9_]{2,31})?(?![\w/])"),
    ),
    ("mention", re.compile(r"(?<![\w@.])@[A-Za-z][A-Za-z0-9_]{3,31}\b(?!@)")),
    ("hashtag", re.compile(r"(?<![\w#])#\w*[^\W\d]\w*")),
)
# Telegram does not look for links or commands inside these entities.
_OPAQUE = {"code", "pre", "text_link", "url", "email"}


class ParseError(Exception):
    """An HTML text that Telegram refuses with "can't parse entities"."""


def utf16_len(text: str) -> int:
    """Length of ``text`` in UTF-16 code units, the unit of Telegram's entity offsets."""
    return len(text.encode("utf-16-le")) // 2


@dataclass
class _Open:
    name: str
    start: int
    byte_offset: int
    entity: dict[str, Any] | None


class _HtmlParser:
    """A strict reader of Telegram's HTML subset that yields plain text and entities."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.pieces: list[str] = []
        self.length16 = 0
        self.stack: list[_Open] = []
        self.entities: list[dict[str, Any]] = []

    def _byte_offset(self, index: int) -> int:
        return len(self.source[:index].encode())

    def _emit(self, text: str) -> None:
        self.pieces.append(text)
        self.length16 += utf16_len(text)

    def _emit_text(self, raw: str) -> None:
        self._emit(_CHAR_REF.sub(_char_ref, raw))

    def parse(self) -> tuple[str, list[dict[str, Any]]]:
        source = self.source
        index = 0
        while index < len(source):
            lt = source.find("<", index)
            if lt == -1:
                self._emit_text(source[index:])
                break
            self._emit_text(source[index:lt])
            index = self._end_tag(lt) if source.startswith("</", lt) else self._start_tag(lt)
        if self.stack:
            name = self.stack[-1].name
            raise ParseError(f'Can\'t find end tag corresponding to start tag "{name}"')
        return "".join(self.pieces), self.entities

    def _start_tag(self, lt: int) -> int:
        source = self.source
        match = _TAG_NAME.match(source, lt + 1)
        offset = self._byte_offset(lt)
        if match is None:
            shown = re.split(r"[\s>]", source[lt + 1 :], maxsplit=1)[0]
            raise ParseError(f'Unsupported start tag "{shown}" at byte offset {offset}')
        name = match.group(0).lower()
        if name not in _SIMPLE_TAGS and name not in _OTHER_TAGS:
            raise ParseError(f'Unsupported start tag "{name}" at byte offset {offset}')
        close = source.find(">", match.end())
        if close == -1:
            raise ParseError(f"Unclosed start tag at byte offset {offset}")
        attributes = _attributes(source[match.end() : close].rstrip("/"))
        entity = self._entity_for(name, attributes, offset)
        self.stack.append(_Open(name, self.length16, offset, entity))
        return close + 1

    def _entity_for(
        self, name: str, attributes: dict[str, str], offset: int
    ) -> dict[str, Any] | None:
        if name == "a":
            href = attributes.get("href")
            if not href:
                return None
            user = re.fullmatch(r"tg://user\?id=(\d+)", href)
            if user:
                return {"type": "text_mention", "user": {"id": int(user.group(1))}}
            return {"type": "text_link", "url": href}
        if name == "span":
            if attributes.get("class") != "tg-spoiler":
                raise ParseError(
                    f'Tag "span" must have class "tg-spoiler" at byte offset {offset}'
                )
            return {"type": "spoiler"}
        if name == "tg-emoji":
            emoji_id = attributes.get("emoji-id")
            if not emoji_id:
                raise ParseError(
                    f'Tag "tg-emoji" must have attribute "emoji-id" at byte offset {offset}'
                )
            return {"type": "custom_emoji", "custom_emoji_id": emoji_id}
        kind = _SIMPLE_TAGS[name]
        if name == "blockquote" and "expandable" in attributes:
            kind = "expandable_blockquote"
        entity: dict[str, Any] = {"type": kind}
        language = attributes.get("class", "")
        if name == "code" and language.startswith("language-"):
            outer = self.stack[-1] if self.stack else None
            if outer is not None and outer.entity is not None and outer.name == "pre":
                outer.entity["language"] = language.removeprefix("language-")
        return entity

    def _end_tag(self, lt: int) -> int:
        source = self.source
        offset = self._byte_offset(lt)
        close = source.find(">", lt)
        if close == -1:
            raise ParseError(f"Unclosed end tag at byte offset {offset}")
        name = source[lt + 2 : close].strip().lower()
        if not self.stack:
            raise ParseError(f"Unexpected end tag at byte offset {offset}")
        top = self.stack.pop()
        if name != top.name:
            raise ParseError(
                f'Unmatched end tag at byte offset {offset}, expected "</{top.name}>", '
                f'found "</{name}>"'
            )
        length = self.length16 - top.start
        if top.entity is not None and length > 0:
            if top.entity["type"] == "code" and self._inside_pre():
                return close + 1
            self.entities.append({**top.entity, "offset": top.start, "length": length})
        return close + 1

    def _inside_pre(self) -> bool:
        return any(item.name == "pre" for item in self.stack)


def _attributes(text: str) -> dict[str, str]:
    found: dict[str, str] = {}
    for match in _ATTRIBUTE.finditer(text):
        if not match.group(0).strip():
            continue
        value = next((g for g in match.groups()[1:] if g is not None), "")
        found[match.group(1).lower()] = _CHAR_REF.sub(_char_ref, value)
    return found


def _char_ref(match: re.Match[str]) -> str:
    ref = match.group(1)
    if ref.startswith("#x"):
        return chr(int(ref[2:], 16)) if int(ref[2:], 16) < 0x110000 else match.group(0)
    if ref.startswith("#"):
        return chr(int(ref[1:])) if int(ref[1:]) < 0x110000 else match.group(0)
    return _NAMED_REFS.get(ref.lower(), match.group(0))


def parse_html(source: str) -> tuple[str, list[dict[str, Any]]]:
    """Turn Telegram HTML into plain text and entities, or raise ``ParseError``."""
    return _HtmlParser(source).parse()


def detect_entities(
    text: str, existing: list[dict[str, Any]] | None = None
) -> list[dict[str, Any]]:
    """Entities Telegram adds by itself: links, e-mails, commands, mentions, hashtags."""
    taken: list[tuple[int, int]] = [
        (e["offset"], e["offset"] + e["length"]) for e in existing or [] if e["type"] in _OPAQUE
    ]
    found: list[dict[str, Any]] = []
    for kind, pattern in _AUTO_PATTERNS:
        for match in pattern.finditer(text):
            start = utf16_len(text[: match.start()])
            end = start + utf16_len(match.group(0))
            if any(start < stop and end > begin for begin, stop in taken):
                continue
            taken.append((start, end))
            found.append({"type": kind, "offset": start, "length": end - start})
    return found


def _strip(text: str, entities: list[dict[str, Any]]) -> tuple[str, list[dict[str, Any]]]:
    """Trim surrounding whitespace as Telegram does, moving entities along."""
    lead = utf16_len(text[: len(text) - len(text.lstrip())])
    stripped = text.strip()
    total = utf16_len(stripped)
    kept = []
    for entity in entities:
        start = max(entity["offset"] - lead, 0)
        end = min(entity["offset"] + entity["length"] - lead, total)
        if end > start:
            kept.append({**entity, "offset": start, "length": end - start})
    return stripped, kept


def format_text(
    text: str,
    parse_mode: str | None,
    entities: list[dict[str, Any]] | None,
    *,
    limit: int,
    too_long: str,
    empty: str | None,
) -> tuple[str, list[dict[str, Any]]]:
    """Apply a parse mode and Telegram's checks; return final text and sorted entities."""
    manual: list[dict[str, Any]] = list(entities or [])
    mode = (parse_mode or "").lower()
    if mode == "html":
        try:
            text, manual = parse_html(text)
        except ParseError as exc:
            raise bad_request(f"can't parse entities: {exc}") from None
    elif mode not in ("", "markdown", "markdownv2"):
        raise bad_request("unsupported parse_mode")
    text, manual = _strip(text, manual)
    if not text and empty is not None:
        raise bad_request(empty)
    if len(text) > limit:
        raise bad_request(too_long)
    combined = manual + detect_entities(text, manual)
    combined.sort(key=lambda e: (e["offset"], -e["length"]))
    return text, combined


def check_entities(value: Any) -> list[dict[str, Any]] | None:
    """Validate an ``entities`` parameter the way the Bot API does, loosely."""
    if value is None:
        return None
    if not isinstance(value, list) or not all(
        isinstance(e, dict) and "type" in e and "offset" in e and "length" in e for e in value
    ):
        raise ApiError(400, "Bad Request: can't parse entities JSON object")
    return value
