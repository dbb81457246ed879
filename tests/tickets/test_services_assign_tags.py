"""Assigning tickets and tagging them."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from tests.factories import UserFactory, make_ticket
from tests.tickets.helpers import activity, counts, events, put_in_status
from tickets.models import Status, Tag
from tickets.services import ticket_assign, ticket_set_tags

# --- ticket_assign


def test_assigning_a_ticket_records_who_did_it_and_why(ona, aino):
    ticket = make_ticket()

    ticket_assign(ticket=ticket, agent=ona, by=aino, reason="speaks Lithuanian")

    ticket.refresh_from_db()
    assert ticket.assignee == ona
    change = ticket.activities.get(field="assignee")
    assert (change.old, change.new, change.actor, change.reason) == (
        "",
        "Ona Kazlauskaitė",
        aino,
        "speaks Lithuanian",
    )
    assert events("ticket.updated")[-1]["changes"] == {"assignee": ["", "Ona Kazlauskaitė"]}


def test_a_ticket_can_be_unassigned(ona, aino):
    ticket = make_ticket(assignee=ona)

    ticket_assign(ticket=ticket, agent=None, by=aino)

    ticket.refresh_from_db()
    assert ticket.assignee is None
    assert activity(ticket)[-1] == ("assignee", "Ona Kazlauskaitė", "")


def test_only_active_agents_can_be_assigned(aino, alice, piotr):
    ticket = make_ticket()
    gone = UserFactory(role="agent", is_active=False)

    for user in (alice, piotr, gone):
        with pytest.raises(ValidationError) as error:
            ticket_assign(ticket=ticket, agent=user, by=aino)
        assert "assignee" in error.value.message_dict

    ticket.refresh_from_db()
    assert ticket.assignee is None


# --- ticket_set_tags


def test_tags_are_added_and_removed_with_an_activity_row_and_an_event(ona):
    ticket = make_ticket(tags=["billing", "vip"])

    ticket_set_tags(ticket=ticket, by=ona, add=["Refund Request", "vip"], remove=["billing", "unknown"])

    assert set(ticket.tags.values_list("name", flat=True)) == {"refund-request", "vip"}
    assert activity(ticket)[-1] == ("tags", "billing, vip", "refund-request, vip")
    assert events("ticket.updated") == [
        {"ticket_id": ticket.pk, "changes": {"tags": [["billing"], ["refund-request"]]}}
    ]


def test_tags_are_shared_between_tickets_not_duplicated(ona):
    first, second = make_ticket(), make_ticket()

    ticket_set_tags(ticket=first, by=ona, add=["Outage"])
    ticket_set_tags(ticket=second, by=ona, add=["outage"])

    assert Tag.objects.filter(name="outage").count() == 1
    assert Tag.objects.get(name="outage").tickets.count() == 2


def test_tags_that_change_nothing_write_nothing(ona):
    ticket = make_ticket(tags=["vip"])
    before = counts()

    ticket_set_tags(ticket=ticket, by=ona, add=["VIP", "  "], remove=["absent"])

    assert counts() == before


def test_a_tag_longer_than_fifty_characters_is_refused(ona):
    ticket = make_ticket()

    with pytest.raises(ValidationError) as error:
        ticket_set_tags(ticket=ticket, by=ona, add=["ok", "x" * 51])

    assert "tags" in error.value.message_dict
    assert not ticket.tags.exists()
    assert not Tag.objects.exists()


def test_a_closed_ticket_cannot_be_tagged(ona):
    ticket = put_in_status(make_ticket(), Status.CLOSED)
    before = counts()

    with pytest.raises(ValidationError) as error:
        ticket_set_tags(ticket=ticket, by=ona, add=["late"])

    assert error.value.message_dict == {"status": ["A closed ticket cannot be changed."]}
    assert not ticket.tags.exists()
    assert counts() == before


def test_an_agent_cannot_tag_a_ticket_of_another_team(ona, billing):
    ticket = make_ticket(team=billing)

    with pytest.raises(PermissionDenied):
        ticket_set_tags(ticket=ticket, by=ona, add=["mine"])

    assert not ticket.tags.exists()
