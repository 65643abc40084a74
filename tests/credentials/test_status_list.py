"""Bitstring Status List: bits, encoding, and hostile lists."""

import gzip

import pytest

from credentials.multibase import decode_base64url, encode_base64url
from credentials.status_list import MIN_BITS, StatusList, StatusListError, status_list_credential


def test_set_clear_get_and_bit_order() -> None:
    status = StatusList()
    assert status.size == MIN_BITS == 131_072
    status.set(0)
    status.set(9)
    status.set(MIN_BITS - 1)
    assert status.get(0)
    assert status.get(9)
    assert status.get(MIN_BITS - 1)
    assert not status.get(1)
    raw = status.to_bytes()
    # Index 0 is the left-most (most significant) bit of the first byte.
    assert raw[0] == 0x80
    assert raw[1] == 0x40
    assert raw[-1] == 0x01
    status.clear(9)
    assert status.set_indexes() == [0, MIN_BITS - 1]


def test_encoding_round_trip() -> None:
    status = StatusList()
    status.set(12345)
    encoded = status.encode()
    assert encoded.startswith("u")
    assert "=" not in encoded
    raw = gzip.decompress(decode_base64url(encoded))
    assert len(raw) == 16 * 1024
    decoded = StatusList.decode(encoded)
    assert decoded.get(12345)
    assert decoded.set_indexes() == [12345]
    assert status.encode() == encoded  # deterministic


def test_out_of_range_and_small_lists_are_refused() -> None:
    status = StatusList()
    with pytest.raises(StatusListError):
        status.get(MIN_BITS)
    with pytest.raises(StatusListError):
        status.set(-1)
    with pytest.raises(StatusListError):
        StatusList(1024)
    with pytest.raises(StatusListError):
        StatusList.decode(encode_base64url(gzip.compress(b"\0" * 100)))


def test_gzip_bomb_and_garbage_are_refused() -> None:
    bomb = encode_base64url(gzip.compress(b"\0" * (64 * 1024 * 1024)))
    with pytest.raises(StatusListError, match="larger"):
        StatusList.decode(bomb)
    with pytest.raises(StatusListError):
        StatusList.decode("unot-gzip")
    with pytest.raises(StatusListError):
        StatusList.decode("zabc")


def test_status_list_credential_document() -> None:
    from datetime import UTC, datetime

    document = status_list_credential(
        "https://example.org/status/1",
        "did:web:example.org:issuers:a",
        StatusList(),
        datetime(2025, 1, 1, tzinfo=UTC),
    )
    assert document["type"] == ["VerifiableCredential", "BitstringStatusListCredential"]
    subject = document["credentialSubject"]
    assert subject["type"] == "BitstringStatusList"
    assert subject["statusPurpose"] == "revocation"
    assert StatusList.decode(subject["encodedList"]).set_indexes() == []
