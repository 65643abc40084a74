"""The plain-line shortcut builds exactly the components icalendar's own parser builds."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest
from icalendar import Calendar, Component

from catalogue.formats.ical_lines import parse_calendars
from catalogue.samples import render_sample

# Lines the shortcut takes and lines it must leave to icalendar (quotes, escapes, odd names).
LINES = [
    "SUMMARY;LANGUAGE=pt:Oficina de programação",
    "summary;language=pt:lower-case names",
    "SUMMARY;LANGUAGE=pt;X-A=b:value: with colons",
    "SUMMARY:Olá\\, mundo\\; linha\\ndois",
    "SUMMARY:",
    "SUMMARY;:no parameter",
    "SUMMARY",
    "SUMMARY ;LANGUAGE=pt:space before parameters",
    "SUMMARY; LANGUAGE = pt :spaces around delimiters",
    "SUMMARY;LANGUAGE=p%2Ct:percent in a parameter",
    "SUMMARY\\;X:escaped delimiter",
    'DTSTART;TZID="Europe/Lisbon":20261210T180000',
    "DTSTART;TZID=Europe/Lisbon:20261210T180000",
    "DTSTART;TZID=Not/AZone:20261210T180000",
    "DTSTART;TZID=Europe/Lisbon,Europe/Paris:20261210T180000",
    "DTSTART;VALUE=DATE:20261210",
    "DTSTART;value=date:20261210",
    "DTSTART:not a date",
    'DESCRIPTION;ALTREP="cid:part@example.org":Text',
    "X-APPLE-STRUCTURED-LOCATION;VALUE=URI;X-ADDRESS=Rua A\\, 1;X-TITLE=Sala:geo:38.7,-9.1",
    "CATEGORIES:a\\,b,c,digcomp:3.4",
    "CATEGORIES:coding,employment,digcomp:3.4",
    "CATEGORIES;LANGUAGE=pt:programação, emprego ,",
    "categories:a,,b",
    "CATEGORIES:",
    "CATEGORIES:one",
    "CATEGORIES;VALUE=TEXT:a,b",
    "CATEGORIES;VALUE=INTEGER:1,2",
    "GEO:38.7;-9.1",
    "GEO:nowhere",
    "RRULE:FREQ=WEEKLY;COUNT=3",
    "RDATE;VALUE=PERIOD:20261210T180000Z/PT1H",
    "RDATE:",
    "EXDATE:20261217T180000Z,20261224T180000Z",
    "DURATION:PT1H30M",
    "ATTACH;FMTTYPE=image/png:https://partner.example/a.png",
    "URL:https://partner.example/a?b=c;d=e",
    "ATTENDEE;CN=Ana Maria;ROLE=REQ-PARTICIPANT:mailto:ana@partner.example",
    "ORGANIZER;CN=^'Q^':mailto:ana@partner.example",
    "X-WEIRD_NAME:underscore",
    "FREEBUSY:19980314T233000Z/19980315T003000Z",
    "REQUEST-STATUS:2.0;Success",
]


def _parts(value: Any) -> Any:
    """The items of a list value (CATEGORIES), as the program reads them."""
    items = getattr(value, "cats", None)
    if items is None:
        return None
    return [(type(item), str(item), dict(item.params), item.encoding) for item in items]


def _tree(component: Component) -> Any:
    properties = []
    for name, value in dict.items(component):
        items = value if isinstance(value, list) else [value]
        properties.append(
            (
                name,
                [(type(item), dict(item.params), item.to_ical(), _parts(item)) for item in items],
            )
        )
    return (
        type(component),
        component.name,
        properties,
        getattr(component, "errors", None),
        [_tree(sub) for sub in component.subcomponents],
    )


def _both(text: str) -> tuple[Any, Any]:
    trees = []
    for parse in (lambda: Calendar.from_ical(text, multiple=True), lambda: parse_calendars(text)):
        try:
            trees.append([_tree(calendar) for calendar in parse()])
        except (ValueError, TypeError) as error:
            trees.append(("refused", type(error).__name__, str(error)))
    return trees[0], trees[1]


@pytest.mark.parametrize("line", LINES)
def test_a_line_in_an_event_and_in_the_calendar(line: str) -> None:
    event = (
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\nUID:a\r\n"
        f"DTSTART:20261210T180000Z\r\n{line}\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
    )
    expected, found = _both(event)
    assert found == expected
    expected, found = _both(f"BEGIN:VCALENDAR\r\nVERSION:2.0\r\n{line}\r\nEND:VCALENDAR\r\n")
    assert found == expected


def test_the_sample_feed(now: datetime) -> None:
    expected, found = _both(render_sample("lisbon-libraries.ics", now).decode("utf-8"))
    assert found == expected


def test_a_line_outside_any_component_is_refused_alike() -> None:
    expected, found = _both("BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nfoo\r\nEND:VCALENDAR\r\n")
    assert found == expected


def test_a_custom_time_zone_is_used_alike() -> None:
    expected, found = _both(
        "BEGIN:VCALENDAR\r\nBEGIN:VTIMEZONE\r\nTZID:Custom\r\nBEGIN:STANDARD\r\n"
        "DTSTART:19701025T030000\r\nTZOFFSETFROM:+0100\r\nTZOFFSETTO:+0000\r\nEND:STANDARD\r\n"
        "END:VTIMEZONE\r\nBEGIN:VEVENT\r\nUID:x\r\nDTSTART;TZID=Custom:20261210T180000\r\n"
        "END:VEVENT\r\nEND:VCALENDAR\r\n"
    )
    assert found == expected
