"""Notification emails to desk staff: each sent at most once (its row is locked across the send and
marked sent in the same transaction), failures kept on the row with the attempts; the hourly digest
gathers a user's waiting digest rows into one email."""

import logging
from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from tickets.models import DeliveryStatus, Notification, NotificationChannel

log = logging.getLogger(__name__)
MAX_ATTEMPTS = 5
AUTO_HEADERS = {"Auto-Submitted": "auto-generated", "X-Auto-Response-Suppress": "All"}


def _link(notification: Notification) -> str:
    if notification.ticket_id is None:
        return settings.SITE_URL + reverse("desk:notifications")
    return settings.SITE_URL + reverse("desk:ticket", args=[notification.ticket_id])


def _message(notification: Notification, connection) -> EmailMessage:
    with translation.override(notification.recipient.language or settings.LANGUAGE_CODE):
        body = _(
            "%(text)s\n\nOpen it: %(link)s\n\nYou get this email because of your notification settings."
        ) % {
            "text": notification.text,
            "link": _link(notification),
        }
    return EmailMessage(
        subject=notification.text,
        body=body,
        to=[notification.recipient.email],
        headers=AUTO_HEADERS,
        connection=connection,
    )


def notification_emails_send(*, ids: list[int]) -> int:
    """Send these pending notification emails over one SMTP connection; returns how many went out.
    A failure is recorded on its row (failed after MAX_ATTEMPTS) and the others still go."""
    sent = 0
    connection = get_connection()  # opened by the first send, so a refused connection is per row
    try:
        for notification_id in ids:
            try:
                with transaction.atomic():
                    notification = (
                        Notification.objects.select_for_update(of=("self",))
                        .select_related("recipient")
                        .filter(
                            pk=notification_id,
                            channel=NotificationChannel.EMAIL,
                            status=DeliveryStatus.PENDING,
                        )
                        .first()
                    )
                    if notification is None:
                        continue  # sent already, or not an instant email
                    _message(notification, connection).send()
                    notification.status = DeliveryStatus.SENT
                    notification.sent_at = timezone.now()
                    notification.attempts += 1
                    notification.save(update_fields=["status", "sent_at", "attempts"])
                    sent += 1
            except Exception as error:  # SMTP errors vary; each is kept on the row
                _record_failure(notification_id, error)
    finally:
        connection.close()
    return sent


def _record_failure(notification_id: int, error: Exception) -> None:
    with transaction.atomic():
        notification = Notification.objects.select_for_update().filter(pk=notification_id).first()
        if notification is None:
            return
        notification.attempts += 1
        notification.last_error = f"{type(error).__name__}: {error}"[:300]
        if notification.attempts >= MAX_ATTEMPTS:
            notification.status = DeliveryStatus.FAILED
        notification.save(update_fields=["attempts", "last_error", "status"])


def pending_emails(*, now, older_than_minutes: int = 2) -> list[int]:
    """Instant emails still waiting a while after their fan-out: their task was lost (the broker
    was down at that moment) or failed and may be tried again. The digest job sends them hourly."""
    return list(
        Notification.objects.filter(
            channel=NotificationChannel.EMAIL,
            status=DeliveryStatus.PENDING,
            created_at__lte=now - timedelta(minutes=older_than_minutes),
        ).values_list("pk", flat=True)[:5000]
    )


def notification_digests_send() -> int:
    """One email per user with everything waiting for their digest; returns how many emails went.
    Each user's digest is its own transaction: a failure leaves theirs waiting, the others go."""
    digest = Notification.objects.filter(channel=NotificationChannel.EMAIL, status=DeliveryStatus.DIGEST)
    sent = 0
    with get_connection() as connection:
        for user_id in digest.order_by().values_list("recipient_id", flat=True).distinct():
            try:
                with transaction.atomic():
                    items = list(
                        digest.select_for_update(skip_locked=True, of=("self",))
                        .select_related("recipient")
                        .filter(recipient_id=user_id)
                        .order_by("created_at", "pk")
                    )
                    if not items:
                        continue
                    _digest_message(items, connection).send()
                    Notification.objects.filter(pk__in=[item.pk for item in items]).update(
                        status=DeliveryStatus.SENT, sent_at=timezone.now()
                    )
                    sent += 1
            except Exception:  # SMTP errors vary; this digest waits for the next hour
                log.exception("The notification digest of user %s could not be sent.", user_id)
    return sent


def _digest_message(items: list[Notification], connection) -> EmailMessage:
    user = items[0].recipient
    with translation.override(user.language or settings.LANGUAGE_CODE):
        subject = _("Your helpdesk digest: %(count)s updates") % {"count": len(items)}
    lines = [f"- {item.text}\n  {_link(item)}" for item in items]
    return EmailMessage(
        subject=subject, body="\n".join(lines), to=[user.email], headers=AUTO_HEADERS, connection=connection
    )
