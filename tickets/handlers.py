"""Outbox handlers of the tickets app (autodiscovered; see helpdesk/outbox.py)."""

from helpdesk.models import OutboxEvent
from helpdesk.outbox import outbox_handler
from tickets.models import Channel, Ticket
from tickets.tasks import email_deliver_task


@outbox_handler("ticket.replied", queue="notify")
def email_reply_enqueue(event: OutboxEvent) -> None:
    """An agent's reply on an email ticket goes out by email, from a task that retries on its own."""
    if Ticket.objects.filter(pk=event.payload["ticket_id"], channel=Channel.EMAIL).exists():
        # Enqueued inside the handler's transaction, not on commit: if the broker refuses, the handler
        # fails and runs again, rather than being marked done with no email on its way. A double
        # enqueue (the commit failing after this) is harmless: the task sends a message at most once.
        email_deliver_task.apply_async(args=[event.payload["message_id"]], queue="notify")
