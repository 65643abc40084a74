"""Parse throughput of large generated feeds (goal: at least 2,000 items per second).

Run with `python -m bench.sync_parse`.
"""

from __future__ import annotations

import json
import random
import time
from datetime import UTC, datetime, timedelta

from catalogue.formats import ical, jsonld

NOW = datetime(2026, 12, 3, 12, 0, tzinfo=UTC)
ITEMS = 10_000
GOAL_PER_SECOND = 2_000


def ical_feed(count: int, rng: random.Random) -> bytes:
    """An iCalendar feed of ``count`` one-off workshops in Lisbon over the next 100 days."""
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "X-WR-TIMEZONE:Europe/Lisbon"]
    for index in range(count):
        start = NOW + timedelta(days=rng.randint(0, 100), hours=rng.randint(0, 10))
        lines += [
            "BEGIN:VEVENT",
            f"UID:bench-{index}@partner.example",
            f"SUMMARY;LANGUAGE=pt:Oficina número {index}",
            "DESCRIPTION:Uma sessão prática com exercícios e apoio individual.",
            f"DTSTART:{start:%Y%m%dT%H%M%SZ}",
            f"DTEND:{start + timedelta(hours=2):%Y%m%dT%H%M%SZ}",
            "LOCATION:Biblioteca de Marvila",
            f"GEO:{38.70 + rng.random() / 10:.4f};{-9.20 + rng.random() / 10:.4f}",
            "CATEGORIES:coding,employment,digcomp:3.4",
            "URL:https://partner.example/agenda",
            "END:VEVENT",
        ]
    lines.append("END:VCALENDAR")
    return ("\r\n".join(lines) + "\r\n").encode()


def jsonld_feed(count: int, rng: random.Random) -> bytes:
    """A schema.org graph of ``count`` workshops in Lisbon over the next 100 days."""
    graph = []
    for index in range(count):
        start = NOW + timedelta(days=rng.randint(0, 100), hours=rng.randint(0, 10))
        graph.append(
            {
                "@type": "EducationEvent",
                "@id": f"https://partner.example/events/{index}",
                "name": [{"@value": f"Oficina {index}", "@language": "pt"}],
                "description": "<p>Uma sessão prática.</p>",
                "startDate": start.isoformat(),
                "endDate": (start + timedelta(hours=2)).isoformat(),
                "location": {
                    "@type": "Place",
                    "name": "Biblioteca de Marvila",
                    "geo": {"latitude": 38.74, "longitude": -9.10},
                },
                "teaches": [{"@type": "DefinedTerm", "termCode": "digcomp:3.4"}],
                "inLanguage": "pt",
                "isAccessibleForFree": True,
            }
        )
    return json.dumps({"@context": "https://schema.org", "@graph": graph}).encode()


def _measure(parse: object, data: bytes) -> tuple[int, float]:
    started = time.perf_counter()
    result = parse(data, now=NOW, default_tz="Europe/Lisbon")  # type: ignore[operator]
    elapsed = time.perf_counter() - started
    return len(result.records), elapsed


def run() -> dict[str, float]:
    """Parse a 10,000-event iCalendar file and a 10,000-item JSON-LD feed; items per second."""
    rng = random.Random(7)
    figures: dict[str, float] = {}
    for name, parse, data in (
        ("ical", ical.parse, ical_feed(ITEMS, rng)),
        ("jsonld", jsonld.parse, jsonld_feed(ITEMS, rng)),
    ):
        count, elapsed = _measure(parse, data)
        figures[f"{name}_items"] = count
        figures[f"{name}_seconds"] = round(elapsed, 3)
        figures[f"{name}_items_per_second"] = round(count / elapsed)
        figures[f"{name}_bytes"] = len(data)
    return figures


if __name__ == "__main__":
    results = run()
    for key, value in results.items():
        print(f"{key}: {value}")
    slowest = min(results["ical_items_per_second"], results["jsonld_items_per_second"])
    print(f"goal {GOAL_PER_SECOND}/s: {'met' if slowest >= GOAL_PER_SECOND else 'NOT met'}")
