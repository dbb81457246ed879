"""IMAP sign-in (password and XOAUTH2) and what happens while a mailbox cannot be fetched: the
admins hear of it once, after IMAP_ALERT_AFTER_MINUTES, and again when it recovers."""

from datetime import timedelta

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from django.utils import timezone

from tests.tickets.conftest import free_port
from tests.tickets.imap_server import OAUTH_CLIENT
from tests.tickets.test_email_in import make_email
from tickets.channels.imap import imap_poll
from tickets.models import ImapAuth, ImapSource, Ticket
from tickets.tasks import imap_poll_task


def poll(source: ImapSource, **kwargs):
    source.refresh_from_db()
    return imap_poll(source, **kwargs)


@pytest.fixture
def oauth_source(imap_source, dovecot):
    ImapSource.objects.filter(pk=imap_source.pk).update(
        auth=ImapAuth.XOAUTH2,
        password="",
        oauth2_token_url=dovecot.token_url,
        oauth2_client_id=OAUTH_CLIENT[0],
        oauth2_client_secret=OAUTH_CLIENT[1],
        oauth2_refresh_token=f"refresh-{imap_source.username}",
    )
    dovecot.oauth.token_requests.clear()
    return imap_source


def test_xoauth2_sign_in_fetches_mail_and_reuses_the_access_token(dovecot, oauth_source):
    dovecot.deliver(oauth_source.username, make_email())

    assert poll(oauth_source).filed == 1
    assert poll(oauth_source).error == ""

    assert Ticket.objects.count() == 1
    (request,) = dovecot.oauth.token_requests  # the second poll used the cached token
    assert request["grant_type"] == "refresh_token"


def test_a_refused_refresh_token_is_a_failure_with_the_providers_reason(dovecot, oauth_source):
    dovecot.oauth.refused = True
    try:
        result = poll(oauth_source)
    finally:
        dovecot.oauth.refused = False

    assert "invalid_grant" in result.error
    assert ImapSource.objects.get().failing_since is not None


def test_a_wrong_password_is_a_failure_not_a_crash(imap_source):
    ImapSource.objects.filter(pk=imap_source.pk).update(password="wrong")

    result = poll(imap_source)

    assert "MailboxLoginError" in result.error
    assert ImapSource.objects.get().last_error == result.error


def test_a_server_that_is_down_alerts_the_admins_once_and_then_its_recovery(
    dovecot, imap_source, rasa, settings
):
    settings.IMAP_ALERT_AFTER_MINUTES = 15
    ImapSource.objects.filter(pk=imap_source.pk).update(port=free_port())  # nothing listens there
    start = timezone.now()

    assert "Connection refused" in poll(imap_source, now=start).error
    assert poll(imap_source, now=start + timedelta(minutes=10)).error
    assert mail.outbox == []  # not yet: a short outage is not worth waking anyone

    poll(imap_source, now=start + timedelta(minutes=16))
    poll(imap_source, now=start + timedelta(minutes=17))

    (alert,) = mail.outbox
    assert alert.to == [rasa.email]
    assert "cannot fetch mail" in alert.subject and "Connection refused" in alert.body
    assert ImapSource.objects.get().failing_since == start

    dovecot.deliver(imap_source.username, make_email())
    ImapSource.objects.filter(pk=imap_source.pk).update(port=dovecot.port)
    assert poll(imap_source, now=start + timedelta(minutes=20)).filed == 1

    assert "fetching mail again" in mail.outbox[1].subject
    source = ImapSource.objects.get()
    assert (source.failing_since, source.alerted_at, source.last_error) == (None, None, "")
    assert Ticket.objects.count() == 1  # the mail that waited on the server


def test_the_alert_is_in_the_admins_language(imap_source, rasa, settings):
    settings.IMAP_ALERT_AFTER_MINUTES = 0
    rasa.language = "lt"
    rasa.save()
    ImapSource.objects.filter(pk=imap_source.pk).update(port=free_port())

    poll(imap_source)

    (alert,) = mail.outbox
    assert "support@helpdesk.test" in alert.subject and "cannot fetch mail" not in alert.subject


def test_the_task_polls_one_source_and_ignores_a_deleted_one(dovecot, imap_source):
    dovecot.deliver(imap_source.username, make_email())

    assert imap_poll_task(imap_source.pk) == 1
    assert imap_poll_task(999999) == 0


def test_the_command_reports_each_mailbox_and_fails_loudly(dovecot, imap_source, capsys):
    dovecot.deliver(imap_source.username, make_email())

    call_command("imap_poll", "--mailbox", "support")
    assert "support: 1 new emails filed" in capsys.readouterr().out

    ImapSource.objects.filter(pk=imap_source.pk).update(password="wrong")
    with pytest.raises(CommandError, match="could not be fetched"):
        call_command("imap_poll")
    with pytest.raises(CommandError, match="No active IMAP source"):
        call_command("imap_poll", "--mailbox", "nope")


def test_admins_can_fetch_now_and_never_see_the_password(client, rasa, dovecot, imap_source):
    client.force_login(rasa)
    dovecot.deliver(imap_source.username, make_email())

    page = client.get(f"/admin/tickets/imapsource/{imap_source.pk}/change/")
    assert page.status_code == 200 and "imap-pw" not in page.content.decode()
    response = client.post(
        "/admin/tickets/imapsource/",
        {"action": "poll_now", "_selected_action": [imap_source.pk]},
        follow=True,
    )

    assert "1 new emails filed" in response.content.decode()
    assert Ticket.objects.count() == 1
