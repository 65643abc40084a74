"""Date windows in Lisbon's time zone, across both DST changes of 2026."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from catalogue.search import DateWindow, date_window

LISBON = "Europe/Lisbon"


def utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)


def test_today_in_winter_and_summer() -> None:
    assert date_window("today", utc(2026, 12, 3, 12), LISBON) == DateWindow(
        utc(2026, 12, 3), utc(2026, 12, 4)
    )
    # 23:30 UTC on 14 July is already 15 July in Lisbon (UTC+1).
    assert date_window("today", utc(2026, 7, 14, 23, 30), LISBON) == DateWindow(
        utc(2026, 7, 14, 23), utc(2026, 7, 15, 23)
    )


def test_today_on_the_short_and_the_long_day() -> None:
    spring = date_window("today", utc(2026, 3, 29, 12), LISBON)
    assert spring == DateWindow(utc(2026, 3, 29), utc(2026, 3, 29, 23))
    autumn = date_window("today", utc(2026, 10, 25, 12), LISBON)
    assert autumn == DateWindow(utc(2026, 10, 24, 23), utc(2026, 10, 26))
    assert autumn.end - autumn.start == timedelta(hours=25)


def test_week_keeps_the_wall_clock_across_dst() -> None:
    now = utc(2026, 3, 26, 10)  # Thursday 10:00 in Lisbon, winter time
    window = date_window("week", now, LISBON)
    assert window.start == now
    # The next Thursday 10:00 in Lisbon is in summer time: 09:00 UTC.
    assert window.end == utc(2026, 4, 2, 9)
    autumn = date_window("week", utc(2026, 10, 22, 9), LISBON)  # Thursday 10:00 summer time
    assert autumn.end == utc(2026, 10, 29, 10)


@pytest.mark.parametrize(
    "now",
    [
        utc(2026, 12, 2, 9),  # Wednesday
        utc(2026, 12, 4, 23, 59),  # Friday 23:59
        utc(2026, 12, 5, 0, 0),  # Saturday 00:00
        utc(2026, 12, 6, 23, 59),  # Sunday 23:59
    ],
)
def test_weekend_is_this_or_the_coming_one(now: datetime) -> None:
    assert date_window("weekend", now, LISBON) == DateWindow(utc(2026, 12, 5), utc(2026, 12, 7))


def test_monday_looks_to_the_next_weekend() -> None:
    window = date_window("weekend", utc(2026, 12, 7, 0, 0), LISBON)
    assert window == DateWindow(utc(2026, 12, 12), utc(2026, 12, 14))


def test_weekend_in_local_time_not_utc() -> None:
    # Friday 23:30 UTC in summer is already Saturday 00:30 in Lisbon.
    window = date_window("weekend", utc(2026, 7, 17, 23, 30), LISBON)
    assert window == DateWindow(utc(2026, 7, 17, 23), utc(2026, 7, 19, 23))


def test_weekends_with_a_dst_change() -> None:
    spring = date_window("weekend", utc(2026, 3, 25, 12), LISBON)
    assert spring == DateWindow(utc(2026, 3, 28), utc(2026, 3, 29, 23))
    autumn = date_window("weekend", utc(2026, 10, 21, 12), LISBON)
    assert autumn == DateWindow(utc(2026, 10, 23, 23), utc(2026, 10, 26))
    assert autumn.end - autumn.start == timedelta(hours=49)


def test_custom_range_includes_its_last_day() -> None:
    window = date_window(
        "custom",
        utc(2026, 3, 1),
        LISBON,
        first_day=date(2026, 3, 28),
        last_day=date(2026, 3, 30),
    )
    assert window == DateWindow(utc(2026, 3, 28), utc(2026, 3, 30, 23))
    single = date_window("custom", utc(2026, 3, 1), LISBON, first_day=date(2026, 8, 1))
    assert single == DateWindow(utc(2026, 7, 31, 23), utc(2026, 8, 1, 23))


def test_bad_windows_are_refused() -> None:
    with pytest.raises(ValueError, match="first_day"):
        date_window("custom", utc(2026, 3, 1), LISBON)
    with pytest.raises(ValueError, match="before"):
        date_window(
            "custom",
            utc(2026, 3, 1),
            LISBON,
            first_day=date(2026, 3, 2),
            last_day=date(2026, 3, 1),
        )
    with pytest.raises(ValueError, match="fortnight"):
        date_window("fortnight", utc(2026, 3, 1), LISBON)
    with pytest.raises(ValueError, match="aware"):
        date_window("today", datetime(2026, 3, 1), LISBON)
