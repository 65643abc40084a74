"""Every sample feed parses completely into the activities a person would browse."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from catalogue.formats import Format, detect_format
from catalogue.records import ActivityRecord, ActivityType, ParseResult
from catalogue.samples import FEED_FILES, load_json, render_sample

LISBON = ZoneInfo("Europe/Lisbon")
ParseSample = Callable[[str], ParseResult]
EXPECTED = {
    "lisbon-libraries.ics": (Format.ICAL, 16),
    "youth-ponte.rss.xml": (Format.RSS, 13),
    "green-jobs.atom.xml": (Format.ATOM, 12),
    "digital-academy.jsonld.json": (Format.JSONLD, 14),
    "community-arts.html": (Format.HTML, 10),
    "repair-network.csv": (Format.CSV, 12),
    "madeira-digital.csv": (Format.CSV, 6),
}


def _by_id(result: ParseResult, suffix: str) -> ActivityRecord:
    matches = [record for record in result.records if record.source_id.endswith(suffix)]
    assert len(matches) == 1, [record.source_id for record in result.records]
    return matches[0]


@pytest.mark.parametrize("name", FEED_FILES)
def test_sample_parses_completely(name: str, parse_sample: ParseSample, now: datetime) -> None:
    fmt, count = EXPECTED[name]
    data = render_sample(name, now)
    assert detect_format(data, None) is fmt
    result = parse_sample(name)
    assert result.complete
    assert result.warnings == ()
    assert len(result.records) == count
    for record in result.records:
        assert record.titles.get("pt")
        assert record.titles.get("en")
        assert record.competences, record.source_id
        for occurrence in record.occurrences:
            assert (occurrence.end or occurrence.start) >= now
            assert occurrence.start <= now + timedelta(days=120)
        if record.latitude is not None:
            madeira = name.startswith("madeira")
            lat_range = (32.6, 32.7) if madeira else (38.69, 38.78)
            lon_range = (-16.95, -16.89) if madeira else (-9.21, -9.09)
            assert lat_range[0] < record.latitude < lat_range[1], record.source_id
            assert lon_range[0] < record.longitude < lon_range[1], record.source_id  # type: ignore[operator]


def test_samples_hold_about_eighty_activities(parse_sample: ParseSample) -> None:
    total = sum(len(parse_sample(name).records) for name in FEED_FILES)
    assert 75 <= total <= 90


def test_ical_weekly_rule_expands_in_window(parse_sample: ParseSample, now: datetime) -> None:
    result = parse_sample("lisbon-libraries.ics")
    club = _by_id(result, "blx-coding-marvila@bibliotecas-abertas.org.example")
    assert club.type is ActivityType.WORKSHOP
    assert club.venue_name == "Biblioteca de Marvila"
    assert (club.latitude, club.longitude) == (38.7446, -9.1062)
    assert club.address == "Rua António Gedeão, 1950-023 Lisboa"
    assert club.competences == ("digcomp:3.4", "digcomp:3.1")
    assert club.topics == ("coding", "technology")
    assert club.languages == ("pt", "en")
    assert (club.min_age, club.max_age) == (14, 25)
    # Wednesdays 18:00 Lisbon time (UTC+0 in winter), 120-day window → 17 or 18 sessions.
    assert 17 <= len(club.occurrences) <= 18
    local = [o.start.astimezone(LISBON) for o in club.occurrences]
    assert all(start.weekday() == 2 and start.hour == 18 for start in local)
    assert club.occurrences[0].source_tz == "Europe/Lisbon"


def test_ical_exdate_and_summer_time(parse_sample: ParseSample) -> None:
    result = parse_sample("lisbon-libraries.ics")
    jobs = _by_id(result, "blx-job-search@bibliotecas-abertas.org.example")
    starts = {o.start.date().isoformat() for o in jobs.occurrences}
    assert "2026-12-24" not in starts  # EXDATE for Christmas Eve
    assert "2026-12-31" in starts
    book_swap = _by_id(result, "blx-book-swap@bibliotecas-abertas.org.example")
    assert all(o.all_day for o in book_swap.occurrences)
    assert book_swap.occurrences[0].start.isoformat() == "2026-12-05T00:00:00+00:00"
    # After the clocks change (29 March 2027), 18:00 Lisbon is 17:00 UTC.
    club = _by_id(result, "blx-coding-marvila@bibliotecas-abertas.org.example")
    assert club.occurrences[-1].start.isoformat() == "2027-03-31T17:00:00+00:00"


def test_rss_event_dates_and_undated_offers(parse_sample: ParseSample, now: datetime) -> None:
    result = parse_sample("youth-ponte.rss.xml")
    interview = _by_id(result, "ponte-first-job")
    assert interview.type is ActivityType.WORKSHOP
    assert interview.occurrences[0].start == (now + timedelta(days=8)).replace(hour=10, minute=0)
    assert interview.venue_name == "Hub Criativo do Beato (edifício 3)"
    assert (interview.latitude, interview.longitude) == (38.7349, -9.1033)
    assert interview.descriptions["pt"].startswith("Simulação de entrevistas")
    guide = _by_id(result, "ponte-digital-badges-guide")
    assert guide.type is ActivityType.DIGITAL_EXPERIENCE
    assert guide.occurrences == ()
    assert guide.online_url == "https://ponte-jovem.org.example/guias/linkedin"
    call = _by_id(result, "ponte-volunteer-call")
    assert call.type is ActivityType.VOLUNTEERING
    assert call.occurrences == ()
    driving = _by_id(result, "ponte-driving-theory")
    assert driving.is_free is False
    assert driving.cost == "10 € (material)"


def test_atom_custom_namespace(parse_sample: ParseSample) -> None:
    result = parse_sample("green-jobs.atom.xml")
    solar = _by_id(result, "verde-solar-intro")
    assert solar.type is ActivityType.COURSE
    assert solar.competences == ("greencomp:4.2", "entrecomp:3.4")
    assert solar.signup_url == "https://verde-trabalho.org.example/inscricoes/verde-solar-intro"
    assert len(solar.occurrences) == 1
    assert solar.occurrences[0].end - solar.occurrences[0].start == timedelta(minutes=210)  # type: ignore[operator]
    quiz = _by_id(result, "verde-climate-quiz")
    assert quiz.type is ActivityType.DIGITAL_EXPERIENCE
    assert quiz.online


def test_jsonld_courses_schedules_and_places(parse_sample: ParseSample) -> None:
    result = parse_sample("digital-academy.jsonld.json")
    web = _by_id(result, "ada-web-dev")
    assert web.type is ActivityType.COURSE
    # Tuesdays and Thursdays, 18:30-20:30, in the 120-day window.
    assert len(web.occurrences) >= 30
    assert {o.start.weekday() for o in web.occurrences} == {1, 3}
    assert web.address == "Praça Francisco Sá Carneiro 11, 1000-159 Lisboa"
    assert web.competences == ("digcomp:3.1", "digcomp:3.4")
    cyber = _by_id(result, "ada-cybersecurity")
    assert len(cyber.occurrences) == 3
    marketing = _by_id(result, "ada-digital-marketing")
    assert marketing.is_free is False
    assert marketing.cost == "15 EUR"
    live = _by_id(result, "ada-online-privacy")
    assert live.online
    assert live.online_url == "https://live.academia-digital.org.example/privacidade"
    python = _by_id(result, "ada-online-python")
    assert python.type is ActivityType.DIGITAL_EXPERIENCE
    assert python.occurrences == ()
    hackathon = _by_id(result, "ada-hackathon")
    assert hackathon.type is ActivityType.PROJECT


def test_html_page_keeps_markup_in_titles_literal(parse_sample: ParseSample) -> None:
    result = parse_sample("community-arts.html")
    writing = _by_id(result, "tb-writing")
    assert writing.titles == {
        "pt": "Escrita Criativa <Para Todos>",
        "en": "Creative Writing <For Everyone>",
    }
    stories = _by_id(result, "tb-storytelling-ukr")
    assert stories.languages == ("pt", "uk")


def test_csv_rows_with_same_id_are_sessions(parse_sample: ParseSample) -> None:
    result = parse_sample("repair-network.csv")
    course = _by_id(result, "rc-electronics-course")
    assert len(course.occurrences) == 4
    assert course.type is ActivityType.COURSE
    open_workshop = _by_id(result, "rc-open-workshop")
    assert open_workshop.type is ActivityType.OPEN_SPACE
    assert open_workshop.occurrences == ()


def test_madeira_csv_uses_island_time(parse_sample: ParseSample) -> None:
    result = parse_sample("madeira-digital.csv")
    club = _by_id(result, "mad-coding-funchal")
    assert club.occurrences[0].source_tz == "Atlantic/Madeira"
    assert len(club.occurrences) == 5


def test_cities_and_partners_are_consistent() -> None:
    cities = load_json("cities.json")
    assert {city["slug"] for city in cities} == {"lisbon", "madeira"}
    for city in cities:
        assert set(city["names"]) == {"en", "pt", "es", "lt", "uk"}
        assert city["neighbourhoods"]
    partners = load_json("partners.json")
    assert len([p for p in partners if p["city"] == "lisbon"]) == 12
    assert len([p for p in partners if p["city"] == "madeira"]) == 2
    published = {p["feed"]["file"] for p in partners if p["feed"]}
    assert published == set(FEED_FILES)
    assert all(".example" in p["website"] for p in partners)
