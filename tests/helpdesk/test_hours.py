"""Weekly opening hours written as text (CHAT_HOURS)."""

from datetime import UTC, datetime, time

import pytest

from helpdesk.lib.hours import is_open, parse_weekly_hours


def at(day: int, hour: int, minute: int = 0) -> datetime:
    # A local time, as callers pass it (UTC stands in for any zone); 2025-06-02 is a Monday.
    return datetime(2025, 6, 2 + day, hour, minute, tzinfo=UTC)


def test_days_ranges_and_times_are_read():
    hours = parse_weekly_hours("Mon-Fri 08:00-18:00, sat 10:00-14:30")

    assert hours == [
        (frozenset({0, 1, 2, 3, 4}), time(8), time(18)),
        (frozenset({5}), time(10), time(14, 30)),
    ]


def test_open_means_from_the_opening_minute_until_just_before_closing():
    hours = parse_weekly_hours("mon-fri 08:00-18:00")

    assert not is_open(hours, at(0, 7, 59))
    assert is_open(hours, at(0, 8))
    assert is_open(hours, at(4, 17, 59))
    assert not is_open(hours, at(4, 18))
    assert not is_open(hours, at(5, 12))


def test_a_day_range_may_wrap_over_the_weekend_and_close_at_midnight():
    hours = parse_weekly_hours("sat-mon 20:00-24:00")

    assert [is_open(hours, at(day, 23, 59)) for day in range(7)] == [
        True,
        False,
        False,
        False,
        False,
        True,
        True,
    ]


def test_no_hours_means_always_open():
    assert parse_weekly_hours("  ") == []
    assert is_open([], at(6, 3))


@pytest.mark.parametrize(
    "spec", ["weekdays 08:00-18:00", "mon 8-18", "mon 08:00", "mon 18:00-08:00", "mon 25:00-26:00", "mon-fri"]
)
def test_anything_else_is_refused_with_the_bad_part_named(spec):
    with pytest.raises(ValueError, match="mon|weekdays"):
        parse_weekly_hours(spec)
