"""Callback data: short, versioned, parsed defensively (``onb:v1:lang:pt``)."""

from __future__ import annotations

from dataclasses import dataclass

VERSION = "v1"
MAX_BYTES = 64


@dataclass(frozen=True, slots=True)
class Callback:
    """A parsed button press: which journey, which action, and its arguments."""

    journey: str
    action: str
    args: tuple[str, ...]

    def arg(self, index: int, default: str = "") -> str:
        """Return one argument, or ``default`` when the button carried fewer."""
        return self.args[index] if index < len(self.args) else default


# Ids are 32-bit in the database: anything larger is forged and must not reach a query.
MAX_ID = 2**31 - 1


def parse_int(text: str, *, low: int = 0, high: int = MAX_ID) -> int | None:
    """A whole number from button data or a deep link, within ``low``..``high``; else None.

    Only ASCII digits count (``str.isdigit`` also accepts "²", which ``int`` refuses).
    """
    if not (text.isascii() and text.isdigit()) or len(text) > len(str(high)):
        return None
    number = int(text)
    return number if low <= number <= high else None


def parse_id(text: str) -> int | None:
    """A database id (1 and up) from button data or a deep link; None if it cannot be one."""
    return parse_int(text, low=1)


def require_id(text: str) -> int:
    """Like `parse_id`, but a forged value raises ValueError (journeys answer "old button")."""
    number = parse_id(text)
    if number is None:
        raise ValueError(text)
    return number


def pack(journey: str, action: str, *args: str | int | float) -> str:
    """Encode a button's data; refuses anything over Telegram's 64-byte limit."""
    data = ":".join([journey, VERSION, action, *(str(a) for a in args)])
    if len(data.encode()) > MAX_BYTES:
        msg = f"callback data too long: {data!r}"
        raise ValueError(msg)
    return data


def unpack(data: str | None, journey: str) -> Callback | None:
    """Decode button data for ``journey``; None when it is forged, foreign or outdated."""
    if not data or len(data.encode()) > MAX_BYTES:
        return None
    parts = data.split(":")
    if len(parts) < 3 or parts[0] != journey or parts[1] != VERSION or not parts[2]:
        return None
    return Callback(journey=parts[0], action=parts[2], args=tuple(parts[3:]))
