"""Free callback slots, computed from the rosters.

Slots lie on one grid of CALLBACK_SLOT_MINUTES counted from a fixed UTC midnight (so :00 and :30 with
the default), from CALLBACK_MIN_NOTICE_MINUTES after now to the end of the customer's day
CALLBACK_DAYS_AHEAD days after today. An agent can take a slot when it lies wholly inside one of their
shifts, they are active, speak the language, hold CALLBACK_SKILL (if set), and have no approved time
off and no booked callback overlapping it. A slot is offered when at least one agent can take it.
Four queries whatever the window holds: the agents, then the shifts, time off and bookings of the window.
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings

from backoffice.rosters.models import AgentProfile, Shift, TimeOff
from helpdesk.models import DESK_ROLES
from tickets.models import Callback

EPOCH = datetime(2000, 1, 3, tzinfo=UTC)  # a Monday, 00:00 UTC: where the slot grid starts


@dataclass(frozen=True)
class Slot:
    starts_at: datetime  # in the customer's time zone
    ends_at: datetime
    agents: tuple[tuple[int, int], ...]  # (agent id, team id of the shift) of each agent free then

    @property
    def value(self) -> str:
        return slot_value(self.starts_at)


@dataclass(frozen=True)
class Day:
    date: date
    slots: list[Slot]


def slot_length() -> timedelta:
    return timedelta(minutes=settings.CALLBACK_SLOT_MINUTES)


def customer_zone(customer) -> ZoneInfo:
    return ZoneInfo(customer.time_zone or settings.TIME_ZONE)


def slot_value(moment: datetime) -> str:
    """How a slot travels in a form: its start in UTC, to the minute."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%MZ")


def parse_slot(value: str) -> datetime | None:
    try:
        return datetime.strptime(value, "%Y-%m-%dT%H:%MZ").replace(tzinfo=UTC)
    except (TypeError, ValueError):
        return None


def booking_window(*, now: datetime, tz: ZoneInfo) -> tuple[datetime, datetime]:
    """From the minimum notice after now to midnight ending the customer's last bookable day."""
    last_day = now.astimezone(tz).date() + timedelta(days=settings.CALLBACK_DAYS_AHEAD)
    end = datetime.combine(last_day + timedelta(days=1), time.min, tzinfo=tz)
    return now + timedelta(minutes=settings.CALLBACK_MIN_NOTICE_MINUTES), end


def _on_grid(moment: datetime) -> datetime:
    """The first slot start at or after `moment`."""
    length = slot_length()
    return EPOCH + -((EPOCH - moment) // length) * length


def callback_agent_ids(language: str) -> set[int]:
    """Active desk users with a profile speaking `language` ("" = any) and holding CALLBACK_SKILL."""
    profiles = AgentProfile.objects.filter(user__is_active=True, user__role__in=DESK_ROLES)
    if settings.CALLBACK_SKILL:
        profiles = profiles.filter(skills__name=settings.CALLBACK_SKILL)
    # languages is a JSON list: filtered here, as backoffice.rosters.selectors does.
    return {
        user_id
        for user_id, languages in profiles.values_list("user_id", "languages")
        if not language or language in languages
    }


def availability(*, language: str, start: datetime, end: datetime) -> dict[datetime, dict[int, int]]:
    """Each slot start in [start, end) → {agent id: team id} of the agents free for the whole slot."""
    agent_ids = callback_agent_ids(language)
    if not agent_ids:
        return {}
    shifts = (
        Shift.objects.filter(agent_id__in=agent_ids)
        .overlapping(start, end)
        .order_by("start", "agent_id")
        .values_list("agent_id", "team_id", "start", "end")
    )
    busy: dict[int, list[tuple[datetime, datetime]]] = defaultdict(list)
    offs = TimeOff.objects.approved().filter(agent_id__in=agent_ids, start__lt=end, end__gt=start)
    for agent_id, off_start, off_end in offs.values_list("agent_id", "start", "end"):
        busy[agent_id].append((off_start, off_end))
    booked = Callback.objects.booked().filter(agent_id__in=agent_ids).overlapping(start, end)
    for agent_id, booked_start, booked_end in booked.values_list("agent_id", "starts_at", "ends_at"):
        busy[agent_id].append((booked_start, booked_end))
    length = slot_length()
    free: dict[datetime, dict[int, int]] = defaultdict(dict)
    for agent_id, team_id, shift_start, shift_end in shifts:
        moment = _on_grid(max(shift_start, start))
        while moment + length <= min(shift_end, end):
            if not any(b_start < moment + length and b_end > moment for b_start, b_end in busy[agent_id]):
                free[moment].setdefault(agent_id, team_id)
            moment += length
    return free


def free_slots(*, language: str, now: datetime, tz: ZoneInfo) -> list[Day]:
    """The slots a customer may book now, grouped by their day in `tz`, earliest first."""
    start, end = booking_window(now=now, tz=tz)
    free = availability(language=language, start=start, end=end)
    length = slot_length()
    days: dict[date, list[Slot]] = {}
    for moment in sorted(free):
        local = moment.astimezone(tz)
        slot = Slot(local, local + length, tuple(sorted(free[moment].items())))
        days.setdefault(local.date(), []).append(slot)
    return [Day(day, slots) for day, slots in days.items()]


def slot_agents(*, starts_at: datetime, language: str, now: datetime, tz: ZoneInfo) -> dict[int, int]:
    """{agent id: team id} of the agents free at `starts_at`, if it is a slot the customer could pick
    now (on the grid, within the booking window); else {}."""
    start, end = booking_window(now=now, tz=tz)
    length = slot_length()
    if starts_at < start or starts_at + length > end or _on_grid(starts_at) != starts_at:
        return {}
    return availability(language=language, start=starts_at, end=starts_at + length).get(starts_at, {})
