"""Notifications to desk staff: one row per (event, recipient, channel), which is what makes a retried
fan-out never notify twice (tickets/notifications/). In-app rows are the bell's inbox; email rows
carry their sending state."""

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class NotificationKind(models.TextChoices):
    NEW_TICKET = "new_ticket", _("A new ticket in my team")
    ASSIGNED = "assigned", _("A ticket is assigned to me")
    CUSTOMER_REPLIED = "customer_replied", _("A customer replied on my or a followed ticket")
    MENTIONED = "mentioned", _("I am mentioned in a note")
    STATUS_CHANGED = "status_changed", _("A followed ticket changed status")
    SLA_WARNING = "sla_warning", _("An SLA target is about to be missed")
    SLA_BREACH = "sla_breach", _("An SLA target was missed")
    RULE = "rule", _("A rule asks to notify me")
    CSAT_RECEIVED = "csat_received", _("A customer rated my ticket")


class NotificationChannel(models.TextChoices):
    IN_APP = "in_app", _("In the desk")
    EMAIL = "email", _("Email")


class EmailMode(models.TextChoices):
    INSTANT = "instant", _("At once")
    DIGEST = "digest", _("Hourly digest")
    OFF = "off", _("Off")


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("Waiting")
    DIGEST = "digest", _("In the next digest")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")


class Notification(models.Model):
    event_id = models.BigIntegerField()  # the outbox event it came from
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    channel = models.CharField(max_length=8, choices=NotificationChannel.choices)
    kind = models.CharField(max_length=20, choices=NotificationKind.choices)
    ticket = models.ForeignKey(
        "tickets.Ticket", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    # Written in the recipient's language when the event fanned out.
    text = models.CharField(max_length=300)
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)
    status = models.CharField(max_length=8, choices=DeliveryStatus.choices, default=DeliveryStatus.SENT)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.CharField(max_length=300, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        constraints = [
            models.UniqueConstraint(
                fields=["event_id", "recipient", "channel"], name="notify_once_per_channel"
            )
        ]
        indexes = [
            models.Index(fields=["recipient", "channel", "-created_at"], name="notification_inbox_idx"),
            models.Index(
                fields=["recipient"],
                condition=Q(channel="in_app", read_at__isnull=True),
                name="notification_unread_idx",
            ),
            models.Index(fields=["status"], condition=Q(status="digest"), name="notification_digest_idx"),
        ]

    def __str__(self) -> str:
        return self.text


class NotificationPreference(models.Model):
    """A user's choice for one kind; without a row the defaults in tickets/notifications/ apply."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preferences"
    )
    kind = models.CharField(_("notification"), max_length=20, choices=NotificationKind.choices)
    in_app = models.BooleanField(_("in the desk"), default=True)
    email = models.CharField(
        _("by email"), max_length=8, choices=EmailMode.choices, default=EmailMode.INSTANT
    )

    class Meta:
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")
        constraints = [models.UniqueConstraint(fields=["user", "kind"], name="one_preference_per_kind")]

    def __str__(self) -> str:
        return f"{self.user} · {self.kind}"


# What an integration may subscribe to (the outbox events of the same names).
WEBHOOK_EVENTS = [
    "ticket.created",
    "ticket.updated",
    "ticket.replied",
    "ticket.customer_replied",
    "ticket.noted",
    "ticket.merged",
    "sla.warning",
    "sla.breach",
    "csat.received",
]


def new_webhook_secret() -> str:
    return secrets.token_hex(32)


class WebhookSubscription(models.Model):
    """An integration's URL that receives the chosen events, signed with its secret (HMAC-SHA256)."""

    name = models.CharField(_("name"), max_length=100)
    url = models.URLField(_("URL"), max_length=500)
    secret = models.CharField(_("secret"), max_length=64, default=new_webhook_secret)
    events = models.JSONField(_("events"), default=list)
    active = models.BooleanField(_("active"), default=True)
    # Consecutive deliveries that failed for good; at WEBHOOK_DISABLE_AFTER the subscription stops.
    failures = models.PositiveIntegerField(_("failures in a row"), default=0)
    disabled_at = models.DateTimeField(_("disabled at"), null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("webhook subscription")
        verbose_name_plural = _("webhook subscriptions")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class WebhookDelivery(models.Model):
    """One event for one subscription: its id is the delivery id receivers deduplicate by."""

    subscription = models.ForeignKey(WebhookSubscription, on_delete=models.CASCADE, related_name="deliveries")
    event_id = models.BigIntegerField()
    event_name = models.CharField(max_length=50)
    payload = models.JSONField(default=dict)
    status = models.CharField(max_length=8, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    response_status = models.PositiveSmallIntegerField(null=True, blank=True)
    response_body = models.CharField(max_length=500, blank=True)
    last_error = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("webhook delivery")
        verbose_name_plural = _("webhook deliveries")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["subscription", "event_id"], name="webhook_delivery_once")
        ]

    def __str__(self) -> str:
        return f"{self.event_name} → {self.subscription}"
