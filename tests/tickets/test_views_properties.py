"""The properties panel: only what the agent changed is saved, and stale edits are refused."""

import pytest

from tests.factories import make_ticket
from tickets.forms import TicketFieldsForm
from tickets.models import Ticket


def panel_post(ticket: Ticket, **changes) -> dict:
    """What the page posts: every field with the value it showed (initial-*), and the agent's changes."""
    form = TicketFieldsForm(ticket=ticket)
    data = {}
    for bound in form:
        shown = bound.value()
        shown = "" if shown is None else shown
        data[bound.name] = shown
        data[form.add_initial_prefix(bound.name)] = shown
    return data | changes


def test_changing_one_field_leaves_another_agents_change_to_a_different_field(desk, team):
    ticket = make_ticket(team=team)
    page = panel_post(ticket)  # the agent opened the ticket while it was new
    Ticket.objects.filter(pk=ticket.pk).update(status="pending")  # someone else set it pending

    desk.post(f"/desk/tickets/{ticket.pk}/fields/", page | {"priority": "high"})

    ticket.refresh_from_db()
    assert (ticket.status, ticket.priority) == ("pending", "high")


def test_changing_a_field_someone_else_changed_meanwhile_saves_nothing_and_says_so(desk, team):
    ticket = make_ticket(team=team)
    page = panel_post(ticket)
    Ticket.objects.filter(pk=ticket.pk).update(status="pending")

    response = desk.post(
        f"/desk/tickets/{ticket.pk}/fields/", page | {"status": "solved", "priority": "high"}, follow=True
    )

    assert "Someone else changed Status while you had this ticket open" in response.content.decode()
    ticket.refresh_from_db()
    assert (ticket.status, ticket.priority) == ("pending", "normal")
    assert not ticket.activities.filter(field__in=["status", "priority"]).exists()


def test_an_unchanged_panel_with_a_due_date_logs_nothing(desk, team):
    from django.utils import timezone

    ticket = make_ticket(team=team)
    Ticket.objects.filter(pk=ticket.pk).update(due_at=timezone.now())  # with microseconds
    ticket.refresh_from_db()

    desk.post(f"/desk/tickets/{ticket.pk}/fields/", panel_post(ticket) | {"type": "incident"})

    assert list(ticket.activities.exclude(field="created").values_list("field", flat=True)) == ["type"]


def test_changing_priority_keeps_a_deactivated_assignee(desk, team):
    from tests.factories import UserFactory

    former = UserFactory(role="agent", full_name="Former Agent")
    ticket = make_ticket(team=team, assignee=former)
    former.is_active = False
    former.save()

    desk.post(f"/desk/tickets/{ticket.pk}/fields/", panel_post(ticket) | {"priority": "high"})

    ticket.refresh_from_db()
    assert (ticket.assignee, ticket.priority) == (former, "high")


def test_two_agents_saving_the_same_field_from_the_same_page_the_second_is_told(ona, team):
    from tickets.services import ticket_update
    from tickets.services.core import StaleEdit

    ticket = make_ticket(team=team)
    seen = {"status": "new"}  # both agents opened the ticket while it was new

    ticket_update(ticket=ticket, by=ona, changes={"status": "open"}, expected=seen)
    with pytest.raises(StaleEdit) as stale:
        ticket_update(ticket=ticket, by=ona, changes={"status": "pending"}, expected=seen)

    assert stale.value.fields == ["status"]
    ticket.refresh_from_db()
    assert ticket.status == "open"
