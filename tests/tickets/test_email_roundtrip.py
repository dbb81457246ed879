"""The whole email conversation: a customer writes, an agent answers through SMTP, the customer
answers that email, and it all stays one ticket."""

from email.message import EmailMessage

from tests.tickets.test_email_in import make_email
from tickets.channels.email_in import receive_email
from tickets.channels.email_out import email_deliver
from tickets.models import InboundStatus, Mailbox
from tickets.services import ticket_reply


def answer(sent: EmailMessage, body: str) -> bytes:
    """What a mail client makes when the customer presses Reply."""
    references = f"{sent.get('References', '')} {sent['Message-ID']}".strip()
    return make_email(
        subject=f"Re: {sent['Subject']}", to=sent["From"], in_reply_to=sent["Message-ID"], body=body
    ).replace(f"References: {sent['Message-ID']}".encode(), f"References: {references}".encode())


def test_an_email_conversation_stays_one_ticket_with_threading_headers(smtp, ona, first_line):
    mailbox = Mailbox.objects.create(
        name="support", address="support@helpdesk.test", from_name="Pagalba", team=first_line
    )
    ticket = receive_email(raw=make_email(message_id="<q1@example.lt>"), mailbox=mailbox).inbound.ticket

    reply = ticket_reply(ticket=ticket, by=ona, body="Laba diena, jau tvarkome.")
    assert email_deliver(message_id=reply.pk) == "sent"
    (sent,) = smtp.emails
    assert sent["In-Reply-To"] == "<q1@example.lt>"
    assert sent["References"] == "<q1@example.lt>"
    assert sent["To"] == "Rūta Jankauskienė <ruta@example.lt>"
    assert f"[#{ticket.pk}]" in sent["Subject"]

    back = receive_email(raw=answer(sent, "Ačiū, veikia!"), mailbox=mailbox).inbound

    assert back.status == InboundStatus.REPLY
    assert back.ticket_id == ticket.pk
    assert list(ticket.messages.order_by("id").values_list("body_text", flat=True)) == [
        "Sveiki, spausdintuvas rūksta. Ačiū!",
        "Laba diena, jau tvarkome.",
        "Ačiū, veikia!",
    ]
