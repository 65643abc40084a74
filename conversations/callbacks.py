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
