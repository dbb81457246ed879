"""Arrangers shared by the SLA tests: policies, an office calendar, tickets at given moments."""

from datetime import datetime, time
from zoneinfo import ZoneInfo

from backoffice.rosters.models import BusinessCalendar, WeeklyHours
from tests.factories import make_ticket
from tickets.models import Message, SlaPolicy, Ticket
from tickets.sla.engine import sla_recompute

VILNIUS = ZoneInfo("Europe/Vilnius")


def at(*args) -> datetime:
    return datetime(*args, tzinfo=VILNIUS)


MONDAY_10 = at(2026, 11, 30, 10, 0)


def policy(name="Standard", **fields) -> SlaPolicy:
    defaults = {
        "first_response_minutes": 60,
        "next_response_minutes": 120,
        "resolution_minutes": 480,
        "business_hours": False,
        "pause_statuses": ["pending", "on_hold"],
    }
    return SlaPolicy.objects.create(name=name, **(defaults | fields))


def office_calendar(*, team=None, default=True) -> BusinessCalendar:
    """Monday to Friday 09:00-17:00 in Vilnius, no public holidays."""
    calendar = BusinessCalendar.objects.create(
        name="Office", time_zone="Europe/Vilnius", is_default=default, team=team
    )
    for weekday in range(5):
        WeeklyHours.objects.create(calendar=calendar, weekday=weekday, opens=time(9), closes=time(17))
    return calendar


def ticket_at(moment: datetime, **fields) -> Ticket:
    """A ticket (with its first message) created at `moment`, its SLA computed then."""
    ticket = make_ticket(**fields)
    Ticket.objects.filter(pk=ticket.pk).update(created_at=moment)
    Message.objects.filter(ticket=ticket).update(created_at=moment)
    return sla_recompute(ticket_id=ticket.pk, now=moment)


def message_at(message: Message, moment: datetime) -> Message:
    Message.objects.filter(pk=message.pk).update(created_at=moment)
    message.refresh_from_db()
    return message
