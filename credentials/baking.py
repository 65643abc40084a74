"""Bake a credential into a PNG or SVG badge image, and read it back out safely.

Spec: https://www.imsglobal.org/spec/ob/v3p0/#baking
"""

import json
import re
import struct
import zlib
from collections.abc import Iterator, Mapping
from typing import Any
from xml.etree.ElementTree import Element

import defusedxml.ElementTree as SafeElementTree
from defusedxml import DefusedXmlException

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
PNG_KEYWORD = b"openbadgecredential"
SVG_NAMESPACE = "https://purl.imsglobal.org/ob/v3p0"
MAX_IMAGE_BYTES = 16 * 1024 * 1024
MAX_CHUNK_BYTES = 4 * 1024 * 1024
MAX_CREDENTIAL_BYTES = 1024 * 1024

_SVG_ROOT = re.compile(rb"<svg\b[^>]*?(/?)>", re.DOTALL)
_SVG_CREDENTIAL = re.compile(
    rb"\s*<openbadges:credential\b[^>]*?(?:/>|>.*?</openbadges:credential>)", re.DOTALL
)


class BakingError(ValueError):
    """An image could not be baked or holds no readable credential."""


def compact_json(credential: Mapping[str, Any]) -> str:
    """Serialise a credential as compact JSON text."""
    return json.dumps(credential, ensure_ascii=False, separators=(",", ":"))


# ---- PNG ----


def _png_chunks(data: bytes) -> Iterator[tuple[bytes, bytes, int, int]]:
    """Yield (type, body, start, end) for each chunk, checking lengths and CRCs."""
    if len(data) > MAX_IMAGE_BYTES:
        raise BakingError("the image is larger than allowed")
    if not data.startswith(PNG_SIGNATURE):
        raise BakingError("not a PNG image")
    position = len(PNG_SIGNATURE)
    while position < len(data):
        if position + 12 > len(data):
            raise BakingError("the PNG ends in the middle of a chunk")
        length, chunk_type = struct.unpack(">I4s", data[position : position + 8])
        if length > MAX_CHUNK_BYTES:
            raise BakingError("the PNG has a chunk larger than allowed")
        end = position + 12 + length
        if end > len(data):
            raise BakingError("the PNG ends in the middle of a chunk")
        body = data[position + 8 : position + 8 + length]
        (crc,) = struct.unpack(">I", data[end - 4 : end])
        if zlib.crc32(chunk_type + body) != crc:
            raise BakingError(f"the PNG chunk {chunk_type!r} has a bad CRC")
        yield chunk_type, body, position, end
        if chunk_type == b"IEND":
            return
        position = end
    raise BakingError("the PNG has no IEND chunk")


def _png_chunk(chunk_type: bytes, body: bytes) -> bytes:
    return (
        struct.pack(">I", len(body))
        + chunk_type
        + body
        + struct.pack(">I", zlib.crc32(chunk_type + body))
    )


def _is_credential_chunk(chunk_type: bytes, body: bytes) -> bool:
    return chunk_type == b"iTXt" and body.split(b"\0", 1)[0] == PNG_KEYWORD


def bake_png(image: bytes, credential: Mapping[str, Any]) -> bytes:
    """Return the PNG with the credential in an `iTXt` chunk before IEND, replacing any other."""
    text = compact_json(credential).encode("utf-8")
    # keyword, null, compression flag 0, method 0, empty language tag, empty translated keyword
    chunk = _png_chunk(b"iTXt", PNG_KEYWORD + b"\0\0\0\0\0" + text)
    parts = [PNG_SIGNATURE]
    for chunk_type, body, start, end in _png_chunks(image):
        if chunk_type == b"IEND":
            parts.append(chunk)
        if not _is_credential_chunk(chunk_type, body):
            parts.append(image[start:end])
    return b"".join(parts)


def unbake_png(image: bytes) -> dict[str, Any]:
    """Return the credential baked into a PNG."""
    found = [body for kind, body, _, _ in _png_chunks(image) if _is_credential_chunk(kind, body)]
    if not found:
        raise BakingError("the PNG holds no Open Badges credential")
    if len(found) > 1:
        raise BakingError("the PNG holds more than one credential")
    _keyword, _, rest = found[0].partition(b"\0")
    if len(rest) < 2:
        raise BakingError("the credential chunk is malformed")
    flag, method = rest[0], rest[1]
    _language, has_language, rest = rest[2:].partition(b"\0")
    _translated, has_translated, text = rest.partition(b"\0")
    if not (has_language and has_translated):
        raise BakingError("the credential chunk is malformed")
    if flag == 1 and method == 0:
        inflater = zlib.decompressobj()
        text = inflater.decompress(text, MAX_CREDENTIAL_BYTES + 1)
        if len(text) > MAX_CREDENTIAL_BYTES:
            raise BakingError("the baked credential is larger than allowed")
    elif flag != 0:
        raise BakingError("the credential chunk uses an unknown compression")
    return _parse_credential(text)


# ---- SVG ----


def _cdata(text: str) -> str:
    # ']]>' cannot appear inside CDATA: split it across two sections.
    return "<![CDATA[" + text.replace("]]>", "]]]]><![CDATA[>") + "]]>"


def _parse_svg(image: bytes) -> Element:
    if len(image) > MAX_IMAGE_BYTES:
        raise BakingError("the image is larger than allowed")
    try:
        root = SafeElementTree.fromstring(image, forbid_dtd=True)
    except (DefusedXmlException, SafeElementTree.ParseError) as error:
        raise BakingError(f"not a safe, well-formed SVG: {error}") from error
    if root.tag not in ("{http://www.w3.org/2000/svg}svg", "svg"):
        raise BakingError("not an SVG image")
    return root


def bake_svg(image: bytes, credential: Mapping[str, Any]) -> bytes:
    """Return the SVG with the credential in an `openbadges:credential` element."""
    _parse_svg(image)
    image = _SVG_CREDENTIAL.sub(b"", image)
    root = _SVG_ROOT.search(image)
    if root is None or root.group(1):
        raise BakingError("the SVG root element could not be found or is empty")
    start_tag = root.group(0)
    if b"xmlns:openbadges=" not in start_tag:
        start_tag = start_tag[:-1] + f' xmlns:openbadges="{SVG_NAMESPACE}">'.encode()
    element = (
        f"\n<openbadges:credential>{_cdata(compact_json(credential))}</openbadges:credential>"
    )
    baked = image[: root.start()] + start_tag + element.encode("utf-8") + image[root.end() :]
    _parse_svg(baked)
    return baked


def unbake_svg(image: bytes) -> dict[str, Any]:
    """Return the credential baked into an SVG."""
    root = _parse_svg(image)
    found = root.findall(f".//{{{SVG_NAMESPACE}}}credential")
    if not found:
        raise BakingError("the SVG holds no Open Badges credential")
    if len(found) > 1:
        raise BakingError("the SVG holds more than one credential")
    return _parse_credential((found[0].text or "").encode("utf-8"))


def _parse_credential(text: bytes) -> dict[str, Any]:
    if len(text) > MAX_CREDENTIAL_BYTES:
        raise BakingError("the baked credential is larger than allowed")
    try:
        credential = json.loads(text.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as error:
        raise BakingError("the baked credential is not JSON") from error
    if not isinstance(credential, dict):
        raise BakingError("the baked credential is not a JSON object")
    return credential
