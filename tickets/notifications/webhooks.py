"""Outbound webhooks: the events an integration subscribed to, POSTed as JSON and signed.

    X-Helpdesk-Delivery: 4711                       (the same on every retry: deduplicate by it)
    X-Helpdesk-Event: ticket.created
    X-Helpdesk-Timestamp: 1795000000                (Unix seconds, when this attempt was signed)
    X-Helpdesk-Signature: sha256=<hex HMAC-SHA256 of "<timestamp>.<body>" with the subscription's secret>

    {"delivery": 4711, "event": "ticket.created", "created_at": "...", "data": {"ticket_id": 7, ...}}

A 2xx answer is a success. Anything else, or no answer within WEBHOOK_TIMEOUT_SECONDS, is retried with
exponential backoff (WEBHOOK_MAX_ATTEMPTS attempts); a delivery that fails for good counts against its
subscription, which is switched off after WEBHOOK_DISABLE_AFTER such failures in a row. URLs that
resolve to loopback, private, link-local or reserved addresses are refused unless
WEBHOOKS_ALLOW_PRIVATE_TARGETS is on (against server-side request forgery).
"""

import hashlib
import hmac
import ipaddress
import json
import socket
import time
import urllib.error
import urllib.request
from urllib.parse import urlsplit

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from helpdesk.models import OutboxEvent
from tickets.models import DeliveryStatus, WebhookDelivery, WebhookSubscription


class TargetRefused(Exception):
    """The URL may not be called (not http(s), or an address inside our network)."""


def check_target(url: str) -> None:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise TargetRefused(_("Only http and https URLs can receive webhooks."))
    if settings.WEBHOOKS_ALLOW_PRIVATE_TARGETS:
        return
    try:
        addresses = {info[4][0] for info in socket.getaddrinfo(parts.hostname, parts.port or 443)}
    except socket.gaierror as error:
        raise TargetRefused(_("The host name does not resolve: %(error)s") % {"error": error}) from error
    for address in addresses:
        ip = ipaddress.ip_address(address.split("%")[0])
        if ip.is_private or ip.is_loopback or ip.is_link_local or ip.is_reserved or ip.is_multicast:
            raise TargetRefused(_("%(address)s is inside a private network.") % {"address": address})


def webhook_deliveries_create(event: OutboxEvent) -> list[int]:
    """One delivery per active subscription to the event (a retried call adds none)."""
    subscriptions = [s for s in WebhookSubscription.objects.filter(active=True) if event.name in s.events]
    WebhookDelivery.objects.bulk_create(
        [
            WebhookDelivery(subscription=s, event_id=event.pk, event_name=event.name, payload=event.payload)
            for s in subscriptions
        ],
        ignore_conflicts=True,
    )
    return list(
        WebhookDelivery.objects.filter(event_id=event.pk, status=DeliveryStatus.PENDING).values_list(
            "pk", flat=True
        )
    )


def signature(secret: str, timestamp: int, body: bytes) -> str:
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return f"sha256={mac.hexdigest()}"


def _post(delivery: WebhookDelivery) -> tuple[int, str]:
    subscription = delivery.subscription
    check_target(subscription.url)
    body = json.dumps(
        {
            "delivery": delivery.pk,
            "event": delivery.event_name,
            "created_at": delivery.created_at.isoformat(),
            "data": delivery.payload,
        }
    ).encode()
    timestamp = int(time.time())
    request = urllib.request.Request(  # noqa: S310 - the scheme is checked in check_target
        subscription.url,
        data=body,
        method="POST",
        headers={
            "Content-Type": "application/json",
            "User-Agent": "Helpdesk-Webhooks/1",
            "X-Helpdesk-Delivery": str(delivery.pk),
            "X-Helpdesk-Event": delivery.event_name,
            "X-Helpdesk-Timestamp": str(timestamp),
            "X-Helpdesk-Signature": signature(subscription.secret, timestamp, body),
        },
    )
    try:
        with urllib.request.urlopen(request, timeout=settings.WEBHOOK_TIMEOUT_SECONDS) as response:  # noqa: S310
            return response.status, response.read(500).decode(errors="replace")
    except urllib.error.HTTPError as error:
        return error.code, error.read(500).decode(errors="replace")


def webhook_deliver(*, delivery_id: int, final_attempt: bool) -> str:
    """One attempt; "sent", "retry" (the caller retries later) or "failed" (given up) or "skipped"."""
    delivery = WebhookDelivery.objects.select_related("subscription").filter(pk=delivery_id).first()
    if delivery is None or delivery.status != DeliveryStatus.PENDING:
        return "skipped"
    try:
        status, text = _post(delivery)
        error = "" if 200 <= status < 300 else _("The receiver answered %(status)s.") % {"status": status}
    except (TargetRefused, OSError) as refused:
        status, text, error = None, "", str(refused)[:300]
    ok = not error
    delivery.attempts += 1
    delivery.response_status, delivery.response_body, delivery.last_error = status, text, error
    if ok:
        delivery.status, delivery.delivered_at = DeliveryStatus.SENT, timezone.now()
    elif final_attempt or isinstance(status, int) and 400 <= status < 500 and status not in (408, 429):
        delivery.status = DeliveryStatus.FAILED
    with transaction.atomic():
        delivery.save()
        subscription = WebhookSubscription.objects.select_for_update().get(pk=delivery.subscription_id)
        if ok:
            subscription.failures = 0
        elif delivery.status == DeliveryStatus.FAILED:
            subscription.failures = F("failures") + 1
        subscription.save(update_fields=["failures"])
        subscription.refresh_from_db()
        if subscription.active and subscription.failures >= settings.WEBHOOK_DISABLE_AFTER:
            subscription.active, subscription.disabled_at = False, timezone.now()
            subscription.save(update_fields=["active", "disabled_at"])
    if ok:
        return "sent"
    return "failed" if delivery.status == DeliveryStatus.FAILED else "retry"
