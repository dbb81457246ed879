"""The expected reply time: a realistic estimate, for the customer, of when a new ticket gets its first
answer, from how many tickets of its team wait ahead of it, how many agents are on shift, and how fast
the team has answered lately.

    tickets ahead (+1 for this one) / (agents on shift × first answers per agent-hour)

gives the minutes of work before this ticket's turn; they are counted in the team's business hours (so
a ticket at night is answered after opening), or in plain time without a calendar. The rate is the
team's first answers over the last RATE_DAYS divided by the agent-hours of its shifts in that time;
without enough history it is settings.ROSTER_TICKETS_PER_AGENT_HOUR. Nobody on shift now: the agents
of the team's next shift are counted instead (or one agent, when no shift is planned).
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import F, Q, Sum, Value
from django.db.models.functions import Greatest, Least

from backoffice.models import Team
from backoffice.rosters.business_hours import add_business_minutes
from backoffice.rosters.models import Shift
from backoffice.rosters.selectors import calendar_for_team, on_shift_now
from tickets.models import UNSOLVED, Ticket

RATE_DAYS = 7
MIN_HISTORY = 20  # first answers needed before the team's own rate is trusted


@dataclass(frozen=True)
class ReplyForecast:
    at: datetime
    ahead: int  # tickets waiting for a first answer before this one
    agents: int
    per_agent_hour: float


def answers_per_agent_hour(team: Team, now: datetime) -> float:
    since = now - timedelta(days=RATE_DAYS)
    answered = Ticket.objects.filter(
        team=team, first_response_at__gte=since, first_response_at__lt=now
    ).count()
    # Only the part of each shift inside the window: today's shift counts up to now.
    worked = Shift.objects.filter(team=team, start__lt=now, end__gt=since).aggregate(
        total=Sum(Least(F("end"), Value(now)) - Greatest(F("start"), Value(since)))
    )["total"]
    hours = worked.total_seconds() / 3600 if worked else 0
    if answered < MIN_HISTORY or hours < 1:
        return settings.ROSTER_TICKETS_PER_AGENT_HOUR
    return answered / hours


def _agents_soon(team: Team, now: datetime) -> int:
    on_shift = len(on_shift_now(team, now))
    if on_shift:
        return on_shift
    upcoming = Shift.objects.filter(team=team, start__gt=now).order_by("start").first()
    if upcoming is None:
        return 1
    return Shift.objects.filter(team=team, start__lte=upcoming.start, end__gt=upcoming.start).count()


def expected_first_reply(ticket: Ticket, *, now: datetime) -> ReplyForecast | None:
    """When the ticket's first answer can be expected; None for a ticket without a team, or answered."""
    team = ticket.team
    if team is None or ticket.first_response_at is not None:
        return None
    ahead = (
        Ticket.objects.filter(team=team, status__in=UNSOLVED, first_response_at__isnull=True)
        .filter(Q(created_at__lt=ticket.created_at) | Q(created_at=ticket.created_at, pk__lt=ticket.pk))
        .count()
    )
    agents = _agents_soon(team, now)
    rate = answers_per_agent_hour(team, now)
    minutes = max(1, round((ahead + 1) / (agents * rate) * 60))
    calendar = calendar_for_team(team)
    schedule = calendar.schedule() if calendar is not None else None
    if schedule is not None and (schedule.week_minutes or schedule.extra):
        at = add_business_minutes(schedule, now, minutes)
    else:
        at = now + timedelta(minutes=minutes)
    return ReplyForecast(at=at, ahead=ahead, agents=agents, per_agent_hour=round(rate, 2))
