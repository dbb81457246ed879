"""Who may see and work which ticket: ticket_for_user and ensure_can_work."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import Http404

from helpdesk.models import User
from tests.factories import make_ticket
from tickets.access import ensure_can_work, ticket_for_user
from tickets.models import Ticket


@pytest.fixture
def tickets(ona, first_line, billing):
    """One ticket of each kind, as Ona (an agent in First line) meets them."""
    return {
        "own team": make_ticket(team=first_line, subject="Own team"),
        "no team": make_ticket(subject="No team"),
        "assigned": make_ticket(team=billing, assignee=ona, subject="Assigned to Ona"),
        "other team": make_ticket(team=billing, subject="Other team"),
    }


def test_an_agent_sees_their_teams_tickets_teamless_ones_and_those_assigned_to_them(ona, tickets):
    visible = {tickets[kind] for kind in ("own team", "no team", "assigned")}

    assert set(Ticket.objects.visible_to(ona)) == visible
    for ticket in visible:
        assert ticket_for_user(ona, ticket.pk) == ticket


def test_an_agent_gets_404_for_a_ticket_of_another_team(ona, tickets):
    with pytest.raises(Http404):
        ticket_for_user(ona, tickets["other team"].pk)


def test_an_agent_who_joins_a_team_sees_its_tickets_from_their_next_request(ona, tickets, billing):
    with pytest.raises(Http404):
        ticket_for_user(ona, tickets["other team"].pk)

    billing.members.add(ona)

    next_request_user = User.objects.get(pk=ona.pk)
    assert ticket_for_user(next_request_user, tickets["other team"].pk) == tickets["other team"]


def test_an_agent_who_leaves_a_team_no_longer_sees_its_tickets_from_their_next_request(
    ona, tickets, first_line
):
    assert ticket_for_user(ona, tickets["own team"].pk) == tickets["own team"]

    first_line.members.remove(ona)

    with pytest.raises(Http404):
        ticket_for_user(User.objects.get(pk=ona.pk), tickets["own team"].pk)


@pytest.mark.parametrize("persona", ["aino", "rasa"])
def test_supervisors_and_admins_see_every_ticket(request, tickets, persona):
    user = request.getfixturevalue(persona)

    assert set(Ticket.objects.visible_to(user)) == set(tickets.values())
    assert ticket_for_user(user, tickets["other team"].pk) == tickets["other team"]


def test_agents_see_every_ticket_when_the_desk_is_set_up_that_way(ona, tickets, settings):
    settings.TICKETS_AGENTS_SEE_ALL = True

    assert set(Ticket.objects.visible_to(ona)) == set(tickets.values())
    assert ticket_for_user(ona, tickets["other team"].pk) == tickets["other team"]


@pytest.mark.parametrize("persona", ["alice", "piotr"])
def test_customers_and_back_office_see_no_ticket_in_the_desk(request, tickets, persona, settings):
    settings.TICKETS_AGENTS_SEE_ALL = True  # about agents only
    user = request.getfixturevalue(persona)

    assert not Ticket.objects.visible_to(user).exists()
    with pytest.raises(Http404):
        ticket_for_user(user, tickets["no team"].pk)


def test_a_customer_gets_404_even_for_their_own_ticket_in_the_desk(alice, alice_customer):
    ticket = make_ticket(requester=alice_customer)

    with pytest.raises(Http404):
        ticket_for_user(alice, ticket.pk)


def test_an_anonymous_visitor_sees_no_ticket(tickets):
    assert not Ticket.objects.visible_to(AnonymousUser()).exists()
    with pytest.raises(Http404):
        ticket_for_user(AnonymousUser(), tickets["no team"].pk)


@pytest.mark.parametrize("pk", [0, 987654321, "abc", "1 OR 1=1", None, "", [1]])
def test_a_missing_or_malformed_number_is_a_404(aino, tickets, pk):
    with pytest.raises(Http404):
        ticket_for_user(aino, pk)


def test_a_given_queryset_is_still_limited_to_what_the_user_may_see(ona, tickets):
    queryset = Ticket.objects.select_related("requester", "team")

    assert ticket_for_user(ona, tickets["own team"].pk, queryset=queryset).team.name == "First line"
    with pytest.raises(Http404):
        ticket_for_user(ona, tickets["other team"].pk, queryset=queryset)


def test_ticket_for_user_takes_two_queries_for_an_agent(ona, tickets, django_assert_num_queries):
    # One for the agent's teams, one for the ticket.
    with django_assert_num_queries(2):
        ticket_for_user(ona, tickets["own team"].pk)


def test_the_system_may_work_any_ticket(tickets):
    ensure_can_work(None, tickets["other team"])


def test_an_agent_may_work_only_the_tickets_they_see(ona, tickets):
    for kind in ("own team", "no team", "assigned"):
        ensure_can_work(ona, tickets[kind])

    with pytest.raises(PermissionDenied):
        ensure_can_work(ona, tickets["other team"])


@pytest.mark.parametrize("persona", ["alice", "piotr"])
def test_people_outside_the_desk_may_work_no_ticket(request, tickets, persona):
    with pytest.raises(PermissionDenied):
        ensure_can_work(request.getfixturevalue(persona), tickets["no team"])
