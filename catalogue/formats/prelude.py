"""The checks every text format runs before parsing: bytes, size, not a locator, decoding."""

from __future__ import annotations

from datetime import datetime

from catalogue.formats.context import ParseContext, require_bytes
from catalogue.formats.safety import check_size, refuse_locator
from catalogue.formats.text import decode_text


def open_text(
    data: object, *, now: datetime, default_tz: str, window_days: int, default_lang: str
) -> tuple[str, ParseContext]:
    """Check and decode a feed body; an encoding guess is noted as a warning."""
    body = require_bytes(data)
    check_size(body)
    refuse_locator(body)
    text, encoding_warning = decode_text(body)
    ctx = ParseContext(now, default_tz, window_days, default_lang)
    if encoding_warning:
        ctx.warn("", encoding_warning)
    return text, ctx
