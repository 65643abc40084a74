"""Small bodies built to be slow to read are read quickly, and old repeats are not lost.

Parsing runs in a worker thread, but a regular expression or an HTML scan holds the
interpreter while it works: a 3 KB field that takes a minute would freeze the whole bot.
"""

from __future__ import annotations

import json
import time
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from catalogue.formats import FeedFormatError, ical, jsonld
from catalogue.formats import html as html_format
from catalogue.formats.text import html_to_text

TZ = "Europe/Lisbon"
FAST = 1.0  # seconds; each case took from 5 s to minutes before


def _ics(events: str) -> bytes:
    return f"BEGIN:VCALENDAR\r\nVERSION:2.0\r\n{events}END:VCALENDAR\r\n".encode()


def _timed(call: object, *args: object, **kwargs: object) -> tuple[object, float]:
    started = time.perf_counter()
    result = call(*args, **kwargs)  # type: ignore[operator]
    return result, time.perf_counter() - started


def test_an_age_range_made_of_spaces_is_dropped_quickly(now: datetime) -> None:
    event = {
        "@type": "Event",
        "name": "Workshop",
        "startDate": "2026-12-10T10:00:00Z",
        "typicalAgeRange": "-" + " " * 3000 + "!",
    }
    result, seconds = _timed(jsonld.parse, json.dumps([event]).encode(), now=now, default_tz=TZ)
    assert seconds < FAST
    (record,) = result.records  # type: ignore[attr-defined]
    assert (record.min_age, record.max_age) == (None, None)


@pytest.mark.parametrize("piece", ["<a", '<a b="', "<!--", "</"])
def test_descriptions_full_of_tag_openings_are_read_quickly(piece: str, now: datetime) -> None:
    description = piece * (120_000 // len(piece))
    ics = _ics(
        "BEGIN:VEVENT\r\nUID:slow\r\nSUMMARY:Slow\r\nDTSTART:20261210T100000Z\r\n"
        f"DESCRIPTION:{description}\r\nEND:VEVENT\r\n"
    )
    result, seconds = _timed(ical.parse, ics, now=now, default_tz=TZ)
    assert seconds < FAST
    assert result.records[0].titles == {"und": "Slow"}  # type: ignore[attr-defined]
    _text, seconds = _timed(html_to_text, description)
    assert seconds < FAST


def test_an_html_page_of_tag_openings_is_refused_quickly(now: datetime) -> None:
    page = ("<a" * 1_000_000).encode()
    started = time.perf_counter()
    with pytest.raises(FeedFormatError, match="no <script"):
        html_format.parse(page, now=now, default_tz=TZ)
    assert time.perf_counter() - started < FAST


def test_html_text_keeps_its_words_and_breaks() -> None:
    text = html_to_text(
        "<p>Hello &amp; <b>welcome</b></p><ul><li>one</li><li>two</li></ul>"
        "<script>if (a < b) alert(1)</script>a < b <!-- hidden --> end<br/>next"
    )
    assert text == "Hello & welcome\n\n• one\n• two\na < b end\nnext"


def test_json_ld_scripts_are_found_in_any_case_and_quoting(now: datetime) -> None:
    page = (
        b"<html>\n<head>\n<SCRIPT type='application/ld+json; charset=utf-8'>\n"
        b'{"@type":"Event","name":"Upper","startDate":"2026-12-10T10:00:00Z"}</SCRIPT>\n'
        b"<script type=text/javascript>var x = '<script>';</script>\n"
        b"<script type=application/ld+json>"
        b'{"@type":"Event","name":"Bare","startDate":"2026-12-11T10:00:00Z"}</script>'
    )
    result = html_format.parse(page, now=now, default_tz=TZ)
    assert sorted(r.titles["und"] for r in result.records) == ["Bare", "Upper"]


def test_json_ld_scripts_after_letters_that_lengthen_when_lowered(now: datetime) -> None:
    """İ lowers to two characters; the script after it is still found, on its own line."""
    page = (
        "<html>\n<p>İstanbul İzmir İ</p>\n"
        '<script type="application/ld+json">{"@type":"Event","name":"Aula",'
        '"startDate":"2026-12-10T10:00:00Z"}</script>\n'
        '<script type="application/ld+json">{"@type":"Event",}</script>'
    ).encode()
    result = html_format.parse(page, now=now, default_tz=TZ)
    assert [r.titles["und"] for r in result.records] == ["Aula"]
    assert any("script starting on line 4" in warning for warning in result.warnings)


def test_an_absurd_duration_is_ignored_not_a_crash(now: datetime) -> None:
    event = {
        "@type": "Event",
        "name": "Forever",
        "startDate": "2026-12-10T10:00:00Z",
        "duration": "P99999999D",
    }
    result = jsonld.parse(json.dumps([event]).encode(), now=now, default_tz=TZ)
    (record,) = result.records
    assert record.occurrences[0].end is None


def test_a_daily_repeat_since_1965_still_has_its_sessions(now: datetime) -> None:
    """An "open every day since 1965" venue is neither lost nor retired, and costs little."""
    ics = _ics(
        "BEGIN:VEVENT\r\nUID:old\r\nSUMMARY:Open studio\r\n"
        "DTSTART;TZID=Europe/Lisbon:19650301T100000\r\nDURATION:PT2H\r\n"
        "RRULE:FREQ=DAILY;INTERVAL=2\r\nEND:VEVENT\r\n"
        "BEGIN:VEVENT\r\nUID:weekly\r\nSUMMARY:Chess club\r\n"
        "DTSTART;TZID=Europe/Lisbon:19620103T180000\r\nRRULE:FREQ=WEEKLY;BYDAY=WE\r\nEND:VEVENT\r\n"
    )
    result, seconds = _timed(ical.parse, ics, now=now, default_tz=TZ)
    assert seconds < FAST
    assert result.complete  # type: ignore[attr-defined]
    records = {r.source_id: r for r in result.records}  # type: ignore[attr-defined]
    lisbon = ZoneInfo(TZ)
    daily = [o.start.astimezone(lisbon) for o in records["old"].occurrences]
    assert len(daily) == 60  # every other day of the 120-day window
    # Still on the every-other-day grid counted from 1 March 1965, at 10:00 Lisbon time.
    assert {start.strftime("%H:%M") for start in daily} == {"10:00"}
    assert all((start.date() - date(1965, 3, 1)).days % 2 == 0 for start in daily)
    weekly = records["weekly"].occurrences
    assert len(weekly) >= 17
    assert {o.start.astimezone(lisbon).strftime("%a %H:%M") for o in weekly} == {"Wed 18:00"}


def test_a_repeat_rule_that_cannot_be_read_makes_the_read_incomplete(now: datetime) -> None:
    ics = _ics(
        "BEGIN:VEVENT\r\nUID:odd\r\nSUMMARY:Odd\r\nDTSTART:20261210T100000Z\r\n"
        "RRULE:FREQ=DAILY;BYDAY=XX\r\nEND:VEVENT\r\n"
    )
    result = ical.parse(ics, now=now, default_tz=TZ)
    assert not result.complete
    assert any("not understood" in w for w in result.warnings)
