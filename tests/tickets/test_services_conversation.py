"""The conversation: agent replies, internal notes, customer replies, attachments and reply collisions."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from tests.factories import make_ticket
from tests.tickets.helpers import activity, counts, events, put_in_status
from tickets.models import AuthorKind, Status, Ticket
from tickets.search import search_tickets
from tickets.services import (
    ReplyCollision,
    ticket_add_note,
    ticket_customer_reply,
    ticket_reply,
)

LITHUANIAN = "Sveiki, ačiū už kantrybę – ąčęėįšųūž"


# --- ticket_reply


def test_an_agents_reply_is_a_public_message_that_opens_a_new_ticket(ona):
    ticket = make_ticket()

    message = ticket_reply(ticket=ticket, by=ona, body="We are on it.")

    assert (message.author_kind, message.author_user, message.public, message.incoming) == (
        AuthorKind.AGENT,
        ona,
        True,
        False,
    )
    assert message.channel == ticket.channel
    ticket.refresh_from_db()
    assert ticket.status == Status.OPEN
    assert ticket.last_public_message_id == message.pk
    assert ticket.updated_at >= message.created_at
    assert activity(ticket)[-1] == ("status", "new", "open")
    assert events("ticket.replied") == [{"ticket_id": ticket.pk, "message_id": message.pk}]


def test_the_first_response_time_is_set_by_the_first_reply_only(ona, aino):
    ticket = make_ticket()

    first = ticket_reply(ticket=ticket, by=ona, body="Hello")
    ticket_reply(ticket=ticket, by=aino, body="Hello again")

    ticket.refresh_from_db()
    assert ticket.first_response_at == first.created_at


def test_an_internal_note_is_not_a_first_response(ona):
    ticket = make_ticket()

    ticket_add_note(ticket=ticket, by=ona, body="Customer is a VIP.")

    ticket.refresh_from_db()
    assert ticket.first_response_at is None


def test_a_reply_can_solve_the_ticket_at_once(ona):
    ticket = make_ticket()

    ticket_reply(ticket=ticket, by=ona, body="Fixed, see you.", status=Status.SOLVED)

    ticket.refresh_from_db()
    assert ticket.status == Status.SOLVED
    assert ticket.solved_at is not None
    assert events("ticket.updated")[-1]["changes"] == {"status": ["new", "solved"]}


@pytest.mark.parametrize("status", [Status.PENDING, Status.SOLVED, Status.ON_HOLD])
def test_a_reply_without_a_status_leaves_the_status_alone(ona, status):
    ticket = put_in_status(make_ticket(), status)

    ticket_reply(ticket=ticket, by=ona, body="Just so you know.")

    ticket.refresh_from_db()
    assert ticket.status == status


@pytest.mark.parametrize("body", ["", "   ", "\n\n\t"])
def test_an_empty_reply_is_refused_and_nothing_is_written(ona, body):
    ticket = make_ticket()
    before = counts()

    with pytest.raises(ValidationError) as error:
        ticket_reply(ticket=ticket, by=ona, body=body)

    assert "body" in error.value.message_dict
    assert counts() == before
    ticket.refresh_from_db()
    assert (ticket.status, ticket.first_response_at) == (Status.NEW, None)


def test_a_reply_to_a_closed_ticket_is_refused(ona):
    ticket = put_in_status(make_ticket(), Status.CLOSED)
    before = counts()

    with pytest.raises(ValidationError) as error:
        ticket_reply(ticket=ticket, by=ona, body="Hello?")

    assert "body" in error.value.message_dict
    assert counts() == before


def test_a_reply_with_a_forbidden_status_change_is_not_stored_either(ona):
    ticket = put_in_status(make_ticket(), Status.SOLVED)
    before = counts()

    with pytest.raises(ValidationError):
        ticket_reply(ticket=ticket, by=ona, body="Back to waiting", status=Status.PENDING)

    assert counts() == before


def test_an_agent_cannot_reply_to_a_ticket_of_another_team(ona, billing):
    ticket = make_ticket(team=billing)
    before = counts()

    with pytest.raises(PermissionDenied):
        ticket_reply(ticket=ticket, by=ona, body="Hi")

    assert counts() == before


def test_a_customer_cannot_reply_as_an_agent(alice, alice_customer):
    ticket = make_ticket(requester=alice_customer)

    with pytest.raises(PermissionDenied):
        ticket_reply(ticket=ticket, by=alice, body="I am an agent now")


def test_a_reply_in_lithuanian_is_stored_as_written_and_found_by_search(ona):
    ticket = make_ticket(subject="Užsakymas", body="Kur mano siunta?")

    message = ticket_reply(ticket=ticket, by=ona, body=LITHUANIAN)

    message.refresh_from_db()
    assert message.body_text == LITHUANIAN
    assert message.body_html == f"<p>{LITHUANIAN}</p>"
    visible = Ticket.objects.visible_to(ona)
    for word in ("kantrybę", "ačiū", "ąčęėįšųūž", "kantrybę ačiū"):
        assert list(search_tickets(visible, word)) == [ticket], word


def test_the_reply_text_is_escaped_into_html_not_trusted(ona):
    ticket = make_ticket()

    message = ticket_reply(ticket=ticket, by=ona, body='<script>alert("x")</script>\n\nBye')

    assert "<script>" not in message.body_html
    assert message.body_html == "<p>&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;</p><p>Bye</p>"


# --- Reply collisions


def test_a_reply_collides_with_a_customer_message_the_agent_has_not_seen(ona, alice_customer):
    ticket = make_ticket(requester=alice_customer)
    seen = ticket.last_public_message_id
    newer = ticket_customer_reply(ticket=ticket, customer=alice_customer, body="Any news?")
    before = counts()

    with pytest.raises(ReplyCollision) as collision:
        ticket_reply(ticket=ticket, by=ona, body="Working on it", seen_message_id=seen)

    assert collision.value.messages == [newer]
    assert counts() == before


def test_a_reply_collides_with_another_agents_reply_and_force_sends_it_anyway(ona, aino):
    ticket = make_ticket()
    seen = ticket.last_public_message_id
    aino_reply = ticket_reply(ticket=ticket, by=aino, body="Refund sent.")

    with pytest.raises(ReplyCollision) as collision:
        ticket_reply(ticket=ticket, by=ona, body="Refund on its way.", seen_message_id=seen)
    assert collision.value.messages == [aino_reply]
    assert ticket.messages.count() == 2

    message = ticket_reply(ticket=ticket, by=ona, body="Refund on its way.", seen_message_id=seen, force=True)

    ticket.refresh_from_db()
    assert ticket.last_public_message_id == message.pk
    assert ticket.messages.count() == 3


def test_a_reply_does_not_collide_with_what_the_agent_has_seen(ona, aino):
    ticket = make_ticket()
    aino_reply = ticket_reply(ticket=ticket, by=aino, body="Refund sent.")

    ticket_reply(ticket=ticket, by=ona, body="And a voucher.", seen_message_id=aino_reply.pk)

    assert ticket.messages.count() == 3


def test_a_reply_does_not_collide_with_the_agents_own_replies(ona):
    ticket = make_ticket()
    seen = ticket.last_public_message_id
    ticket_reply(ticket=ticket, by=ona, body="First part.")

    ticket_reply(ticket=ticket, by=ona, body="Second part.", seen_message_id=seen)

    assert ticket.messages.count() == 3


def test_a_reply_does_not_collide_with_internal_notes(ona, aino):
    ticket = make_ticket()
    seen = ticket.last_public_message_id
    ticket_add_note(ticket=ticket, by=aino, body="Careful, angry customer.")

    ticket_reply(ticket=ticket, by=ona, body="Sorry for the wait.", seen_message_id=seen)

    assert ticket.messages.filter(public=True).count() == 2


def test_a_reply_that_says_nothing_about_what_was_seen_never_collides(ona, aino):
    ticket = make_ticket()
    ticket_reply(ticket=ticket, by=aino, body="Refund sent.")

    ticket_reply(ticket=ticket, by=ona, body="Refund on its way.")

    assert ticket.messages.count() == 3


def test_the_collision_lists_every_unseen_message_oldest_first(ona, aino, alice_customer):
    ticket = make_ticket(requester=alice_customer)
    seen = ticket.last_public_message_id
    from_aino = ticket_reply(ticket=ticket, by=aino, body="Refund sent.")
    from_alice = ticket_customer_reply(ticket=ticket, customer=alice_customer, body="Thanks!")

    with pytest.raises(ReplyCollision) as collision:
        ticket_reply(ticket=ticket, by=ona, body="Refund on its way.", seen_message_id=seen)

    assert collision.value.messages == [from_aino, from_alice]


# --- ticket_add_note


def test_an_internal_note_is_private_and_does_not_move_the_last_public_message(ona):
    ticket = make_ticket()
    last_public = ticket.last_public_message_id

    note = ticket_add_note(ticket=ticket, by=ona, body="Customer is a VIP.")

    assert (note.public, note.author_kind, note.author_user) == (False, AuthorKind.AGENT, ona)
    ticket.refresh_from_db()
    assert ticket.last_public_message_id == last_public
    assert ticket.status == Status.NEW
    assert events("ticket.noted") == [{"ticket_id": ticket.pk, "message_id": note.pk}]


def test_an_empty_note_is_refused_and_nothing_is_written(ona):
    ticket = make_ticket()
    before = counts()

    with pytest.raises(ValidationError):
        ticket_add_note(ticket=ticket, by=ona, body="  ")

    assert counts() == before


def test_a_customer_cannot_add_an_internal_note(alice, alice_customer):
    ticket = make_ticket(requester=alice_customer)

    with pytest.raises(PermissionDenied):
        ticket_add_note(ticket=ticket, by=alice, body="Sneaky")

    assert not ticket.messages.filter(public=False).exists()
