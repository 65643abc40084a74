"""Normalising the small values feeds disagree about: types, competences, languages, flags."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from email.utils import parsedate_to_datetime

from catalogue.records import ActivityType

_TYPE_SYNONYMS: dict[str, ActivityType] = {
    "event": ActivityType.EVENT,
    "evento": ActivityType.EVENT,
    "course": ActivityType.COURSE,
    "curso": ActivityType.COURSE,
    "workshop": ActivityType.WORKSHOP,
    "oficina": ActivityType.WORKSHOP,
    "workshops": ActivityType.WORKSHOP,
    "internship": ActivityType.INTERNSHIP,
    "estagio": ActivityType.INTERNSHIP,
    "estágio": ActivityType.INTERNSHIP,
    "volunteering": ActivityType.VOLUNTEERING,
    "volunteer": ActivityType.VOLUNTEERING,
    "voluntariado": ActivityType.VOLUNTEERING,
    "digital_experience": ActivityType.DIGITAL_EXPERIENCE,
    "digital experience": ActivityType.DIGITAL_EXPERIENCE,
    "digital-experience": ActivityType.DIGITAL_EXPERIENCE,
    "online": ActivityType.DIGITAL_EXPERIENCE,
    "project": ActivityType.PROJECT,
    "projeto": ActivityType.PROJECT,
    "open_space": ActivityType.OPEN_SPACE,
    "open space": ActivityType.OPEN_SPACE,
    "open-space": ActivityType.OPEN_SPACE,
    "espaço aberto": ActivityType.OPEN_SPACE,
}

# Framework prefix → pattern of the code after the colon (lower case).
_COMPETENCE_CODES: dict[str, re.Pattern[str]] = {
    "digcomp": re.compile(r"[1-5]\.[1-6]"),
    "entrecomp": re.compile(r"[1-3]\.[1-5]"),
    "lifecomp": re.compile(r"[psl][1-3]"),
    "greencomp": re.compile(r"[1-4]\.[1-3]"),
}
_COMPETENCE_LOOSE = re.compile(r"^(digcomp|entrecomp|lifecomp|greencomp)\s*[:\s]\s*(\S+)$", re.I)
_ESCO_URI = re.compile(r"^https?://data\.europa\.eu/esco/(skill|occupation)/[0-9a-f-]{8,}$", re.I)

_LANGUAGE_NAMES: dict[str, str] = {
    "english": "en",
    "inglês": "en",
    "portuguese": "pt",
    "português": "pt",
    "portugues": "pt",
    "spanish": "es",
    "español": "es",
    "espanhol": "es",
    "lithuanian": "lt",
    "ukrainian": "uk",
    "french": "fr",
    "francês": "fr",
    "german": "de",
}
_LANGUAGE_TAG = re.compile(r"^[a-z]{2,3}(-[a-z0-9]{2,8})*$", re.I)
_TRUE = frozenset({"1", "true", "yes", "y", "sim", "s", "x", "free", "gratuito", "grátis"})
_FALSE = frozenset({"0", "false", "no", "n", "não", "nao", "paid", "pago"})
# Matched against a short text with single spaces (see age_range), so they cannot backtrack.
_AGE_RANGE = re.compile(r"^(\d{1,3})? ?(?:-|–|to|a) ?(\d{1,3})? ?\+?$")
_AGE_PLUS = re.compile(r"^(\d{1,3}) ?\+$")
_AGE_TEXT_LIMIT = 24


def activity_type(value: str | None) -> ActivityType | None:
    """The taxonomy type named by `value`, or None when it is not one we know."""
    if not value:
        return None
    key = value.strip().lower()
    key = key.rsplit("#", 1)[-1].rsplit("/", 1)[-1]
    return _TYPE_SYNONYMS.get(key) or _TYPE_SYNONYMS.get(key.replace("_", " "))


def competence(value: str) -> str | None:
    """A normalised competence code (`digcomp:2.1`) or ESCO URI, or None if unrecognised."""
    text = value.strip()
    if _ESCO_URI.match(text):
        return text
    match = _COMPETENCE_LOOSE.match(text)
    if not match:
        return None
    framework, code = match.group(1).lower(), match.group(2).lower()
    if not _COMPETENCE_CODES[framework].fullmatch(code):
        return None
    return f"{framework}:{code}"


def looks_like_competence(value: str) -> bool:
    """True when a category or keyword is really a competence code."""
    return competence(value) is not None


def topic(value: str) -> str:
    """A topic in lower case on one line."""
    return " ".join(value.split()).lower()


def language(value: str) -> str | None:
    """A primary language subtag (`pt`) from a tag (`pt-PT`) or a language name."""
    text = value.strip().lower()
    if text in _LANGUAGE_NAMES:
        return _LANGUAGE_NAMES[text]
    if _LANGUAGE_TAG.match(text):
        return text.split("-", 1)[0]
    return None


def flag(value: str | None) -> bool | None:
    """Read yes/no style cells; None when empty or unclear."""
    if value is None:
        return None
    text = value.strip().lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    return None


def age_range(value: str) -> tuple[int | None, int | None] | None:
    """Parse "16-29", "18+", "-25"; None when it is not an age range."""
    if len(value) > _AGE_TEXT_LIMIT * 4:
        return None
    value = " ".join(value.split())
    if len(value) > _AGE_TEXT_LIMIT:
        return None
    plus = _AGE_PLUS.match(value)
    if plus:
        return int(plus.group(1)), None
    match = _AGE_RANGE.match(value)
    if not match or not (match.group(1) or match.group(2)):
        return None
    low = int(match.group(1)) if match.group(1) else None
    high = int(match.group(2)) if match.group(2) else None
    return low, high


def unique(values: list[str]) -> tuple[str, ...]:
    """Drop duplicates and empties, keeping the first order."""
    return tuple(dict.fromkeys(value for value in values if value))


_DAY_FIRST = re.compile(
    r"^(\d{1,2})[/.](\d{1,2})[/.](\d{4})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2}))?)?$"
)
_ISO_DURATION = re.compile(
    r"^P(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?$", re.IGNORECASE
)


def when(value: str) -> date | datetime | None:
    """A date or date-time from ISO 8601, RFC 822 or day-first (31/12/2026 18:00) text."""
    text = value.strip()
    if not text:
        return None
    for reader in (_iso, _day_first, _rfc822):
        parsed = reader(text)
        if parsed is not None:
            return parsed
    return None


def _iso(text: str) -> date | datetime | None:
    try:
        if len(text) == 10 and text[4] == "-":
            return date.fromisoformat(text)
        return datetime.fromisoformat(text.replace(" ", "T", 1) if len(text) > 10 else text)
    except ValueError:
        return None


def _day_first(text: str) -> date | datetime | None:
    match = _DAY_FIRST.match(text)
    if not match:
        return None
    day, month, year = int(match.group(1)), int(match.group(2)), int(match.group(3))
    try:
        if match.group(4) is None:
            return date(year, month, day)
        clock = (int(match.group(4)), int(match.group(5)), int(match.group(6) or 0))
        return datetime(year, month, day, *clock)
    except ValueError:
        return None


def _rfc822(text: str) -> datetime | None:
    try:
        return parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None


MAX_DURATION = timedelta(days=3 * 366)  # longer is a typo, and would overflow far dates


def duration(value: str) -> timedelta | None:
    """An ISO 8601 duration such as PT1H30M or P1D (no months or years); None past 3 years."""
    match = _ISO_DURATION.match(value.strip())
    if not match or not any(match.groups()):
        return None
    weeks, days, hours, minutes, seconds = (int(part or 0) for part in match.groups())
    try:
        length = timedelta(weeks=weeks, days=days, hours=hours, minutes=minutes, seconds=seconds)
    except OverflowError:
        return None
    return length if length <= MAX_DURATION else None


def web_url(value: str | None) -> str | None:
    """An http(s) link, or None for anything else (javascript:, data:, bare ids)."""
    if not value:
        return None
    text = value.strip()
    if text.lower().startswith(("https://", "http://")) and " " not in text and len(text) < 2048:
        return text
    return None
