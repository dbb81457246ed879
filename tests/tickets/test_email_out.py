"""Email out: agents' replies sent through a real SMTP server in this process, threaded, retried."""

import socket

import pytest

from helpdesk.models import OutboxEvent
from helpdesk.outbox import outbox_handle, outbox_handlers_for
from tests.factories import CustomerFactory, make_ticket, make_upload
from tickets.channels.email_out import email_deliver, reply_subject
from tickets.models import Channel, Mailbox, Message
from tickets.services import ticket_add_note, ticket_customer_reply, ticket_reply
from tickets.tasks import email_deliver_task

HANDLER = "tickets.handlers.email_reply_enqueue"
REPLY = "Laba diena! Ačiū, kad parašėte – spausdintuvą pataisėme. Ąčęėįšųūž ĄČĘĖĮŠŲŪŽ."


@pytest.fixture
def dead_port():
    """A port that is bound but does not listen: connecting to it is refused at once."""
    with socket.socket() as bound:
        bound.bind(("127.0.0.1", 0))
        yield bound.getsockname()[1]


@pytest.fixture
def mailbox(db):
    return Mailbox.objects.create(name="pagalba", address="pagalba@example.lt", from_name="Pagalba – Vilnius")


@pytest.fixture
def requester(db):
    return CustomerFactory(name="Jonas Jonaitis", email="jonas@example.net")


@pytest.fixture
def email_ticket(first_line, mailbox, requester):
    """A ticket opened by Jonas's email to the mailbox, in Ona's team."""
    return make_ticket(
        requester=requester,
        subject="Spausdintuvas neveikia",
        body="Spausdintuvas rūksta.",
        channel=Channel.EMAIL,
        mailbox=mailbox,
        team=first_line,
        channel_message_id="first@example.net",
    )


def test_a_reply_goes_from_the_mailbox_to_the_requester_and_the_ccs(smtp, email_ticket, ona):
    email_ticket.ccs.add(CustomerFactory(email="petras@example.net"), CustomerFactory(email=""))
    message = ticket_reply(ticket=email_ticket, by=ona, body=REPLY)

    assert email_deliver(message_id=message.pk) == "sent"

    (envelope,) = smtp.envelopes
    assert sorted(envelope.rcpt_tos) == ["jonas@example.net", "petras@example.net"]
    (sent,) = smtp.emails
    assert sent["From"].addresses[0].display_name == "Pagalba – Vilnius"
    assert sent["From"].addresses[0].addr_spec == "pagalba@example.lt"
    assert sent["To"] == "Jonas Jonaitis <jonas@example.net>"
    assert sent["Cc"] == "petras@example.net"
    assert sent["Subject"] == f"Re: Spausdintuvas neveikia [#{email_ticket.pk}]"
    assert sent["X-Helpdesk-Ticket"] == str(email_ticket.pk)
    assert sent["Auto-Submitted"] is None
    message.refresh_from_db()
    # Stored as every Message-ID is, without angle brackets; sent with them.
    assert sent["Message-ID"] == f"<{message.channel_message_id}>"
    assert message.channel_message_id.endswith("@example.lt")
    assert message.metadata["email"]["status"] == "sent"
    assert message.metadata["email"]["attempts"] == 1
    assert message.metadata["email"]["message_id"] == message.channel_message_id
    assert message.metadata["email"]["sent_at"]


def test_a_reply_threads_onto_the_customers_newest_email(smtp, email_ticket, ona):
    first_reply = ticket_reply(ticket=email_ticket, by=ona, body="Ar jis įjungtas?")
    email_deliver(message_id=first_reply.pk)
    first_reply.refresh_from_db()
    ticket_customer_reply(
        ticket=email_ticket,
        customer=email_ticket.requester,
        body="Taip, įjungtas.",
        channel=Channel.EMAIL,
        channel_message_id="second@example.net",
    )
    ticket_add_note(ticket=email_ticket, by=ona, body="Skambinsiu technikui.")
    second_reply = ticket_reply(ticket=email_ticket, by=ona, body=REPLY)

    email_deliver(message_id=second_reply.pk)

    sent = smtp.emails[-1]
    assert sent["In-Reply-To"] == "<second@example.net>"
    assert sent["References"].split() == [
        "<first@example.net>",
        f"<{first_reply.channel_message_id}>",
        "<second@example.net>",
    ]


def test_references_keep_the_newest_twenty_ids_oldest_first(smtp, email_ticket, ona):
    for number in range(25):
        ticket_customer_reply(
            ticket=email_ticket,
            customer=email_ticket.requester,
            body=f"Laiškas {number}",
            channel=Channel.EMAIL,
            channel_message_id=f"customer-{number}@example.net",
        )
    message = ticket_reply(ticket=email_ticket, by=ona, body=REPLY)

    email_deliver(message_id=message.pk)

    (sent,) = smtp.emails
    assert sent["References"].split() == [f"<customer-{number}@example.net>" for number in range(5, 25)]
    assert sent["In-Reply-To"] == "<customer-24@example.net>"


def test_the_email_has_a_text_and_an_html_part_and_the_attachments(smtp, email_ticket, ona):
    upload = make_upload("sąskaita.pdf", b"%PDF-1.4 s\xc4\x85skaita", "application/pdf")
    message = ticket_reply(ticket=email_ticket, by=ona, body=REPLY, attachments=[upload])

    email_deliver(message_id=message.pk)

    (sent,) = smtp.emails
    text = sent.get_body(preferencelist=("plain",))
    html = sent.get_body(preferencelist=("html",))
    assert text.get_content().strip() == REPLY
    assert REPLY in html.get_content()
    assert html.get_content().startswith("<!DOCTYPE html>")
    assert "style" not in html.get_content()
    (attachment,) = list(sent.iter_attachments())
    assert attachment.get_filename() == "sąskaita.pdf"
    assert attachment.get_content_type() == "application/pdf"
    assert attachment.get_content() == b"%PDF-1.4 s\xc4\x85skaita"


def test_without_a_mailbox_the_reply_comes_from_the_default_address(smtp, settings, first_line, ona):
    settings.DEFAULT_FROM_EMAIL = "Helpdesk <helpdesk@example.org>"
    ticket = make_ticket(channel=Channel.EMAIL, team=first_line)
    message = ticket_reply(ticket=ticket, by=ona, body=REPLY)

    email_deliver(message_id=message.pk)

    (sent,) = smtp.emails
    assert sent["From"] == "Helpdesk <helpdesk@example.org>"
    assert sent["Message-ID"].endswith("@example.org>")
    assert sent["In-Reply-To"] is None
    assert sent["References"] is None


@pytest.mark.parametrize(
    ("subject", "expected"),
    [
        ("Spausdintuvas", "Re: Spausdintuvas [#{pk}]"),
        ("RE: Spausdintuvas", "RE: Spausdintuvas [#{pk}]"),
        ("Re: Spausdintuvas [#{pk}]", "Re: Spausdintuvas [#{pk}]"),
        ("Spausdintuvas\r\n neveikia", "Re: Spausdintuvas neveikia [#{pk}]"),
    ],
)
def test_the_subject_never_doubles_re_or_the_ticket_token(email_ticket, subject, expected):
    email_ticket.subject = subject.format(pk=email_ticket.pk)

    assert reply_subject(email_ticket) == expected.format(pk=email_ticket.pk)


def test_a_failed_send_is_recorded_retried_and_sent_once_the_server_is_back(
    smtp, settings, dead_port, email_ticket, ona
):
    message = ticket_reply(ticket=email_ticket, by=ona, body=REPLY)
    settings.EMAIL_PORT = dead_port

    with pytest.raises(ConnectionRefusedError):
        email_deliver(message_id=message.pk)

    message.refresh_from_db()
    assert message.metadata["email"]["status"] == "retrying"
    assert message.metadata["email"]["attempts"] == 1
    assert message.metadata["email"]["error"].startswith("ConnectionRefusedError: ")
    # The Message-ID was kept before the first attempt: every attempt sends the same one.
    message_id = message.channel_message_id
    assert message_id

    with pytest.raises(ConnectionRefusedError):
        email_deliver(message_id=message.pk, final_attempt=True)

    message.refresh_from_db()
    assert message.metadata["email"]["status"] == "failed"
    assert message.metadata["email"]["attempts"] == 2

    settings.EMAIL_PORT = smtp.port
    assert email_deliver(message_id=message.pk) == "sent"
    assert email_deliver(message_id=message.pk) == "sent"

    assert len(smtp.envelopes) == 1
    (sent,) = smtp.emails
    assert sent["Message-ID"] == f"<{message_id}>"
    message.refresh_from_db()
    assert message.metadata["email"]["status"] == "sent"
    assert message.metadata["email"]["attempts"] == 3


def test_the_task_retries_and_marks_the_last_failure_final(
    settings, dead_port, email_ticket, ona, monkeypatch
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", dead_port
    monkeypatch.setattr(email_deliver_task, "max_retries", 2)
    message = ticket_reply(ticket=email_ticket, by=ona, body=REPLY)

    # Run eagerly: Celery's retries then happen at once, one after the other.
    result = email_deliver_task.apply(args=[message.pk])

    assert isinstance(result.result, ConnectionRefusedError)
    message.refresh_from_db()
    assert message.metadata["email"]["status"] == "failed"
    assert message.metadata["email"]["attempts"] == 3


def test_notes_customer_messages_and_other_channels_are_not_emailed(smtp, email_ticket, first_line, ona):
    note = ticket_add_note(ticket=email_ticket, by=ona, body="Vidinė pastaba.")
    phone_ticket = make_ticket(channel=Channel.PHONE, team=first_line)
    phone_reply = ticket_reply(ticket=phone_ticket, by=ona, body=REPLY)
    silent = make_ticket(requester=CustomerFactory(email=""), channel=Channel.EMAIL, team=first_line)
    silent_reply = ticket_reply(ticket=silent, by=ona, body=REPLY)
    customer_message = email_ticket.messages.get(incoming=True)

    for message in (note, phone_reply, silent_reply, customer_message):
        assert email_deliver(message_id=message.pk) == "skipped"
    assert email_deliver(message_id=0) == "skipped"

    assert smtp.envelopes == []
    assert not Message.objects.filter(metadata__has_key="email").exists()


def test_a_reply_on_an_email_ticket_enqueues_its_email_on_the_notify_queue(email_ticket, ona, monkeypatch):
    calls = []
    monkeypatch.setattr(email_deliver_task, "apply_async", lambda **kwargs: calls.append(kwargs))
    message = ticket_reply(ticket=email_ticket, by=ona, body=REPLY)
    event = OutboxEvent.objects.filter(name="ticket.replied").latest("id")

    assert outbox_handle(event_id=event.pk, handler_name=HANDLER) is True

    assert calls == [{"args": [message.pk], "queue": "notify"}]
    assert (HANDLER, "notify") in [(h.name, h.queue) for h in outbox_handlers_for("ticket.replied")]


def test_a_reply_on_a_phone_ticket_enqueues_no_email(first_line, ona, monkeypatch):
    calls = []
    monkeypatch.setattr(email_deliver_task, "apply_async", lambda **kwargs: calls.append(kwargs))
    ticket_reply(ticket=make_ticket(channel=Channel.PHONE, team=first_line), by=ona, body=REPLY)
    event = OutboxEvent.objects.filter(name="ticket.replied").latest("id")

    assert outbox_handle(event_id=event.pk, handler_name=HANDLER) is True

    assert calls == []


def test_a_reply_on_a_web_ticket_is_emailed_with_the_link_to_the_request_in_the_portal(
    smtp, first_line, ona, settings
):
    settings.SITE_URL = "https://help.example.com"
    ticket = make_ticket(channel=Channel.WEB, team=first_line, requester=CustomerFactory(language="lt"))
    reply = ticket_reply(ticket=ticket, by=ona, body=REPLY)

    assert email_deliver(message_id=reply.pk) == "sent"

    (email,) = smtp.emails
    text = email.get_body(("plain",)).get_content()
    assert REPLY in text and f"https://help.example.com/portal/requests/{ticket.pk}/" in text
    assert f"/portal/requests/{ticket.pk}/" in email.get_body(("html",)).get_content()


def test_the_ticket_page_shows_how_each_reply_email_fared(client, email_ticket, ona):
    states = [
        {"status": "sent", "attempts": 1, "sent_at": "2025-01-01T10:00:00+00:00", "message_id": "<a@x>"},
        {"status": "retrying", "attempts": 2, "error": "ConnectionRefusedError: refused"},
        {"status": "failed", "attempts": 6, "error": "SMTPRecipientsRefused: no such user"},
    ]
    for state in states:
        message = ticket_reply(ticket=email_ticket, by=ona, body=REPLY)
        Message.objects.filter(pk=message.pk).update(metadata={"email": state})
    client.force_login(ona)

    page = client.get(f"/desk/tickets/{email_ticket.pk}/").content.decode()

    assert "Email sent" in page
    assert "Sending… (attempt 2)" in page
    assert "Sending failed: SMTPRecipientsRefused: no such user" in page
