"""Multibase encodings used by Data Integrity proofs and status lists (base58btc, base64url)."""

import base64

_B58_ALPHABET = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
_B58_INDEX = {char: value for value, char in enumerate(_B58_ALPHABET)}


class MultibaseError(ValueError):
    """A multibase string is malformed or uses an unexpected base."""


def b58encode(data: bytes) -> str:
    """Encode bytes as base58 (Bitcoin alphabet), keeping leading zero bytes as '1'."""
    zeros = len(data) - len(data.lstrip(b"\0"))
    number = int.from_bytes(data, "big")
    chars = []
    while number:
        number, remainder = divmod(number, 58)
        chars.append(_B58_ALPHABET[remainder])
    return "1" * zeros + "".join(reversed(chars))


def b58decode(text: str) -> bytes:
    """Decode base58 (Bitcoin alphabet) text to bytes."""
    number = 0
    for char in text:
        try:
            number = number * 58 + _B58_INDEX[char]
        except KeyError:
            raise MultibaseError(f"invalid base58 character {char!r}") from None
    zeros = len(text) - len(text.lstrip("1"))
    body = number.to_bytes((number.bit_length() + 7) // 8, "big") if number else b""
    return b"\0" * zeros + body


def encode_base58btc(data: bytes) -> str:
    """Encode bytes as a multibase base58btc string (prefix 'z')."""
    return "z" + b58encode(data)


def decode_base58btc(text: str) -> bytes:
    """Decode a multibase base58btc string (prefix 'z')."""
    if not text.startswith("z"):
        raise MultibaseError("expected a multibase base58btc value starting with 'z'")
    return b58decode(text[1:])


def encode_base64url(data: bytes) -> str:
    """Encode bytes as a multibase base64url string without padding (prefix 'u')."""
    return "u" + base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def decode_base64url(text: str) -> bytes:
    """Decode a multibase base64url string without padding (prefix 'u')."""
    if not text.startswith("u"):
        raise MultibaseError("expected a multibase base64url value starting with 'u'")
    body = text[1:]
    if any(char in "+/=" for char in body):
        raise MultibaseError("base64url value contains characters outside its alphabet")
    try:
        return base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))
    except ValueError as error:
        raise MultibaseError("invalid base64url value") from error
