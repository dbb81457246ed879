"""Followers: agents who want to hear about a ticket that is not theirs."""

from django.db import transaction

from helpdesk.models import User
from helpdesk.outbox import outbox_publish
from tickets.access import ensure_can_work
from tickets.models import Ticket


@transaction.atomic
def ticket_follow(*, ticket: Ticket, user: User, follow: bool = True) -> None:
    ensure_can_work(user, ticket)
    if follow:
        ticket.followers.add(user)
    else:
        ticket.followers.remove(user)
    outbox_publish(
        name="ticket.followed" if follow else "ticket.unfollowed",
        payload={"ticket_id": ticket.pk, "user_id": user.pk},
    )
