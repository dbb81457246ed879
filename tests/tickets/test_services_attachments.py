"""Attachments on replies, notes and customer replies: size and type checks."""

from pathlib import Path

import pytest
from django.core.exceptions import ValidationError

from tests.factories import make_ticket, make_upload
from tests.tickets.helpers import counts, put_in_status
from tickets.models import Status
from tickets.services import (
    ticket_create,
    ticket_customer_reply,
    ticket_reply,
)

MB = 1024 * 1024


def stored_files(settings) -> list[Path]:
    root = Path(settings.MEDIA_ROOT)
    return [path for path in root.rglob("*") if path.is_file()] if root.exists() else []


# --- Attachments


def test_a_five_megabyte_attachment_is_accepted_and_stored_under_a_random_name(ona, settings):
    ticket = make_ticket()
    content = b"%PDF-1.7\n" + b"0" * (5 * MB - 9)

    message = ticket_reply(
        ticket=ticket, by=ona, body="The manual", attachments=[make_upload("Manual v2.pdf", content)]
    )

    attachment = message.attachments.get()
    assert (attachment.filename, attachment.content_type, attachment.size) == (
        "Manual v2.pdf",
        "application/pdf",
        5 * MB,
    )
    assert attachment.file.name.endswith(attachment.token)
    assert "Manual" not in attachment.file.name
    (stored,) = stored_files(settings)
    assert stored.read_bytes() == content


def test_an_attachment_may_be_exactly_as_large_as_the_limit(ona, settings):
    settings.ATTACHMENT_MAX_BYTES = 10

    message = ticket_reply(
        ticket=make_ticket(), by=ona, body="Exactly", attachments=[make_upload("ten.txt", b"0123456789")]
    )

    assert message.attachments.get().size == 10


def test_a_reply_with_only_an_attachment_is_accepted(ona):
    message = ticket_reply(ticket=make_ticket(), by=ona, body="", attachments=[make_upload()])

    assert message.body_text == ""
    assert message.attachments.count() == 1


def test_an_oversize_attachment_is_refused_and_nothing_is_written(ona, settings):
    settings.ATTACHMENT_MAX_BYTES = 10
    ticket = make_ticket()
    before = counts()

    with pytest.raises(ValidationError) as error:
        ticket_reply(
            ticket=ticket,
            by=ona,
            body="Two files",
            attachments=[make_upload("small.txt", b"ok"), make_upload("big.pdf", b"x" * 11)],
        )

    (problem,) = error.value.message_dict["attachments"]
    assert "big.pdf is too large" in problem
    assert counts() == before
    assert stored_files(settings) == []


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("setup.exe", b"just text, still refused"),
        ("INVOICE.PDF.EXE", b"%PDF-1.4"),
        ("run.sh", b"echo hi"),
        ("run.bat.", b"del *.*"),  # Windows saves it as run.bat
        ("macro.vbs  ", b"MsgBox 1"),
        ("setup.exe. . ", b"text"),
        ("invoice.pdf", b"MZ\x90\x00\x03\x00\x00\x00"),  # a Windows program renamed
        ("notes.txt", b"\x7fELF\x02\x01\x01"),  # a Linux program renamed
    ],
)
def test_a_program_is_refused_as_an_attachment_and_nothing_is_written(ona, settings, name, content):
    ticket = make_ticket()
    before = counts()

    with pytest.raises(ValidationError) as error:
        ticket_reply(ticket=ticket, by=ona, body="See attached", attachments=[make_upload(name, content)])

    (problem,) = error.value.message_dict["attachments"]
    assert problem == f"{name} is a program or script, which cannot be attached."
    assert counts() == before
    assert stored_files(settings) == []


def test_every_bad_attachment_is_reported_at_once(ona, settings):
    settings.ATTACHMENT_MAX_BYTES = 10

    with pytest.raises(ValidationError) as error:
        ticket_reply(
            ticket=make_ticket(),
            by=ona,
            body="Files",
            attachments=[make_upload("a.exe", b"x"), make_upload("b.pdf", b"x" * 20)],
        )

    assert len(error.value.message_dict["attachments"]) == 2


def test_a_ticket_with_a_forbidden_attachment_is_not_created_at_all(alice_customer, settings):
    before = counts()

    with pytest.raises(ValidationError):
        ticket_create(
            requester=alice_customer,
            subject="Invoice",
            body="See attached",
            attachments=[make_upload("invoice.pdf", b"MZ\x90\x00")],
        )

    assert counts() == before
    assert stored_files(settings) == []


def test_a_customer_reply_with_a_forbidden_attachment_does_not_reopen_the_ticket(alice_customer):
    ticket = put_in_status(make_ticket(requester=alice_customer), Status.SOLVED)
    before = counts()

    with pytest.raises(ValidationError):
        ticket_customer_reply(
            ticket=ticket, customer=alice_customer, body="Here", attachments=[make_upload("x.exe", b"x")]
        )

    ticket.refresh_from_db()
    assert ticket.status == Status.SOLVED
    assert counts() == before


def test_the_uploaded_file_is_read_from_the_start_after_checking_it(ona):
    content = b"%PDF-1.4 the whole content"

    message = ticket_reply(
        ticket=make_ticket(), by=ona, body="x", attachments=[make_upload("a.pdf", content)]
    )

    assert message.attachments.get().file.read() == content
