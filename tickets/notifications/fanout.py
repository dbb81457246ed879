"""Fan-out: an event becomes notifications, one per (event, recipient, channel), written in bulk with
the unique constraint ignoring rows a retried task already wrote; emails then go out in chunks from
tasks on the `notify` queue, each at most once (see email.py).

Defaults when a user has no preference for a kind: in the desk always; by email at once, except new
tickets in the team (off) and status changes of followed tickets (hourly digest).
"""

from django.db import transaction
from django.utils import timezone

from helpdesk.models import OutboxEvent, User
from tickets.models import (
    DeliveryStatus,
    EmailMode,
    Notification,
    NotificationChannel,
    NotificationKind,
    NotificationPreference,
    Ticket,
)
from tickets.notifications.recipients import AUDIENCES

EMAIL_DEFAULTS = {
    NotificationKind.NEW_TICKET: EmailMode.OFF,
    NotificationKind.STATUS_CHANGED: EmailMode.DIGEST,
}
EMAIL_CHUNK = 50
BULK_BATCH = 500


def preferences_of(users: list[User], kind: str) -> dict[int, tuple[bool, str]]:
    """(in the desk, email mode) per user for `kind`, defaults filled in."""
    default = (True, EMAIL_DEFAULTS.get(kind, EmailMode.INSTANT))
    chosen = {
        user_id: (in_app, email)
        for user_id, in_app, email in NotificationPreference.objects.filter(
            user__in=users, kind=kind
        ).values_list("user_id", "in_app", "email")
    }
    return {user.pk: chosen.get(user.pk, default) for user in users}


def notifications_fan_out(event: OutboxEvent) -> list[int]:
    """Write the event's notifications; returns the ids of the emails to send now."""
    build = AUDIENCES.get(event.name)
    ticket = (
        Ticket.objects.select_related("team__lead", "assignee", "requester")
        .filter(pk=event.payload.get("ticket_id"))
        .first()
    )
    if build is None or ticket is None:
        return []
    actor = event.payload.get("by")
    rows = []
    for audience in build(ticket, event.payload):
        users = [user for user in audience.users if user.pk != actor]
        texts: dict[str, str] = {}  # worded once per language, not once per recipient
        preferences = preferences_of(users, audience.kind)
        for user in users:
            in_app, email = preferences[user.pk]
            language = user.language or "en"
            if language not in texts:
                texts[language] = audience.text(language)
            common = {"event_id": event.pk, "recipient": user, "kind": audience.kind, "ticket": ticket}
            if in_app:
                rows.append(Notification(**common, channel=NotificationChannel.IN_APP, text=texts[language]))
            if email != EmailMode.OFF:
                status = DeliveryStatus.PENDING if email == EmailMode.INSTANT else DeliveryStatus.DIGEST
                rows.append(
                    Notification(
                        **common, channel=NotificationChannel.EMAIL, text=texts[language], status=status
                    )
                )
    with transaction.atomic():
        Notification.objects.bulk_create(rows, batch_size=BULK_BATCH, ignore_conflicts=True)
    return list(
        Notification.objects.filter(
            event_id=event.pk, channel=NotificationChannel.EMAIL, status=DeliveryStatus.PENDING
        ).values_list("pk", flat=True)
    )


def unread_count(user: User) -> int:
    return Notification.objects.filter(
        recipient=user, channel=NotificationChannel.IN_APP, read_at__isnull=True
    ).count()


def notifications_mark_read(*, user: User, ids: list[int] | None = None) -> int:
    """Mark the user's in-app notifications read (these ids, or all); returns how many changed."""
    unread = Notification.objects.filter(
        recipient=user, channel=NotificationChannel.IN_APP, read_at__isnull=True
    )
    if ids is not None:
        unread = unread.filter(pk__in=ids)
    return unread.update(read_at=timezone.now())
