"""Malformed or hostile input on the desk: a clear answer, never a 500, nothing leaked."""

import pytest
from django.core.exceptions import ValidationError

from tests.factories import CustomerFactory, TeamFactory, make_ticket
from tickets.models import SavedView, Status, Ticket
from tickets.services import ticket_add_note, ticket_link, ticket_split


def test_a_linked_ticket_of_another_team_is_not_shown(desk, team, aino):
    mine = make_ticket(team=team, subject="Mine")
    theirs = make_ticket(team=TeamFactory(), subject="Their secret")
    ticket_link(ticket=mine, other=theirs, by=aino)

    page = desk.get(f"/desk/tickets/{mine.pk}/").content.decode()

    assert "Their secret" not in page


@pytest.mark.parametrize("macro", ["abc", "", "²", "9" * 40])
def test_a_malformed_macro_id_is_a_404(desk, team, macro):
    ticket = make_ticket(team=team)

    assert desk.post(f"/desk/tickets/{ticket.pk}/macro/", {"macro": macro}).status_code == 404


@pytest.mark.parametrize("seen", ["²", "9" * 5000, "-1", "abc"])
def test_a_malformed_seen_message_id_is_ignored(desk, team, seen):
    ticket = make_ticket(team=team)

    response = desk.post(f"/desk/tickets/{ticket.pk}/presence/", {"seen_message_id": seen})

    assert response.status_code == 200


def test_a_saved_view_with_nonsense_filters_does_not_break_the_desk(desk, ona, team):
    make_ticket(team=team, subject="Still listed")
    SavedView.objects.create(
        name="Broken", owner=ona, filters={"created_after": "yesterday", "team": "x", "status": 5}
    )
    SavedView.objects.create(name="Not even a dict", owner=ona, filters=["a", "b"])

    response = desk.get("/desk/views/open/")

    assert response.status_code == 200
    assert "Still listed" in response.content.decode()


def test_a_bulk_action_with_an_impossible_ticket_number_is_refused_politely(desk, team):
    response = desk.post(
        "/desk/bulk/", {"ticket": ["9" * 30], "action": "priority", "priority": "high"}, follow=True
    )

    assert response.status_code == 200
    assert "Choose at least one ticket" in response.content.decode()


def test_bulk_merge_of_different_requesters_merges_nothing(desk, team):
    first = make_ticket(team=team)
    same = make_ticket(team=team, requester=first.requester)
    other = make_ticket(team=team, requester=CustomerFactory())

    desk.post("/desk/bulk/", {"ticket": [first.pk, same.pk, other.pk], "action": "merge"})

    assert not Ticket.objects.filter(merged_into__isnull=False).exists()


def test_split_refuses_a_closed_ticket_and_an_agents_message(ona, team):
    ticket = make_ticket(team=team, body="Question")
    note = ticket_add_note(ticket=ticket, by=ona, body="Internal")

    with pytest.raises(ValidationError, match="customer's message"):
        ticket_split(message=note, by=ona)
    Ticket.objects.filter(pk=ticket.pk).update(status=Status.CLOSED)
    with pytest.raises(ValidationError, match="closed ticket"):
        ticket_split(message=ticket.messages.first(), by=ona)
