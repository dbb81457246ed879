"""Reads of the rosters. `on_shift_now` and `available_agents` are the API routing calls."""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db.models import Count, Q
from django.utils import timezone

from backoffice.models import Team
from backoffice.rosters.models import BusinessCalendar, Shift, TimeOff
from helpdesk.models import User


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
