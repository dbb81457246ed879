"""The SLA sweep: warnings and breaches fire once each, escalate, and cost what is due."""

import threading
from datetime import timedelta

import pytest
from django.db import connection

from tests.tickets.helpers import activity, events
from tests.tickets.sla_helpers import MONDAY_10, policy, ticket_at
from tickets.models import SlaEvent, Ticket
from tickets.sla.engine import sla_recompute, sla_sweep


def fired(ticket) -> list[tuple[str, str]]:
    return list(
        SlaEvent.objects.filter(ticket=ticket).order_by("fired_at", "pk").values_list("kind", "metric")
    )


def test_nothing_fires_before_the_warning_time(db):
    policy()
    ticket = ticket_at(MONDAY_10)

    assert sla_sweep(now=MONDAY_10 + timedelta(minutes=44)) == 0
    assert fired(ticket) == []


def test_the_warning_then_the_breach_fire_once_each_and_are_recorded(db):
    policy()
    ticket = ticket_at(MONDAY_10)

    assert sla_sweep(now=MONDAY_10 + timedelta(minutes=45)) == 1
    assert sla_sweep(now=MONDAY_10 + timedelta(minutes=46)) == 0
    assert sla_sweep(now=MONDAY_10 + timedelta(minutes=61)) == 1
    assert sla_sweep(now=MONDAY_10 + timedelta(minutes=62)) == 0

    assert fired(ticket) == [("warning", "first_response"), ("breach", "first_response")]
    assert [(payload["metric"]) for payload in events("sla.warning")] == ["first_response"]
    assert [(payload["metric"]) for payload in events("sla.breach")] == ["first_response"]
    assert ("sla", "breach", "first_response") in activity(ticket)
    ticket.refresh_from_db()
    # Next: the resolution warning (75 % of 480 minutes).
    assert ticket.sla_next_check_at == MONDAY_10 + timedelta(minutes=360)


def test_a_late_sweep_fires_the_warning_and_the_breach_together(db):
    policy()
    ticket = ticket_at(MONDAY_10)

    assert sla_sweep(now=MONDAY_10 + timedelta(hours=3)) == 2

    assert fired(ticket) == [("warning", "first_response"), ("breach", "first_response")]


def test_a_recompute_after_firing_does_not_fire_the_same_deadline_again(db):
    policy()
    ticket = ticket_at(MONDAY_10)
    sla_sweep(now=MONDAY_10 + timedelta(minutes=61))

    sla_recompute(ticket_id=ticket.pk, now=MONDAY_10 + timedelta(minutes=62))

    assert sla_sweep(now=MONDAY_10 + timedelta(minutes=63)) == 0
    ticket.refresh_from_db()
    assert ticket.sla_next_check_at == MONDAY_10 + timedelta(minutes=360)


def test_a_breach_raises_the_priority_and_reassigns_when_the_policy_says_so(db, aino):
    policy(raise_priority_on_breach=True, reassign_on_breach_to=aino)
    ticket = ticket_at(MONDAY_10, priority="high")

    sla_sweep(now=MONDAY_10 + timedelta(minutes=61))

    ticket.refresh_from_db()
    assert (ticket.priority, ticket.assignee) == ("urgent", aino)
    changes = [payload["changes"] for payload in events("ticket.updated")]
    assert changes[-1]["priority"] == ["high", "urgent"]


def test_a_warning_does_not_escalate(db, aino):
    policy(raise_priority_on_breach=True, reassign_on_breach_to=aino)
    ticket = ticket_at(MONDAY_10)

    sla_sweep(now=MONDAY_10 + timedelta(minutes=50))

    ticket.refresh_from_db()
    assert (ticket.priority, ticket.assignee) == ("normal", None)


def test_the_sweep_reads_only_the_due_tickets(db, django_assert_max_num_queries):
    """Its cost follows what is due: 40 tickets not due yet add no query."""
    policy()
    due = ticket_at(MONDAY_10)
    with django_assert_max_num_queries(30) as few:
        sla_sweep(now=MONDAY_10 + timedelta(minutes=45))
    for _ in range(40):
        ticket_at(MONDAY_10 + timedelta(hours=1))
    Ticket.objects.filter(pk=due.pk).update(sla_next_check_at=MONDAY_10)
    SlaEvent.objects.all().delete()

    with django_assert_max_num_queries(len(few.captured_queries)):
        assert sla_sweep(now=MONDAY_10 + timedelta(minutes=45)) == 1


def test_a_ticket_whose_policy_was_deleted_stops_being_checked(db):
    rules = policy()
    ticket = ticket_at(MONDAY_10)
    rules.delete()

    assert sla_sweep(now=MONDAY_10 + timedelta(hours=9)) == 0

    ticket.refresh_from_db()
    assert ticket.sla_next_check_at is None


@pytest.mark.django_db(transaction=True)
def test_two_sweeps_at_once_fire_each_event_once():
    policy()
    tickets = [ticket_at(MONDAY_10) for _ in range(30)]
    counts = []

    def sweep():
        try:
            counts.append(sla_sweep(now=MONDAY_10 + timedelta(hours=2), batch=5))
        finally:
            connection.close()

    threads = [threading.Thread(target=sweep) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sum(counts) == 60  # a warning and a breach of the first response, per ticket
    assert SlaEvent.objects.filter(ticket__in=tickets).count() == 60


def test_the_sweep_reads_a_batch_with_a_fixed_number_of_queries(db, django_assert_max_num_queries):
    """Tickets whose events fired already cost no query each: one read, one fired-events read, one update."""
    policy()
    tickets = [ticket_at(MONDAY_10) for _ in range(20)]
    sla_sweep(now=MONDAY_10 + timedelta(minutes=61))  # both events of every first response fire
    Ticket.objects.filter(pk__in=[t.pk for t in tickets]).update(sla_next_check_at=MONDAY_10)

    with django_assert_max_num_queries(6):
        assert sla_sweep(now=MONDAY_10 + timedelta(minutes=62)) == 0
