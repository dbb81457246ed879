"""IMAP polling against a real dovecot: what is fetched, when it is flagged, and what a crash,
a recreated folder or an over-large email does."""

from datetime import timedelta

import pytest
from django.db import OperationalError
from django.utils import timezone

from tests.tickets.test_email_in import make_email
from tickets.channels import imap
from tickets.channels.imap import FILED_KEYWORD, imap_poll
from tickets.models import ImapSource, InboundEmail, InboundStatus, Ticket


def poll(source: ImapSource):
    source.refresh_from_db()
    return imap_poll(source)


def test_new_mail_opens_a_ticket_and_is_flagged_only_then(dovecot, imap_source):
    dovecot.deliver(imap_source.username, make_email(subject="Spausdintuvas neveikia"))

    result = poll(imap_source)

    assert (result.filed, result.error) == (1, "")
    assert Ticket.objects.get().subject == "Spausdintuvas neveikia"
    assert dovecot.flags(imap_source.username)[1].split() == ["\\Seen", FILED_KEYWORD]
    imap_source.refresh_from_db()
    assert (imap_source.last_uid, imap_source.failing_since) == (1, None)
    assert imap_source.uidvalidity and imap_source.last_success_at


def test_mail_someone_already_read_is_still_fetched(dovecot, imap_source):
    dovecot.deliver(imap_source.username, make_email(), flags="(\\Seen)")

    assert poll(imap_source).filed == 1
    assert Ticket.objects.count() == 1


def test_each_poll_files_only_what_is_new(dovecot, imap_source):
    dovecot.deliver(imap_source.username, make_email(subject="First"))
    assert poll(imap_source).filed == 1
    assert poll(imap_source).filed == 0  # "UID 2:*" still answers UID 1; it is not filed again

    dovecot.deliver(imap_source.username, make_email(subject="Second"))

    assert poll(imap_source).filed == 1
    assert sorted(Ticket.objects.values_list("subject", flat=True)) == ["First", "Second"]


def test_a_crash_after_filing_but_before_flagging_refiles_once(dovecot, imap_source, monkeypatch):
    dovecot.deliver(imap_source.username, make_email())

    def connection_lost(*args):
        raise OSError("connection reset by peer")

    monkeypatch.setattr(imap, "_mark_filed", connection_lost)
    assert "connection reset" in poll(imap_source).error
    assert Ticket.objects.count() == 1
    assert dovecot.flags(imap_source.username)[1] == ""  # not flagged: the next poll reads it again
    monkeypatch.undo()

    assert poll(imap_source).filed == 1

    assert Ticket.objects.count() == 1  # the second reading is recognised by its Message-ID
    assert InboundEmail.objects.filter(status=InboundStatus.DUPLICATE).count() == 0
    assert FILED_KEYWORD in dovecot.flags(imap_source.username)[1]


def test_a_database_failure_leaves_the_mail_unflagged_for_the_next_poll(dovecot, imap_source, monkeypatch):
    dovecot.deliver(imap_source.username, make_email())

    def database_away(**kwargs):
        raise OperationalError("the database system is starting up")

    monkeypatch.setattr(imap, "receive_email", database_away)
    with pytest.raises(OperationalError):
        poll(imap_source)
    monkeypatch.undo()
    assert dovecot.flags(imap_source.username)[1] == ""
    imap_source.refresh_from_db()
    assert (imap_source.last_uid, imap_source.lease_until) == (0, None)

    assert poll(imap_source).filed == 1
    assert Ticket.objects.count() == 1


def test_a_recreated_folder_is_read_again_without_doubles(dovecot, imap_source):
    ImapSource.objects.filter(pk=imap_source.pk).update(folder="Support")
    first = make_email(subject="Before", message_id="<before@example.lt>")
    dovecot.deliver(imap_source.username, first, folder="Support")
    assert poll(imap_source).filed == 1
    old_validity = ImapSource.objects.get().uidvalidity
    with dovecot.client(imap_source.username) as client:
        client.delete("Support")
    dovecot.deliver(imap_source.username, first, folder="Support")
    dovecot.deliver(imap_source.username, make_email(subject="After"), folder="Support")

    assert poll(imap_source).filed == 2

    assert ImapSource.objects.get().uidvalidity != old_validity
    assert sorted(Ticket.objects.values_list("subject", flat=True)) == ["After", "Before"]


def test_filed_mail_can_be_moved_to_a_folder(dovecot, imap_source):
    ImapSource.objects.filter(pk=imap_source.pk).update(move_to="Filed")
    dovecot.deliver(imap_source.username, make_email(), folder="Filed")  # creates the folder
    with dovecot.client(imap_source.username) as client:
        client.select("Filed")
        client.store("1", "+FLAGS", "\\Deleted")
        client.expunge()
    dovecot.deliver(imap_source.username, make_email(subject="Move me"))

    assert poll(imap_source).filed == 1

    assert dovecot.flags(imap_source.username) == {}
    assert len(dovecot.flags(imap_source.username, "Filed")) == 1
    assert Ticket.objects.get().subject == "Move me"


def test_an_email_over_the_size_limit_is_quarantined_and_left_on_the_server(dovecot, imap_source, settings):
    settings.EMAIL_INBOUND_MAX_BYTES = 2000
    dovecot.deliver(imap_source.username, make_email(subject="Huge", body="x" * 5000))

    assert poll(imap_source).filed == 1

    inbound = InboundEmail.objects.get()
    assert inbound.status == InboundStatus.QUARANTINED
    assert "Too large" in inbound.reason and "UID 1" in inbound.reason
    assert b"Subject: Huge" in inbound.raw.read() and inbound.size > 5000
    assert not Ticket.objects.exists()
    assert FILED_KEYWORD in dovecot.flags(imap_source.username)[1]  # still there, marked as seen to


def test_a_poll_files_at_most_a_batch(dovecot, imap_source, settings):
    settings.IMAP_BATCH_SIZE = 2
    for number in range(3):
        dovecot.deliver(imap_source.username, make_email(subject=f"Mail {number}"))

    assert [poll(imap_source).filed for _ in range(3)] == [2, 1, 0]
    assert Ticket.objects.count() == 3


def test_a_source_being_polled_is_skipped_by_a_second_poll(dovecot, imap_source):
    soon = timezone.now() + timedelta(minutes=5)
    ImapSource.objects.filter(pk=imap_source.pk).update(lease_until=soon)
    dovecot.deliver(imap_source.username, make_email())

    assert poll(imap_source).skipped
    assert not Ticket.objects.exists()
