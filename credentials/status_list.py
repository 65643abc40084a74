"""W3C Bitstring Status List: the bitstring, its encoding, and its credential.

Spec: https://www.w3.org/TR/vc-bitstring-status-list/
"""

import gzip
import zlib
from datetime import datetime
from typing import Any

from credentials.jsonld import VC_V2_CONTEXT
from credentials.multibase import MultibaseError, decode_base64url, encode_base64url
from credentials.ob3 import REVOCATION
from credentials.proof import format_datetime

MIN_BITS = 131_072  # 16 KB: the spec's minimum, so that one index reveals little
# Refuse to inflate hostile lists beyond this (a gzip bomb would otherwise fill memory).
MAX_BYTES = 16 * 1024 * 1024


class StatusListError(ValueError):
    """A status list is malformed, too large, or an index is out of range."""


class StatusList:
    """A mutable bitstring; bit 0 is the most significant bit of the first byte."""

    def __init__(self, size_bits: int = MIN_BITS) -> None:
        if size_bits < MIN_BITS or size_bits % 8:
            raise StatusListError(f"a status list has at least {MIN_BITS} bits, in whole bytes")
        self._bits = bytearray(size_bits // 8)

    @property
    def size(self) -> int:
        """The number of bits (status entries) in the list."""
        return len(self._bits) * 8

    def get(self, index: int) -> bool:
        """Return whether the bit at an index is set."""
        byte, mask = self._locate(index)
        return bool(self._bits[byte] & mask)

    def set(self, index: int, value: bool = True) -> None:
        """Set (or with value False, clear) the bit at an index."""
        byte, mask = self._locate(index)
        if value:
            self._bits[byte] |= mask
        else:
            self._bits[byte] &= ~mask & 0xFF

    def clear(self, index: int) -> None:
        """Clear the bit at an index."""
        self.set(index, False)

    def set_indexes(self) -> list[int]:
        """Return every index whose bit is set, in order."""
        return [i for pos, byte in enumerate(self._bits) if byte for i in _bits_of(pos, byte)]

    def to_bytes(self) -> bytes:
        """Return the raw bitstring."""
        return bytes(self._bits)

    def encode(self) -> str:
        """Return the `encodedList`: GZIP then multibase base64url without padding."""
        # mtime=0 makes the encoding a pure function of the bits.
        return encode_base64url(gzip.compress(bytes(self._bits), mtime=0))

    @classmethod
    def from_bytes(cls, raw: bytes) -> "StatusList":
        """Build a status list from a raw bitstring."""
        status_list = cls(len(raw) * 8) if len(raw) * 8 >= MIN_BITS else cls()
        status_list._bits[: len(raw)] = raw
        return status_list

    @classmethod
    def decode(cls, encoded_list: str) -> "StatusList":
        """Parse an `encodedList`, refusing oversized or malformed input."""
        try:
            compressed = decode_base64url(encoded_list)
        except MultibaseError as error:
            raise StatusListError(str(error)) from error
        inflater = zlib.decompressobj(wbits=31)
        try:
            raw = inflater.decompress(compressed, MAX_BYTES + 1)
        except zlib.error as error:
            raise StatusListError("the encodedList is not GZIP data") from error
        if len(raw) > MAX_BYTES or inflater.unconsumed_tail:
            raise StatusListError("the status list is larger than allowed")
        if len(raw) * 8 < MIN_BITS:
            raise StatusListError("the status list is shorter than the 131,072-bit minimum")
        return cls.from_bytes(raw)

    def _locate(self, index: int) -> tuple[int, int]:
        if not 0 <= index < self.size:
            raise StatusListError(f"status index {index} is outside 0..{self.size - 1}")
        return index // 8, 0x80 >> (index % 8)


def _bits_of(byte_index: int, byte: int) -> list[int]:
    return [byte_index * 8 + bit for bit in range(8) if byte & (0x80 >> bit)]


def status_list_credential(
    credential_id: str,
    issuer_id: str,
    status_list: StatusList,
    valid_from: datetime,
    status_purpose: str = REVOCATION,
    valid_until: datetime | None = None,
) -> dict[str, Any]:
    """Build an unsigned BitstringStatusListCredential document for a list."""
    document: dict[str, Any] = {
        "@context": [VC_V2_CONTEXT],
        "id": credential_id,
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": issuer_id,
        "validFrom": format_datetime(valid_from),
    }
    if valid_until is not None:
        document["validUntil"] = format_datetime(valid_until)
    document["credentialSubject"] = {
        "id": f"{credential_id}#list",
        "type": "BitstringStatusList",
        "statusPurpose": status_purpose,
        "encodedList": status_list.encode(),
    }
    return document
