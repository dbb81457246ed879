"""Who else has a ticket open, and who is typing: refreshed by each agent's page every few seconds."""

from datetime import datetime, timedelta

from django.utils import timezone

from helpdesk.models import User
from tickets.models import Ticket, TicketPresence

# A viewer who has not refreshed for this long has left.
PRESENCE_TTL = timedelta(seconds=20)


def presence_touch(*, ticket: Ticket, user: User, typing: bool, now: datetime | None = None) -> None:
    # One upsert: this runs every few seconds for every open ticket page.
    TicketPresence.objects.bulk_create(
        [TicketPresence(ticket=ticket, user=user, seen_at=now or timezone.now(), typing=typing)],
        update_conflicts=True,
        unique_fields=["ticket", "user"],
        update_fields=["seen_at", "typing"],
    )


def presence_others(*, ticket: Ticket, user: User, now: datetime | None = None) -> list[TicketPresence]:
    since = (now or timezone.now()) - PRESENCE_TTL
    return list(
        TicketPresence.objects.filter(ticket=ticket, seen_at__gte=since)
        .exclude(user=user)
        .select_related("user")
        .order_by("user__full_name")
    )


def presence_leave(*, ticket: Ticket, user: User) -> None:
    TicketPresence.objects.filter(ticket=ticket, user=user).delete()
