"""An agent's start/stop timer on a ticket, and taking back a time entry."""

from datetime import UTC, datetime, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from backoffice.billing.models import RunningTimer, TimeEntry
from backoffice.billing.services import (
    time_entry_delete,
    time_entry_log,
    timer_discard,
    timer_start,
    timer_stop,
)
from tests.factories import UserFactory, make_ticket

START = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)


def test_stopping_logs_the_elapsed_minutes_rounded_up_and_removes_the_timer(ona):
    ticket = make_ticket()
    timer_start(ticket=ticket, agent=ona, now=START)

    entry = timer_stop(ticket=ticket, agent=ona, now=START + timedelta(minutes=12, seconds=1))

    assert (entry.minutes, entry.billable, entry.agent, entry.logged_at) == (
        13,
        True,
        ona,
        START + timedelta(minutes=12, seconds=1),
    )
    assert not RunningTimer.objects.exists()


def test_a_timer_stopped_at_once_logs_one_minute(ona):
    ticket = make_ticket()
    timer_start(ticket=ticket, agent=ona, now=START)

    assert timer_stop(ticket=ticket, agent=ona, now=START).minutes == 1


def test_starting_twice_is_refused_and_keeps_the_first_start(ona, aino):
    ticket = make_ticket()
    timer_start(ticket=ticket, agent=ona, now=START)

    with pytest.raises(ValidationError, match="already running"):
        timer_start(ticket=ticket, agent=ona, now=START + timedelta(minutes=5))
    timer_start(ticket=ticket, agent=aino, now=START)  # each agent has their own

    assert RunningTimer.objects.get(agent=ona).started_at == START


def test_stopping_with_no_timer_running_is_refused_and_logs_nothing(ona, aino):
    ticket = make_ticket()
    timer_start(ticket=ticket, agent=aino, now=START)

    with pytest.raises(ValidationError, match="no timer running"):
        timer_stop(ticket=ticket, agent=ona, now=START)
    assert not TimeEntry.objects.exists()


def test_a_timer_left_over_24_hours_is_refused_kept_and_can_be_discarded(ona):
    ticket = make_ticket()
    timer_start(ticket=ticket, agent=ona, now=START)

    with pytest.raises(ValidationError, match="more than 24 hours"):
        timer_stop(ticket=ticket, agent=ona, now=START + timedelta(hours=25))
    assert RunningTimer.objects.filter(agent=ona).exists()

    timer_discard(ticket=ticket, agent=ona)
    assert not RunningTimer.objects.exists() and not TimeEntry.objects.exists()
    with pytest.raises(ValidationError):
        timer_discard(ticket=ticket, agent=ona)


def test_customers_and_back_office_cannot_start_a_timer(alice, piotr):
    ticket = make_ticket()
    for user in (alice, piotr):
        with pytest.raises(ValidationError):
            timer_start(ticket=ticket, agent=user, now=START)
    assert not RunningTimer.objects.exists()


def test_an_entry_is_deleted_by_its_agent_or_a_supervisor_but_not_by_another_agent(ona, aino):
    ticket = make_ticket()
    first = time_entry_log(ticket=ticket, agent=ona, minutes=10, now=START)
    second = time_entry_log(ticket=ticket, agent=ona, minutes=20, now=START)
    other_agent = UserFactory(role="agent")

    with pytest.raises(PermissionDenied):
        time_entry_delete(entry=first, by=other_agent)
    time_entry_delete(entry=first, by=ona)
    time_entry_delete(entry=second, by=aino)

    assert not TimeEntry.objects.exists()


def test_an_invoiced_entry_cannot_be_deleted(ona, acme, marija):
    from tests.billing.conftest import make_invoice

    ticket = make_ticket(requester=marija)
    entry = time_entry_log(ticket=ticket, agent=ona, minutes=10, now=START)
    line = make_invoice(owner=acme, issue=False).lines.get()
    TimeEntry.objects.filter(pk=entry.pk).update(invoice_line=line)

    with pytest.raises(ValidationError, match="on an invoice"):
        time_entry_delete(entry=entry, by=ona)
    assert TimeEntry.objects.filter(pk=entry.pk).exists()
