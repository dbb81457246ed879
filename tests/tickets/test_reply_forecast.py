"""The expected reply time (tickets/sla/forecast.py) against synthetic histories."""

from datetime import timedelta

from backoffice.rosters.models import Shift
from tests.factories import make_ticket
from tests.rosters.factories import agent, team_of
from tests.tickets.sla_helpers import at, office_calendar
from tickets.models import Ticket
from tickets.sla.forecast import answers_per_agent_hour, expected_first_reply

TUESDAY_11 = at(2026, 12, 1, 11, 0)


def shift(user, team, start, hours=8):
    return Shift.objects.create(agent=user, team=team, start=start, end=start + timedelta(hours=hours))


def waiting(team, *, minutes_ago: int, answered_at=None, status="new") -> Ticket:
    ticket = make_ticket(team=team)
    Ticket.objects.filter(pk=ticket.pk).update(
        created_at=TUESDAY_11 - timedelta(minutes=minutes_ago), first_response_at=answered_at, status=status
    )
    ticket.refresh_from_db()
    return ticket


def test_without_history_the_default_rate_sets_the_pace(db, settings):
    settings.ROSTER_TICKETS_PER_AGENT_HOUR = 4.0
    ona, jonas = agent("Ona A"), agent("Jonas B")
    team = team_of(ona, jonas)
    for user in (ona, jonas):
        shift(user, team, TUESDAY_11 - timedelta(hours=2))
    for minutes in (30, 20, 10):
        waiting(team, minutes_ago=minutes)
    mine = waiting(team, minutes_ago=0)

    forecast = expected_first_reply(mine, now=TUESDAY_11)

    # 3 ahead + this one, 2 agents × 4 an hour: half an hour.
    assert (forecast.ahead, forecast.agents, forecast.per_agent_hour) == (3, 2, 4.0)
    assert forecast.at == TUESDAY_11 + timedelta(minutes=30)


def test_the_teams_recent_answers_per_agent_hour_set_the_pace(db):
    ona = agent("Ona A")
    team = team_of(ona)
    # Last week: five 8-hour shifts (40 agent-hours) and 80 first answers: 2 an hour.
    for day in range(1, 6):
        shift(ona, team, TUESDAY_11 - timedelta(days=day, hours=2))
    for number in range(80):
        waiting(team, minutes_ago=3000 + number, answered_at=TUESDAY_11 - timedelta(days=2), status="solved")
    shift(ona, team, TUESDAY_11 - timedelta(hours=1))
    waiting(team, minutes_ago=5)
    mine = waiting(team, minutes_ago=0)

    assert answers_per_agent_hour(team, TUESDAY_11) == 80 / 41  # today's hour of shift counts too
    forecast = expected_first_reply(mine, now=TUESDAY_11)
    assert forecast.ahead == 1
    assert forecast.at == TUESDAY_11 + timedelta(minutes=round(2 / (80 / 41) * 60))


def test_at_night_the_answer_comes_after_opening_from_the_next_shift(db, settings):
    settings.ROSTER_TICKETS_PER_AGENT_HOUR = 4.0
    office_calendar()
    ona, jonas = agent("Ona A"), agent("Jonas B")
    team = team_of(ona, jonas)
    night = at(2026, 12, 1, 22, 0)
    for user in (ona, jonas):
        shift(user, team, at(2026, 12, 2, 9, 0))
    mine = make_ticket(team=team)
    Ticket.objects.filter(pk=mine.pk).update(created_at=night)
    mine.refresh_from_db()

    forecast = expected_first_reply(mine, now=night)

    assert forecast.agents == 2
    assert forecast.at == at(2026, 12, 2, 9, 8)  # 1 / (2 × 4) hours = 7.5 minutes, rounded


def test_only_earlier_unanswered_open_tickets_of_the_team_count_as_ahead(db):
    team, other = team_of(agent("Ona A")), team_of(agent("Jonas B"), name="Other")
    waiting(team, minutes_ago=30)
    waiting(team, minutes_ago=20, answered_at=TUESDAY_11)  # answered already
    waiting(team, minutes_ago=15, status="solved")
    waiting(other, minutes_ago=10)  # another team
    mine = waiting(team, minutes_ago=5)
    waiting(team, minutes_ago=1)  # came after

    assert expected_first_reply(mine, now=TUESDAY_11).ahead == 1


def test_no_forecast_without_a_team_or_once_answered(db):
    team = team_of(agent("Ona A"))

    assert expected_first_reply(make_ticket(), now=TUESDAY_11) is None
    assert expected_first_reply(waiting(team, minutes_ago=5, answered_at=TUESDAY_11), now=TUESDAY_11) is None
