"""From a normalised record to database row values, and the content hash that spots changes."""

from __future__ import annotations

import hashlib
from typing import Any

from catalogue.records import ActivityRecord

# Column sizes of catalogue.models.Activity; PostgreSQL refuses longer values, SQLite would not.
_LIMITS = {
    "venue_name": 300,
    "address": 500,
    "cost": 200,
}
_URL_LIMIT = 2000
SOURCE_ID_LIMIT = 500


def _text(value: str | None, limit: int | None = None) -> str | None:
    if value is None:
        return None
    # PostgreSQL text cannot hold NUL characters.
    value = value.replace("\x00", "")
    if limit is not None and len(value) > limit:
        value = value[: limit - 1] + "…"
    return value


def _url(value: str | None) -> str | None:
    # A cut URL would lead somewhere else, so an over-long one is dropped instead.
    if value is None or len(value) > _URL_LIMIT:
        return None
    return value.replace("\x00", "")


def _texts(values: dict[str, str]) -> dict[str, str]:
    return {key[:16]: value.replace("\x00", "") for key, value in values.items()}


def stored_source_id(source_id: str) -> str:
    """The feed's id as stored: over-long ids keep a prefix and a hash of the whole id."""
    cleaned = source_id.replace("\x00", "")
    if len(cleaned) <= SOURCE_ID_LIMIT:
        return cleaned
    digest = hashlib.sha256(cleaned.encode("utf-8")).hexdigest()
    return f"{cleaned[: SOURCE_ID_LIMIT - 65]}#{digest}"


def activity_values(record: ActivityRecord) -> dict[str, Any]:
    """The Activity columns a record sets, fitted to the column sizes."""
    return {
        "type": record.type.value,
        "titles": _texts(record.titles),
        "descriptions": _texts(record.descriptions),
        "topics": list(record.topics),
        "competences": list(record.competences),
        "venue_name": _text(record.venue_name, _LIMITS["venue_name"]),
        "address": _text(record.address, _LIMITS["address"]),
        "latitude": record.latitude,
        "longitude": record.longitude,
        "online": record.online,
        "online_url": _url(record.online_url),
        "audience": list(record.audience),
        "min_age": record.min_age,
        "max_age": record.max_age,
        "is_free": record.is_free,
        "cost": _text(record.cost, _LIMITS["cost"]),
        "languages": list(record.languages),
        "accessibility": _text(record.accessibility),
        "image_url": _url(record.image_url),
        "signup_url": _url(record.signup_url),
    }


def occurrence_values(record: ActivityRecord) -> list[dict[str, Any]]:
    """The Occurrence rows of a record, without their activity id, in start order."""
    return [
        {
            "starts_at": occurrence.start,
            "ends_at": occurrence.end,
            "source_tz": occurrence.source_tz[:64],
            "all_day": occurrence.all_day,
        }
        for occurrence in sorted(
            record.occurrences, key=lambda item: (item.start, item.end or item.start)
        )
    ]


def _frozen(value: Any) -> Any:
    if isinstance(value, dict):
        return tuple(sorted(value.items()))
    if isinstance(value, list):
        return tuple(value)
    return value


def content_hash(values: dict[str, Any], occurrences: list[dict[str, Any]]) -> str:
    """SHA-256 of the normalised row values and sessions: equal hashes mean nothing to write."""
    # repr() of plain tuples is stable and much quicker than JSON; keys are taken in sorted order.
    document = (
        tuple((key, _frozen(values[key])) for key in sorted(values)),
        tuple(
            (row["starts_at"], row["ends_at"], row["source_tz"], row["all_day"])
            for row in occurrences
        ),
    )
    return hashlib.sha256(repr(document).encode("utf-8")).hexdigest()
