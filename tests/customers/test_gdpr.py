"""GDPR: an admin exports everything about a customer, and erases them while the statistics stay."""

from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from customers.gdpr import customer_erase, customer_export
from customers.gdpr.erase import scrub_metadata
from customers.gdpr.export import safe_filename
from customers.merging import customer_merge, customer_merge_undo
from customers.models import Consent, Customer, Identity
from helpdesk.models import AuditEntry, OutboxEvent
from tests.customers.gdpr_helpers import INVOICE, PHOTO, SCAN, make_world, message_ids, read_zip
from tests.factories import CustomerFactory, make_ticket
from tickets.models import Activity, Attachment, ChatSession, InboundEmail, Message, Ticket
from tickets.search import search_tickets
from tickets.services import ticket_update


@pytest.fixture
def world(ruta, ona):
    return make_world(ruta, ona)


def export(customer, by) -> tuple:
    with customer_export(customer=customer, by=by) as archive:
        return read_zip(archive.read())


def erase(customer, by, django_capture_on_commit_callbacks, reason="Asked to be forgotten"):
    # Files go only after the transaction commits: run those callbacks as a commit would.
    with django_capture_on_commit_callbacks(execute=True):
        return customer_erase(customer=customer, by=by, reason=reason)


def statistics() -> list[tuple]:
    """What reports read: every ticket's facts and every message's shape, not their words."""
    tickets = Ticket.objects.order_by("pk").values_list(
        "pk", "status", "channel", "priority", "requester", "team", "assignee", "organization",
        "created_at", "first_response_at", "solved_at", "first_response_due_at", "resolution_due_at",
    )  # fmt: skip
    messages = Message.objects.order_by("pk").values_list(
        "pk",
        "ticket",
        "author_kind",
        "author_user",
        "author_customer",
        "public",
        "incoming",
        "channel",
        "created_at",
    )
    return [*tickets, *messages]


# Export


def test_the_export_holds_every_ticket_and_message_of_the_customer(world, rasa):
    zipped, customer, tickets = export(world.ruta, rasa)

    by_id = {ticket["id"]: ticket for ticket in tickets}
    assert set(by_id) == {world.asked.pk, world.copied.pk, world.emailed.pk, world.chatted.pk}
    assert by_id[world.asked.pk]["your_role"] == "requester" and by_id[world.copied.pk]["your_role"] == "cc"
    # On a ticket she asked: everything, internal notes and Bob's reply included.
    assert {m["id"] for m in by_id[world.asked.pk]["messages"]} == set(
        world.asked.messages.values_list("pk", flat=True)
    )
    assert [m for m in by_id[world.asked.pk]["messages"] if m["id"] == world.note.pk][0]["internal_note"]
    # On Bob's ticket: what she saw and wrote, not Bob's internal matter.
    copied = {m["id"] for m in by_id[world.copied.pk]["messages"]}
    assert world.ruta_said.pk in copied and world.bob_note.pk not in copied
    assert set(
        Message.objects.filter(author_customer=world.ruta).values_list("pk", flat=True)
    ) <= message_ids(tickets)
    assert customer["customer"]["name"] == "Rūta Jankauskienė"


def test_the_export_carries_the_files_and_the_raw_emails_byte_for_byte(world, rasa):
    zipped, _customer, tickets = export(world.ruta, rasa)

    files = {
        attachment["filename"]: zipped.read(attachment["path"])
        for ticket in tickets
        for message in ticket["messages"]
        for attachment in message["attachments"]
    }
    assert files == {"sąskaita.pdf": INVOICE, "foto.png": PHOTO, "skenuota sąskaita.pdf": SCAN}
    first = next(m for t in tickets for m in t["messages"] if m["id"] == world.first.pk)
    assert first["attachments"][0]["path"] == f"attachments/{world.asked.pk}/{world.first.pk}/sąskaita.pdf"
    emailed = next(m for t in tickets for m in t["messages"] if m["raw_emails"])
    assert zipped.read(emailed["raw_emails"][0]["path"]) == world.raw
    assert zipped.namelist().count(f"emails/{world.inbound.pk}.eml") == 1


def test_the_export_is_utf8_json_with_the_whole_profile(world, rasa):
    with customer_export(customer=world.ruta, by=rasa) as archive:
        zipped, customer, _tickets = read_zip(archive.read())

    assert "Rūta Jankauskienė".encode() in zipped.read("customer.json")  # not \u016b escapes
    assert customer["customer"]["email"] == "ruta@example.lt" and customer["customer"]["tags"] == [
        "grąžinimas"
    ]
    assert customer["customer"]["portal_login"]["email"] == "ruta@example.lt"
    assert {(i["kind"], i["value"]) for i in customer["identities"]} == {
        ("email", "ruta@example.lt"),
        ("phone", "+37061234567"),
        ("telegram", "555111"),
    }
    assert [(c["granted"], c["source"]) for c in customer["consents"]] == [(True, "portal"), (False, "email")]
    assert customer["chats"][0]["page_url"] == "https://shop.example/cart?u=ruta"
    assert customer["exported_at"][:4].isdigit() and "T" in customer["customer"]["created_at"]


def test_an_export_is_audited_with_what_it_held(world, rasa):
    export(world.ruta, rasa)

    entry = AuditEntry.objects.get(action="customer.exported")
    assert (entry.actor, entry.target_id) == (rasa, str(world.ruta.pk))
    assert entry.data["tickets"] == 4 and entry.data["attachments"] == 3 and entry.data["emails"] == 1


@pytest.mark.parametrize("persona", ["ona", "aino", "alice"])
def test_only_admins_may_export(world, persona, request):
    with pytest.raises(PermissionDenied):
        customer_export(customer=world.ruta, by=request.getfixturevalue(persona))
    assert not AuditEntry.objects.exists()


def test_a_file_lost_from_storage_is_noted_not_fatal(world, rasa):
    Path(Attachment.objects.get(filename="foto.png").file.path).unlink()

    _zipped, _customer, tickets = export(world.ruta, rasa)

    lost = [
        a for t in tickets for m in t["messages"] for a in m["attachments"] if a["filename"] == "foto.png"
    ]
    assert lost[0]["path"] is None
    assert AuditEntry.objects.get(action="customer.exported").data["missing_files"] == 1


def test_file_names_in_the_zip_are_safe():
    assert safe_filename("../../etc/passwd", "x") == "passwd"
    assert safe_filename("C:\\Users\\rūta\\sąskaita.pdf", "x") == "sąskaita.pdf"
    assert safe_filename("..", "attachment-1") == "attachment-1"
    assert safe_filename(".bashrc", "x") == "bashrc"
    assert len(safe_filename("a" * 300 + ".pdf", "x")) == 120


# Erasure


def test_erasure_removes_the_person_from_the_profile_identities_and_consents(
    world, rasa, django_capture_on_commit_callbacks
):
    erase(world.ruta, rasa, django_capture_on_commit_callbacks)

    ruta = Customer.objects.get(pk=world.ruta.pk)
    assert ruta.name == f"Erased customer #{ruta.pk}" and ruta.erased_at is not None
    assert (ruta.email, ruta.phone, ruta.notes, ruta.language, ruta.time_zone) == ("", "", "", "", "")
    assert not ruta.tags.exists()
    assert not Identity.objects.filter(customer=ruta).exists()
    assert not Consent.objects.filter(customer=ruta).exists()
    login = ruta.user
    assert not login.is_active and not login.has_usable_password()
    assert login.email == f"erased-{login.pk}@erased.invalid" and login.full_name == ""


def test_erasure_removes_their_words_files_raw_emails_and_message_details(
    world, rasa, django_capture_on_commit_callbacks
):
    files = [
        Path(a.file.path) for a in Attachment.objects.filter(message__ticket__in=[world.asked, world.copied])
    ]
    files += [Path(a.file.path) for a in Attachment.objects.filter(message__ticket=world.emailed)]
    raw = Path(world.inbound.raw.path)
    assert all(path.exists() for path in [*files, raw])

    erase(world.ruta, rasa, django_capture_on_commit_callbacks)

    for message in [world.first, world.reply, world.note, world.call, world.ruta_said]:
        message.refresh_from_db()
        assert (message.body_text, message.body_html) == ("[erased]", "<p>[erased]</p>")
    world.call.refresh_from_db()
    assert world.call.metadata == {
        "call": {"direction": "inbound", "status": "completed", "duration_seconds": 192},
        "erased": True,
    }
    world.ruta_said.refresh_from_db()
    assert world.ruta_said.metadata == {
        "social": {"account": "support-bot", "kind": "telegram"},
        "erased": True,
    }
    emailed = world.emailed.messages.get()
    assert "from" not in emailed.metadata and "cc" not in emailed.metadata
    assert not Attachment.objects.filter(message__author_customer=world.ruta).exists()
    assert not any(path.exists() for path in [*files, raw])
    inbound = InboundEmail.objects.get(pk=world.inbound.pk)
    assert (inbound.raw.name, inbound.size, inbound.status) == ("", 0, world.inbound.status)
    assert ChatSession.objects.get(ticket=world.chatted).page_url == ""
    assert set(Ticket.objects.filter(requester=world.ruta).values_list("subject", flat=True)) == {"[erased]"}


def test_erasure_keeps_every_ticket_statistic_and_other_customers_words(
    world, rasa, django_capture_on_commit_callbacks
):
    before = statistics()

    counts = erase(world.ruta, rasa, django_capture_on_commit_callbacks)

    assert statistics() == before
    for message, text in [
        (world.bob_said, "Bob here: same problem."),
        (world.bob_note, "Bob's internal matter"),
    ]:
        message.refresh_from_db()
        assert message.body_text == text
    assert Ticket.objects.get(pk=world.copied.pk).subject == "Bob's printer"
    assert Ticket.objects.get(pk=world.unrelated.pk).subject == "Carol only"
    assert Customer.objects.get(pk=world.bob.pk).name == "Bob Smith"
    assert counts["tickets"] == 3 and counts["cc_tickets"] == 1 and counts["attachments"] == 3


def test_after_erasure_search_finds_nothing_of_the_customer(world, rasa, django_capture_on_commit_callbacks):
    everything = Ticket.objects.all()
    for words in ["Jankauskienė", "Gedimino", "skambino", "grąžinti"]:
        assert search_tickets(everything, words).exists(), words

    erase(world.ruta, rasa, django_capture_on_commit_callbacks)

    for words in ["Jankauskienė", "Gedimino", "skambino", "grąžinti", "ruta", "Sąskaita"]:
        assert not search_tickets(everything, words).exists(), words
    assert list(search_tickets(everything, "Bob")) != []


def test_erasure_clears_ticket_history_and_events_that_quote_them(
    world, rasa, django_capture_on_commit_callbacks
):
    ticket_update(ticket=world.asked, by=rasa, changes={"subject": "Rūta Jankauskienė: refund"})

    erase(world.ruta, rasa, django_capture_on_commit_callbacks)

    entry = Activity.objects.get(ticket=world.asked, field="subject")
    assert (entry.old, entry.new) == ("[erased]", "[erased]")
    event = OutboxEvent.objects.get(name="ticket.updated", payload__changes__has_key="subject")
    assert event.payload["changes"]["subject"] == ["[erased]", "[erased]"]


def test_an_erasure_is_audited_and_published(world, rasa, django_capture_on_commit_callbacks):
    erase(world.ruta, rasa, django_capture_on_commit_callbacks, reason="Request of 12 May by email")

    entry = AuditEntry.objects.get(action="customer.erased")
    assert (entry.actor, entry.target_id, entry.data["reason"]) == (
        rasa,
        str(world.ruta.pk),
        "Request of 12 May by email",
    )
    assert entry.data["messages"] == Message.objects.filter(body_text="[erased]").count()
    assert "Rūta" not in entry.summary
    assert OutboxEvent.objects.filter(name="customer.erased", payload={"customer_id": world.ruta.pk}).exists()


def test_a_second_erasure_is_refused_clearly(world, rasa, django_capture_on_commit_callbacks):
    erase(world.ruta, rasa, django_capture_on_commit_callbacks)

    with pytest.raises(ValidationError, match="already erased"):
        erase(world.ruta, rasa, django_capture_on_commit_callbacks)
    assert AuditEntry.objects.filter(action="customer.erased").count() == 1


@pytest.mark.parametrize("reason", ["", "   "])
def test_an_erasure_needs_a_reason_and_changes_nothing_without_one(
    world, rasa, reason, django_capture_on_commit_callbacks
):
    with pytest.raises(ValidationError):
        erase(world.ruta, rasa, django_capture_on_commit_callbacks, reason=reason)
    assert Customer.objects.get(pk=world.ruta.pk).name == "Rūta Jankauskienė"


@pytest.mark.parametrize("persona", ["ona", "aino", "alice"])
def test_only_admins_may_erase(world, persona, request, django_capture_on_commit_callbacks):
    with pytest.raises(PermissionDenied):
        erase(world.ruta, request.getfixturevalue(persona), django_capture_on_commit_callbacks)
    assert Customer.objects.get(pk=world.ruta.pk).erased_at is None


def test_duplicates_merged_into_the_customer_are_erased_with_them(
    ruta, aino, rasa, django_capture_on_commit_callbacks
):
    duplicate = CustomerFactory(name="R. Jankauskienė", email="r.jankauskiene@gmail.com")
    make_ticket(requester=duplicate, subject="Iš kito adreso")
    merge = customer_merge(source=duplicate, target=ruta, by=aino)
    with pytest.raises(ValidationError, match="merged into"):
        erase(duplicate, rasa, django_capture_on_commit_callbacks)

    erase(ruta, rasa, django_capture_on_commit_callbacks)

    duplicate.refresh_from_db()
    assert (
        duplicate.name == f"Erased customer #{duplicate.pk}" and duplicate.email == "" and duplicate.erased_at
    )
    with pytest.raises(ValidationError, match="erased"):
        customer_merge_undo(merge=merge, by=aino)


def test_metadata_keeps_only_delivery_and_call_facts():
    metadata = {"from": "a@b.c", "to": ["x"], "trimmed_html": "<p>Hi</p>", "auto_submitted": False,
                "email": {"status": "sent", "attempts": 1, "error": "550 a@b.c unknown"}}  # fmt: skip
    assert scrub_metadata(metadata) == {
        "auto_submitted": False,
        "email": {"status": "sent", "attempts": 1},
        "erased": True,
    }
