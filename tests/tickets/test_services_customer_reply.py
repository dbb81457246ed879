"""Replies from customers: reopening, follow-ups for closed tickets, sanitising."""

from datetime import UTC, datetime

import pytest
from django.core.exceptions import ValidationError

from tests.factories import make_ticket, make_upload
from tests.tickets.helpers import counts, events, put_in_status
from tickets.models import AuthorKind, Status
from tickets.services import (
    ticket_customer_reply,
)

SOLVED_AT = datetime(2030, 1, 1, tzinfo=UTC)


# --- ticket_customer_reply


def test_a_customers_reply_is_an_incoming_public_message(alice_customer):
    ticket = make_ticket(requester=alice_customer)

    message = ticket_customer_reply(
        ticket=ticket,
        customer=alice_customer,
        body="Still broken.",
        channel="email",
        channel_message_id="<a@b>",
    )

    assert (message.author_kind, message.author_customer, message.incoming, message.public) == (
        AuthorKind.CUSTOMER,
        alice_customer,
        True,
        True,
    )
    assert (message.channel, message.channel_message_id) == ("email", "<a@b>")
    ticket.refresh_from_db()
    assert ticket.status == Status.NEW
    assert ticket.last_public_message_id == message.pk
    assert events("ticket.customer_replied") == [{"ticket_id": ticket.pk, "message_id": message.pk}]


@pytest.mark.parametrize("status", [Status.SOLVED, Status.PENDING])
def test_a_customers_reply_reopens_a_solved_or_pending_ticket(alice_customer, status):
    ticket = put_in_status(make_ticket(requester=alice_customer), status, solved_at=SOLVED_AT)

    ticket_customer_reply(ticket=ticket, customer=alice_customer, body="It broke again.")

    ticket.refresh_from_db()
    assert (ticket.status, ticket.solved_at) == (Status.OPEN, None)
    reopened = ticket.activities.get(field="status")
    assert (reopened.old, reopened.new, reopened.actor, reopened.reason) == (
        status,
        "open",
        None,
        "customer replied",
    )


@pytest.mark.parametrize("status", [Status.NEW, Status.OPEN, Status.ON_HOLD])
def test_a_customers_reply_leaves_other_statuses_alone(alice_customer, status):
    ticket = put_in_status(make_ticket(requester=alice_customer), status)

    ticket_customer_reply(ticket=ticket, customer=alice_customer, body="Hello?")

    ticket.refresh_from_db()
    assert ticket.status == status
    assert not ticket.activities.filter(field="status").exists()


def test_a_customers_reply_to_a_closed_ticket_opens_a_linked_follow_up(alice_customer):
    closed = put_in_status(
        make_ticket(requester=alice_customer, subject="Broken kettle", language="lt"), "closed"
    )
    messages_before = list(closed.messages.all())

    message = ticket_customer_reply(
        ticket=closed,
        customer=alice_customer,
        body="It broke again.",
        channel="email",
        channel_message_id="<x@y>",
    )

    follow_up = message.ticket
    assert follow_up.pk != closed.pk
    assert (follow_up.subject, follow_up.requester, follow_up.language, follow_up.status) == (
        "Broken kettle",
        alice_customer,
        "lt",
        Status.NEW,
    )
    assert list(follow_up.related.all()) == [closed]
    assert list(closed.related.all()) == [follow_up]
    assert (message.body_text, message.author_customer, message.incoming) == (
        "It broke again.",
        alice_customer,
        True,
    )
    assert message.channel_message_id == "<x@y>"
    follow_up.refresh_from_db()
    assert follow_up.last_public_message_id == message.pk
    closed.refresh_from_db()
    assert closed.status == Status.CLOSED
    assert list(closed.messages.all()) == messages_before
    assert events("ticket.created")[-1] == {"ticket_id": follow_up.pk, "channel": "email"}


def test_a_closed_tickets_follow_up_keeps_an_attachment_sent_without_text(alice_customer):
    closed = put_in_status(make_ticket(requester=alice_customer), Status.CLOSED)

    message = ticket_customer_reply(
        ticket=closed, customer=alice_customer, attachments=[make_upload("photo.pdf")]
    )

    assert message.ticket_id != closed.pk
    assert list(message.attachments.values_list("filename", flat=True)) == ["photo.pdf"]


@pytest.mark.parametrize("status", [Status.OPEN, Status.CLOSED])
@pytest.mark.parametrize(("body", "body_html"), [("  ", None), ("", "<p> </p>")])
def test_an_empty_customer_reply_is_refused_and_nothing_is_written(alice_customer, status, body, body_html):
    ticket = put_in_status(make_ticket(requester=alice_customer), status)
    before = counts()

    with pytest.raises(ValidationError) as error:
        ticket_customer_reply(ticket=ticket, customer=alice_customer, body=body, body_html=body_html)

    assert "body" in error.value.message_dict
    assert counts() == before


def test_a_customers_html_reply_is_sanitised(alice_customer):
    ticket = make_ticket(requester=alice_customer)

    message = ticket_customer_reply(
        ticket=ticket,
        customer=alice_customer,
        body_html='<p onclick="steal()">Hi <b>there</b><script>alert(1)</script></p>',
    )

    assert message.body_html == "<p>Hi <b>there</b></p>"
    assert message.body_text == "Hi there"
