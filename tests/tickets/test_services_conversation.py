"""The conversation: agent replies, internal notes, customer replies, attachments and reply collisions."""

from datetime import UTC, datetime
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from tests.factories import make_ticket, make_upload
from tests.tickets.helpers import activity, counts, events, put_in_status
from tickets.models import AuthorKind, Status, Ticket
from tickets.search import search_tickets
from tickets.services import (
    ReplyCollision,
    ticket_add_note,
    ticket_create,
    ticket_customer_reply,
    ticket_reply,
)

LITHUANIAN = "Sveiki, ačiū už kantrybę – ąčęėįšųūž"
MB = 1024 * 1024
SOLVED_AT = datetime(2030, 1, 1, tzinfo=UTC)


def stored_files(settings) -> list[Path]:
    root = Path(settings.MEDIA_ROOT)
    return [path for path in root.rglob("*") if path.is_file()] if root.exists() else []


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
