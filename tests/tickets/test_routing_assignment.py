"""Automatic assignment (tickets/routing/assignment.py) on top of the rosters."""

import threading
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from backoffice.rosters.models import Shift, TimeOff
from helpdesk.models import OutboxEvent
from tests.factories import CustomerFactory, OrganizationFactory, make_ticket
from tests.rosters.factories import agent, team_of
from tickets.models import Activity, Ticket
from tickets.routing.assignment import teams_with_waiting_tickets, ticket_route, tickets_route_waiting
from tickets.services import ticket_update

NOW = timezone.now().replace(microsecond=0)


def on_shift(user, team, *, start=NOW - timedelta(hours=2), hours=8):
    return Shift.objects.create(agent=user, team=team, start=start, end=start + timedelta(hours=hours))


def new_ticket(team, **fields) -> Ticket:
    return make_ticket(team=team, **fields)


def route(ticket):
    decision = ticket_route(ticket_id=ticket.pk, now=NOW)
    ticket.refresh_from_db()
    return decision


@pytest.fixture
def crew(db):
    ona = agent("Ona Kazlauskaitė", languages=["lt", "en"])
    jonas = agent("Jonas Jonaitis", languages=["lt"])
    mikko = agent("Mikko Virtanen", languages=["fi", "en"])
    team = team_of(ona, jonas, mikko)
    for user in (ona, jonas, mikko):
        on_shift(user, team)
    return team, ona, jonas, mikko


def test_a_ticket_goes_to_an_agent_on_shift_who_speaks_its_language_with_the_reason(crew):
    team, ona, jonas, mikko = crew
    ticket = new_ticket(team, language="fi")

    decision = route(ticket)

    assert ticket.assignee == mikko
    assert decision.reason.startswith("assigned to Mikko Virtanen: on shift until ")
    assert decision.reason.endswith("speaks fi, 0/8 open")
    assert Activity.objects.filter(ticket=ticket, field="assignee", reason=decision.reason).exists()


def test_the_least_loaded_wins_and_ties_go_round_robin(crew):
    team, ona, jonas, mikko = crew
    make_ticket(team=team, assignee=mikko)

    assignees = []
    for _ in range(4):
        ticket = new_ticket(team, language="lt")
        route(ticket)
        assignees.append(ticket.assignee)

    # Level at 0: the first by id; then the less loaded; level again: the one assigned longest ago.
    assert assignees == [ona, jonas, ona, jonas]


def test_off_shift_on_leave_paused_and_full_agents_are_passed_over(db):
    away = agent("Away Agent", languages=["en"])
    leave = agent("Leave Agent", languages=["en"])
    paused = agent("Paused Agent", languages=["en"], paused=True)
    full = agent("Full Agent", languages=["en"], max_open=1)
    free = agent("Free Agent", languages=["en"])
    team = team_of(away, leave, paused, full, free)
    on_shift(away, team, start=NOW + timedelta(hours=1))
    for user in (leave, paused, full, free):
        on_shift(user, team)
    TimeOff.objects.create(
        agent=leave, start=NOW - timedelta(days=1), end=NOW + timedelta(days=1), status="approved"
    )
    make_ticket(team=team, assignee=full)

    ticket = new_ticket(team)
    route(ticket)

    assert ticket.assignee == free


def test_nobody_fitting_leaves_the_ticket_waiting_and_says_why_once(crew):
    team, *_ = crew
    ticket = new_ticket(team, language="pl")

    first = route(ticket)
    second = route(ticket)

    assert ticket.assignee is None
    assert first.reason == "waits in First line: nobody on shift speaks pl" == second.reason
    assert ticket.waiting_for_agent_since == NOW
    assert Activity.objects.filter(ticket=ticket, field="routing").count() == 1


def test_tickets_without_a_team_or_with_an_assignee_are_left_alone(crew):
    team, ona, *_ = crew
    loose = make_ticket()
    taken = make_ticket(team=team, assignee=ona)

    assert ticket_route(ticket_id=loose.pk, now=NOW) is None
    assert ticket_route(ticket_id=taken.pk, now=NOW) is None
    assert ticket_route(ticket_id=987654, now=NOW) is None


def test_waiting_tickets_go_vip_first_then_tier_then_priority_then_oldest(db):
    solo = agent("Solo Agent", languages=["en"], max_open=4)
    team = team_of(solo)
    big = OrganizationFactory(name="Big", support_tier="enterprise")
    plain_old = new_ticket(team)
    urgent = new_ticket(team, priority="urgent")
    enterprise = new_ticket(team, requester=CustomerFactory(organization=big))
    vip = new_ticket(team, requester=CustomerFactory(vip=True))
    new_ticket(team)  # the fifth does not fit
    assert teams_with_waiting_tickets() == [team.pk]

    on_shift(solo, team)  # the shift starts
    assert tickets_route_waiting(team_id=team.pk, now=NOW) == 4

    order = list(Ticket.objects.filter(assignee=solo).order_by("updated_at", "pk"))
    assert order == [vip, enterprise, urgent, plain_old]


def test_solving_a_ticket_frees_capacity_for_the_next_waiting_one(db):
    from tickets.handlers import route_after_change

    solo = agent("Solo Agent", languages=["en"], max_open=1)
    team = team_of(solo)
    on_shift(solo, team)
    first, waiting = new_ticket(team), new_ticket(team)
    route(first)
    route(waiting)
    assert (first.assignee, waiting.assignee) == (solo, None)

    ticket_update(ticket=first, by=solo, changes={"status": "solved"})
    route_after_change(OutboxEvent.objects.filter(name="ticket.updated").latest("id"))

    waiting.refresh_from_db()
    assert waiting.assignee == solo


def test_an_assignment_itself_frees_nobody_and_does_not_sweep_the_queue(db):
    from tickets.handlers import _frees_capacity

    assert not _frees_capacity({"assignee": ["", "Ona"]})
    assert not _frees_capacity({"status": ["new", "open"], "priority": ["low", "high"]})
    assert _frees_capacity({"status": ["open", "solved"]})
    assert _frees_capacity({"assignee": ["Ona", "Jonas"]})
    assert _frees_capacity({"team": ["First line", "Billing"]})


def test_routings_own_assignment_sends_no_routing_or_sla_task_but_a_persons_change_does(crew):
    from helpdesk.outbox import outbox_messages_for

    team, ona, jonas, _mikko = crew
    ticket = new_ticket(team, language="lt")
    route(ticket)
    assignment = OutboxEvent.objects.filter(name="ticket.updated").latest("id")
    assert assignment.payload["changes"] == {"assignee": ["", ticket.assignee.full_name]}
    assert set(outbox_messages_for(assignment)) == {"notify"}  # the new assignee hears of it, nothing else

    ticket_update(ticket=ticket, by=ona, changes={"assignee": jonas})
    reassigned = OutboxEvent.objects.filter(name="ticket.updated").latest("id")
    assert set(outbox_messages_for(reassigned)) == {"routing", "notify"}  # a person's change: rules run

    ticket_update(ticket=ticket, by=None, changes={"priority": "urgent"})
    escalated = OutboxEvent.objects.filter(name="ticket.updated").latest("id")
    assert set(outbox_messages_for(escalated)) == {"routing", "sla", "notify"}  # a new deadline


@pytest.mark.django_db(transaction=True)
def test_two_routers_at_once_never_give_one_slot_twice():
    solo = agent("Solo Agent", languages=["en"], max_open=1)
    team = team_of(solo)
    on_shift(solo, team)
    tickets = [new_ticket(team) for _ in range(6)]

    def run(ticket):
        try:
            ticket_route(ticket_id=ticket.pk, now=NOW)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(ticket,)) for ticket in tickets]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert Ticket.objects.filter(assignee=solo).count() == 1
