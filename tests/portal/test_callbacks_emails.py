"""The customer's callback emails through a real SMTP server: the confirmation with its calendar file,
cancellation, the one email of a move, and the reminder job that sends each reminder once."""

import threading
from datetime import timedelta
from smtplib import SMTPRecipientsRefused

import pytest
from django.db import connection

from helpdesk.celery import BEAT_SCHEDULE
from helpdesk.models import OutboxEvent
from tests.factories import CustomerFactory
from tests.outbox import run_outbox
from tests.portal.test_callbacks_slots import NOW, at, on_shift
from tests.rosters.factories import agent, team_of
from tickets.callbacks import services
from tickets.callbacks.services import callback_book, callback_cancel, callback_move, callback_reminders_send
from tickets.models import Callback
from tickets.tasks import callback_reminders_send_task

pytestmark = pytest.mark.django_db


@pytest.fixture
def ona(db):
    ona = agent("Ona Kazlauskaitė", languages=["lv", "en"])
    on_shift(ona, team_of(ona), at(1, 10), 4)
    return ona


@pytest.fixture
def londoner(janis):
    janis.time_zone = "Europe/London"  # UTC+0 in March: two hours behind Vilnius
    janis.language = "en"
    janis.save()
    return janis


EMAILED = ("callback.booked", "callback.moved", "callback.cancelled")


def book(customer, start, topic="Invoice question"):
    callback = callback_book(
        customer=customer, starts_at=start, phone="+37061234567", topic=topic, language="lv", now=NOW
    )
    run_outbox(*EMAILED)
    return callback


def calendars(email) -> dict[str, str]:
    return {
        part.get_filename(): part.get_content()
        for part in email.iter_attachments()
        if part.get_content_type() == "text/calendar"
    }


def unfolded(ics: str) -> dict[str, str]:
    """The calendar's properties, checking RFC 5545's line rules on the way."""
    lines = ics.replace("\r\n", "\n").split("\n")
    assert ics.endswith("\r\n") and lines[-1] == ""
    for line in lines:
        assert len(line.encode()) <= 75
    joined = "\n".join(lines).replace("\n ", "")
    return dict(line.split(":", 1) for line in joined.split("\n") if line)


def test_the_confirmation_gives_the_time_in_the_customers_zone_with_a_calendar_file(ona, londoner, smtp):
    callback = book(londoner, at(1, 10, 30))

    (email,) = smtp.emails
    assert email["To"] == "janis@acme.example" and email["Subject"] == "Your callback is booked"
    body = email.get_body(("plain",)).get_content()
    assert "March 1, 2027, 8:30 a.m." in body and "(Europe/London)" in body and "+37061234567" in body
    assert "/portal/callbacks/" in body
    text = calendars(email)["callback.ics"]
    assert text.startswith("BEGIN:VCALENDAR\r\nVERSION:2.0\r\n") and text.endswith("END:VCALENDAR\r\n")
    ics = unfolded(text)
    assert ics["METHOD"] == "PUBLISH" and ics["STATUS"] == "CONFIRMED"
    assert ics["UID"] == f"callback-{callback.pk}@127.0.0.1"
    assert (ics["DTSTART"], ics["DTEND"]) == ("20270301T083000Z", "20270301T090000Z")
    assert ics["SUMMARY"] == "Callback: Invoice question"


def test_a_long_topic_is_escaped_and_folded_in_the_calendar_file(ona, londoner, smtp):
    topic = "Ā, b; c " * 24

    book(londoner, at(1, 10), topic=topic)

    ics = unfolded(calendars(smtp.emails[0])["callback.ics"])
    assert ics["SUMMARY"] == "Callback: " + " ".join(topic.split()).replace(",", "\\,").replace(";", "\\;")


def test_a_refused_booking_sends_nothing(ona, londoner, smtp):
    with pytest.raises(Exception, match="not available"):
        book(londoner, at(1, 18))

    assert smtp.emails == []


def test_cancelling_emails_a_cancellation_of_the_calendar_event(ona, londoner, smtp):
    callback = book(londoner, at(1, 11))

    callback_cancel(callback=callback, now=NOW)
    run_outbox(*EMAILED)

    email = smtp.emails[1]
    assert email["Subject"] == "Your callback is cancelled"
    ics = unfolded(calendars(email)["callback.ics"])
    assert (ics["METHOD"], ics["STATUS"], ics["UID"]) == (
        "CANCEL",
        "CANCELLED",
        f"callback-{callback.pk}@127.0.0.1",
    )


def test_a_move_is_one_email_with_the_new_event_and_the_old_ones_cancellation(ona, londoner, smtp):
    old = book(londoner, at(1, 11))

    new = callback_move(callback=old, starts_at=at(1, 13), now=NOW)
    run_outbox(*EMAILED)

    assert len(smtp.emails) == 2
    email = smtp.emails[1]
    assert email["Subject"] == "Your callback has moved"
    body = email.get_body(("plain",)).get_content()
    assert "from March 1, 2027, 9 a.m. (Europe/London) to March 1, 2027, 11 a.m." in body
    files = calendars(email)
    assert unfolded(files["callback.ics"])["UID"] == f"callback-{new.pk}@127.0.0.1"
    assert unfolded(files["callback-cancelled.ics"])["UID"] == f"callback-{old.pk}@127.0.0.1"


def test_reminders_go_once_for_callbacks_starting_soon(ona, londoner, smtp):
    soon = book(londoner, at(1, 10))
    later = book(londoner, at(1, 12))
    cancelled = book(londoner, at(1, 10, 30))
    callback_cancel(callback=cancelled, now=NOW)
    now = at(1, 9, 5)

    assert callback_reminders_send(now=now) == 1
    assert callback_reminders_send(now=now + timedelta(minutes=5)) == 0

    reminders = [email for email in smtp.emails if email["Subject"] == "Reminder: we will call you soon"]
    assert len(reminders) == 1 and "8 a.m." in reminders[0].get_body(("plain",)).get_content()
    soon.refresh_from_db()
    later.refresh_from_db()
    assert soon.reminder_sent_at == now and later.reminder_sent_at is None


def test_a_reminder_the_mail_server_refuses_is_tried_again_without_holding_up_the_others(
    ona, londoner, monkeypatch
):
    first = book(londoner, at(1, 10))
    second = book(londoner, at(1, 10, 30))

    def refuse_first(*, callback, kind):
        if callback.pk == first.pk:
            raise SMTPRecipientsRefused({})
        return True

    monkeypatch.setattr(services, "callback_email_send", refuse_first)
    assert callback_reminders_send(now=at(1, 9, 45)) == 1

    first.refresh_from_db()
    second.refresh_from_db()
    assert first.reminder_sent_at is None and second.reminder_sent_at == at(1, 9, 45)


@pytest.mark.django_db(transaction=True)
def test_two_reminder_jobs_at_once_send_each_reminder_once(smtp, settings):
    settings.CALLBACK_REMINDER_MINUTES = 120
    ona = agent("Ona Kazlauskaitė", languages=["lv"])
    on_shift(ona, team_of(ona), at(1, 10), 4)
    for start in (at(1, 10), at(1, 10, 30), at(1, 11)):
        callback_book(
            customer=CustomerFactory(),
            starts_at=start,
            phone="+37061234567",
            topic="Hi",
            language="lv",
            now=NOW,
        )
    smtp.envelopes.clear()
    barrier = threading.Barrier(2)

    def run():
        try:
            barrier.wait()
            callback_reminders_send(now=at(1, 9, 30))
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(email["To"] for email in smtp.emails) == sorted(
        Callback.objects.values_list("customer__email", flat=True)
    )


def test_the_reminder_job_runs_every_five_minutes_on_the_notify_queue(db):
    entry = BEAT_SCHEDULE["callback-reminders"]
    assert entry["task"] == callback_reminders_send_task.name and entry["schedule"] == 300.0
    assert callback_reminders_send_task.run() == 0


def test_a_confirmation_the_mail_server_refuses_is_sent_by_the_retry_and_the_booking_stands(
    ona, londoner, smtp, settings
):
    from tests.mail import free_port

    working_port = settings.EMAIL_PORT
    settings.EMAIL_PORT = free_port()  # nothing listens there: the send fails
    callback = callback_book(
        customer=londoner, starts_at=at(1, 10), phone="+37061234567", topic="Router", language="lv", now=NOW
    )
    with pytest.raises(OSError):
        run_outbox(*EMAILED)
    assert Callback.objects.get(pk=callback.pk).status == "booked" and smtp.emails == []

    settings.EMAIL_PORT = working_port
    OutboxEvent.objects.update(published_at=None)  # the worker's retry of the same event
    run_outbox(*EMAILED)
    run_outbox(*EMAILED)

    assert [email["Subject"] for email in smtp.emails] == ["Your callback is booked"]
