"""Translations at run time: the locale of the current update, gettext with named placeholders.

The composition root loads every catalog at start-up (a missing one stops it) and sets the
learner's language once per update; handlers then call ``_()``, ``ngettext()`` and the babel
formatters without passing the locale around. Placeholder values are HTML-escaped because every
message goes to Telegram as HTML; wrap already-rendered HTML in ``Markup`` to keep it as is.
"""

from __future__ import annotations

import gettext
import io
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import date, datetime, tzinfo
from functools import cache
from html import escape, unescape
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from babel import Locale, dates, numbers, units
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

log = logging.getLogger(__name__)

SOURCE_LANGUAGE = "en"
LANGUAGES: dict[str, str] = {
    "en": "English",
    "pt": "Português",
    "es": "Español",
    "lt": "Lietuvių",
    "uk": "Українська",
}
LOCALES_DIR = Path(__file__).resolve().parents[1] / "locales"
DOMAIN = "messages"


class MissingCatalogError(RuntimeError):
    """A supported language has no catalog; the service must not start half-translated."""


class Markup(str):
    """Text that is already safe HTML and must not be escaped again."""

    __slots__ = ()


_catalogs: dict[str, gettext.NullTranslations] = {}
_language: ContextVar[str] = ContextVar("language", default=SOURCE_LANGUAGE)
_reported: set[tuple[str, str]] = set()


def load_catalogs(directory: Path = LOCALES_DIR) -> None:
    """Compile every supported language's ``.po`` file in memory; stop if one is missing."""
    loaded: dict[str, gettext.NullTranslations] = {}
    for language in LANGUAGES:
        po = directory / language / "LC_MESSAGES" / f"{DOMAIN}.po"
        if not po.is_file():
            msg = f"no translations for {language!r}: {po} is missing"
            raise MissingCatalogError(msg)
        with po.open("rb") as handle:
            catalog = read_po(handle, locale=language)
        buffer = io.BytesIO()
        write_mo(buffer, catalog)
        buffer.seek(0)
        loaded[language] = gettext.GNUTranslations(buffer)
    _catalogs.clear()
    _catalogs.update(loaded)


def match_language(code: str | None) -> str:
    """Map a Telegram ``language_code`` such as ``pt-BR`` to a supported language."""
    if not code:
        return SOURCE_LANGUAGE
    base = code.replace("_", "-").split("-")[0].lower()
    return base if base in LANGUAGES else SOURCE_LANGUAGE


def current_language() -> str:
    """Return the language of the update being handled."""
    return _language.get()


def set_language(language: str) -> None:
    """Switch the current update to ``language`` (for the rest of this task)."""
    _language.set(match_language(language))


@contextmanager
def use_language(language: str) -> Iterator[None]:
    """Render in ``language`` inside the block, e.g. for a job writing to many people."""
    token = _language.set(match_language(language))
    try:
        yield
    finally:
        _language.reset(token)


def _translations() -> gettext.NullTranslations:
    language = _language.get()
    catalog = _catalogs.get(language)
    if catalog is None:
        if (language, "") not in _reported:
            _reported.add((language, ""))
            log.warning("catalogs not loaded; falling back to English for %s", language)
        return gettext.NullTranslations()
    return catalog


def _format_value(value: Any) -> str:
    if isinstance(value, Markup):
        return value
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int | float):
        return format_number(value)
    return escape(str(value), quote=False)


def _render(template: str, source: str, kwargs: dict[str, Any]) -> str:
    values = {key: _format_value(value) for key, value in kwargs.items()}
    try:
        return template.format(**values)
    except (KeyError, IndexError, ValueError):
        log.exception("bad placeholder in translation of %r (%s)", source, current_language())
        return source.format(**values)


def _(msgid: str, /, **kwargs: Any) -> str:
    """Translate ``msgid`` into the current language and fill its named placeholders."""
    translated = _translations().gettext(msgid)
    if translated is msgid and current_language() != SOURCE_LANGUAGE:
        key = (current_language(), msgid)
        if key not in _reported:
            _reported.add(key)
            log.warning("untranslated string for %s: %r", key[0], msgid)
    return _render(translated, msgid, kwargs)


def plain(text: str) -> str:
    """A translated text for a place Telegram shows as plain text (buttons, pop-up answers).

    `_` escapes the values it fills in for HTML messages; without HTML those escapes would
    show as "&amp;" and "&lt;".
    """
    return unescape(text)


def ngettext(singular: str, plural: str, n: int, /, **kwargs: Any) -> str:
    """Translate with the plural rule of the current language; ``n`` fills ``{count}``."""
    translated = _translations().ngettext(singular, plural, n)
    kwargs.setdefault("count", n)
    return _render(translated, singular if n == 1 else plural, kwargs)


class LazyString:
    """A string translated when it is shown, for labels defined at import time."""

    __slots__ = ("msgid",)

    def __init__(self, msgid: str) -> None:
        self.msgid = msgid

    def __str__(self) -> str:
        return _(self.msgid)

    def __call__(self, **kwargs: Any) -> str:
        return _(self.msgid, **kwargs)

    def __repr__(self) -> str:
        return f"N_({self.msgid!r})"


def N_(msgid: str) -> LazyString:  # noqa: N802 - the conventional gettext marker name
    """Mark ``msgid`` for extraction and translate it later, in the reader's language."""
    return LazyString(msgid)


# Our English is British and our Portuguese is Portugal's: their dates and numbers follow.
_REGIONS = {"en": "en_GB", "pt": "pt_PT"}
# A day in a list or a reminder: short, with the weekday, month as a word in every language
# (CLDR's skeleton gives numeric months in Lithuanian and Portugal's Portuguese).
_DAY_PATTERNS = {
    "en": "EEE d MMM",
    "pt": "EEE, d MMM",
    "es": "EEE d MMM",
    "lt": "MMMM d 'd.', EEE",
    "uk": "EEE, d MMM",
}


@cache
def _parsed_locale(language: str) -> Locale:
    return Locale.parse(_REGIONS.get(language, language))


def _locale() -> Locale:
    return _parsed_locale(current_language())


def format_number(value: float) -> str:
    """Format a number in the current locale (1,234.5 / 1 234,5)."""
    return numbers.format_decimal(value, locale=_locale())


def format_distance(km: float) -> str:
    """Format a distance as metres under one kilometre, else kilometres with one decimal."""
    if km < 1:
        metres = max(10, round(km * 1000 / 10) * 10)
        return units.format_unit(metres, "length-meter", length="short", locale=_locale())
    value = round(km, 1) if km < 10 else round(km)
    return units.format_unit(value, "length-kilometer", length="short", locale=_locale())


def format_datetime(moment: datetime, timezone: str | tzinfo, fmt: str = "medium") -> str:
    """Format an aware datetime in the city's timezone and the current locale."""
    zone = ZoneInfo(timezone) if isinstance(timezone, str) else timezone
    return dates.format_datetime(moment, fmt, tzinfo=zone, locale=_locale())


def format_date(day: date | datetime, fmt: str = "medium", timezone: str | None = None) -> str:
    """Format a date (or a datetime's date in ``timezone``) in the current locale."""
    if isinstance(day, datetime) and timezone:
        day = day.astimezone(ZoneInfo(timezone)).date()
    return dates.format_date(day, fmt, locale=_locale())


def format_day(moment: datetime, timezone: str) -> str:
    """The day of ``moment`` in the city's timezone: "Sat 5 Dec", "gruodžio 5 d., št"."""
    pattern = _DAY_PATTERNS.get(current_language(), "EEE d MMM")
    return dates.format_datetime(moment, pattern, tzinfo=ZoneInfo(timezone), locale=_locale())


def format_skeleton(moment: datetime, skeleton: str, timezone: str) -> str:
    """Format with a CLDR skeleton such as ``EEEdMMM`` or ``Hm`` in the city's timezone."""
    return dates.format_skeleton(skeleton, moment, tzinfo=ZoneInfo(timezone), locale=_locale())
