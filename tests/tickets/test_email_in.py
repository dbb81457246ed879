"""Email in: new tickets, threading and its participant rule, duplicates, loops, bounces, quarantine."""

import threading
from email.message import EmailMessage
from email.utils import make_msgid

import pytest
from django.db import connection

from tests.factories import CustomerFactory, OrganizationFactory
from tickets.channels.email_in import receive_email, reprocess_quarantined
from tickets.models import InboundEmail, InboundStatus, Mailbox, Message, Status, Ticket
from tickets.services import ticket_reply


def make_email(
    *,
    subject: str = "Printer is on fire",
    sender: str = "Rūta Jankauskienė <ruta@example.lt>",
    to: str = "support@helpdesk.test",
    cc: str = "",
    body: str = "Sveiki, spausdintuvas rūksta. Ačiū!",
    html: str = "",
    message_id: str | None = None,
    in_reply_to: str = "",
    headers: dict | None = None,
    attachment: tuple[str, bytes, str] | None = None,
) -> bytes:
    mail = EmailMessage()
    mail["From"], mail["To"], mail["Subject"] = sender, to, subject
    mail["Message-ID"] = message_id or make_msgid(domain="example.lt")
    if cc:
        mail["Cc"] = cc
    if in_reply_to:
        mail["In-Reply-To"] = in_reply_to
        mail["References"] = in_reply_to
    for name, value in (headers or {}).items():
        mail[name] = value
    mail.set_content(body)
    if html:
        mail.add_alternative(html, subtype="html")
    if attachment:
        name, content, mime = attachment
        maintype, subtype = mime.split("/")
        mail.add_attachment(content, maintype=maintype, subtype=subtype, filename=name)
    return mail.as_bytes()


def receive(raw: bytes, mailbox: Mailbox | None = None) -> InboundEmail:
    return receive_email(raw=raw, mailbox=mailbox).inbound


def test_a_new_email_opens_a_ticket_for_a_new_customer_and_keeps_the_raw_email(mailbox):
    raw = make_email()

    inbound = receive(raw, mailbox)

    ticket = inbound.ticket
    assert inbound.status == InboundStatus.TICKET
    assert (ticket.subject, ticket.channel, ticket.mailbox, ticket.team.name) == (
        "Printer is on fire",
        "email",
        mailbox,
        "Support",
    )
    assert ticket.requester.email == "ruta@example.lt"
    assert ticket.requester.name == "Rūta Jankauskienė"
    message = ticket.messages.get()
    assert message.body_text == "Sveiki, spausdintuvas rūksta. Ačiū!"
    assert message.incoming and message.channel_message_id == inbound.message_id
    with inbound.raw.open("rb") as stored:
        assert stored.read() == raw


def test_a_reply_threads_by_in_reply_to_and_reopens_the_solved_ticket(mailbox):
    first = receive(make_email(message_id="<one@example.lt>"), mailbox)
    Ticket.objects.filter(pk=first.ticket_id).update(status=Status.SOLVED)

    reply = receive(
        make_email(subject="Re: Printer", in_reply_to="<one@example.lt>", body="Still smoking"), mailbox
    )

    assert reply.status == InboundStatus.REPLY
    assert reply.ticket_id == first.ticket_id
    assert Ticket.objects.get(pk=first.ticket_id).status == Status.OPEN


def test_a_reply_to_our_agents_email_threads_by_the_message_id_we_sent(mailbox, ona):
    ticket = receive(make_email(), mailbox).ticket
    ticket.team.members.add(ona)
    sent = ticket_reply(ticket=ticket, by=ona, body="Have you tried turning it off?")
    Message.objects.filter(pk=sent.pk).update(channel_message_id="ours-1@helpdesk.test")

    reply = receive(make_email(in_reply_to="<ours-1@helpdesk.test>", body="Yes, twice."), mailbox)

    assert reply.ticket_id == ticket.pk


def test_a_reply_threads_by_the_ticket_token_in_the_subject(mailbox):
    ticket = receive(make_email(), mailbox).ticket

    reply = receive(make_email(subject=f"Re: Printer [#{ticket.pk}]", body="More smoke"), mailbox)

    assert reply.ticket_id == ticket.pk


def test_a_reply_threads_by_a_plus_address(mailbox):
    ticket = receive(make_email(), mailbox).ticket

    reply = receive(make_email(subject="no token", to=f"support+{ticket.pk}@helpdesk.test"), mailbox)

    assert reply.ticket_id == ticket.pk


def test_a_stranger_answering_someone_elses_email_gets_a_ticket_of_their_own(mailbox):
    ticket = receive(make_email(message_id="<private@example.lt>"), mailbox).ticket

    stranger = receive(
        make_email(
            sender="mallory@evil.test", subject=f"Re: [#{ticket.pk}]", in_reply_to="<private@example.lt>"
        ),
        mailbox,
    )

    assert stranger.status == InboundStatus.TICKET
    assert stranger.ticket_id != ticket.pk
    assert ticket.messages.count() == 1


def test_a_colleague_of_the_same_organization_may_answer(mailbox):
    organization = OrganizationFactory()
    CustomerFactory(email="ruta@example.lt", organization=organization)
    CustomerFactory(email="jonas@example.lt", organization=organization)
    ticket = receive(make_email(message_id="<org@example.lt>"), mailbox).ticket

    colleague = receive(make_email(sender="jonas@example.lt", in_reply_to="<org@example.lt>"), mailbox)

    assert colleague.ticket_id == ticket.pk


def test_a_reply_to_a_merged_ticket_lands_on_the_ticket_it_was_merged_into(mailbox):
    source = receive(make_email(message_id="<a@example.lt>"), mailbox).ticket
    target = receive(make_email(message_id="<b@example.lt>", subject="Other"), mailbox).ticket
    Ticket.objects.filter(pk=source.pk).update(merged_into=target, status=Status.CLOSED)

    reply = receive(make_email(in_reply_to="<a@example.lt>"), mailbox)

    assert reply.ticket_id == target.pk


def test_the_same_email_twice_is_one_ticket_and_the_second_is_recognised(mailbox):
    raw = make_email(message_id="<twice@example.lt>")

    first = receive_email(raw=raw, mailbox=mailbox)
    second = receive_email(raw=raw, mailbox=mailbox)

    assert not first.duplicate and second.duplicate
    assert second.inbound.pk == first.inbound.pk
    assert Ticket.objects.count() == 1 and InboundEmail.objects.count() == 1


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs concurrent transactions (PostgreSQL)")
def test_two_concurrent_deliveries_of_one_email_make_one_ticket(settings, tmp_path):
    mailbox = Mailbox.objects.create(name="support", address="support@helpdesk.test")
    raw = make_email(message_id="<race@example.lt>")
    receipts, barrier = [], threading.Barrier(2)

    def deliver():
        barrier.wait()
        try:
            receipts.append(receive_email(raw=raw, mailbox=mailbox))
        finally:
            connection.close()

    workers = [threading.Thread(target=deliver) for _ in range(2)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()

    assert sorted(receipt.duplicate for receipt in receipts) == [False, True]
    assert Ticket.objects.count() == 1


def test_one_email_sent_to_two_of_our_mailboxes_is_one_ticket(mailbox):
    sales = Mailbox.objects.create(name="sales", address="sales@helpdesk.test")
    raw = make_email(to="support@helpdesk.test, sales@helpdesk.test", message_id="<both@example.lt>")

    first = receive(raw, mailbox)
    second = receive(raw, sales)

    assert second.status == InboundStatus.DUPLICATE
    assert second.ticket_id == first.ticket_id
    assert Ticket.objects.count() == 1
    assert first.ticket.ccs.count() == 0  # our own addresses are never CCs


def test_our_own_email_coming_back_is_recorded_as_a_loop(mailbox, ona):
    ticket = receive(make_email(), mailbox).ticket
    ticket.team.members.add(ona)
    sent = ticket_reply(ticket=ticket, by=ona, body="Answer")
    Message.objects.filter(pk=sent.pk).update(channel_message_id="ours-2@helpdesk.test")

    echo = receive(make_email(message_id="<ours-2@helpdesk.test>", sender="support@helpdesk.test"), mailbox)

    assert echo.status == InboundStatus.LOOP
    assert ticket.messages.count() == 2


def test_an_auto_reply_is_filed_but_flagged_so_nothing_answers_it(mailbox):
    inbound = receive(
        make_email(headers={"Auto-Submitted": "auto-replied"}, subject="Out of office"), mailbox
    )

    assert inbound.ticket_message.metadata["auto_submitted"] is True


def test_a_bounce_is_noted_on_the_ticket_it_bounced_from_not_a_new_ticket(mailbox, ona):
    ticket = receive(make_email(), mailbox).ticket
    ticket.team.members.add(ona)
    sent = ticket_reply(ticket=ticket, by=ona, body="Answer")
    Message.objects.filter(pk=sent.pk).update(channel_message_id="bounced@helpdesk.test")
    report = (
        b"From: MAILER-DAEMON@mx.example.lt (Mail Delivery System)\r\n"
        b"To: support@helpdesk.test\r\n"
        b"Subject: Undelivered Mail Returned to Sender\r\n"
        b"Message-ID: <dsn-1@mx.example.lt>\r\n"
        b"Auto-Submitted: auto-replied\r\n"
        b"MIME-Version: 1.0\r\n"
        b'Content-Type: multipart/report; report-type=delivery-status; boundary="B"\r\n\r\n'
        b"--B\r\nContent-Type: text/plain; charset=us-ascii\r\n\r\n"
        b"<ruta@example.lt>: host mx.example.lt said: 552 5.2.2 mailbox full\r\n\r\n"
        b"--B\r\nContent-Type: message/delivery-status\r\n\r\n"
        b"Reporting-MTA: dns; mx.example.lt\r\n\r\n"
        b"Final-Recipient: rfc822; ruta@example.lt\r\nAction: failed\r\nStatus: 5.2.2\r\n\r\n"
        b"--B\r\nContent-Type: text/rfc822-headers\r\n\r\n"
        b"Message-ID: <bounced@helpdesk.test>\r\nSubject: Re: Printer\r\n\r\n"
        b"--B--\r\n"
    )

    inbound = receive(report, mailbox)

    assert inbound.status == InboundStatus.BOUNCE
    assert Ticket.objects.count() == 1
    note = ticket.messages.get(metadata__bounce=True)
    assert not note.public
    assert Message.objects.get(pk=sent.pk).metadata["bounced"] is True


def test_an_email_we_cannot_read_is_quarantined_with_its_reason_and_raw_bytes(mailbox):
    raw = b"Subject: no sender here\r\n\r\nbody\r\n"

    inbound = receive(raw, mailbox)

    assert inbound.status == InboundStatus.QUARANTINED
    assert inbound.reason
    with inbound.raw.open("rb") as stored:
        assert stored.read() == raw
    assert not Ticket.objects.exists()


def test_a_quarantined_email_can_be_reprocessed_and_stays_quarantined_when_still_bad(mailbox):
    inbound = receive(b"garbage without headers", mailbox)

    again = reprocess_quarantined(inbound)

    assert again.pk == inbound.pk and again.status == InboundStatus.QUARANTINED
    assert InboundEmail.objects.count() == 1


def test_script_and_event_handlers_are_stored_without_them(mailbox):
    html = '<p onclick="steal()">Hello<script>alert(1)</script><a href="javascript:x()">link</a></p>'

    message = receive(make_email(html=html), mailbox).ticket_message

    assert "script" not in message.body_html and "onclick" not in message.body_html
    assert "javascript:" not in message.body_html
    assert "Hello" in message.body_html


def test_an_oversize_attachment_is_refused_but_the_email_is_kept(mailbox, settings):
    settings.ATTACHMENT_MAX_BYTES = 1024

    inbound = receive(make_email(attachment=("big.pdf", b"%PDF" + bytes(4096), "application/pdf")), mailbox)

    assert inbound.status == InboundStatus.TICKET
    assert not inbound.ticket_message.attachments.exists()
    assert "big.pdf is too large" in inbound.ticket_message.metadata["refused_attachments"][0]


def test_attachments_and_ccs_are_kept(mailbox):
    inbound = receive(
        make_email(
            cc="Jonas <jonas@example.lt>", attachment=("sąskaita.pdf", b"%PDF-1.4 data", "application/pdf")
        ),
        mailbox,
    )

    assert list(inbound.ticket_message.attachments.values_list("filename", flat=True)) == ["sąskaita.pdf"]
    assert list(inbound.ticket.ccs.values_list("email", flat=True)) == ["jonas@example.lt"]


def test_an_email_with_only_a_subject_opens_a_ticket_saying_so(mailbox):
    raw = (
        b"From: ruta@example.lt\r\nTo: support@helpdesk.test\r\nSubject: Call me back\r\n"
        b"Message-ID: <e@x>\r\n\r\n"
    )

    inbound = receive(raw, mailbox)

    assert inbound.status == InboundStatus.TICKET
    assert inbound.ticket.subject == "Call me back"
    assert inbound.ticket_message.body_text == "(The email had no text.)"


def test_a_bug_while_filing_quarantines_the_email_instead_of_losing_it(mailbox, monkeypatch):
    from tickets.channels import email_in

    def broken(*args, **kwargs):
        raise KeyError("a bug")

    monkeypatch.setattr(email_in, "thread_for", broken)

    inbound = receive(make_email(), mailbox)

    assert inbound.status == InboundStatus.QUARANTINED
    assert "Could not be filed: KeyError" in inbound.reason
    assert not Ticket.objects.exists()


def test_the_sender_is_found_whatever_the_case_of_their_address(mailbox):
    existing = CustomerFactory(email="ruta@example.lt")

    inbound = receive(make_email(sender="RUTA@Example.LT"), mailbox)

    assert inbound.ticket.requester == existing


def test_over_long_headers_are_clipped_not_retried_forever(mailbox):
    raw = make_email(sender=f"{'Ą' * 300} <long@example.lt>", message_id=f"<{'x' * 300}@example.lt>")

    inbound = receive(raw, mailbox)

    assert inbound.status == InboundStatus.TICKET
    assert len(inbound.ticket.requester.name) == 200
    assert len(inbound.message_id) == 250


def test_the_same_email_without_a_message_id_is_stored_once(mailbox):
    raw = b"From: ruta@example.lt\r\nTo: support@helpdesk.test\r\nSubject: No id\r\n\r\nHello\r\n"

    first = receive_email(raw=raw, mailbox=mailbox)
    again = receive_email(raw=raw, mailbox=mailbox)

    assert again.duplicate and first.inbound.message_id.startswith("sha256:")
    assert Ticket.objects.count() == 1
