"""Reads of the rosters. `on_shift_now` and `available_agents` are the API routing calls."""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import holidays as holidays_lib
from django.db.models import Count, Prefetch, Q
from django.utils import timezone
from django.utils.translation import get_language

from backoffice.models import Team
from backoffice.rosters.models import (
    BusinessCalendar,
    ClosedDay,
    ExtraOpenDay,
    Shift,
    ShiftPattern,
    Skill,
    TimeOff,
    Weekday,
)
from helpdesk.models import DESK_ROLES, User

PREVIEW_DAYS = 14


def calendar_for_team(team: Team | None) -> BusinessCalendar | None:
    """The team's own calendar, else the default one, else None (then SLA uses calendar hours)."""
    if team is not None:
        own = BusinessCalendar.objects.filter(team=team).first()
        if own is not None:
            return own
    return BusinessCalendar.objects.filter(is_default=True).first()


def _on_shift_ids(team: Team, now: datetime) -> list[int]:
    off = TimeOff.objects.approved().filter(start__lte=now, end__gt=now).values("agent_id")
    return list(
        Shift.objects.filter(team=team, agent__is_active=True)
        .at(now)
        .exclude(agent_id__in=off)
        .values_list("agent_id", flat=True)
        .distinct()
    )


def on_shift_now(team: Team, now: datetime | None = None) -> list[User]:
    """Active members of `team` with a shift of that team covering `now` (default: the current time)
    and no approved time off covering `now`, ordered by name. One query plus one for the users."""
    now = now or timezone.now()
    return list(User.objects.filter(pk__in=_on_shift_ids(team, now)).order_by("full_name", "pk"))


def available_agents(team: Team, skills=(), language: str = "", now: datetime | None = None) -> list[User]:
    """Agents routing may assign a new ticket of `team` to at `now`:
    on shift now (see on_shift_now), holding every skill in `skills` (Skill objects or names), speaking
    `language` (a code from settings.LANGUAGES; "" means any), auto-assignment not paused, and with fewer
    unsolved assigned tickets than their profile's max. Agents without a profile are not available.
    Each user carries `open_tickets` and `max_open_tickets`; ordered least loaded first, then by id
    (routing adds its round-robin tie-break on top)."""
    from tickets.models import UNSOLVED

    now = now or timezone.now()
    users = User.objects.filter(
        pk__in=_on_shift_ids(team, now), agent_profile__isnull=False, agent_profile__assignment_paused=False
    )
    for skill in skills:
        users = users.filter(agent_profile__skills__name=getattr(skill, "name", skill))
    users = users.annotate(
        open_tickets=Count("assigned_tickets", filter=Q(assigned_tickets__status__in=UNSOLVED), distinct=True)
    ).select_related("agent_profile")
    result = []
    for user in users.order_by("pk"):
        profile = user.agent_profile
        if language and language not in profile.languages:
            continue  # a JSON list: filtered here to work the same on SQLite and PostgreSQL
        if user.open_tickets >= profile.max_open_tickets:
            continue
        user.max_open_tickets = profile.max_open_tickets
        result.append(user)
    return sorted(result, key=lambda user: (user.open_tickets, user.pk))


@dataclass
class WeekGrid:
    days: list[date]
    rows: list[dict]  # {"agent": User, "cells": [[Shift, ...] per day], "time_off": [TimeOff]}
    coverage: list[dict]  # {"hour": int, "counts": [int per day]}
    on_shift_now: list[User]


def team_week(team: Team, week_start: date, now: datetime) -> WeekGrid:
    """Each member × day with their shifts, agents on shift per hour band, and who is on shift now.
    A fixed number of queries whatever the team size."""
    tz = timezone.get_current_timezone()
    days = [week_start + timedelta(days=i) for i in range(7)]
    start = datetime.combine(days[0], datetime.min.time(), tzinfo=tz)
    end = datetime.combine(days[-1] + timedelta(days=1), datetime.min.time(), tzinfo=tz)
    members = list(team.members.filter(is_active=True).order_by("full_name", "pk"))
    shifts = list(Shift.objects.filter(team=team).overlapping(start, end).order_by("start"))
    offs = list(
        TimeOff.objects.approved().filter(agent__in=members, start__lt=end, end__gt=start).order_by("start")
    )
    by_agent: dict[int, list[list[Shift]]] = defaultdict(lambda: [[] for _day in days])
    coverage = [[set() for _day in days] for _hour in range(24)]
    for shift in shifts:
        local = timezone.localtime(shift.start, tz)
        index = (local.date() - days[0]).days
        if 0 <= index < 7:
            by_agent[shift.agent_id][index].append(shift)
        # Count each hour band the shift touches in local time (DST days simply have 23 or 25 bands).
        moment = max(shift.start, start)
        while moment < min(shift.end, end):
            local = timezone.localtime(moment, tz)
            coverage[local.hour][(local.date() - days[0]).days].add(shift.agent_id)
            moment = (local.replace(minute=0, second=0, microsecond=0) + timedelta(hours=1)).astimezone(tz)
    off_by_agent: dict[int, list[TimeOff]] = defaultdict(list)
    for off in offs:
        off_by_agent[off.agent_id].append(off)
    rows = [{"agent": m, "cells": by_agent[m.pk], "time_off": off_by_agent[m.pk]} for m in members]
    bands = [{"hour": hour, "counts": [len(agents) for agents in coverage[hour]]} for hour in range(24)]
    return WeekGrid(days=days, rows=rows, coverage=bands, on_shift_now=on_shift_now(team, now))


def staffing(team: Team, week_start: date, now: datetime, tickets_per_agent: float) -> list[dict]:
    """For each hour band of each day of the week: tickets expected (the average of the same hour of the
    week over the 4 weeks before `now`, from Ticket.created_at of the team), agents scheduled, and
    whether that is understaffed (expected / agents above `tickets_per_agent`, or nobody for any)."""
    from django.db.models.functions import TruncHour

    from tickets.models import Ticket

    tz = timezone.get_current_timezone()
    history = (
        Ticket.objects.filter(team=team, created_at__gte=now - timedelta(weeks=4), created_at__lt=now)
        .annotate(hour=TruncHour("created_at", tzinfo=tz))
        .values("hour")
        .annotate(count=Count("id"))
    )
    expected = [[0.0] * 24 for _day in range(7)]
    for row in history:
        local = timezone.localtime(row["hour"], tz)
        expected[local.weekday()][local.hour] += row["count"] / 4
    grid = team_week(team, week_start, now)
    rows = []
    for band in grid.coverage:
        cells = []
        for index, agents in enumerate(band["counts"]):
            volume = round(expected[index][band["hour"]], 1)
            short = volume > 0 and (agents == 0 or volume / agents > tickets_per_agent)
            cells.append({"expected": volume, "agents": agents, "understaffed": short})
        rows.append({"hour": band["hour"], "cells": cells})
    return rows


# --- Configuration pages.


def calendar_list() -> list[BusinessCalendar]:
    """Every calendar with its team and how many weekly intervals and upcoming special days it has."""
    today = timezone.localdate()
    return list(
        BusinessCalendar.objects.select_related("team")
        .annotate(
            interval_count=Count("hours", distinct=True),
            closed_count=Count("closed_days", filter=Q(closed_days__date__gte=today), distinct=True),
            open_count=Count("extra_open_days", filter=Q(extra_open_days__date__gte=today), distinct=True),
        )
        .order_by("-is_default", "name")
    )


def public_holidays(country: str, years: list[int]) -> list[tuple[date, str]]:
    """The country's public holidays in `years`, named in the user's language when `holidays` has it."""
    if not country:
        return []
    supported = holidays_lib.country_holidays(country).supported_languages
    wanted = {"en": "en_US"}.get(get_language() or "", get_language() or "")
    language = wanted if wanted in supported else None
    return sorted(holidays_lib.country_holidays(country, years=years, language=language).items())


@dataclass
class CalendarPage:
    weekly: list[dict]  # {"weekday": Weekday, "hours": [WeeklyHours]} Monday first
    closed_days: list[ClosedDay]  # from today on
    open_days: list[ExtraOpenDay]  # from today on
    holidays: list[tuple[date, str]]  # this year's and next year's
    preview: list[dict]  # {"day", "hours": [(opens, closes)], "kind", "note"} for PREVIEW_DAYS days


def calendar_page(calendar: BusinessCalendar, now: datetime) -> CalendarPage:
    """What the calendar page shows, in three queries whatever the calendar holds. The preview lists
    the intervals that open on each day (night hours show on the day they open)."""
    today = now.astimezone(ZoneInfo(calendar.time_zone)).date()  # the calendar's today
    hours = list(calendar.hours.order_by("weekday", "opens"))
    closed_days = list(calendar.closed_days.filter(date__gte=today).order_by("date"))
    open_days = list(calendar.extra_open_days.filter(date__gte=today).order_by("date", "opens"))
    schedule = calendar.schedule_of(
        hours=hours, closed_dates=[row.date for row in closed_days], open_days=open_days
    )
    custom = {row.date: row.name for row in closed_days}
    extra_names = defaultdict(list)
    for row in open_days:
        if row.name and row.name not in extra_names[row.date]:
            extra_names[row.date].append(row.name)
    preview = []
    for offset in range(PREVIEW_DAYS):
        day = today + timedelta(days=offset)
        intervals = schedule.intervals_on(day)
        holiday = schedule.closed.holiday_name(day)
        if day in schedule.extra:
            kind, note = "extra", ", ".join(extra_names[day])
        elif day in custom:
            kind, note = "closed", custom[day]
        elif holiday:
            kind, note = "holiday", holiday
        else:
            kind, note = ("open" if intervals else "shut"), ""
        preview.append({"day": day, "hours": intervals, "kind": kind, "note": note, "holiday": holiday})
    weekly = [{"weekday": day, "hours": [row for row in hours if row.weekday == day]} for day in Weekday]
    return CalendarPage(
        weekly=weekly,
        closed_days=closed_days,
        open_days=open_days,
        holidays=public_holidays(calendar.holiday_country, [today.year, today.year + 1]),
        preview=preview,
    )


def skills_with_counts() -> list[Skill]:
    return list(Skill.objects.annotate(agent_count=Count("profiles")).order_by("name"))


def teams_with_counts() -> list[Team]:
    return list(Team.objects.select_related("lead").annotate(member_count=Count("members")).order_by("name"))


def desk_profiles() -> list[User]:
    """Active desk users with their profile (or None), skills and teams, in four queries."""
    return list(
        User.objects.filter(role__in=DESK_ROLES, is_active=True)
        .select_related("agent_profile")
        .prefetch_related(
            Prefetch("teams", queryset=Team.objects.order_by("name")),
            Prefetch("agent_profile__skills", queryset=Skill.objects.order_by("name")),
        )
        .order_by("full_name", "pk")
    )


def team_patterns(team: Team) -> list[ShiftPattern]:
    return list(
        ShiftPattern.objects.filter(team=team)
        .select_related("agent")
        .order_by("agent__full_name", "agent_id", "weekday", "start_time", "valid_from")
    )
