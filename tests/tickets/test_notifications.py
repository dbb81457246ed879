"""Notifications to desk staff: who hears of what, once per (event, recipient, channel), in the desk
and by email through a real SMTP server, as each user's settings say."""

import pytest
from django.urls import reverse

from helpdesk.models import OutboxEvent
from tests.factories import TeamFactory, UserFactory, make_ticket
from tickets.handlers import notify_staff
from tickets.models import Notification, NotificationKind, NotificationPreference
from tickets.notifications.email import MAX_ATTEMPTS, notification_digests_send, notification_emails_send
from tickets.notifications.fanout import notifications_fan_out
from tickets.services import ticket_add_note, ticket_update


def latest(name: str) -> OutboxEvent:
    return OutboxEvent.objects.filter(name=name).latest("id")


def rows(**filters) -> list[tuple[str, str, str]]:
    return sorted(Notification.objects.filter(**filters).values_list("recipient__email", "channel", "kind"))


@pytest.fixture
def desk_team(ona, aino):
    return TeamFactory(name="First line", members=[ona, aino], lead=aino)


def test_an_assignment_tells_the_assignee_in_the_desk_and_by_email_but_not_the_one_who_did_it(
    ona, aino, desk_team
):
    ticket = make_ticket(team=desk_team)
    ticket_update(ticket=ticket, by=aino, changes={"assignee": ona})

    notifications_fan_out(latest("ticket.updated"))

    assert rows(kind="assigned") == [
        ("ona@example.com", "email", "assigned"),
        ("ona@example.com", "in_app", "assigned"),
    ]
    ticket_update(ticket=ticket, by=ona, changes={"assignee": aino})
    Notification.objects.all().delete()
    notifications_fan_out(latest("ticket.updated"))
    assert rows(recipient=ona) == []


def test_a_retried_fan_out_writes_nothing_twice(ona, aino, desk_team):
    ticket = make_ticket(team=desk_team)
    ticket_update(ticket=ticket, by=aino, changes={"assignee": ona})
    event = latest("ticket.updated")

    notifications_fan_out(event)
    notifications_fan_out(event)

    assert Notification.objects.count() == 2


def test_the_text_is_in_the_recipients_language(ona, aino, desk_team):
    ticket = make_ticket(team=desk_team, subject="Spausdintuvas")
    ticket_update(ticket=ticket, by=aino, changes={"assignee": ona})  # Ona reads Lithuanian

    notifications_fan_out(latest("ticket.updated"))

    text = Notification.objects.filter(recipient=ona).values_list("text", flat=True).first()
    assert f"#{ticket.pk} Spausdintuvas" in text and "is assigned to you" not in text


def test_a_mention_in_a_note_reaches_the_mentioned_agent(ona, aino, desk_team):
    ticket = make_ticket(team=desk_team)
    ticket_add_note(ticket=ticket, by=ona, body="@aino could you check the invoice?")

    notifications_fan_out(latest("ticket.noted"))

    assert ("aino@example.com", "in_app", "mentioned") in rows()


def test_sla_events_reach_the_assignee_the_team_lead_and_its_supervisors(ona, aino, desk_team):
    other_supervisor = UserFactory(email="ieva@example.com", role="supervisor")
    ticket = make_ticket(team=desk_team, assignee=ona)
    event = OutboxEvent.objects.create(
        name="sla.breach", payload={"ticket_id": ticket.pk, "metric": "first_response", "due_at": ""}
    )

    notifications_fan_out(event)

    people = {email for email, _channel, _kind in rows(kind="sla_breach")}
    assert people == {"ona@example.com", "aino@example.com"}
    assert other_supervisor.email not in people


def test_settings_turn_email_off_or_into_the_hourly_digest(ona, aino, desk_team, smtp):
    NotificationPreference.objects.create(user=ona, kind="assigned", in_app=False, email="digest")
    first, second = make_ticket(team=desk_team), make_ticket(team=desk_team)
    for ticket in (first, second):
        ticket_update(ticket=ticket, by=aino, changes={"assignee": ona})
        notifications_fan_out(latest("ticket.updated"))

    assert rows(recipient=ona) == [("ona@example.com", "email", "assigned")] * 2
    assert notification_digests_send() == 1
    assert notification_digests_send() == 0
    (digest,) = smtp.emails
    body = digest.get_body().get_content()
    assert f"#{first.pk}" in body and f"#{second.pk}" in body
    assert digest["Auto-Submitted"] == "auto-generated"


def test_an_email_goes_out_once_however_often_its_task_runs(ona, aino, desk_team, smtp):
    ticket = make_ticket(team=desk_team, subject="Router down")
    ticket_update(ticket=ticket, by=aino, changes={"assignee": ona})
    ids = notifications_fan_out(latest("ticket.updated"))

    assert notification_emails_send(ids=ids) == 1
    assert notification_emails_send(ids=ids) == 0

    (email,) = smtp.emails
    assert email["To"] == "ona@example.com"
    assert "Router down" in email["Subject"]
    assert f"/desk/tickets/{ticket.pk}/" in email.get_body().get_content()


def test_a_failing_mail_server_is_recorded_and_given_up_after_the_last_attempt(
    ona, aino, desk_team, settings
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 1, 1  # nothing listens
    ticket = make_ticket(team=desk_team)
    ticket_update(ticket=ticket, by=aino, changes={"assignee": ona})
    ids = notifications_fan_out(latest("ticket.updated"))

    for _attempt in range(MAX_ATTEMPTS + 1):
        assert notification_emails_send(ids=ids) == 0

    email = Notification.objects.get(channel="email")
    assert (email.status, email.attempts) == ("failed", MAX_ATTEMPTS)
    assert "Connection" in email.last_error or "refused" in email.last_error.lower()


def test_the_handler_queues_the_emails_after_commit(ona, aino, desk_team, django_capture_on_commit_callbacks):
    ticket = make_ticket(team=desk_team)
    ticket_update(ticket=ticket, by=aino, changes={"assignee": ona})

    with django_capture_on_commit_callbacks() as callbacks:
        notify_staff(latest("ticket.updated"))

    assert len(callbacks) == 1


def test_the_bell_counts_unread_and_the_inbox_opens_and_marks_read(client, ona, aino, desk_team):
    ticket = make_ticket(team=desk_team)
    ticket_update(ticket=ticket, by=aino, changes={"assignee": ona})
    notifications_fan_out(latest("ticket.updated"))
    client.force_login(ona)

    assert 'data-testid="bell-count">1<' in client.get(reverse("desk:notifications_bell")).content.decode()
    inbox = client.get(reverse("desk:notifications")).content.decode()
    item = Notification.objects.get(recipient=ona, channel="in_app")
    assert item.text in inbox
    response = client.get(reverse("desk:notification_open", args=[item.pk]))
    assert response.url == reverse("desk:ticket", args=[ticket.pk])
    assert "bell-count" not in client.get(reverse("desk:notifications_bell")).content.decode()


def test_nobody_opens_someone_elses_notification(client, ona, aino, desk_team):
    ticket = make_ticket(team=desk_team)
    ticket_update(ticket=ticket, by=aino, changes={"assignee": ona})
    notifications_fan_out(latest("ticket.updated"))
    client.force_login(aino)

    item = Notification.objects.get(recipient=ona, channel="in_app")

    assert client.get(reverse("desk:notification_open", args=[item.pk])).status_code == 404


def test_settings_are_saved_and_bad_values_refused(client, ona):
    client.force_login(ona)
    page = client.get(reverse("desk:notification_settings"))
    assert page.status_code == 200

    bad = client.post(reverse("desk:notification_settings"), {"assigned-email": "sometimes"})
    assert bad.status_code == 400
    assert not NotificationPreference.objects.exists()

    data = {f"{kind}-email": "instant" for kind in NotificationKind.values}
    data |= {"assigned-email": "off", "assigned-in_app": "on"}
    client.post(reverse("desk:notification_settings"), data)
    saved = NotificationPreference.objects.get(user=ona, kind="assigned")
    assert (saved.in_app, saved.email) == (True, "off")
    assert NotificationPreference.objects.get(user=ona, kind="mentioned").in_app is False


def test_failed_deliveries_are_visible_in_the_admin(client, rasa, ona, aino, desk_team):
    ticket = make_ticket(team=desk_team)
    ticket_update(ticket=ticket, by=aino, changes={"assignee": ona})
    notifications_fan_out(latest("ticket.updated"))
    Notification.objects.filter(channel="email").update(
        status="failed", attempts=5, last_error="SMTPRecipientsRefused"
    )
    client.force_login(rasa)

    page = client.get(
        reverse("admin:tickets_notification_changelist") + "?status__exact=failed"
    ).content.decode()

    assert "SMTPRecipientsRefused" in page
    assert client.get(reverse("admin:tickets_notification_add")).status_code == 403
