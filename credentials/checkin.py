"""Check-in codes: the QR code an organiser shows at an event, which opens the bot.

A code names the activity and carries an HMAC made with the service's secret, so nobody can
make a valid code for an activity by guessing; it fits a Telegram deep-link payload.
"""

from __future__ import annotations

import base64
import hashlib
import hmac

PREFIX = "chk_"
_SIGNATURE_BYTES = 9  # 72 bits: guessing is hopeless, and the payload stays short


def _signature(activity_id: int, secret: bytes) -> str:
    mac = hmac.new(secret, f"checkin:{activity_id}".encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(mac[:_SIGNATURE_BYTES]).decode().rstrip("=")


def checkin_payload(activity_id: int, secret: bytes) -> str:
    """Return the deep-link payload (``chk_<id>_<signature>``) for an activity."""
    return f"{PREFIX}{activity_id}_{_signature(activity_id, secret)}"


def read_checkin(payload: str, secret: bytes) -> int | None:
    """Return the activity id of a genuine payload, None for anything else."""
    if not payload.startswith(PREFIX):
        return None
    number, _sep, signature = payload[len(PREFIX) :].partition("_")
    if not number.isdigit() or len(number) > 12:
        return None
    activity_id = int(number)
    expected = _signature(activity_id, secret)
    return activity_id if hmac.compare_digest(signature, expected) else None
