"""Business-hours arithmetic: "business minutes between A and B" and "A plus N business minutes".

The API the automation (SLA) issue calls:

    business_minutes_between(calendar, start, end) -> int
    add_business_minutes(calendar, start, minutes) -> datetime

`calendar` is a `BusinessCalendar` (see `BusinessCalendar.schedule()` and `calendar_for_team`) or a
plain `Schedule`. Datetimes must be timezone-aware; results are in UTC.

Rules (the tests hold us to them):
- Opening hours are wall-clock times in the calendar's zone. An interval whose close is not after its
  open crosses midnight and ends the next day (22:00-06:00); 00:00-00:00 is the whole day.
- A closed day (public holiday or custom closed day) drops the intervals that *open* on that day.
- An extra open day has its own intervals: they replace the weekday's and open the day even when it is
  a closed day. Wall-clock time covered twice (an extra day's morning under the previous night's hours)
  counts once.
- A minute is business time when its wall-clock time lies in an interval: on the spring DST day an
  08:00-12:00 interval that straddles the jump is one hour shorter, on the autumn day one hour longer.
- Nothing iterates minute by minute: we walk day by day, building each local day's open intervals in
  UTC and summing overlaps, and skip whole weeks arithmetically when a week has no closed day and no
  DST change (its length is then the normal weekly total).
"""

from __future__ import annotations

from collections.abc import Container, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

MINUTE = timedelta(minutes=1)
DAY = timedelta(days=1)
WEEK = timedelta(days=7)
# A calendar with every day closed for this long is broken, not busy: stop rather than loop forever.
MAX_DAYS = 366 * 20

Interval = tuple[time, time]


@dataclass(frozen=True)
class Schedule:
    """What the arithmetic needs from a calendar, free of the database (tests build these directly).

    `weekly[0]` holds Monday's intervals, `weekly[6]` Sunday's; `closed` answers `date in closed`;
    `extra` maps an extra open day to its own intervals."""

    tz: ZoneInfo
    weekly: tuple[tuple[Interval, ...], ...]
    closed: Container[date] = field(default_factory=frozenset)
    extra: Mapping[date, tuple[Interval, ...]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if len(self.weekly) != 7:
            raise ValueError("weekly must hold seven days of intervals")

    def intervals_on(self, day: date) -> tuple[Interval, ...]:
        """The opening intervals of `day`: an extra open day's own, else none when closed, else the
        weekday's."""
        if day in self.extra:
            return self.extra[day]
        if day in self.closed:
            return ()
        return self.weekly[day.weekday()]

    def is_irregular(self, day: date) -> bool:
        """True when `day` does not follow the weekly hours (closed or an extra open day)."""
        return day in self.extra or day in self.closed

    def wall_intervals(self, day: date) -> list[tuple[datetime, datetime]]:
        """The naive local (wall-clock) intervals that open on `day`, empty when the day is closed."""
        result = []
        for opens, closes in self.intervals_on(day):
            start = datetime.combine(day, opens)
            end = datetime.combine(day if closes > opens else day + DAY, closes)
            result.append((start, end))
        return result

    @property
    def week_minutes(self) -> int:
        """Business minutes in a week with no closed day and no DST change."""
        return _week_minutes(self.weekly)


@lru_cache(maxsize=256)
def _week_minutes(weekly: tuple[tuple[Interval, ...], ...]) -> int:
    total = 0
    for intervals in weekly:
        for opens, closes in intervals:
            start = datetime.combine(date(2000, 1, 3), opens)
            end = datetime.combine(date(2000, 1, 3) if closes > opens else date(2000, 1, 4), closes)
            total += int((end - start) / MINUTE)
    return total


def overlapping_intervals(weekly) -> list[tuple[int, Interval, int, Interval]]:
    """Pairs of intervals (weekday, interval) that overlap within the week (night hours included,
    Sunday night runs into Monday). The arithmetic assumes there are none: forms refuse them."""
    week = 7 * 24 * 60
    spans = []
    for weekday, intervals in enumerate(weekly):
        for opens, closes in intervals:
            lo = weekday * 1440 + opens.hour * 60 + opens.minute
            hi = weekday * 1440 + closes.hour * 60 + closes.minute + (0 if closes > opens else 1440)
            spans.append((lo, hi, weekday, (opens, closes)))
    # A span past the week's end also meets the start of the next week.
    spans += [(lo - week, hi - week, day, interval) for lo, hi, day, interval in spans if hi > week]
    spans.sort()
    clashes = []
    for (_lo1, hi1, day1, int1), (lo2, _hi2, day2, int2) in zip(spans, spans[1:], strict=False):
        if lo2 < hi1 and (day1, int1) != (day2, int2):
            clashes.append((day1, int1, day2, int2))
    return clashes


def _offset(tz: ZoneInfo, instant: datetime) -> timedelta:
    return instant.astimezone(tz).utcoffset()


def _transition(tz: ZoneInfo, low: datetime, high: datetime) -> datetime:
    """The first UTC instant in (low, high] whose offset differs from low's (to the second)."""
    before = _offset(tz, low)
    lo, hi = int(low.timestamp()), int(high.timestamp())
    while hi - lo > 1:
        mid = (lo + hi) // 2
        if _offset(tz, datetime.fromtimestamp(mid, UTC)) == before:
            lo = mid
        else:
            hi = mid
    return datetime.fromtimestamp(hi, UTC)


def wall_to_utc(tz: ZoneInfo, start: datetime, end: datetime) -> list[tuple[datetime, datetime]]:
    """The UTC instants whose wall-clock time in `tz` lies in [start, end) (naive local datetimes).

    Exact across DST: a gap shortens the result, a repeated hour lengthens it. Assumes at most one
    offset change in the span (true for every real zone over two days)."""
    naive_lo = (start - timedelta(hours=30)).replace(tzinfo=UTC)
    naive_hi = (end + timedelta(hours=30)).replace(tzinfo=UTC)
    off_lo, off_hi = _offset(tz, naive_lo), _offset(tz, naive_hi)
    if off_lo == off_hi:
        return [((start - off_lo).replace(tzinfo=UTC), (end - off_lo).replace(tzinfo=UTC))]
    change = _transition(tz, naive_lo, naive_hi)
    pieces = []
    first = ((start - off_lo).replace(tzinfo=UTC), min((end - off_lo).replace(tzinfo=UTC), change))
    second = (max((start - off_hi).replace(tzinfo=UTC), change), (end - off_hi).replace(tzinfo=UTC))
    for piece in (first, second):
        if piece[0] < piece[1]:
            pieces.append(piece)
    if len(pieces) == 2 and pieces[0][1] >= pieces[1][0]:  # the repeated hour joins the two pieces
        return [(pieces[0][0], max(pieces[0][1], pieces[1][1]))]
    return pieces


def _merged(intervals: list[tuple[datetime, datetime]]) -> list[tuple[datetime, datetime]]:
    result: list[tuple[datetime, datetime]] = []
    for start, end in sorted(intervals):
        if result and start <= result[-1][1]:
            result[-1] = (result[-1][0], max(result[-1][1], end))
        else:
            result.append((start, end))
    return result


def day_intervals(schedule: Schedule, day: date) -> list[tuple[datetime, datetime]]:
    """The UTC intervals of business time that open on the local date `day`.

    Weekly hours never overlap (forms refuse it), but an extra open day may overlap itself or the
    previous night's hours: such wall-clock time is counted once, on the day whose interval covers it
    first. An interval lasts at most 24 hours, so only the previous day can reach into `day`."""
    previous_end = max((end for _start, end in schedule.wall_intervals(day - DAY)), default=None)
    result = []
    for start, end in _merged(schedule.wall_intervals(day)):
        if previous_end is not None:
            start = max(start, previous_end)
        if start < end:
            result.extend(wall_to_utc(schedule.tz, start, end))
    return result


def _schedule(calendar) -> Schedule:
    return calendar if isinstance(calendar, Schedule) else calendar.schedule()


def _aware(value: datetime, name: str) -> datetime:
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{name} must be timezone-aware")
    return value.astimezone(UTC)


def _clean_week(schedule: Schedule, first_day: date) -> bool:
    """True when the seven days from `first_day` have no closed or extra open day and no DST change
    nearby."""
    if any(schedule.is_irregular(first_day + timedelta(days=i)) for i in range(-1, 8)):
        return False
    lo = datetime.combine(first_day - DAY, time(), tzinfo=UTC)
    return _offset(schedule.tz, lo) == _offset(schedule.tz, lo + timedelta(days=10))


def _overlap(a0: datetime, a1: datetime, b0: datetime, b1: datetime) -> timedelta:
    return max(timedelta(0), min(a1, b1) - max(a0, b0))


def business_minutes_between(calendar, start: datetime, end: datetime) -> int:
    """Whole business minutes in [start, end); 0 when end is not after start. Seconds are truncated."""
    start, end = _aware(start, "start"), _aware(end, "end")
    if end <= start:
        return 0
    schedule = _schedule(calendar)
    # The previous local day may hold an interval that crosses midnight into `start`.
    day = start.astimezone(schedule.tz).date() - DAY
    last = end.astimezone(schedule.tz).date()
    total = timedelta(0)
    week_minutes = schedule.week_minutes
    while day <= last:
        week_end = datetime.combine(day + WEEK, time(), tzinfo=schedule.tz)
        day_start = datetime.combine(day, time(), tzinfo=schedule.tz)
        # A whole clean week strictly inside (start, end) counts as the weekly total.
        if day_start - DAY >= start and week_end + 2 * DAY <= end and _clean_week(schedule, day):
            total += week_minutes * MINUTE
            day += WEEK
            continue
        for lo, hi in day_intervals(schedule, day):
            total += _overlap(lo, hi, start, end)
        day += DAY
    return int(total / MINUTE)


def add_business_minutes(calendar, start: datetime, minutes: int) -> datetime:
    """The instant at which `minutes` business minutes after `start` have passed (UTC).

    0 minutes returns `start` itself; otherwise the result is inside or at the end of an interval
    (a deadline that uses up Friday's last minute is Friday 17:00, not Monday 09:00)."""
    start = _aware(start, "start")
    if minutes < 0:
        raise ValueError("minutes must not be negative")
    if minutes == 0:
        return start
    schedule = _schedule(calendar)
    week_minutes = schedule.week_minutes
    if week_minutes == 0 and not schedule.extra:
        raise ValueError("the calendar has no opening hours")
    # Without weekly hours only the extra open days hold time: after the last one nothing ever opens.
    last_open = max(schedule.extra, default=None) if week_minutes == 0 else None
    remaining = timedelta(minutes=minutes)
    day = start.astimezone(schedule.tz).date() - DAY
    for _ in range(MAX_DAYS):
        if last_open is not None and day > last_open:
            break
        day_start = datetime.combine(day, time(), tzinfo=schedule.tz)
        if day_start - DAY >= start and remaining > week_minutes * MINUTE and _clean_week(schedule, day):
            remaining -= week_minutes * MINUTE
            day += WEEK
            continue
        for lo, hi in sorted(day_intervals(schedule, day)):
            lo = max(lo, start)
            if hi <= lo:
                continue
            if hi - lo >= remaining:
                return lo + remaining
            remaining -= hi - lo
        day += DAY
    raise ValueError("the calendar is closed for too long to reach the deadline")
