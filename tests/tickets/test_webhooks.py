"""Outbound webhooks against a real HTTP receiver on 127.0.0.1: signed, retried, deduplicated by
delivery id, given up and switched off after repeated failure, and refused into private networks."""

import hashlib
import hmac
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.urls import reverse

from helpdesk.models import OutboxEvent
from tests.factories import make_ticket
from tickets.models import WebhookDelivery, WebhookSubscription
from tickets.notifications.webhooks import (
    TargetRefused,
    check_target,
    webhook_deliver,
    webhook_deliveries_create,
)


class Receiver:
    """An HTTP server that records every request and answers with the next status in `answers`."""

    def __init__(self, answers=(200,)):
        self.requests = []
        self.answers = list(answers)
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.requests.append((dict(self.headers), body))
                status = receiver.answers.pop(0) if len(receiver.answers) > 1 else receiver.answers[0]
                self.send_response(status)
                self.end_headers()
                self.wfile.write(b"thanks" if status < 300 else b"nope")

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/hook"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()


@pytest.fixture
def receiver(settings):
    settings.WEBHOOKS_ALLOW_PRIVATE_TARGETS = True
    made = []

    def make(answers=(200,)):
        made.append(Receiver(answers))
        return made[-1]

    yield make
    for server in made:
        server.close()


def event_for_new_ticket() -> OutboxEvent:
    make_ticket(subject="Hooked")
    return OutboxEvent.objects.filter(name="ticket.created").latest("id")


def subscribe(url: str, events=("ticket.created",)) -> WebhookSubscription:
    return WebhookSubscription.objects.create(name="CRM", url=url, events=list(events))


def test_a_delivery_is_signed_over_timestamp_and_body(receiver, db):
    server = receiver()
    hook = subscribe(server.url)
    event = event_for_new_ticket()

    (delivery_id,) = webhook_deliveries_create(event)
    assert webhook_deliver(delivery_id=delivery_id, final_attempt=False) == "sent"

    headers, body = server.requests[0]
    expected = hmac.new(
        hook.secret.encode(), f"{headers['X-Helpdesk-Timestamp']}.".encode() + body, hashlib.sha256
    )
    assert headers["X-Helpdesk-Signature"] == f"sha256={expected.hexdigest()}"
    assert headers["X-Helpdesk-Delivery"] == str(delivery_id)
    assert json.loads(body)["data"]["ticket_id"] == event.payload["ticket_id"]
    delivery = WebhookDelivery.objects.get()
    assert (delivery.status, delivery.response_status, delivery.response_body) == ("sent", 200, "thanks")


def test_an_event_handled_twice_makes_one_delivery_and_a_sent_one_is_not_sent_again(receiver, db):
    server = receiver()
    subscribe(server.url)
    event = event_for_new_ticket()

    first = webhook_deliveries_create(event)
    webhook_deliver(delivery_id=first[0], final_attempt=False)
    again = webhook_deliveries_create(event)

    assert WebhookDelivery.objects.count() == 1 and again == []
    assert webhook_deliver(delivery_id=first[0], final_attempt=False) == "skipped"
    assert len(server.requests) == 1


def test_only_subscribed_events_and_active_subscriptions_get_deliveries(receiver, db):
    server = receiver()
    subscribe(server.url, events=["sla.breach"])
    WebhookSubscription.objects.create(name="Off", url=server.url, events=["ticket.created"], active=False)

    assert webhook_deliveries_create(event_for_new_ticket()) == []


def test_a_server_error_is_retried_and_the_answer_kept(receiver, db):
    server = receiver(answers=(503, 200))
    subscribe(server.url)
    (delivery_id,) = webhook_deliveries_create(event_for_new_ticket())

    assert webhook_deliver(delivery_id=delivery_id, final_attempt=False) == "retry"
    assert WebhookDelivery.objects.get().last_error == "The receiver answered 503."
    assert webhook_deliver(delivery_id=delivery_id, final_attempt=False) == "sent"
    assert WebhookDelivery.objects.get().attempts == 2


def test_repeated_final_failures_switch_the_subscription_off(receiver, db, settings):
    settings.WEBHOOK_DISABLE_AFTER = 2
    server = receiver(answers=(400,))
    hook = subscribe(server.url)

    for _ in range(2):
        (delivery_id,) = webhook_deliveries_create(event_for_new_ticket())
        assert webhook_deliver(delivery_id=delivery_id, final_attempt=False) == "failed"  # 4xx: given up

    hook.refresh_from_db()
    assert (hook.active, hook.failures) == (False, 2) and hook.disabled_at is not None


def test_targets_in_private_networks_are_refused_unless_allowed(db, settings):
    settings.WEBHOOKS_ALLOW_PRIVATE_TARGETS = False
    for url in (
        "http://127.0.0.1:8000/x",
        "http://10.1.2.3/x",
        "http://169.254.169.254/latest",
        "ftp://example.com/",
    ):
        with pytest.raises(TargetRefused):
            check_target(url)
    hook = subscribe("http://127.0.0.1:9/hook")
    (delivery_id,) = webhook_deliveries_create(event_for_new_ticket())

    assert webhook_deliver(delivery_id=delivery_id, final_attempt=True) == "failed"
    assert "private network" in WebhookDelivery.objects.get().last_error
    assert hook.deliveries.get().response_status is None


def test_admins_add_subscriptions_and_a_private_url_is_refused_there(client, rasa, settings):
    settings.WEBHOOKS_ALLOW_PRIVATE_TARGETS = False
    client.force_login(rasa)

    response = client.post(
        reverse("admin:tickets_webhooksubscription_add"),
        {"name": "CRM", "url": "http://192.168.1.5/hook", "events": ["ticket.created"], "active": "on"},
    )

    assert response.status_code == 200
    assert "inside a private network" in response.content.decode()
    assert not WebhookSubscription.objects.exists()
