"""Social out: agents' replies posted back to the customer's chat through a stand-in of the provider's
HTTP API (documented answers), retried, shown on the ticket page when they fail, and sent once."""

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from helpdesk.lib.signing import signature_valid
from helpdesk.models import OutboxEvent
from helpdesk.outbox import outbox_handle, outbox_handlers_for
from tests.factories import make_ticket, make_upload
from tests.tickets.social_fakes import (
    BOT_TOKEN,
    SECRET,
    WEBHOOK_SECRET,
    post_signed,
    post_update,
    telegram_update,
    webhook_message,
)
from tickets.channels.social import SendError, social_deliver
from tickets.models import Channel, Message, SocialAccount, Ticket
from tickets.services import ticket_add_note, ticket_reply
from tickets.tasks import social_deliver_task

HANDLER = "tickets.handlers.social_reply_enqueue"
REPLY = "Laba diena, Rūta! Užsakymą išsiuntėme šiandien."
SEND_PATH = f"/bot{BOT_TOKEN}/sendMessage"


@pytest.fixture
def telegram_ticket(client, telegram_account, provider_api) -> Ticket:
    """Rūta's ticket, opened by her message to the bot in her private chat."""
    post_update(client, telegram_account, telegram_update())
    return Ticket.objects.get()


def state(message: Message) -> dict:
    message.refresh_from_db()
    return message.metadata["social"]


def test_a_reply_is_posted_to_the_customers_chat_with_send_message(telegram_ticket, ona, provider_api):
    message = ticket_reply(ticket=telegram_ticket, by=ona, body=REPLY)

    assert social_deliver(message_id=message.pk) == "sent"

    (request,) = provider_api.requests
    assert request.path == SEND_PATH
    assert request.headers["Content-Type"] == "application/json"
    assert request.json == {"chat_id": 111111111, "text": REPLY}
    sent = state(message)
    assert sent["status"] == "sent"
    assert sent["attempts"] == 1
    assert (sent["account"], sent["chat_id"], sent["ids"]) == ("support-bot", "111111111", ["2001"])
    assert sent["sent_at"]


def test_the_outbox_handler_queues_the_reply_and_its_task_posts_it(
    telegram_ticket, ona, provider_api, monkeypatch
):
    seen = []

    def run_now(*, args, queue):
        seen.append((queue, state(Message.objects.get(pk=args[0]))["status"]))
        social_deliver_task.apply(args=args)

    monkeypatch.setattr(social_deliver_task, "apply_async", run_now)
    message = ticket_reply(ticket=telegram_ticket, by=ona, body=REPLY)
    event = OutboxEvent.objects.filter(name="ticket.replied").latest("id")

    assert outbox_handle(event_id=event.pk, handler_name=HANDLER) is True

    assert seen == [("notify", "queued")]
    assert state(message)["status"] == "sent"
    assert [r.json["text"] for r in provider_api.requests] == [REPLY]
    assert (HANDLER, "notify") in [(h.name, h.queue) for h in outbox_handlers_for("ticket.replied")]


def test_replies_on_other_channels_are_not_queued_here(first_line, ona, monkeypatch):
    calls = []
    monkeypatch.setattr(social_deliver_task, "apply_async", lambda **kwargs: calls.append(kwargs))
    message = ticket_reply(ticket=make_ticket(channel=Channel.EMAIL, team=first_line), by=ona, body=REPLY)
    event = OutboxEvent.objects.filter(name="ticket.replied").latest("id")

    assert outbox_handle(event_id=event.pk, handler_name=HANDLER) is True

    assert calls == []
    assert "social" not in Message.objects.get(pk=message.pk).metadata


def test_a_provider_error_is_retried_then_shown_as_failed_on_the_ticket_page(
    desk, telegram_ticket, ona, provider_api, monkeypatch
):
    monkeypatch.setattr(social_deliver_task, "max_retries", 2)
    provider_api.fail(500, "Internal Server Error", times=3)
    message = ticket_reply(ticket=telegram_ticket, by=ona, body=REPLY)

    # Run eagerly: Celery's retries then happen at once, one after the other.
    result = social_deliver_task.apply(args=[message.pk])

    assert result.failed()
    assert len(provider_api.requests) == 3
    failed = state(message)
    assert (failed["status"], failed["attempts"]) == ("failed", 3)
    assert failed["error"] == "Telegram: Internal Server Error"
    page = desk.get(f"/desk/tickets/{telegram_ticket.pk}/").content.decode()
    assert "Sending failed: Telegram: Internal Server Error" in page


def test_a_retry_after_an_outage_sends_the_reply_once(telegram_ticket, ona, provider_api):
    provider_api.fail(502, "Bad Gateway")
    message = ticket_reply(ticket=telegram_ticket, by=ona, body=REPLY)

    assert social_deliver_task.apply(args=[message.pk]).get() == "sent"

    assert len(provider_api.requests) == 2
    assert (state(message)["status"], state(message)["attempts"]) == ("sent", 2)
    # A redelivered task finds it sent and posts nothing.
    assert social_deliver(message_id=message.pk) == "sent"
    assert len(provider_api.requests) == 2


def test_too_many_requests_waits_as_telegram_asks_and_sends(telegram_ticket, ona, provider_api, monkeypatch):
    provider_api.fail(429, "Too Many Requests: retry after 3", retry_after=3)
    message = ticket_reply(ticket=telegram_ticket, by=ona, body=REPLY)
    countdowns, retry = [], social_deliver_task.retry

    def spy(**kwargs):
        countdowns.append(kwargs.get("countdown"))
        return retry(**kwargs)

    monkeypatch.setattr(social_deliver_task, "retry", spy)

    assert social_deliver_task.apply(args=[message.pk]).get() == "sent"

    assert countdowns == [3]
    assert len(provider_api.requests) == 2
    assert (state(message)["status"], state(message)["attempts"]) == ("sent", 2)


def test_a_customer_who_blocked_the_bot_is_a_failure_at_once_without_retries(
    desk, telegram_ticket, ona, provider_api
):
    provider_api.fail(403, "Forbidden: bot was blocked by the user")
    message = ticket_reply(ticket=telegram_ticket, by=ona, body=REPLY)

    assert social_deliver_task.apply(args=[message.pk]).get() == "failed"

    assert len(provider_api.requests) == 1
    failed = state(message)
    assert (failed["status"], failed["attempts"]) == ("failed", 1)
    assert failed["error"] == "Telegram: Forbidden: bot was blocked by the user"
    page = desk.get(f"/desk/tickets/{telegram_ticket.pk}/").content.decode()
    assert "Sending failed: Telegram: Forbidden: bot was blocked by the user" in page


def test_a_network_failure_is_retried(telegram_ticket, ona, settings, provider_api):
    settings.TELEGRAM_API_BASE = "http://127.0.0.1:9"  # discard: nothing listens
    message = ticket_reply(ticket=telegram_ticket, by=ona, body=REPLY)

    with pytest.raises(SendError, match="Could not reach the provider"):
        social_deliver(message_id=message.pk, final_attempt=False)

    assert state(message)["status"] == "retrying"
    assert BOT_TOKEN not in state(message)["error"]


def test_a_long_reply_goes_in_parts_and_a_retry_sends_only_the_rest(telegram_ticket, ona, provider_api):
    body = "\n".join(f"{n:04d} " + "ž" * 95 for n in range(60))  # 60 lines, 6,059 characters
    message = ticket_reply(ticket=telegram_ticket, by=ona, body=body)
    provider_api.answers.append((200, {"ok": True, "result": {"message_id": 3001}}))
    provider_api.fail(500, "Internal Server Error")

    with pytest.raises(SendError):
        social_deliver(message_id=message.pk)
    assert (state(message)["status"], state(message)["parts_sent"]) == ("retrying", 1)

    assert social_deliver(message_id=message.pk) == "sent"

    first, second, second_again = [request.json["text"] for request in provider_api.requests]
    assert second == second_again
    assert len(first) <= 4096 and first.endswith("ž")  # cut at a line break
    assert f"{first}\n{second}" == body
    assert state(message)["ids"] == ["3001", "2001"]


def test_the_reply_goes_to_the_chat_of_the_customers_newest_message(
    client, telegram_ticket, ona, provider_api
):
    group = {"id": -100555, "title": "Parduotuvė", "type": "supergroup"}
    newest = post_update(
        client, SocialAccount.objects.get(), telegram_update(10001, message_id=9, chat=group)
    )
    Message.objects.filter(pk=newest.json()["messages"][0]["message"]).update(ticket=telegram_ticket)
    message = ticket_reply(ticket=telegram_ticket, by=ona, body=REPLY)

    social_deliver(message_id=message.pk)

    assert provider_api.requests[-1].json["chat_id"] == -100555


def test_notes_customer_messages_and_other_channels_are_not_posted(
    telegram_ticket, first_line, ona, provider_api
):
    note = ticket_add_note(ticket=telegram_ticket, by=ona, body="Vidinė pastaba.")
    customer_message = telegram_ticket.messages.get(incoming=True)
    email_reply = ticket_reply(ticket=make_ticket(channel=Channel.EMAIL, team=first_line), by=ona, body=REPLY)

    for message in (note, customer_message, email_reply):
        assert social_deliver(message_id=message.pk) == "skipped"
    assert social_deliver(message_id=0) == "skipped"

    assert provider_api.requests == []


@pytest.mark.parametrize("problem", ["no chat", "account off", "only a file"])
def test_a_reply_that_cannot_go_anywhere_fails_visibly_without_a_call(
    telegram_ticket, first_line, ona, provider_api, problem
):
    ticket, body, attachments = telegram_ticket, REPLY, None
    if problem == "no chat":
        ticket = make_ticket(channel=Channel.SOCIAL, team=first_line)
    elif problem == "account off":
        SocialAccount.objects.update(active=False)
    else:
        body, attachments = "", [make_upload()]
    message = ticket_reply(ticket=ticket, by=ona, body=body, attachments=attachments)

    assert social_deliver(message_id=message.pk) == "failed"

    assert state(message)["status"] == "failed"
    assert state(message)["error"]
    assert provider_api.requests == []


def test_a_reply_on_the_generic_webhook_is_posted_signed_to_the_reply_url(
    client, webhook_account, ona, provider_api
):
    post_signed(client, webhook_account, webhook_message(conversation_id="conv-9"))
    ticket = Ticket.objects.get()
    message = ticket_reply(ticket=ticket, by=ona, body=REPLY)
    provider_api.answers.append((202, {"id": "out-17"}))

    assert social_deliver(message_id=message.pk) == "sent"

    (request,) = provider_api.requests
    assert request.path == "/replies"
    assert signature_valid(
        WEBHOOK_SECRET,
        request.body,
        request.headers["X-Helpdesk-Signature"],
        request.headers["X-Helpdesk-Timestamp"],
    )
    assert request.json == {
        "conversation_id": "conv-9",
        "recipient": {"id": "u-42"},
        "message": {"id": f"helpdesk-{message.pk}-0", "text": REPLY},
    }
    assert state(message)["ids"] == ["out-17"]


def test_the_reply_urls_refusal_is_final(client, webhook_account, ona, provider_api):
    post_signed(client, webhook_account, webhook_message())
    message = ticket_reply(ticket=Ticket.objects.get(), by=ona, body=REPLY)
    provider_api.answers.append((410, {}))

    assert social_deliver(message_id=message.pk) == "failed"
    assert state(message)["error"] == "The reply URL answered HTTP 410."


def test_the_reply_urls_outage_is_retried(client, webhook_account, ona, provider_api):
    post_signed(client, webhook_account, webhook_message())
    message = ticket_reply(ticket=Ticket.objects.get(), by=ona, body=REPLY)
    provider_api.answers.append((503, {}))

    with pytest.raises(SendError, match="HTTP 503"):
        social_deliver(message_id=message.pk)
    assert state(message)["status"] == "retrying"
    assert social_deliver(message_id=message.pk) == "sent"


def test_telegram_set_webhook_registers_our_url_with_the_secret_token(telegram_account, provider_api, capsys):
    call_command("telegram_set_webhook", "support-bot", "https://help.example.com/")

    (request,) = provider_api.requests
    assert request.path == f"/bot{BOT_TOKEN}/setWebhook"
    assert request.json == {
        "url": "https://help.example.com/channels/social/support-bot/",
        "secret_token": SECRET,
        "allowed_updates": ["message", "edited_message"],
    }
    assert "https://help.example.com/channels/social/support-bot/" in capsys.readouterr().out


def test_telegram_set_webhook_reports_telegrams_refusal(telegram_account, provider_api):
    provider_api.fail(401, "Unauthorized")

    with pytest.raises(CommandError, match="Telegram: Unauthorized"):
        call_command("telegram_set_webhook", "support-bot", "https://help.example.com")
    with pytest.raises(CommandError, match="No Telegram account"):
        call_command("telegram_set_webhook", "nobody", "https://help.example.com")


def test_the_ticket_page_shows_how_each_reply_fared(desk, telegram_ticket, ona):
    states = [
        {"status": "queued", "attempts": 0},
        {"status": "retrying", "attempts": 2, "error": "Telegram: Bad Gateway"},
        {"status": "sent", "attempts": 1, "ids": ["2001"]},
    ]
    for delivery in states:
        message = ticket_reply(ticket=telegram_ticket, by=ona, body=REPLY)
        Message.objects.filter(pk=message.pk).update(metadata={"social": delivery})

    page = desk.get(f"/desk/tickets/{telegram_ticket.pk}/").content.decode()

    assert "Queued for sending" in page
    assert "Sending… (attempt 2)" in page
    assert "Message sent" in page
    assert "Sending failed" not in page
