"""The acknowledgement of new email tickets, and the loop guards around it (RFC 3834)."""

import pytest

from helpdesk.models import OutboxEvent
from helpdesk.outbox import outbox_handle
from tests.tickets.test_email_in import make_email, receive
from tickets.channels.auto_reply import acknowledge_new_ticket
from tickets.channels.email_out import email_deliver
from tickets.models import Message, Ticket
from tickets.tasks import email_deliver_task

HANDLER = "tickets.handlers.email_acknowledgement_enqueue"


@pytest.fixture
def acknowledging(mailbox):
    mailbox.auto_reply = True
    mailbox.save()
    return mailbox


def new_ticket(mailbox, **email) -> Ticket:
    return receive(make_email(**email), mailbox).ticket


def test_a_new_email_ticket_is_acknowledged_with_its_number_and_rfc3834_headers(acknowledging, smtp):
    ticket = new_ticket(acknowledging, cc="kolega@example.lt")
    assert ticket.ccs.exists()

    acknowledgement = acknowledge_new_ticket(ticket.pk)
    assert email_deliver(message_id=acknowledgement.pk) == "sent"

    (sent,) = smtp.emails
    assert sent["Auto-Submitted"] == "auto-replied"
    assert sent["X-Auto-Response-Suppress"] == "All"
    assert sent["Cc"] is None  # to the sender only
    assert f"#{ticket.pk}" in sent.get_body(("plain",)).get_content()
    assert sent["In-Reply-To"] == f"<{ticket.messages.first().channel_message_id}>"
    assert (acknowledgement.author_kind, acknowledgement.public) == ("system", True)
    assert Ticket.objects.get(pk=ticket.pk).first_response_at is None  # not an answer, for the SLA


def test_it_is_written_in_the_customers_language_or_the_mailboxs_own_words(acknowledging):
    ticket = new_ticket(acknowledging)
    ticket.requester.language = "lt"
    ticket.requester.save()
    assert "This is an automatic reply" not in acknowledge_new_ticket(ticket.pk).body_text

    acknowledging.auto_reply_text = "Gavome, ačiū."
    acknowledging.save()
    own_words = acknowledge_new_ticket(new_ticket(acknowledging, sender="jonas@example.lt").pk).body_text
    assert own_words.startswith("Gavome, ačiū.\n\n")


def test_it_says_when_an_answer_can_be_expected(acknowledging):
    ticket = new_ticket(acknowledging)  # the mailbox's team has no history and nobody on shift

    body = acknowledge_new_ticket(ticket.pk).body_text

    assert "We expect to answer by " in body


def test_a_ticket_is_acknowledged_once_and_only_when_the_mailbox_says_so(mailbox, acknowledging):
    ticket = new_ticket(acknowledging)
    assert acknowledge_new_ticket(ticket.pk) is not None
    assert acknowledge_new_ticket(ticket.pk) is None

    acknowledging.auto_reply = False
    acknowledging.save()
    assert acknowledge_new_ticket(new_ticket(acknowledging, sender="b@example.lt").pk) is None


@pytest.mark.parametrize(
    "email",
    [
        {"headers": {"Auto-Submitted": "auto-replied"}},
        {"headers": {"Precedence": "bulk"}},
        {"headers": {"X-Autoreply": "yes"}},
        {"headers": {"List-Id": "<news.example.lt>"}},
        {"sender": "noreply@shop.example"},
        {"sender": "MAILER-DAEMON@mx.example"},
        {"sender": "do-not-reply+42@bank.example"},
    ],
)
def test_no_acknowledgement_feeds_a_loop(acknowledging, email):
    ticket = new_ticket(acknowledging, **email)

    assert acknowledge_new_ticket(ticket.pk) is None

    assert ticket.messages.get().metadata["auto_reply_skipped"]


def test_a_sender_gets_only_so_many_acknowledgements_in_a_window(acknowledging, settings):
    settings.AUTO_REPLY_MAX_PER_SENDER = 2
    results = [acknowledge_new_ticket(new_ticket(acknowledging, subject=f"Loop {n}").pk) for n in range(4)]

    assert [result is not None for result in results] == [True, True, False, False]
    assert Message.objects.filter(metadata__auto_reply=True).count() == 2


def test_the_created_event_enqueues_the_acknowledgement_email(acknowledging, monkeypatch):
    calls = []
    monkeypatch.setattr(email_deliver_task, "apply_async", lambda **kwargs: calls.append(kwargs))
    new_ticket(acknowledging)
    event = OutboxEvent.objects.filter(name="ticket.created").latest("id")

    assert outbox_handle(event_id=event.pk, handler_name=HANDLER) is True

    acknowledgement = Message.objects.get(metadata__auto_reply=True)
    assert calls == [{"args": [acknowledgement.pk], "queue": "notify"}]
