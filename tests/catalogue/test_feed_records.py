"""Record types refuse impossible values so adapters cannot emit them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from catalogue.records import ActivityRecord, ActivityType, OccurrenceRecord

START = datetime(2026, 12, 10, 18, 0, tzinfo=UTC)


def test_occurrence_needs_aware_utc_and_order() -> None:
    with pytest.raises(ValueError, match="aware UTC"):
        OccurrenceRecord(datetime(2026, 12, 10, 18, 0))
    with pytest.raises(ValueError, match="aware UTC"):
        OccurrenceRecord(START.astimezone(timezone(timedelta(hours=1))))
    with pytest.raises(ValueError, match="before its start"):
        OccurrenceRecord(START, START - timedelta(hours=1))
    assert OccurrenceRecord(START, START + timedelta(hours=2), "Europe/Lisbon").source_tz == (
        "Europe/Lisbon"
    )


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"latitude": 91.0, "longitude": 0.0}, "latitude"),
        ({"latitude": 38.7, "longitude": -181.0}, "longitude"),
        ({"latitude": 38.7}, "together"),
        ({"min_age": 30, "max_age": 16}, "min_age"),
        ({"min_age": -1}, "age"),
        ({"titles": {"pt": "  "}}, "title"),
        ({"source_id": ""}, "source_id"),
    ],
)
def test_activity_refuses_impossible_values(fields: dict[str, object], message: str) -> None:
    base: dict[str, object] = {
        "source_id": "a",
        "type": ActivityType.EVENT,
        "titles": {"pt": "Oficina"},
    }
    with pytest.raises(ValueError, match=message):
        ActivityRecord(**{**base, **fields})  # type: ignore[arg-type]


def test_next_occurrence_skips_finished_sessions() -> None:
    first = OccurrenceRecord(START, START + timedelta(hours=2))
    second = OccurrenceRecord(START + timedelta(days=7))
    record = ActivityRecord("a", ActivityType.WORKSHOP, {"pt": "A"}, occurrences=(second, first))
    assert record.next_occurrence(START + timedelta(hours=1)) is first
    assert record.next_occurrence(START + timedelta(hours=3)) is second
    assert record.next_occurrence(START + timedelta(days=8)) is None
    assert ActivityType("digital_experience") is ActivityType.DIGITAL_EXPERIENCE
