"""icalendar's calendar parser with a shortcut for the plain content lines of big feeds.

icalendar splits every content line character by character to honour quoting and escapes, and
looks up each property's value type twice. Most lines in real feeds are plain
(``DTSTART;TZID=Europe/Lisbon:20261210T180000``): a name, simple ``KEY=value`` parameters, then
the value. Those are split here with one regular expression into exactly the parts icalendar
would produce; any other line (quotes, backslashes, commas or unusual characters before the
value) goes through icalendar's own splitting. Everything after the split (value types,
error-tolerant properties, components, time zones) is icalendar's unchanged, so the result is
the same tree of real components.
"""

from __future__ import annotations

import re
from collections import OrderedDict
from typing import Any

from icalendar import Calendar, Component
from icalendar.parser import Parameters
from icalendar.parser.ical.calendar import CalendarIcalParser
from icalendar.parser.property import unescape_backslash
from icalendar.prop import vCategory, vText

# A name, then parameters whose values need no unquoting or unescaping, up to the first colon.
_PLAIN_HEAD = re.compile(r"([A-Za-z0-9-]+)((?:;[A-Za-z0-9-]+=[A-Za-z0-9_/+.-]+)*):")
_ENCODING = "utf-8"


def _parameters(head: str) -> Parameters:
    """``Parameters`` for ``;KEY=value;...`` already known to be plain.

    The same mapping ``Parameters(...)`` builds (upper-case keys, in order), without its generic
    constructor, which dominated the profile of big feeds (several calls per property).
    """
    params: Parameters = Parameters.__new__(Parameters)
    if head:
        for item in head[1:].split(";"):
            key, value = item.split("=", 1)
            OrderedDict.__setitem__(params, key.upper(), value)
    return params


def _text(value: str, params: Parameters) -> vText:
    """The ``vText`` that ``vText(value)`` would give, with ``params``; no decoding needed."""
    text = str.__new__(vText, value)
    text.encoding = _ENCODING  # type: ignore[attr-defined]
    text.params = params
    return text


class _PlainLineParser(CalendarIcalParser):
    """A `CalendarIcalParser` that splits plain lines itself and remembers value types."""

    def __init__(self, data: str) -> None:
        super().__init__(data, Calendar._get_component_factory(), Calendar.types_factory)
        self._factories: dict[tuple[str, str | None], Any] = {}

    def parse_content_lines(self) -> None:
        """Parse the content lines, as icalendar does."""
        plain_head = _PLAIN_HEAD.match
        for line in self._content_lines_iterator:
            if not line:
                continue
            head = plain_head(line)
            if head is None:
                try:
                    name, params, vals = line.parts()
                except ValueError as error:
                    self.handle_line_parse_error(error)
                    continue
            else:
                name = head.group(1)
                params = _parameters(head.group(2))
                vals = line[head.end() :]
                if (
                    name.upper() == "CATEGORIES"
                    and "\\" not in vals
                    and "VALUE" not in params  # another value type: icalendar decides
                    and self.component
                ):
                    self._add_categories(params, vals)
                    continue
                if "\\" in vals:
                    vals = unescape_backslash(vals)
            uname = name.upper()
            if uname == "BEGIN":
                self.handle_begin_component(vals)
            elif uname == "END":
                self.handle_end_component(vals)
            else:
                self.handle_property(uname, params, vals, line)

    def parse_and_add_property(
        self, name: str, params: Parameters, val: str, tzid: str | None, line: Any
    ) -> None:
        """Add one property; plain text is built once instead of twice (it cannot fail)."""
        if self.get_factory_for_property(name, params) is not vText:
            super().parse_and_add_property(name, params, val, tzid, line)
            return
        self.component.add(name, _text(val, params), encode=False)  # type: ignore[union-attr]

    def _add_categories(self, params: Parameters, vals: str) -> None:
        """CATEGORIES without escapes: split on commas, as icalendar does, with cheap parts."""
        categories: vCategory = vCategory.__new__(vCategory)
        categories.cats = [_text(item, _parameters("")) for item in vals.split(",")]
        categories.params = params
        self.component.add("CATEGORIES", categories, encode=False)  # type: ignore[union-attr]

    def get_factory_for_property(self, name: str, params: Parameters) -> Any:
        """The value type of a property, looked up once per name and VALUE parameter."""
        key = (name, params.value if params else None)
        factory = self._factories.get(key)
        if factory is None:
            factory = self._factories[key] = super().get_factory_for_property(name, params)
        return factory


def parse_calendars(text: str) -> list[Component]:
    """Every VCALENDAR in ``text``, as `Calendar.from_ical(text, multiple=True)` returns them."""
    return _PlainLineParser(text).parse()
