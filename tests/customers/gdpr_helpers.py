"""Rūta's history with us, built through the product's services, and readers for the GDPR zip."""

import io
import json
import zipfile
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import make_msgid

from customers.models import Customer
from helpdesk.models import User
from tests.factories import CustomerFactory, make_ticket, make_upload
from tickets.channels.email_in import receive_email
from tickets.models import Channel, ChatSession, InboundEmail, Message, Ticket
from tickets.services import ticket_add_note, ticket_customer_reply, ticket_reply
from tickets.services.conversation import message_add

INVOICE = b"%PDF-1.4 Ruta's invoice, 17 EUR"
PHOTO = b"\x89PNG\r\n\x1a\nRuta's photo"
SCAN = b"%PDF-1.4 a scan sent by email"
CALL = {
    "from": "+37061234567",
    "to": "+37052000000",
    "caller_name": "Rūta Jankauskienė",
    "recording_url": "https://api.twilio.com/Recordings/RE01",
    "sid": "CA1111",
    "direction": "inbound",
    "status": "completed",
    "duration_seconds": 192,
}
SOCIAL = {
    "account": "support-bot",
    "kind": "telegram",
    "chat_id": "555111",
    "sender_id": "555111",
    "handle": "@ruta_j",
}


@dataclass
class World:
    ruta: Customer
    bob: Customer
    asked: Ticket  # Rūta asked it; Bob is copied and wrote on it
    copied: Ticket  # Bob asked it; Rūta is copied and wrote on it
    emailed: Ticket  # Rūta opened it by email
    chatted: Ticket  # Rūta's chat
    unrelated: Ticket  # Carol's, nothing to do with Rūta
    first: Message
    reply: Message
    note: Message
    call: Message
    bob_said: Message
    ruta_said: Message
    bob_note: Message
    inbound: InboundEmail
    raw: bytes


def email_from_ruta() -> bytes:
    mail = EmailMessage()
    mail["From"], mail["To"] = "Rūta Jankauskienė <ruta@example.lt>", "support@helpdesk.test"
    mail["Cc"] = "Bob Smith <bob@example.com>"
    mail["Subject"], mail["Message-ID"] = "Dėl grąžinimo", make_msgid(domain="example.lt")
    mail.set_content("Sveiki, prašau grąžinti pinigus. Rūta, Gedimino pr. 1")
    mail.add_attachment(SCAN, maintype="application", subtype="pdf", filename="skenuota sąskaita.pdf")
    return mail.as_bytes()


def make_world(ruta: Customer, agent: User) -> World:
    bob = CustomerFactory(name="Bob Smith", email="bob@example.com")
    asked = make_ticket(
        requester=ruta,
        subject="Sąskaita Nr. 17 – Rūta Jankauskienė",
        body="Labas, mano adresas Gedimino pr. 1",
        attachments=[make_upload("sąskaita.pdf", INVOICE)],
    )
    reply = ticket_reply(ticket=asked, by=agent, body="Sveika Rūta, tikriname.")
    note = ticket_add_note(ticket=asked, by=agent, body="Rūta skambino du kartus, VIP?")
    call = message_add(
        ticket=asked,
        body="Skambutis, 3 min",
        author_customer=ruta,
        channel=Channel.PHONE,
        metadata={"call": CALL},
    )
    asked.ccs.add(bob)
    bob_said = ticket_customer_reply(ticket=asked, customer=bob, body="Bob here: same problem.")
    copied = make_ticket(requester=bob, subject="Bob's printer", body="Bob's own words")
    copied.ccs.add(ruta)
    ruta_said = ticket_customer_reply(
        ticket=copied,
        customer=ruta,
        body="Rūta: man irgi",
        attachments=[make_upload("foto.png", PHOTO, "image/png")],
    )
    Message.objects.filter(pk=ruta_said.pk).update(metadata={"social": SOCIAL})
    bob_note = ticket_add_note(ticket=copied, by=agent, body="Bob's internal matter")
    raw = email_from_ruta()
    inbound = receive_email(raw=raw).inbound
    chatted = make_ticket(requester=ruta, subject="Pokalbis", body="Labas iš pokalbio", channel=Channel.CHAT)
    ChatSession.objects.create(
        ticket=chatted, customer=ruta, token_hash="a" * 64, page_url="https://shop.example/cart?u=ruta"
    )
    unrelated = make_ticket(requester=CustomerFactory(name="Carol Jones"), subject="Carol only")
    return World(
        ruta=ruta,
        bob=bob,
        asked=asked,
        copied=copied,
        emailed=inbound.ticket,
        chatted=chatted,
        unrelated=unrelated,
        first=asked.messages.order_by("pk").first(),
        reply=reply,
        note=note,
        call=call,
        bob_said=bob_said,
        ruta_said=ruta_said,
        bob_note=bob_note,
        inbound=inbound,
        raw=raw,
    )


def read_zip(data: bytes) -> tuple[zipfile.ZipFile, dict, list[dict]]:
    zipped = zipfile.ZipFile(io.BytesIO(data))
    return zipped, json.loads(zipped.read("customer.json")), json.loads(zipped.read("tickets.json"))


def message_ids(tickets: list[dict]) -> set[int]:
    return {message["id"] for ticket in tickets for message in ticket["messages"]}
