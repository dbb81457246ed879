"""Chats that continue by email (unanswered, left, outside chat hours), and the desk's live view."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from helpdesk.models import OutboxEvent
from helpdesk.outbox import outbox_handle, outbox_handlers_for
from tests.factories import UserFactory
from tests.tickets.helpers import activity
from tickets.channels.chat import chat_escalate_due, chat_hours_open, chat_live, chat_send, chat_start
from tickets.channels.email_out import email_deliver
from tickets.models import Channel, ChatSession, ChatStatus, Message, Ticket
from tickets.services import ticket_reply
from tickets.tasks import chat_escalate_task, email_deliver_task

VILNIUS = ZoneInfo("Europe/Vilnius")


@pytest.fixture
def chat(db, mailbox, ona) -> ChatSession:
    """Rūta started a chat a moment ago; the helpdesk has its support mailbox, whose team (Ona's)
    takes chats."""
    mailbox.team.members.add(ona)
    session, _token = chat_start(
        name="Rūta Jankauskienė", email="ruta@example.lt", body="Sveiki, ar galite padėti?"
    )
    return session


def later(minutes: float) -> datetime:
    return timezone.now() + timedelta(minutes=minutes)


def deliver_events(monkeypatch) -> None:
    """Run the outbox handlers of every event so far, with the email task run in place (as a worker)."""
    monkeypatch.setattr(
        email_deliver_task, "apply_async", lambda args, queue: email_deliver(message_id=args[0])
    )
    for event in OutboxEvent.objects.order_by("id"):
        for handler in outbox_handlers_for(event.name):
            outbox_handle(event_id=event.pk, handler_name=handler.name)


def test_a_chat_nobody_answers_in_time_continues_by_email(chat, mailbox, settings):
    settings.CHAT_UNANSWERED_MINUTES = 3

    assert chat_escalate_due(now=later(2.5)) == 0
    assert chat_escalate_due(now=later(3.5)) == 1

    chat.refresh_from_db()
    ticket = chat.ticket
    assert (chat.status, chat.waiting_since) == (ChatStatus.EMAIL, None)
    assert (ticket.channel, ticket.mailbox) == (Channel.EMAIL, mailbox)
    assert ("channel", "chat", "email") in activity(ticket)
    transcript = ticket.messages.get(channel=Channel.EMAIL)
    assert "Sveiki, ar galite padėti?" in transcript.body_text
    assert "Rūta Jankauskienė" in transcript.body_text


def test_a_chat_answered_in_time_stays_open(chat, ona, settings):
    ticket_reply(ticket=chat.ticket, by=ona, body="Žinoma! Kuo galiu padėti?")

    assert chat_escalate_due(now=later(4)) == 0

    chat.refresh_from_db()
    assert chat.status == ChatStatus.OPEN
    assert chat.ticket.channel == Channel.CHAT


def test_the_clock_starts_again_with_the_visitors_next_unanswered_line(chat, ona):
    ticket_reply(ticket=chat.ticket, by=ona, body="Žinoma!")
    chat_send(session=chat, body="Mano sąskaita neatėjo.", now=later(2))

    assert chat_escalate_due(now=later(4.5)) == 0
    assert chat_escalate_due(now=later(5.5)) == 1


def test_escalation_is_idempotent_and_emails_the_transcript_once(chat, smtp, monkeypatch):
    assert chat_escalate_due(now=later(4)) == 1
    assert chat_escalate_due(now=later(5)) == 0
    assert chat_escalate_task() == 0

    deliver_events(monkeypatch)
    deliver_events(monkeypatch)  # a redelivered event sends nothing more

    (email,) = smtp.emails
    assert email["To"] == "Rūta Jankauskienė <ruta@example.lt>"
    assert email["From"].addresses[0].addr_spec == "support@helpdesk.test"
    assert f"[#{chat.ticket_id}]" in email["Subject"]
    assert email["Message-ID"]
    body = email.get_body(("plain",)).get_content()
    assert "continues by email" in body and "Sveiki, ar galite padėti?" in body
    transcript = Message.objects.get(channel=Channel.EMAIL)
    assert transcript.metadata["email"]["status"] == "sent"


def test_an_agents_later_reply_goes_out_by_email(chat, ona, smtp, monkeypatch):
    chat_escalate_due(now=later(4))

    reply = ticket_reply(ticket=chat.ticket, by=ona, body="Atsiprašome, kad užtrukome.")
    deliver_events(monkeypatch)

    assert reply.channel == Channel.EMAIL
    assert [email.get_body(("plain",)).get_content().strip() for email in smtp.emails][-1] == (
        "Atsiprašome, kad užtrukome."
    )


def test_a_visitor_who_left_with_a_line_unanswered_gets_the_transcript(chat, settings):
    settings.CHAT_UNANSWERED_MINUTES = 30
    ChatSession.objects.filter(pk=chat.pk).update(visitor_seen_at=later(-6))

    assert chat_escalate_due(now=later(0)) == 1

    chat.refresh_from_db()
    assert chat.status == ChatStatus.EMAIL
    assert Message.objects.filter(channel=Channel.EMAIL).count() == 1


def test_a_visitor_who_left_after_reading_the_answer_ends_the_chat_quietly(chat, ona):
    ticket_reply(ticket=chat.ticket, by=ona, body="Štai atsakymas.")
    ChatSession.objects.filter(pk=chat.pk).update(visitor_seen_at=later(1))

    assert chat_escalate_due(now=later(7)) == 1

    chat.refresh_from_db()
    assert chat.status == ChatStatus.ENDED
    assert chat.ticket.channel == Channel.EMAIL
    assert not Message.objects.filter(channel=Channel.EMAIL).exists()


def test_a_visitor_who_left_before_the_answer_came_gets_the_transcript(chat, ona):
    ChatSession.objects.filter(pk=chat.pk).update(visitor_seen_at=later(-1))
    ticket_reply(ticket=chat.ticket, by=ona, body="Štai atsakymas.")

    assert chat_escalate_due(now=later(5)) == 1

    chat.refresh_from_db()
    assert chat.status == ChatStatus.EMAIL
    assert "Štai atsakymas." in Message.objects.get(channel=Channel.EMAIL).body_text


def test_outside_chat_hours_a_chat_starts_as_an_email_conversation(db, mailbox, settings):
    settings.CHAT_HOURS = "mon-fri 08:00-18:00"
    sunday = datetime(2025, 6, 1, 12, 0, tzinfo=VILNIUS)

    session, _token = chat_start(name="Matti", email="matti@example.fi", body="Hei!", now=sunday)

    assert session.status == ChatStatus.EMAIL
    assert session.waiting_since is None
    ticket = Ticket.objects.get()
    assert (ticket.channel, ticket.mailbox) == (Channel.EMAIL, mailbox)
    assert ticket.messages.get().channel == Channel.CHAT
    assert chat_escalate_due(now=sunday + timedelta(hours=1)) == 0  # no transcript for a lone message


def test_chat_hours_are_read_in_the_helpdesks_time_zone(db, settings):
    settings.CHAT_HOURS = "mon-fri 08:00-18:00"
    monday_morning = datetime(2025, 6, 2, 8, 30, tzinfo=VILNIUS)

    assert chat_hours_open(now=monday_morning)
    assert not chat_hours_open(now=monday_morning - timedelta(hours=1))
    assert not chat_hours_open(now=monday_morning.astimezone(ZoneInfo("UTC")) - timedelta(minutes=45))
    settings.CHAT_HOURS = ""
    assert chat_hours_open(now=monday_morning - timedelta(hours=3))


def test_outside_chat_hours_the_widget_offers_to_leave_a_message(client, db, settings):
    settings.CHAT_HOURS = "mon 00:00-00:01"  # as good as always closed

    page = client.get("/chat/").content.decode()
    widget = client.get("/chat/api/widget/").json()

    assert "We are away right now" in page and "Send the message" in page
    assert (widget["open"], widget["label"]) == (False, "Leave us a message")


# --- The desk's side.


def test_the_ticket_page_of_an_open_chat_refreshes_its_conversation(desk, chat):
    page = desk.get(chat.ticket.get_absolute_url()).content.decode()

    assert f'hx-get="/desk/tickets/{chat.ticket_id}/chat/"' in page
    assert 'hx-trigger="every 2s"' in page
    assert "Live chat" in page and "The visitor is online." in page


def test_the_live_conversation_shows_new_lines_and_counts_them_as_seen(desk, chat):
    line = chat_send(session=chat, body="Ar dar čia?")

    response = desk.get(f"/desk/tickets/{chat.ticket_id}/chat/")

    page = response.content.decode()
    assert response.status_code == 200
    assert "Ar dar čia?" in page
    assert f'id="id_seen_message_id" name="seen_message_id" value="{line.pk}" hx-swap-oob="true"' in page
    assert f'id="presence-seen" name="seen_message_id" value="{line.pk}" hx-swap-oob="true"' in page


def test_the_live_conversation_says_when_the_visitor_is_away(desk, chat):
    ChatSession.objects.filter(pk=chat.pk).update(visitor_seen_at=later(-1))

    page = desk.get(f"/desk/tickets/{chat.ticket_id}/chat/").content.decode()

    assert "The visitor was last seen at" in page


def test_the_live_conversation_stops_polling_once_the_chat_is_over(desk, chat):
    chat_escalate_due(now=later(4))

    response = desk.get(f"/desk/tickets/{chat.ticket_id}/chat/")

    assert response.status_code == 286  # htmx stops polling
    assert "replies now go to the customer by email" in response.content.decode()
    assert "Live chat" not in desk.get(chat.ticket.get_absolute_url()).content.decode()


def test_the_live_conversation_is_only_for_agents_who_may_see_the_ticket(client, chat, alice, billing):
    Ticket.objects.filter(pk=chat.ticket_id).update(team=billing)

    client.force_login(UserFactory(role="agent"))
    assert client.get(f"/desk/tickets/{chat.ticket_id}/chat/").status_code == 404
    client.force_login(alice)
    assert client.get(f"/desk/tickets/{chat.ticket_id}/chat/").status_code == 403


def test_a_ticket_page_of_another_channel_asks_nothing_about_chats(chat, django_assert_num_queries):
    web = Ticket.objects.create(subject="Web", requester=chat.customer, channel=Channel.WEB)

    with django_assert_num_queries(0):
        assert chat_live(web) is None


def test_a_chat_goes_to_the_team_of_the_mailbox_it_would_continue_on(chat, mailbox):
    assert chat.ticket.team == mailbox.team


def test_without_chat_hours_the_business_calendar_decides_holidays_included(db, mailbox, settings):
    from datetime import time

    from backoffice.rosters.models import BusinessCalendar, WeeklyHours

    settings.CHAT_HOURS = ""
    calendar = BusinessCalendar.objects.create(
        name="Vilnius", time_zone="Europe/Vilnius", is_default=True, holiday_country="LT"
    )
    for weekday in range(5):
        WeeklyHours.objects.create(calendar=calendar, weekday=weekday, opens=time(8), closes=time(17))
    vilnius = ZoneInfo("Europe/Vilnius")

    assert chat_hours_open(now=datetime(2026, 11, 23, 10, 0, tzinfo=vilnius))  # a Monday
    assert not chat_hours_open(now=datetime(2026, 11, 23, 18, 0, tzinfo=vilnius))
    assert not chat_hours_open(now=datetime(2026, 11, 28, 10, 0, tzinfo=vilnius))  # a Saturday
    assert not chat_hours_open(now=datetime(2026, 12, 24, 10, 0, tzinfo=vilnius))  # Christmas Eve, LT


def test_without_chat_hours_or_a_calendar_chat_is_always_open(db, mailbox, settings):
    settings.CHAT_HOURS = ""

    assert chat_hours_open(now=datetime(2026, 11, 28, 3, 0, tzinfo=ZoneInfo("Europe/Vilnius")))
