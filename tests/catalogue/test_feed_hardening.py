"""Hostile or broken feeds end in a clear one-line error or warning, quickly."""

from __future__ import annotations

import asyncio
import json
import time
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

import pytest
from aiohttp import web

from catalogue.formats import (
    FeedFormatError,
    FeedTooLargeError,
    Format,
    UnsafeFeedError,
    detect_format,
    ical,
    jsonld,
    parse_feed,
    syndication,
    tabular,
)
from catalogue.formats import html as html_format

if TYPE_CHECKING:
    from conftest import PartnerServer

TZ = "Europe/Lisbon"

BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<rss version="2.0"><channel><title>&lol9;</title>
<item><title>&lol9;</title><guid>1</guid></item></channel></rss>
"""


def _rss(items: str, declaration: str = '<?xml version="1.0" encoding="utf-8"?>') -> bytes:
    return (
        f"{declaration}\n"
        '<rss version="2.0" xmlns:ev="http://purl.org/rss/1.0/modules/event/"'
        ' xmlns:georss="http://www.georss.org/georss">\n'
        f"<channel><title>Feed</title><language>pt</language>\n{items}\n</channel></rss>\n"
    ).encode()


def _ics(events: str) -> bytes:
    return f"BEGIN:VCALENDAR\r\nVERSION:2.0\r\n{events}END:VCALENDAR\r\n".encode()


def _one_line(error: BaseException) -> str:
    message = str(error)
    assert message
    assert "\n" not in message
    assert "Traceback" not in message
    return message


def test_malformed_xml_names_line_and_column(now: datetime) -> None:
    body = _rss("<rss><<<>>>")
    with pytest.raises(FeedFormatError) as caught:
        syndication.parse(body, now=now, default_tz=TZ)
    message = _one_line(caught.value)
    assert "not well-formed" in message
    assert "line 4, column" in message


def test_slightly_malformed_xml_is_read_leniently_but_incomplete(now: datetime) -> None:
    body = _rss("<item><title>Oficina</title>\n<guid>1</guid></itm>")
    result = syndication.parse(body, now=now, default_tz=TZ)
    assert [r.title for r in result.records] == ["Oficina"]
    assert not result.complete
    assert any("not well-formed" in w and "line 5, column 17" in w for w in result.warnings)


def test_billion_laughs_is_refused_quickly(now: datetime) -> None:
    started = time.perf_counter()
    with pytest.raises(UnsafeFeedError) as caught:
        parse_feed(BILLION_LAUGHS, now=now, default_tz=TZ)
    assert time.perf_counter() - started < 1.0
    assert "entities" in _one_line(caught.value)


def test_external_entity_is_refused(now: datetime) -> None:
    body = (
        b'<?xml version="1.0"?>\n<!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]>\n'
        b'<rss version="2.0"><channel><item><title>&x;</title></item></channel></rss>'
    )
    with pytest.raises(UnsafeFeedError):
        syndication.parse(body, now=now, default_tz=TZ)


@pytest.mark.parametrize(
    "body",
    [
        b"/etc/passwd",
        b"  ./feed.xml\n",
        b"file:///etc/passwd",
        b"https://partner.example/feed.xml",
    ],
)
def test_body_that_is_only_a_path_or_url_is_refused(body: bytes, now: datetime) -> None:
    for parse in (syndication.parse, ical.parse, jsonld.parse, tabular.parse, html_format.parse):
        with pytest.raises(UnsafeFeedError) as caught:
            parse(body, now=now, default_tz=TZ)
        assert "nothing was opened" in _one_line(caught.value)
    with pytest.raises(UnsafeFeedError):
        parse_feed(body, Format.RSS, now=now, default_tz=TZ)


def test_a_str_body_is_refused(now: datetime) -> None:
    with pytest.raises(FeedFormatError, match="must be bytes"):
        syndication.parse("/etc/passwd", now=now, default_tz=TZ)  # type: ignore[arg-type]


def test_oversized_body_is_refused_before_parsing(now: datetime) -> None:
    body = b"BEGIN:VCALENDAR\r\n" + b"X" * (11 * 1024 * 1024)
    started = time.perf_counter()
    with pytest.raises(FeedTooLargeError):
        ical.parse(body, now=now, default_tz=TZ)
    with pytest.raises(FeedTooLargeError, match="more than the 1,000 bytes"):
        parse_feed(b"{" + b" " * 2000 + b"}", now=now, default_tz=TZ, max_bytes=1000)
    assert time.perf_counter() - started < 1.0


def test_markup_in_titles_is_kept_as_literal_text(now: datetime) -> None:
    title = "<b>Clube</b> *de* _código_ [link](tg://user?id=1) & amigos"
    escaped = title.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    rss = _rss(f"<item><title>{escaped}</title><guid>a</guid></item>")
    assert syndication.parse(rss, now=now, default_tz=TZ).records[0].titles["pt"] == title
    ics = _ics(
        "BEGIN:VEVENT\r\nUID:a\r\nDTSTART:20261210T180000Z\r\n"
        f"SUMMARY:{title.replace(';', chr(92) + ';')}\r\nEND:VEVENT\r\n"
    )
    assert ical.parse(ics, now=now, default_tz=TZ).records[0].title == title
    csv_body = f'id,title,start\na,"{title}",2026-12-10 18:00\n'.encode()
    assert tabular.parse(csv_body, now=now, default_tz=TZ).records[0].title == title
    doc = json.dumps({"@type": "Event", "name": title, "startDate": "2026-12-10T18:00"})
    assert jsonld.parse(doc.encode(), now=now, default_tz=TZ).records[0].title == title


def test_html_descriptions_become_plain_text(now: datetime) -> None:
    rss = _rss(
        "<item><title>A</title><guid>a</guid><description>&lt;p&gt;Olá &amp;amp; bem-vindos"
        "&lt;/p&gt;&lt;script&gt;alert(1)&lt;/script&gt;&lt;ul&gt;&lt;li&gt;um&lt;/li&gt;"
        "&lt;/ul&gt;</description></item>"
    )
    record = syndication.parse(rss, now=now, default_tz=TZ).records[0]
    assert record.descriptions["pt"] == "Olá & bem-vindos\n\n• um"


def test_coordinates_out_of_range_are_dropped_with_a_warning(now: datetime) -> None:
    ics = _ics(
        "BEGIN:VEVENT\r\nUID:a\r\nSUMMARY:A\r\nDTSTART:20261210T180000Z\r\nGEO:95.0;200.0\r\n"
        "END:VEVENT\r\n"
    )
    csv_body = b"id,title,start,lat,lon\na,A,2026-12-10 18:00,38.7,-190\nb,B,2026-12-10,x,y\n"
    rss = _rss("<item><title>A</title><guid>a</guid><georss:point>91 10</georss:point></item>")
    doc = (
        b'{"@type":"Event","name":"A","startDate":"2026-12-10",'
        b'"location":{"@type":"Place","name":"P","geo":{"latitude":-100,"longitude":0}}}'
    )
    for parse, body in (
        (ical.parse, ics),
        (tabular.parse, csv_body),
        (syndication.parse, rss),
        (jsonld.parse, doc),
    ):
        result = parse(body, now=now, default_tz=TZ)
        assert result.records
        assert all(r.latitude is None for r in result.records)
        assert result.complete
        assert any("coordinates" in w and "dropped" in w for w in result.warnings)


def test_dates_in_year_9999_or_before_1900_are_dropped(now: datetime) -> None:
    ics = _ics(
        "BEGIN:VEVENT\r\nUID:far\r\nSUMMARY:A\r\nDTSTART:99991231T180000Z\r\nEND:VEVENT\r\n"
        "BEGIN:VEVENT\r\nUID:ok\r\nSUMMARY:B\r\nDTSTART:20261210T180000Z\r\nEND:VEVENT\r\n"
    )
    result = ical.parse(ics, now=now, default_tz=TZ)
    assert [r.source_id for r in result.records] == ["ok"]
    assert any("year 9999" in w for w in result.warnings)
    csv_body = b"id,title,start\na,A,9999-12-31 10:00\nb,B,1850-01-01\nc,C,2026-12-10\n"
    result = tabular.parse(csv_body, now=now, default_tz=TZ)
    assert [r.source_id for r in result.records] == ["c"]
    assert any("line 2" in w and "9999" in w for w in result.warnings)
    assert any("line 3" in w and "1850" in w for w in result.warnings)
    doc = b'[{"@type":"Event","name":"A","startDate":"9999-01-01T00:00:00Z"}]'
    result = jsonld.parse(doc, now=now, default_tz=TZ)
    assert result.records == ()
    assert any("9999" in w for w in result.warnings)


def test_minutely_rule_without_end_is_refused_quickly(now: datetime) -> None:
    ics = _ics(
        "BEGIN:VEVENT\r\nUID:spam\r\nSUMMARY:Spam\r\nDTSTART:20261204T100000Z\r\n"
        "RRULE:FREQ=MINUTELY\r\nEND:VEVENT\r\n"
        "BEGIN:VEVENT\r\nUID:old-daily\r\nSUMMARY:Daily since 1990\r\n"
        "DTSTART;TZID=Europe/Lisbon:19900101T090000\r\nRRULE:FREQ=DAILY\r\nEND:VEVENT\r\n"
        "BEGIN:VEVENT\r\nUID:hourly\r\nSUMMARY:Hourly\r\nDTSTART:20261201T100000Z\r\n"
        "RRULE:FREQ=HOURLY;INTERVAL=1\r\nEND:VEVENT\r\n"
    )
    started = time.perf_counter()
    result = ical.parse(ics, now=now, default_tz=TZ)
    assert time.perf_counter() - started < 2.0
    records = {r.source_id: r for r in result.records}
    assert len(records["spam"].occurrences) == 1
    assert any("spam" in w and "too frequent" in w for w in result.warnings)
    # The hourly series started before the window: its only kept session is past, so it is gone.
    assert "hourly" not in records
    # A daily rule is capped at 200 sessions per series even when the window holds fewer.
    assert len(records["old-daily"].occurrences) == 120


def test_cap_per_series(now: datetime) -> None:
    ics = _ics(
        "BEGIN:VEVENT\r\nUID:twice\r\nSUMMARY:Twice a day\r\nDTSTART:20261204T090000Z\r\n"
        "RRULE:FREQ=DAILY;BYHOUR=9,17\r\nEND:VEVENT\r\n"
    )
    result = ical.parse(ics, now=now, default_tz=TZ, window_days=365)
    assert len(result.records[0].occurrences) == 200
    assert any("only the first 200 kept" in w for w in result.warnings)


def test_non_utf8_without_declaration_is_decoded(now: datetime) -> None:
    title = "Oficina de Programação — nível básico"
    rss = _rss(
        f"<item><title>{title}</title><guid>a</guid></item>", '<?xml version="1.0"?>'
    ).decode("utf-8")
    result = syndication.parse(rss.encode("cp1252"), now=now, default_tz=TZ)
    assert result.records[0].titles["pt"] == title
    assert any("Windows-1252" in w for w in result.warnings)
    ics = _ics(f"BEGIN:VEVENT\r\nUID:a\r\nSUMMARY:{title}\r\nDTSTART:20261210\r\nEND:VEVENT\r\n")
    assert (
        ical.parse(ics.decode().encode("cp1252"), now=now, default_tz=TZ).records[0].title == title
    )
    csv_body = f"id;title;start\na;{title};10/12/2026 18:00\n".encode("cp1252")
    result = tabular.parse(csv_body, now=now, default_tz=TZ)
    assert result.records[0].title == title


def test_declared_latin1_xml_is_read(now: datetime) -> None:
    rss = _rss(
        "<item><title>Ação</title><guid>a</guid></item>",
        '<?xml version="1.0" encoding="ISO-8859-1"?>',
    )
    body = rss.decode("utf-8").encode("latin-1")
    result = syndication.parse(body, now=now, default_tz=TZ)
    assert result.records[0].titles["pt"] == "Ação"
    assert result.warnings == ()


def test_csv_missing_columns_are_named(now: datetime) -> None:
    with pytest.raises(FeedFormatError) as caught:
        tabular.parse(b"id;nome;data\n1;A;2026-12-10\n", now=now, default_tz=TZ)
    message = _one_line(caught.value)
    assert "title, start" in message
    assert "line 1" in message


def test_csv_bad_row_is_skipped_and_named(now: datetime) -> None:
    body = (
        b"id,title,start\na,A,2026-12-10 18:00\nb,B,next tuesday\n,C,2026-12-11\nd,D,2026-12-12\n"
    )
    result = tabular.parse(body, now=now, default_tz=TZ)
    assert [r.source_id for r in result.records] == ["a", "d"]
    assert not result.complete
    assert any(w.startswith("line 3:") and "next tuesday" in w for w in result.warnings)
    assert any(w.startswith("line 4:") and "id" in w for w in result.warnings)


def test_jsonld_trailing_semicolon_names_line_and_column(now: datetime) -> None:
    body = b'{\n  "@type": "Event",\n  "name": "A",\n  "startDate": "2026-12-10"\n};\n'
    with pytest.raises(FeedFormatError) as caught:
        jsonld.parse(body, now=now, default_tz=TZ)
    message = _one_line(caught.value)
    assert "';'" in message
    assert "line 5, column 2" in message


def test_jsonld_deep_nesting_is_an_error_not_a_crash(now: datetime) -> None:
    body = b"[" * 100_000 + b"]" * 100_000
    with pytest.raises(FeedFormatError):
        jsonld.parse(body, now=now, default_tz=TZ)


def test_html_bad_script_does_not_hide_the_others(now: datetime) -> None:
    page = (
        b"<!DOCTYPE html><html><head>\n"
        b'<script type="application/ld+json">'
        b'{"@type":"Event","name":"Boa","startDate":"2026-12-10"}</script>\n'
        b'<script type="application/ld+json">{"@type":"Event","name":"Mau",}</script>\n'
        b'<script type="application/ld+json">\n<!--\n'
        b'{"@type":"Course","name":"Curso"}\n-->\n</script>\n'
        b"</head></html>"
    )
    result = html_format.parse(page, now=now, default_tz=TZ)
    assert sorted(r.title for r in result.records) == ["Boa", "Curso"]
    assert not result.complete
    assert any("line 3" in w and "skipped" in w for w in result.warnings)
    with pytest.raises(FeedFormatError, match="no <script"):
        html_format.parse(b"<html><body>Agenda</body></html>", now=now, default_tz=TZ)


def test_windows_zone_names_and_x_wr_timezone(now: datetime) -> None:
    ics = _ics(
        "X-WR-TIMEZONE:Atlantic/Madeira\r\n"
        "BEGIN:VEVENT\r\nUID:win\r\nSUMMARY:A\r\n"
        "DTSTART;TZID=GMT Standard Time:20270706T180000\r\nEND:VEVENT\r\n"
        "BEGIN:VEVENT\r\nUID:floating\r\nSUMMARY:B\r\nDTSTART:20261210T180000\r\nEND:VEVENT\r\n"
    )
    result = ical.parse(ics, now=now, default_tz=TZ, window_days=300)
    records = {r.source_id: r for r in result.records}
    assert records["win"].occurrences[0].source_tz == "Europe/London"
    # 18:00 in London summer time is 17:00 UTC.
    assert records["win"].occurrences[0].start.isoformat() == "2027-07-06T17:00:00+00:00"
    assert records["floating"].occurrences[0].source_tz == "Atlantic/Madeira"


def test_several_calendars_and_moved_sessions(now: datetime) -> None:
    body = _ics(
        "BEGIN:VEVENT\r\nUID:series\r\nSUMMARY:Weekly\r\nDTSTART:20261207T180000Z\r\n"
        "DURATION:PT1H\r\nRRULE:FREQ=WEEKLY;COUNT=3\r\nEND:VEVENT\r\n"
        "BEGIN:VEVENT\r\nUID:series\r\nRECURRENCE-ID:20261214T180000Z\r\nSUMMARY:Weekly\r\n"
        "DTSTART:20261215T190000Z\r\nDTEND:20261215T200000Z\r\nEND:VEVENT\r\n"
        "BEGIN:VEVENT\r\nUID:series\r\nRECURRENCE-ID:20261221T180000Z\r\nSTATUS:CANCELLED\r\n"
        "DTSTART:20261221T180000Z\r\nEND:VEVENT\r\n"
    ) + _ics("BEGIN:VEVENT\r\nUID:other\r\nSUMMARY:X\r\nDTSTART:20261220\r\nEND:VEVENT\r\n")
    result = ical.parse(body, now=now, default_tz=TZ)
    records = {r.source_id: r for r in result.records}
    assert set(records) == {"series", "other"}
    starts = [o.start.isoformat() for o in records["series"].occurrences]
    assert starts == ["2026-12-07T18:00:00+00:00", "2026-12-15T19:00:00+00:00"]


def test_ical_that_is_not_a_calendar(now: datetime) -> None:
    with pytest.raises(FeedFormatError, match="BEGIN:VCALENDAR"):
        ical.parse(b"<html>nope</html>", now=now, default_tz=TZ)
    broken = b"BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nfoo\r\nEND:VCALENDAR\r\n"
    with pytest.raises(FeedFormatError, match="line 4: END:VCALENDAR does not close BEGIN:VEVENT"):
        ical.parse(broken, now=now, default_tz=TZ)
    bad_date = _ics("BEGIN:VEVENT\r\nUID:x\r\nSUMMARY:A\r\nDTSTART:2026\r\nEND:VEVENT\r\n")
    result = ical.parse(bad_date, now=now, default_tz=TZ)
    assert result.records == ()
    assert not result.complete
    assert any("'x'" in w and "DTSTART" in w for w in result.warnings)


@pytest.mark.parametrize(
    ("head", "content_type", "expected"),
    [
        (b"BEGIN:VCALENDAR", None, Format.ICAL),
        (b'\xef\xbb\xbf{"@graph": []}', None, Format.JSONLD),
        (b'<?xml version="1.0"?><rss version="2.0">', None, Format.RSS),
        (b'<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom">', None, Format.ATOM),
        (b"<!DOCTYPE html><html>", None, Format.HTML),
        (b"id;title;start\n", None, Format.CSV),
        (b"whatever", "text/calendar; charset=utf-8", Format.ICAL),
        (b'<?xml version="1.0"?><feed>', "application/xml", Format.ATOM),
    ],
)
def test_detect_format(head: bytes, content_type: str | None, expected: Format) -> None:
    assert detect_format(head, content_type) is expected


def test_unrecognisable_body(now: datetime) -> None:
    with pytest.raises(FeedFormatError, match="could not be recognised"):
        parse_feed(b"hello world", now=now, default_tz=TZ)


async def test_external_dtd_is_never_fetched(partner_server: PartnerServer, now: datetime) -> None:
    requests: list[str] = []

    async def dtd(request: web.Request) -> web.Response:
        requests.append(request.path)
        return web.Response(text="<!ENTITY boom 'x'>")

    partner_server.app.router.add_get("/evil.dtd", dtd)
    await partner_server.start()
    body = (
        '<?xml version="1.0"?>\n'
        f'<!DOCTYPE rss SYSTEM "{partner_server.url("/evil.dtd")}">\n'
        '<rss version="2.0"><channel><item><title>A</title><guid>a</guid></item>'
        "</channel></rss>"
    ).encode()
    # In a thread, so that a parser that did fetch the DTD would reach the server and be seen.
    result = await asyncio.wait_for(
        asyncio.to_thread(syndication.parse, body, now=now, default_tz=TZ), timeout=5
    )
    assert [r.title for r in result.records] == ["A"]
    assert requests == []


def test_custom_vtimezone_and_rdate(now: datetime) -> None:
    body = _ics(
        "BEGIN:VTIMEZONE\r\nTZID:Hora de Lisboa\r\n"
        "BEGIN:STANDARD\r\nDTSTART:19701025T020000\r\nRRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU\r\n"
        "TZOFFSETFROM:+0100\r\nTZOFFSETTO:+0000\r\nEND:STANDARD\r\n"
        "BEGIN:DAYLIGHT\r\nDTSTART:19700329T010000\r\nRRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU\r\n"
        "TZOFFSETFROM:+0000\r\nTZOFFSETTO:+0100\r\nEND:DAYLIGHT\r\nEND:VTIMEZONE\r\n"
        "BEGIN:VEVENT\r\nUID:r\r\nSUMMARY:Extra dates\r\n"
        "DTSTART;TZID=Hora de Lisboa:20261210T180000\r\n"
        "DTEND;TZID=Hora de Lisboa:20261210T190000\r\n"
        "RDATE;TZID=Hora de Lisboa:20270415T180000,20270101T180000\r\nEND:VEVENT\r\n"
    )
    result = ical.parse(body, now=now, default_tz=TZ, window_days=180)
    starts = [o.start.isoformat() for o in result.records[0].occurrences]
    # 15 April is in summer time (+01:00): 18:00 local is 17:00 UTC.
    assert starts == [
        "2026-12-10T18:00:00+00:00",
        "2027-01-01T18:00:00+00:00",
        "2027-04-15T17:00:00+00:00",
    ]
    assert all(o.end - o.start == timedelta(hours=1) for o in result.records[0].occurrences)


def test_jsonld_item_list_and_standalone_course_instance(now: datetime) -> None:
    doc = {
        "@context": "https://schema.org",
        "@type": "ItemList",
        "itemListElement": [
            {
                "@type": "ListItem",
                "item": {
                    "@type": "CourseInstance",
                    "name": "Inglês A2",
                    "startDate": "2026-12-14T18:00:00+00:00",
                    "inLanguage": "en",
                    "audience": {"@type": "PeopleAudience", "suggestedMinAge": 16},
                    "assesses": "https://data.europa.eu/esco/skill/6d3edede-8951-4621-a835-e04323f183f1",
                },
            },
            {"@type": "ListItem", "item": {"@type": "Organization", "name": "Not an activity"}},
        ],
    }
    result = jsonld.parse(json.dumps(doc).encode(), now=now, default_tz=TZ)
    (record,) = result.records
    assert record.type.value == "course"
    assert record.titles == {"en": "Inglês A2"}
    assert record.min_age == 16
    assert record.competences == (
        "https://data.europa.eu/esco/skill/6d3edede-8951-4621-a835-e04323f183f1",
    )


def test_unknown_format_name(now: datetime) -> None:
    with pytest.raises(FeedFormatError, match="unknown feed format 'xls'"):
        parse_feed(b"id,title,start\n", "xls", now=now, default_tz=TZ)
