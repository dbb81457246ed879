"""Merging, splitting, linking and bulk changes."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from tests.factories import CustomerFactory, UserFactory, make_ticket
from tests.tickets.helpers import counts, events, put_in_status
from tickets.models import Priority, Status, Tag
from tickets.services import (
    ticket_add_note,
    ticket_bulk_update,
    ticket_customer_reply,
    ticket_link,
    ticket_merge,
    ticket_reply,
    ticket_split,
)

# --- ticket_merge


@pytest.fixture
def two_tickets_of_alice(alice_customer, ona):
    """Alice wrote twice about one problem; the first ticket has a reply, a follower, a CC and tags."""
    first = make_ticket(
        requester=alice_customer, subject="Kettle broken", body="It does not heat.", tags=["kettle"]
    )
    ticket_reply(ticket=first, by=ona, body="Have you plugged it in?")
    first.followers.add(ona)
    first.ccs.add(CustomerFactory(name="Bob Brown"))
    second = make_ticket(requester=alice_customer, subject="Re: kettle", body="Still cold.", tags=["urgent"])
    return first, second


def test_merging_moves_the_conversation_and_closes_the_source(two_tickets_of_alice, ona):
    source, target = two_tickets_of_alice
    source_messages = set(source.messages.values_list("pk", flat=True))
    follower, cc = ona, source.ccs.get()

    merged = ticket_merge(source=source, target=target, by=ona)

    assert merged == target
    assert source_messages <= set(target.messages.values_list("pk", flat=True))
    assert target.messages.count() == 3
    assert not source.messages.exists()
    assert list(target.followers.all()) == [follower]
    assert list(target.ccs.all()) == [cc]
    assert set(target.tags.values_list("name", flat=True)) == {"kettle", "urgent"}
    source.refresh_from_db()
    assert (source.status, source.merged_into) == (Status.CLOSED, target)
    assert source.closed_at is not None
    assert source.solved_at is not None


def test_merging_records_activity_on_both_tickets_and_a_merged_event(two_tickets_of_alice, ona):
    source, target = two_tickets_of_alice

    ticket_merge(source=source, target=target, by=ona)

    into = source.activities.get(field="merged_into")
    assert (into.new, into.actor) == (f"#{target.pk}", ona)
    merged_from = target.activities.get(field="merged_from")
    assert (merged_from.new, merged_from.actor, merged_from.reason) == (
        f"#{source.pk}",
        ona,
        "2 messages moved",
    )
    assert events("ticket.merged") == [{"source_id": source.pk, "target_id": target.pk}]


def test_after_a_merge_the_target_knows_its_newest_public_message(two_tickets_of_alice, ona):
    source, target = two_tickets_of_alice
    newest = ticket_reply(ticket=source, by=ona, body="Newest of all")
    ticket_add_note(ticket=source, by=ona, body="A note is not public")

    merged = ticket_merge(source=source, target=target, by=ona)

    assert merged.last_public_message_id == newest.pk


def test_merging_carries_the_sources_links_but_never_a_link_to_the_target_itself(two_tickets_of_alice, ona):
    source, target = two_tickets_of_alice
    elsewhere = make_ticket()
    ticket_link(ticket=source, other=elsewhere, by=ona)
    ticket_link(ticket=source, other=target, by=ona)

    ticket_merge(source=source, target=target, by=ona)

    assert set(target.related.all()) == {source, elsewhere}


def test_tickets_of_different_requesters_cannot_be_merged(ona, alice_customer):
    source = make_ticket(requester=alice_customer)
    target = make_ticket(requester=CustomerFactory())
    before = counts()

    with pytest.raises(ValidationError) as error:
        ticket_merge(source=source, target=target, by=ona)

    assert error.value.messages == ["Only tickets of the same requester can be merged."]
    assert counts() == before
    source.refresh_from_db()
    assert (source.status, source.merged_into) == (Status.NEW, None)
    assert source.messages.count() == 1


def test_a_ticket_cannot_be_merged_into_itself(ona):
    ticket = make_ticket()

    with pytest.raises(ValidationError):
        ticket_merge(source=ticket, target=ticket, by=ona)

    ticket.refresh_from_db()
    assert ticket.status == Status.NEW


@pytest.mark.parametrize("closed", ["source", "target"])
def test_closed_tickets_cannot_be_merged(two_tickets_of_alice, ona, closed):
    source, target = two_tickets_of_alice
    put_in_status(source if closed == "source" else target, Status.CLOSED)
    before = counts()

    with pytest.raises(ValidationError):
        ticket_merge(source=source, target=target, by=ona)

    assert counts() == before
    assert target.messages.count() == 1


def test_an_agent_cannot_merge_a_ticket_of_another_team(ona, billing, alice_customer):
    source = make_ticket(requester=alice_customer, team=billing)
    target = make_ticket(requester=alice_customer)

    with pytest.raises(PermissionDenied):
        ticket_merge(source=source, target=target, by=ona)

    source.refresh_from_db()
    assert source.merged_into is None


# --- ticket_split


def test_splitting_moves_one_message_into_a_new_ticket_of_the_same_requester(ona, alice_customer, first_line):
    source = make_ticket(
        requester=alice_customer,
        subject="Two problems",
        body="Kettle broken",
        team=first_line,
        priority="high",
    )
    second_problem = ticket_customer_reply(ticket=source, customer=alice_customer, body="Also the toaster")

    new = ticket_split(message=second_problem, by=ona)

    assert (new.requester, new.subject, new.team, new.priority, new.status) == (
        alice_customer,
        "Two problems",
        first_line,
        Priority.HIGH,
        Status.NEW,
    )
    assert list(new.messages.all()) == [second_problem]
    assert list(source.messages.values_list("body_text", flat=True)) == ["Kettle broken"]
    assert list(new.related.all()) == [source]
    source.refresh_from_db()
    new.refresh_from_db()
    assert new.last_public_message_id == second_problem.pk
    assert source.last_public_message_id == source.messages.get().pk
    assert source.activities.get(field="split_to").new == f"#{new.pk}"
    assert new.activities.get(field="split_from").new == f"#{source.pk}"
    assert events("ticket.split") == [{"source_id": source.pk, "ticket_id": new.pk}]


def test_a_ticket_with_one_message_cannot_be_split(ona):
    ticket = make_ticket()
    before = counts()

    with pytest.raises(ValidationError):
        ticket_split(message=ticket.messages.get(), by=ona)

    assert counts() == before


def test_an_agent_cannot_split_a_ticket_of_another_team(ona, billing, alice_customer):
    ticket = make_ticket(requester=alice_customer, team=billing)
    message = ticket_customer_reply(ticket=ticket, customer=alice_customer, body="Another thing")
    before = counts()

    with pytest.raises(PermissionDenied):
        ticket_split(message=message, by=ona)

    assert counts() == before


# --- ticket_link


def test_linking_is_mutual_and_recorded_on_both_tickets(ona):
    ticket, other = make_ticket(), make_ticket()

    ticket_link(ticket=ticket, other=other, by=ona)

    assert list(ticket.related.all()) == [other]
    assert list(other.related.all()) == [ticket]
    assert ticket.activities.get(field="related").new == f"#{other.pk}"
    assert other.activities.get(field="related").new == f"#{ticket.pk}"


def test_a_ticket_cannot_be_linked_to_itself(ona):
    ticket = make_ticket()

    with pytest.raises(ValidationError):
        ticket_link(ticket=ticket, other=ticket, by=ona)

    assert not ticket.related.exists()


def test_an_agent_cannot_link_to_a_ticket_of_another_team(ona, billing):
    ticket, hidden = make_ticket(), make_ticket(team=billing)

    with pytest.raises(PermissionDenied):
        ticket_link(ticket=ticket, other=hidden, by=ona)

    assert not ticket.related.exists()


# --- ticket_bulk_update


def test_a_bulk_change_reports_the_closed_ticket_and_changes_the_others(ona):
    first, closed, last = make_ticket(), make_ticket(), make_ticket()
    put_in_status(closed, Status.CLOSED)

    result = ticket_bulk_update(tickets=[first, closed, last], by=ona, changes={"priority": Priority.URGENT})

    assert result == {
        "done": [first.pk, last.pk],
        "failed": {closed.pk: "A closed ticket cannot be changed."},
    }
    for ticket, priority in ((first, "urgent"), (closed, "normal"), (last, "urgent")):
        ticket.refresh_from_db()
        assert ticket.priority == priority
    assert first.activities.get(field="priority").reason == "bulk update"
    assert not closed.activities.filter(field="priority").exists()
    assert len(events("ticket.updated")) == 2


def test_a_bulk_change_reports_a_ticket_the_agent_may_not_work_and_changes_the_others(ona, billing):
    hidden, mine = make_ticket(team=billing), make_ticket()

    result = ticket_bulk_update(tickets=[hidden, mine], by=ona, changes={"priority": Priority.HIGH})

    assert result == {"done": [mine.pk], "failed": {hidden.pk: "You may not work on this ticket."}}
    hidden.refresh_from_db()
    assert hidden.priority == Priority.NORMAL


def test_a_bulk_status_change_reports_each_forbidden_transition(ona):
    new, solved = make_ticket(), put_in_status(make_ticket(), Status.SOLVED)

    result = ticket_bulk_update(tickets=[new, solved], by=ona, changes={"status": Status.PENDING})

    assert result["done"] == [new.pk]
    assert result["failed"] == {solved.pk: "A ticket cannot go from Solved to Pending."}
    solved.refresh_from_db()
    assert solved.status == Status.SOLVED


def test_bulk_tagging_tags_every_open_ticket_and_reports_the_closed_one(ona):
    first, closed = make_ticket(), put_in_status(make_ticket(), Status.CLOSED)

    result = ticket_bulk_update(tickets=[first, closed], by=ona, changes={}, tags=["Outage 42"])

    assert result == {"done": [first.pk], "failed": {closed.pk: "A closed ticket cannot be changed."}}
    assert list(first.tags.values_list("name", flat=True)) == ["outage-42"]
    assert not closed.tags.exists()


def test_a_bulk_change_and_tags_of_one_ticket_stand_or_fall_together(ona):
    ticket = make_ticket()

    result = ticket_bulk_update(tickets=[ticket], by=ona, changes={"priority": Priority.LOW}, tags=["x" * 51])

    assert result["done"] == []
    ticket.refresh_from_db()
    assert ticket.priority == Priority.NORMAL
    assert not Tag.objects.exists()


def test_bulk_assignment_to_a_customer_fails_for_every_ticket(ona, alice):
    tickets = [make_ticket(), make_ticket()]

    result = ticket_bulk_update(tickets=tickets, by=ona, changes={"assignee": alice})

    assert result["done"] == []
    assert set(result["failed"]) == {ticket.pk for ticket in tickets}


def test_bulk_assignment_assigns_every_ticket(aino):
    agent = UserFactory(role="agent")
    tickets = [make_ticket(), make_ticket()]

    result = ticket_bulk_update(tickets=tickets, by=aino, changes={"assignee": agent})

    assert result == {"done": [ticket.pk for ticket in tickets], "failed": {}}
    assert set(agent.assigned_tickets.all()) == set(tickets)
