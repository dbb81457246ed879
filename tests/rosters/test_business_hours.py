"""Business-hours arithmetic: explicit cases (DST in four Baltic/Nordic zones, midnight, holidays, zones)
and hypothesis properties against a slow minute-by-minute reference."""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import holidays
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from backoffice.rosters.business_hours import (
    Schedule,
    add_business_minutes,
    business_minutes_between,
    day_intervals,
)

VILNIUS, HELSINKI = ZoneInfo("Europe/Vilnius"), ZoneInfo("Europe/Helsinki")
WARSAW, RIGA = ZoneInfo("Europe/Warsaw"), ZoneInfo("Europe/Riga")
ZONES = [VILNIUS, HELSINKI, WARSAW, RIGA, ZoneInfo("UTC")]
NINE_TO_FIVE = ((time(9), time(17)),)
OFFICE = (NINE_TO_FIVE,) * 5 + ((), ())


def office(tz=VILNIUS, closed=frozenset(), weekly=OFFICE) -> Schedule:
    return Schedule(tz=tz, weekly=weekly, closed=closed)


def at(tz, *args) -> datetime:
    return datetime(*args, tzinfo=tz)


def _opening(schedule: Schedule, day: date) -> list[tuple[datetime, datetime]]:
    """The rules spelled out again, apart from the code under test: an extra open day's own hours,
    else nothing on a closed day, else the weekday's; a close not after the open is the next day."""
    if day in schedule.extra:
        intervals = schedule.extra[day]
    elif day in schedule.closed:
        intervals = ()
    else:
        intervals = schedule.weekly[day.weekday()]
    next_day = day + timedelta(days=1)
    return [
        (datetime.combine(day, opens), datetime.combine(day if closes > opens else next_day, closes))
        for opens, closes in intervals
    ]


def reference_minutes(schedule: Schedule, start: datetime, end: datetime) -> int:
    """The slow truth: look at every minute's wall-clock time (covered twice still counts once)."""
    count, moment = 0, start
    while moment < end:
        local = moment.astimezone(schedule.tz).replace(tzinfo=None, fold=0)
        for day in (local.date() - timedelta(days=1), local.date()):
            if any(lo <= local < hi for lo, hi in _opening(schedule, day)):
                count += 1
                break
        moment += timedelta(minutes=1)
    return count


def day_walk_minutes(schedule: Schedule, start: datetime, end: datetime) -> int:
    """A second reference for long spans: day by day, without skipping weeks."""
    total = timedelta(0)
    day = start.astimezone(schedule.tz).date() - timedelta(days=1)
    while day <= end.astimezone(schedule.tz).date():
        for lo, hi in day_intervals(schedule, day):
            total += max(timedelta(0), min(hi, end) - max(lo, start))
        day += timedelta(days=1)
    return int(total / timedelta(minutes=1))


# --- Explicit cases.


def test_it_counts_a_plain_working_day():
    assert (
        business_minutes_between(office(), at(VILNIUS, 2026, 11, 23, 8), at(VILNIUS, 2026, 11, 23, 18)) == 480
    )


def test_it_counts_nothing_over_a_weekend_and_nothing_backwards():
    fri, mon = at(VILNIUS, 2026, 11, 27, 17), at(VILNIUS, 2026, 11, 30, 9)
    assert business_minutes_between(office(), fri, mon) == 0
    assert business_minutes_between(office(), mon, fri) == 0


def test_adding_from_friday_afternoon_lands_on_monday():
    result = add_business_minutes(office(), at(VILNIUS, 2026, 11, 27, 16), 120)
    assert result == at(VILNIUS, 2026, 11, 30, 10)


def test_adding_exactly_the_rest_of_the_day_ends_at_closing_not_next_morning():
    assert add_business_minutes(office(), at(VILNIUS, 2026, 11, 27, 16), 60) == at(VILNIUS, 2026, 11, 27, 17)


def test_adding_zero_returns_the_start_even_when_closed():
    saturday = at(VILNIUS, 2026, 11, 28, 12)
    assert add_business_minutes(office(), saturday, 0) == saturday


@pytest.mark.parametrize(
    ("tz", "spring", "autumn"),
    [
        (VILNIUS, date(2026, 3, 29), date(2026, 10, 25)),
        (HELSINKI, date(2026, 3, 29), date(2026, 10, 25)),
        (RIGA, date(2026, 3, 29), date(2026, 10, 25)),
        (WARSAW, date(2026, 3, 29), date(2026, 10, 25)),
    ],
)
def test_a_round_the_clock_sunday_has_23_hours_in_spring_and_25_in_autumn(tz, spring, autumn):
    always = Schedule(tz=tz, weekly=(((time(0), time(0)),),) * 7)
    for day, hours in ((spring, 23), (autumn, 25)):
        start = datetime.combine(day, time(0), tzinfo=tz)
        end = datetime.combine(day + timedelta(days=1), time(0), tzinfo=tz)
        assert business_minutes_between(always, start, end) == hours * 60
        assert add_business_minutes(always, start, hours * 60) == end


@pytest.mark.parametrize(("tz", "jump"), [(VILNIUS, 3), (HELSINKI, 3), (RIGA, 3), (WARSAW, 2)])
def test_an_interval_across_the_spring_jump_is_an_hour_shorter_and_autumn_one_longer(tz, jump):
    weekly = ((),) * 6 + (((time(jump - 1), time(jump + 2)),),)  # Sundays only
    schedule = Schedule(tz=tz, weekly=weekly)
    spring = datetime(2026, 3, 28, tzinfo=UTC), datetime(2026, 3, 30, tzinfo=UTC)
    autumn = datetime(2026, 10, 24, tzinfo=UTC), datetime(2026, 10, 26, tzinfo=UTC)
    assert business_minutes_between(schedule, *spring) == 120
    assert business_minutes_between(schedule, *autumn) == 240
    assert reference_minutes(schedule, *spring) == 120
    assert reference_minutes(schedule, *autumn) == 240


def test_an_opening_inside_the_spring_gap_opens_when_the_clock_jumps():
    schedule = Schedule(tz=VILNIUS, weekly=((),) * 6 + (((time(3, 30), time(5)),),))
    first = add_business_minutes(schedule, datetime(2026, 3, 29, tzinfo=UTC), 1)
    assert first == at(VILNIUS, 2026, 3, 29, 4, 1)


def test_night_hours_cross_midnight():
    nights = Schedule(tz=HELSINKI, weekly=(((time(22), time(6)),),) * 7)
    start, end = at(HELSINKI, 2026, 11, 23, 12), at(HELSINKI, 2026, 11, 24, 12)
    assert business_minutes_between(nights, start, end) == 8 * 60
    assert add_business_minutes(nights, start, 3 * 60) == at(HELSINKI, 2026, 11, 24, 1)


def test_public_holidays_and_custom_days_are_closed():
    lt = holidays.country_holidays("LT")
    # 24-26 December 2025 are Lithuanian holidays; the 29th is a custom closed day.
    schedule = office(closed=_Closed(lt, {date(2025, 12, 29)}))
    start = at(VILNIUS, 2025, 12, 22, 9)
    end = at(VILNIUS, 2026, 1, 5, 9)
    # Mon 22, Tue 23, Tue 30, Wed 31 (1 January is a holiday, 2 January a Friday): 5 days.
    assert business_minutes_between(schedule, start, end) == 5 * 480
    assert add_business_minutes(schedule, at(VILNIUS, 2025, 12, 23, 17), 1) == at(VILNIUS, 2025, 12, 30, 9, 1)


def test_an_extra_open_day_opens_a_holiday_and_replaces_a_days_hours():
    lt = holidays.country_holidays("LT")
    # Thursday 24 December 2026 is a holiday, opened 10:00-14:00; Monday 28th runs 12:00-20:00 instead.
    extra = {date(2026, 12, 24): ((time(10), time(14)),), date(2026, 12, 28): ((time(12), time(20)),)}
    schedule = office(closed=_Closed(lt, set()), weekly=OFFICE)
    opened = Schedule(tz=VILNIUS, weekly=OFFICE, closed=schedule.closed, extra=extra)
    assert business_minutes_between(schedule, at(VILNIUS, 2026, 12, 24), at(VILNIUS, 2026, 12, 25)) == 0
    assert business_minutes_between(opened, at(VILNIUS, 2026, 12, 24), at(VILNIUS, 2026, 12, 25)) == 240
    assert add_business_minutes(opened, at(VILNIUS, 2026, 12, 23, 17), 1) == at(VILNIUS, 2026, 12, 24, 10, 1)
    assert add_business_minutes(opened, at(VILNIUS, 2026, 12, 28, 9), 1) == at(VILNIUS, 2026, 12, 28, 12, 1)
    # A whole year with both extra days: they break the week skipping and count exactly.
    year = at(VILNIUS, 2026, 12, 7), at(VILNIUS, 2027, 1, 4)
    assert business_minutes_between(opened, *year) == day_walk_minutes(opened, *year)


def test_an_extra_day_under_the_previous_nights_hours_counts_that_time_once():
    nights = (((time(22), time(6)),),) * 7
    extra = {date(2026, 11, 24): ((time(5), time(9)), (time(8), time(10)))}
    schedule = Schedule(tz=HELSINKI, weekly=nights, extra=extra)
    start, end = at(HELSINKI, 2026, 11, 24, 0), at(HELSINKI, 2026, 11, 24, 12)
    # 00:00-06:00 from Monday night, then 06:00-10:00 of the extra day.
    assert (
        business_minutes_between(schedule, start, end) == 10 * 60 == reference_minutes(schedule, start, end)
    )


def test_a_calendar_of_extra_days_only_adds_within_them_and_then_gives_up():
    schedule = Schedule(tz=VILNIUS, weekly=((),) * 7, extra={date(2026, 12, 5): ((time(10), time(12)),)})
    assert add_business_minutes(schedule, at(VILNIUS, 2026, 12, 1), 60) == at(VILNIUS, 2026, 12, 5, 11)
    with pytest.raises(ValueError, match="closed for too long"):
        add_business_minutes(schedule, at(VILNIUS, 2026, 12, 1), 121)


class _Closed:
    def __init__(self, public, custom):
        self.public, self.custom = public, custom

    def __contains__(self, day):
        return day in self.custom or day in self.public


def test_calendars_in_different_zones_disagree_on_the_same_instants():
    start, end = datetime(2026, 11, 23, 6, tzinfo=UTC), datetime(2026, 11, 23, 8, tzinfo=UTC)
    # 08:00-10:00 in Vilnius, 07:00-09:00 in Warsaw.
    assert business_minutes_between(office(VILNIUS), start, end) == 60
    assert business_minutes_between(office(WARSAW), start, end) == 0


def test_naive_datetimes_are_refused():
    with pytest.raises(ValueError, match="timezone-aware"):
        business_minutes_between(office(), datetime(2026, 1, 1), datetime(2026, 1, 2))  # noqa: DTZ001


def test_a_calendar_without_hours_refuses_to_add():
    with pytest.raises(ValueError, match="no opening hours"):
        add_business_minutes(Schedule(tz=VILNIUS, weekly=((),) * 7), at(VILNIUS, 2026, 1, 1), 5)


def test_a_year_is_computed_without_walking_every_day():
    start, end = at(VILNIUS, 2026, 1, 5, 0), at(VILNIUS, 2027, 1, 4, 0)
    assert business_minutes_between(office(), start, end) == 52 * 5 * 480
    assert add_business_minutes(office(), start, 52 * 5 * 480) == at(VILNIUS, 2027, 1, 1, 17)


# --- Properties.

minutes_of_day = st.integers(min_value=0, max_value=24 * 4 - 1).map(lambda q: q * 15)


@st.composite
def schedules(draw):
    tz = draw(st.sampled_from(ZONES))
    if draw(st.booleans()):  # the same night interval every open day, crossing midnight
        opens = draw(st.integers(min_value=12, max_value=23))
        closes = draw(st.integers(min_value=0, max_value=opens - 1))
        night = ((time(opens), time(closes)),)
        weekly = tuple(night if draw(st.booleans()) else () for _day in range(7))
    else:
        days = []
        for _day in range(7):
            points = sorted(set(draw(st.lists(minutes_of_day, max_size=4))))
            pairs = list(zip(points[::2], points[1::2], strict=False))
            days.append(tuple((time(a // 60, a % 60), time(b // 60, b % 60)) for a, b in pairs))
        weekly = tuple(days)
    closed = frozenset(draw(st.lists(st.dates(date(2026, 3, 20), date(2026, 4, 10)), max_size=4)))
    return Schedule(tz=tz, weekly=weekly, closed=closed, extra=draw(extra_open_days(closed)))


# Extra open days near the instants drawn below (both DST changes and June), some on closed days.
extra_dates = st.sampled_from([date(2026, 3, 26), date(2026, 10, 22), date(2026, 5, 31)]).flatmap(
    lambda first: st.integers(0, 6).map(lambda offset: first + timedelta(days=offset))
)
# Any wall-clock interval, crossing midnight or not (00:00-00:00 is the whole day): extra days are not
# checked against the weekly hours, so they may overlap the previous night or each other.
any_interval = st.tuples(minutes_of_day, minutes_of_day).map(
    lambda pair: (time(pair[0] // 60, pair[0] % 60), time(pair[1] // 60, pair[1] % 60))
)


@st.composite
def extra_open_days(draw, closed):
    days = draw(st.lists(extra_dates, max_size=4, unique=True))
    if closed and draw(st.booleans()):  # open one of the closed days
        day = draw(st.sampled_from(sorted(closed)))
        days = [*days, day] if day not in days else days
    return {day: tuple(draw(st.lists(any_interval, min_size=0, max_size=3))) for day in days}


# Starts near the spring and autumn changes (01:00 UTC on the last Sundays) and elsewhere, in minutes.
instants = st.sampled_from(
    [datetime(2026, 3, 27, tzinfo=UTC), datetime(2026, 10, 23, tzinfo=UTC), datetime(2026, 6, 1, tzinfo=UTC)]
).flatmap(lambda base: st.integers(0, 4 * 24 * 60).map(lambda m: base + timedelta(minutes=m)))


@settings(max_examples=200, deadline=None)
@given(schedules(), instants, st.integers(0, 3 * 24 * 60))
def test_between_matches_the_minute_by_minute_reference(schedule, start, length):
    end = start + timedelta(minutes=length)
    assert business_minutes_between(schedule, start, end) == reference_minutes(schedule, start, end)


@st.composite
def extra_days_under_the_span(draw):
    """A schedule whose extra open days lie right where the span is (the general strategy seldom puts
    one under the previous night's hours or gives it overlapping intervals)."""
    schedule = draw(schedules())
    base = draw(st.sampled_from([date(2026, 3, 28), date(2026, 10, 24), date(2026, 6, 3)]))
    days = draw(st.lists(st.integers(0, 2), min_size=1, max_size=3, unique=True))
    extra = {
        base + timedelta(days=n): tuple(draw(st.lists(any_interval, min_size=1, max_size=3))) for n in days
    }
    # In UTC: adding minutes to a local datetime is wall-clock arithmetic, wrong across DST.
    midnight = datetime.combine(base, time(), tzinfo=schedule.tz).astimezone(UTC)
    start = midnight + timedelta(minutes=draw(st.integers(-720, 1440)))
    return Schedule(tz=schedule.tz, weekly=schedule.weekly, closed=schedule.closed, extra=extra), start


@settings(max_examples=100, deadline=None)
@given(extra_days_under_the_span(), st.integers(0, 2 * 24 * 60))
def test_extra_open_days_match_the_minute_by_minute_reference(case, length):
    schedule, start = case
    end = start + timedelta(minutes=length)
    assert business_minutes_between(schedule, start, end) == reference_minutes(schedule, start, end)
    minutes = business_minutes_between(schedule, start, end)
    assert (
        business_minutes_between(schedule, start, add_business_minutes(schedule, start, minutes)) == minutes
    )


@settings(max_examples=200, deadline=None)
@given(schedules(), instants, st.integers(0, 200 * 24 * 60))
def test_between_matches_the_day_by_day_walk_over_long_spans(schedule, start, length):
    end = start + timedelta(minutes=length)
    assert business_minutes_between(schedule, start, end) == day_walk_minutes(schedule, start, end)


@settings(max_examples=200, deadline=None)
@given(schedules(), instants, st.integers(1, 60 * 24 * 60))
def test_adding_the_minutes_between_two_instants_does_not_pass_the_later_one(schedule, start, length):
    if schedule.week_minutes == 0:
        return
    end = start + timedelta(minutes=length)
    minutes = business_minutes_between(schedule, start, end)
    reached = add_business_minutes(schedule, start, minutes)
    assert reached <= end
    assert business_minutes_between(schedule, start, reached) == minutes


@settings(max_examples=200, deadline=None)
@given(schedules(), instants, st.integers(0, 20_000))
def test_between_start_and_start_plus_n_is_n(schedule, start, minutes):
    if schedule.week_minutes == 0:
        return
    result = add_business_minutes(schedule, start, minutes)
    assert result >= start
    assert business_minutes_between(schedule, start, result) == minutes
    # Splitting the addition changes nothing.
    half = add_business_minutes(schedule, start, minutes // 2)
    assert add_business_minutes(schedule, half, minutes - minutes // 2) == result


def test_overlapping_opening_hours_are_found_including_sunday_night_into_monday():
    from backoffice.rosters.business_hours import overlapping_intervals

    assert overlapping_intervals(OFFICE) == []
    split = (((time(8), time(12)), (time(11), time(17))),) + ((),) * 6
    assert overlapping_intervals(split) == [(0, (time(8), time(12)), 0, (time(11), time(17)))]
    night = (((time(5), time(9)),),) + ((),) * 5 + (((time(22), time(6)),),)
    assert overlapping_intervals(night) == [(6, (time(22), time(6)), 0, (time(5), time(9)))]
    assert overlapping_intervals((((time(22), time(6)),),) * 7) == []
