"""Sample cities, partners and partner feeds for the demo and the tests.

Feed files other than the iCalendar one hold date tokens such as `{{day+3 18:00}}` (three days
after today, 18:00 local time) so that the demo always has upcoming activities;
`render_sample` replaces them. The iCalendar file uses open-ended weekly rules instead.
"""

from __future__ import annotations

import json
import re
from datetime import datetime, time, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

SAMPLES_DIR = Path(__file__).resolve().parent
FEED_FILES = (
    "lisbon-libraries.ics",
    "youth-ponte.rss.xml",
    "green-jobs.atom.xml",
    "digital-academy.jsonld.json",
    "community-arts.html",
    "repair-network.csv",
    "madeira-digital.csv",
)
_TOKEN = re.compile(r"\{\{day([+-]\d{1,3}) (\d{2}):(\d{2})\}\}")


def _zone_for(name: str) -> ZoneInfo:
    # The Madeira partner publishes in island time; everyone else in Lisbon time.
    return ZoneInfo("Atlantic/Madeira" if name.startswith("madeira") else "Europe/Lisbon")


def render_sample(name: str, now: datetime) -> bytes:
    """The bytes of a sample feed with its date tokens turned into dates relative to `now`."""
    if name not in FEED_FILES:
        raise ValueError(f"no sample feed called {name!r}; choose one of {', '.join(FEED_FILES)}")
    raw = (SAMPLES_DIR / name).read_bytes()
    if b"{{day" not in raw:
        return raw
    zone = _zone_for(name)
    today = now.astimezone(zone).date()
    naive = name.endswith(".csv")  # The CSV template carries its zone in a column.

    def replace(match: re.Match[str]) -> str:
        day = today + timedelta(days=int(match.group(1)))
        local = datetime.combine(day, time(int(match.group(2)), int(match.group(3))), tzinfo=zone)
        return local.strftime("%Y-%m-%d %H:%M") if naive else local.isoformat()

    # BOM and encoding stay as they are; tokens are ASCII.
    bom = b"\xef\xbb\xbf" if raw.startswith(b"\xef\xbb\xbf") else b""
    text = raw[len(bom) :].decode("utf-8")
    return bom + _TOKEN.sub(replace, text).encode("utf-8")


def load_json(name: str) -> Any:
    """One of the sample JSON data files (`cities.json`, `partners.json`)."""
    return json.loads((SAMPLES_DIR / name).read_text(encoding="utf-8"))
