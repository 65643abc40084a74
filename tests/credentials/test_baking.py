"""Baking credentials into PNG and SVG, reading them back, and refusing hostile images."""

import struct
import zlib
from typing import Any

import pytest
from credential_factories import Issuer, make_credential

from credentials import baking, images
from credentials.verify import CredentialFormatError, extract_credential, verify_credential


@pytest.fixture
def signed(issuer: Issuer) -> dict[str, Any]:
    return issuer.sign(make_credential(issuer.did, name="Ação ]]> <b>&amp;</b>").to_jsonld())


def _chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))


def test_png_round_trip_and_verification(issuer: Issuer, signed: dict[str, Any]) -> None:
    png = images.badge_png("Night at the Museum", "Lisboa", "activity")
    baked = baking.bake_png(png, signed)
    assert baked.startswith(baking.PNG_SIGNATURE)
    assert baked.endswith(_chunk(b"IEND", b""))
    assert baking.unbake_png(baked) == signed
    assert extract_credential(baked) == signed
    assert verify_credential(extract_credential(baked), issuer.resolve, issuer.lookup).valid


def test_png_rebaking_replaces_the_credential(signed: dict[str, Any]) -> None:
    png = images.badge_png("Night", "Lisboa", "meta")
    twice = baking.bake_png(baking.bake_png(png, {"id": "old"}), signed)
    assert twice.count(baking.PNG_KEYWORD) == 1
    assert baking.unbake_png(twice) == signed


def test_png_hostile_input_is_refused(signed: dict[str, Any]) -> None:
    png = baking.bake_png(images.badge_png("Night", "Lisboa", "meta"), signed)
    corrupted = bytearray(png)
    corrupted[-20] ^= 0xFF  # inside the credential chunk, so its CRC no longer matches
    with pytest.raises(baking.BakingError, match="CRC"):
        baking.unbake_png(bytes(corrupted))
    huge = baking.PNG_SIGNATURE + struct.pack(">I", 0x7FFFFFFF) + b"iTXt" + b"\0" * 16
    with pytest.raises(baking.BakingError, match="larger"):
        baking.unbake_png(huge)
    with pytest.raises(baking.BakingError):
        baking.unbake_png(png[:100])
    with pytest.raises(baking.BakingError):
        baking.unbake_png(images.badge_png("Night", "Lisboa", "meta"))
    bomb = zlib.compress(b"{" * (8 * 1024 * 1024))
    compressed = baking.PNG_SIGNATURE + _chunk(
        b"iTXt", b"openbadgecredential\0\x01\x00\0\0" + bomb
    )
    with pytest.raises(baking.BakingError, match="larger"):
        baking.unbake_png(compressed + _chunk(b"IEND", b""))


def test_svg_round_trip(signed: dict[str, Any]) -> None:
    svg = images.badge_svg("Night at the Museum", "Lisboa", "challenge")
    baked = baking.bake_svg(svg, signed)
    assert b'xmlns:openbadges="https://purl.imsglobal.org/ob/v3p0"' in baked
    assert b"<openbadges:credential><![CDATA[" in baked
    assert baking.unbake_svg(baked) == signed
    assert extract_credential(baked) == signed
    again = baking.bake_svg(baked, {"id": "urn:x"})
    assert again.count(b"<openbadges:credential>") == 1
    assert baking.unbake_svg(again) == {"id": "urn:x"}


@pytest.mark.parametrize(
    "svg",
    [
        b'<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY x "boom">]>'
        b'<svg xmlns="http://www.w3.org/2000/svg">&x;</svg>',
        b'<?xml version="1.0"?><!DOCTYPE svg SYSTEM "http://evil.example/x.dtd">'
        b'<svg xmlns="http://www.w3.org/2000/svg"/>',
        b"<svg xmlns='http://www.w3.org/2000/svg'><unclosed></svg>",
        b"<html/>",
    ],
)
def test_svg_hostile_input_is_refused(svg: bytes) -> None:
    with pytest.raises(baking.BakingError):
        baking.unbake_svg(svg)
    with pytest.raises(baking.BakingError):
        baking.bake_svg(svg, {"id": "urn:x"})


def test_extract_credential_accepts_json_and_refuses_junk(signed: dict[str, Any]) -> None:
    assert extract_credential(baking.compact_json(signed).encode()) == signed
    with pytest.raises(CredentialFormatError):
        extract_credential(b"\x00\x01binary")
    with pytest.raises(CredentialFormatError):
        extract_credential(b"[1, 2]")
