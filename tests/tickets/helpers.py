"""Small readers and arrangers shared by the ticket tests."""

from helpdesk.models import OutboxEvent
from tickets.models import Activity, Attachment, Message, Ticket


def events(name: str) -> list[dict]:
    """The payloads of the outbox events called `name`, oldest first."""
    return list(OutboxEvent.objects.filter(name=name).order_by("id").values_list("payload", flat=True))


def activity(ticket: Ticket) -> list[tuple[str, str, str]]:
    """(field, old, new) of each activity row on `ticket`, oldest first."""
    return list(Activity.objects.filter(ticket=ticket).order_by("id").values_list("field", "old", "new"))


def counts() -> dict[str, int]:
    """How many rows of each kind exist: a refused action must leave these as they were."""
    return {
        "tickets": Ticket.objects.count(),
        "messages": Message.objects.count(),
        "attachments": Attachment.objects.count(),
        "activities": Activity.objects.count(),
        "events": OutboxEvent.objects.count(),
    }


def put_in_status(ticket: Ticket, status: str, **fields) -> Ticket:
    """Arrange a ticket in `status` without walking it there through the services."""
    Ticket.objects.filter(pk=ticket.pk).update(status=status, **fields)
    ticket.refresh_from_db()
    return ticket
