"""Weekly opening hours written as text, e.g. "mon-fri 08:00-18:00, sat 10:00-14:00".

Used by the live chat (CHAT_HOURS) until rosters bring business-hours calendars. Framework-free:
the caller gives a local datetime (in the time zone the hours are meant in).
"""

from datetime import datetime, time

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
Hours = list[tuple[frozenset[int], time, time]]


def parse_weekly_hours(spec: str) -> Hours:
    """[(weekdays, opens, closes), …] from comma-separated "<day or day-day> HH:MM-HH:MM" groups.

    Days are mon…sun (a range may wrap, "sat-mon"); "24:00" closes at midnight. An empty spec is an
    empty list. Raises ValueError, naming the bad group, for anything else."""
    hours = []
    for group in filter(None, (part.strip() for part in spec.lower().split(","))):
        try:
            days, span = group.split()
            first, _, last = days.partition("-")
            start, end = DAYS.index(first), DAYS.index(last or first)
            opens, closes = (_clock(value) for value in span.split("-"))
        except ValueError:
            raise ValueError(
                f'Cannot read opening hours "{group}": write e.g. "mon-fri 08:00-18:00".'
            ) from None
        if closes <= opens:
            raise ValueError(f'Opening hours "{group}" close before they open.')
        weekdays = frozenset((start + offset) % 7 for offset in range((end - start) % 7 + 1))
        hours.append((weekdays, opens, closes))
    return hours


def is_open(hours: Hours, local: datetime) -> bool:
    """Whether `local` falls within `hours`; no hours at all means always open."""
    if not hours:
        return True
    now = local.time()
    return any(local.weekday() in days and opens <= now < closes for days, opens, closes in hours)


def _clock(value: str) -> time:
    hour, minute = (int(part) for part in value.split(":"))
    if (hour, minute) == (24, 0):
        return time.max
    return time(hour, minute)
