"""Typed views over ``learner.preferences``: reminders, quiet hours, digest and filters.

The JSON column is read defensively (anything malformed falls back to the default) and always
written as a new dict, so SQLAlchemy notices the change.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from community.models import Learner

# Minutes before a session; the settings screen offers exactly these.
OFFSET_CHOICES: tuple[int, ...] = (1440, 180, 60)
DEFAULT_OFFSETS: tuple[int, ...] = (1440, 60)
DIGEST_HOURS: tuple[int, ...] = (8, 12, 18, 20)


@dataclass(frozen=True, slots=True)
class ReminderPreferences:
    """When to remind before a session, and the hours (city time) when nothing is sent."""

    offsets: tuple[int, ...] = DEFAULT_OFFSETS
    quiet_hours: bool = True
    quiet_start: int = 22
    quiet_end: int = 8


@dataclass(frozen=True, slots=True)
class DigestPreferences:
    """When the weekly digest comes (weekday 0 = Monday, hour in city time), or not at all."""

    weekday: int = 0
    hour: int = 18
    muted: bool = False


@dataclass(frozen=True, slots=True)
class DiscoveryFilters:
    """What a learner narrowed discovery to; empty means "any"."""

    types: tuple[str, ...] = ()
    topics: tuple[str, ...] = ()
    free_only: bool = False
    # True: only online; False: only in person; None: both.
    online: bool | None = None
    language: str | None = None


def _section(learner: Learner, name: str) -> dict[str, Any]:
    prefs = learner.preferences if isinstance(learner.preferences, dict) else {}
    value = prefs.get(name)
    return value if isinstance(value, dict) else {}


def _store(learner: Learner, name: str, value: dict[str, Any]) -> None:
    prefs = dict(learner.preferences) if isinstance(learner.preferences, dict) else {}
    prefs[name] = value
    learner.preferences = prefs


def _hour(value: object, default: int) -> int:
    return value if isinstance(value, int) and 0 <= value <= 23 else default


def _strings(value: object) -> tuple[str, ...]:
    if not isinstance(value, list):
        return ()
    return tuple(sorted({v for v in value if isinstance(v, str) and v}))


def get_reminders(learner: Learner) -> ReminderPreferences:
    """Return the learner's reminder preferences (defaults: 1 day and 1 hour, quiet 22–08)."""
    data = _section(learner, "reminders")
    raw = data.get("offsets")
    offsets = DEFAULT_OFFSETS
    if isinstance(raw, list):
        offsets = tuple(sorted({o for o in raw if o in OFFSET_CHOICES}, reverse=True))
    default = ReminderPreferences()
    return ReminderPreferences(
        offsets=offsets,
        quiet_hours=data.get("quiet", True) is not False,
        quiet_start=_hour(data.get("quiet_start"), default.quiet_start),
        quiet_end=_hour(data.get("quiet_end"), default.quiet_end),
    )


def set_reminders(learner: Learner, preferences: ReminderPreferences) -> ReminderPreferences:
    """Store reminder preferences; unknown offsets are dropped."""
    offsets = sorted({o for o in preferences.offsets if o in OFFSET_CHOICES}, reverse=True)
    _store(
        learner,
        "reminders",
        {
            "offsets": offsets,
            "quiet": preferences.quiet_hours,
            "quiet_start": _hour(preferences.quiet_start, 22),
            "quiet_end": _hour(preferences.quiet_end, 8),
        },
    )
    return get_reminders(learner)


def toggle_offset(learner: Learner, minutes: int) -> ReminderPreferences:
    """Turn one reminder offset on or off."""
    current = get_reminders(learner)
    if minutes not in OFFSET_CHOICES:
        return current
    chosen = set(current.offsets) ^ {minutes}
    return set_reminders(learner, replace(current, offsets=tuple(chosen)))


def get_digest(learner: Learner) -> DigestPreferences:
    """Return when the learner's weekly digest comes (default Monday 18:00)."""
    data = _section(learner, "digest")
    weekday = data.get("weekday")
    return DigestPreferences(
        weekday=weekday if isinstance(weekday, int) and 0 <= weekday <= 6 else 0,
        hour=_hour(data.get("hour"), 18),
        muted=data.get("muted") is True,
    )


def set_digest(learner: Learner, preferences: DigestPreferences) -> DigestPreferences:
    """Store the digest slot and whether it is muted."""
    weekday = preferences.weekday if 0 <= preferences.weekday <= 6 else 0
    _store(
        learner,
        "digest",
        {"weekday": weekday, "hour": _hour(preferences.hour, 18), "muted": preferences.muted},
    )
    return get_digest(learner)


def get_filters(learner: Learner) -> DiscoveryFilters:
    """Return the learner's saved discovery filters."""
    data = _section(learner, "filters")
    online = data.get("online")
    language = data.get("language")
    return DiscoveryFilters(
        types=_strings(data.get("types")),
        topics=_strings(data.get("topics")),
        free_only=data.get("free_only") is True,
        online=online if isinstance(online, bool) else None,
        language=language if isinstance(language, str) and language else None,
    )


def set_filters(learner: Learner, filters: DiscoveryFilters) -> DiscoveryFilters:
    """Store the learner's discovery filters."""
    _store(
        learner,
        "filters",
        {
            "types": sorted(set(filters.types)),
            "topics": sorted(set(filters.topics)),
            "free_only": filters.free_only,
            "online": filters.online,
            "language": filters.language,
        },
    )
    return get_filters(learner)


@dataclass(frozen=True, slots=True)
class LivePosition:
    """Where a learner's live location was when their near-me list was last drawn."""

    latitude: float
    longitude: float
    message_id: int


def get_live(learner: Learner) -> LivePosition | None:
    """Return the position the live near-me list follows, if any."""
    data = _section(learner, "live")
    try:
        return LivePosition(
            float(data["latitude"]), float(data["longitude"]), int(data["message_id"])
        )
    except (KeyError, TypeError, ValueError):
        return None


def set_live(learner: Learner, position: LivePosition) -> None:
    """Remember the position and list message of a live location."""
    _store(
        learner,
        "live",
        {
            "latitude": position.latitude,
            "longitude": position.longitude,
            "message_id": position.message_id,
        },
    )
