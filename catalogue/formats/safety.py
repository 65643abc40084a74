"""Checks every body passes before a parser sees it."""

from __future__ import annotations

import re
from xml.etree.ElementTree import Element, ParseError

from defusedxml import DTDForbidden, EntitiesForbidden, ExternalReferenceForbidden
from defusedxml.ElementTree import fromstring as safe_fromstring

from catalogue.formats.errors import (
    FeedTooLargeError,
    MalformedXMLError,
    UnsafeFeedError,
)

MAX_FEED_BYTES = 10 * 1024 * 1024

# A body that is only a URL or a file path: some parsers would open it instead of reading it.
_LOCATOR = re.compile(
    r"^(?:[a-z][a-z0-9+.-]*://\S*|file:\S+|[~/\\]\S*|\.{1,2}[/\\]\S*|[a-z]:[/\\]\S*)$",
    re.IGNORECASE,
)


def check_size(data: bytes, max_bytes: int = MAX_FEED_BYTES) -> None:
    """Refuse bodies over the cap before any parsing work."""
    if len(data) > max_bytes:
        raise FeedTooLargeError(
            f"the feed is {len(data):,} bytes, more than the {max_bytes:,} bytes accepted"
        )


def refuse_locator(data: bytes) -> None:
    """Refuse a body that is just a URL or a file path instead of feed content."""
    stripped = data.strip()
    if not stripped or len(stripped) > 4096 or b"\n" in stripped:
        return
    try:
        text = stripped.decode("utf-8")
    except UnicodeDecodeError:
        return
    if _LOCATOR.match(text):
        raise UnsafeFeedError(
            "the body is only a URL or file path, not feed content; nothing was opened"
        )


_ENTITY_DECLARATION = re.compile(r"<!ENTITY", re.IGNORECASE)


def refuse_entities(text: str) -> None:
    """Refuse entity declarations before any XML parser, strict or lenient, sees them."""
    match = _ENTITY_DECLARATION.search(text)
    if match:
        line = text.count("\n", 0, match.start()) + 1
        raise UnsafeFeedError(
            f"line {line}: the XML declares entities; refused to protect against entity "
            "expansion and external entity attacks"
        )


def parse_xml_safely(data: bytes) -> Element:
    """Parse UTF-8 XML with entity declarations and external references refused."""
    try:
        return safe_fromstring(data, forbid_dtd=False, forbid_entities=True, forbid_external=True)
    except EntitiesForbidden as error:
        raise UnsafeFeedError(
            f"the XML declares entities ({error.name!r}); refused to protect against "
            "entity expansion attacks"
        ) from None
    except ExternalReferenceForbidden as error:
        raise UnsafeFeedError(
            f"the XML refers to an external resource ({error.sysid!r}); refused"
        ) from None
    except DTDForbidden:  # Not raised with forbid_dtd=False; kept for a stricter caller.
        raise UnsafeFeedError("the XML has a document type declaration; refused") from None
    except ParseError as error:
        line, column = error.position
        message = str(error).split(":", 1)[0]
        if not message.startswith("not well-formed"):
            message = f"not well-formed: {message}"
        raise MalformedXMLError(
            f"the XML is {message} at line {line}, column {column + 1}"
        ) from None


_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>")


def xml_as_utf8(text: str) -> bytes:
    """Re-encode decoded XML as UTF-8, fixing the declaration in place so line numbers hold."""
    body = _XML_DECLARATION.sub('<?xml version="1.0" encoding="utf-8"?>', text.lstrip("\ufeff"))
    return body.encode("utf-8")
