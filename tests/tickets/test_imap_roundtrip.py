"""Issue 4's "done when" for email over IMAP: a customer sends with smtplib to our address, a mail
server puts it in the mailbox, IMAP polling opens the ticket, the agent's reply leaves over SMTP
with threading headers, and the customer's answer to it lands on the same ticket; then the same
person chats from the widget and calls in, and it is all one customer."""

import smtplib
from email.message import EmailMessage
from email.utils import make_msgid

import pytest
from aiosmtpd.controller import Controller

from customers.services import identity_add
from tests.tickets.conftest import free_port
from tests.tickets.test_chat import start
from tests.tickets.test_phone import TOKEN, post_callback, twilio_callback
from tickets.channels.email_out import email_deliver
from tickets.channels.imap import imap_poll
from tickets.models import ImapSource, Message, Ticket
from tickets.services import ticket_reply


class MailServer:
    """The company's mail server: whatever reaches support@ is stored in its IMAP mailbox."""

    def __init__(self, dovecot, user: str) -> None:
        self.dovecot, self.user = dovecot, user

    async def handle_DATA(self, server, session, envelope) -> str:
        self.dovecot.deliver(self.user, envelope.content)
        return "250 Delivered"


@pytest.fixture
def mail_server(dovecot, imap_source):
    controller = Controller(MailServer(dovecot, imap_source.username), hostname="127.0.0.1", port=free_port())
    controller.start()
    yield controller
    controller.stop()


def send(mail_server, mail: EmailMessage) -> None:
    with smtplib.SMTP("127.0.0.1", mail_server.port) as connection:
        connection.send_message(mail)


def customer_email(subject: str, body: str, **headers) -> EmailMessage:
    mail = EmailMessage()
    mail["From"], mail["To"] = "Laura Bērziņa <laura@example.lv>", "support@helpdesk.test"
    mail["Subject"] = subject
    mail["Message-ID"] = make_msgid(domain="example.lv")
    for name, value in headers.items():
        mail[name.replace("_", "-")] = value
    mail.set_content(body)
    return mail


def test_smtp_in_imap_poll_reply_out_and_the_answer_threads(mail_server, smtp, imap_source, ona):
    imap_source.mailbox.team.members.add(ona)
    send(mail_server, customer_email("Rēķins nav pienācis", "Labdien, kur ir mans rēķins?"))

    assert imap_poll(ImapSource.objects.get()).filed == 1
    ticket = Ticket.objects.get()
    assert (ticket.subject, ticket.channel, ticket.requester.email) == (
        "Rēķins nav pienācis",
        "email",
        "laura@example.lv",
    )

    reply = ticket_reply(ticket=ticket, by=ona, body="Labdien! Rēķins ir nosūtīts vēlreiz.")
    assert email_deliver(message_id=reply.pk) == "sent"
    (sent,) = smtp.emails
    assert sent["From"].addresses[0].addr_spec == "support@helpdesk.test"
    assert sent["In-Reply-To"] == ticket.messages.first().channel_message_id.join("<>")
    assert f"[#{ticket.pk}]" in sent["Subject"]

    send(
        mail_server,
        customer_email(
            f"Re: {sent['Subject']}",
            "Paldies, saņēmu!",
            In_Reply_To=sent["Message-ID"],
            References=f"{sent['References']} {sent['Message-ID']}",
        ),
    )
    assert imap_poll(ImapSource.objects.get()).filed == 1

    assert Ticket.objects.count() == 1
    assert list(ticket.messages.order_by("id").values_list("body_text", flat=True)) == [
        "Labdien, kur ir mans rēķins?",
        "Labdien! Rēķins ir nosūtīts vēlreiz.",
        "Paldies, saņēmu!",
    ]


def test_email_chat_and_a_phone_call_from_one_person_are_one_customer(
    mail_server, imap_source, client, settings, aino
):
    """The rest of "done when": the same customer then chats from the widget and calls in."""
    send(mail_server, customer_email("Rēķins nav pienācis", "Labdien, kur ir mans rēķins?"))
    imap_poll(ImapSource.objects.get())
    email_ticket = Ticket.objects.get()
    customer = email_ticket.requester
    identity_add(customer=customer, kind="phone", value="+371 29123456", by=aino)  # on the 360° view

    start(client, name="Laura Bērziņa", email="LAURA@example.lv", message="Vai varat palīdzēt?")
    settings.TWILIO_AUTH_TOKEN = TOKEN
    call = twilio_callback(From="+371 29 123 456", Caller="+37129123456", CallerName="")
    assert post_callback(client, call).status_code == 200

    chat_ticket = Ticket.objects.get(channel="chat")
    assert chat_ticket.requester_id == customer.pk and chat_ticket.channel == "chat"
    assert set(customer.tickets.values_list("channel", flat=True)) == {"email", "chat"}
    channels = set(Message.objects.filter(ticket__requester=customer).values_list("channel", flat=True))
    assert channels == {"email", "chat", "phone"}
