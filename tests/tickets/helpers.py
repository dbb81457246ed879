"""Small readers and arrangers shared by the ticket tests."""

import json

from helpdesk.models import OutboxEvent
from tickets.models import Activity, Attachment, Message, Status, Ticket


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


def ids(tickets) -> list[int]:
    return [ticket.pk for ticket in tickets]


# The rules, spelled out (not read from TRANSITIONS, so a change to the table must change this too):
# closed is final, a solved ticket only reopens or closes, and nothing goes back to new.
REFUSED = [(Status.CLOSED, status) for status in Status.values if status != Status.CLOSED] + [
    (Status.SOLVED, Status.NEW),
    (Status.SOLVED, Status.PENDING),
    (Status.SOLVED, Status.ON_HOLD),
    (Status.OPEN, Status.NEW),
    (Status.PENDING, Status.NEW),
    (Status.ON_HOLD, Status.NEW),
]


ALLOWED = [
    (old, new) for old in Status.values for new in Status.values if old != new and (old, new) not in REFUSED
]


def send_json(handler, status: int, payload: dict) -> None:
    """Answer from a fake provider's http.server handler, as its documented JSON."""
    data = json.dumps(payload).encode()
    handler.send_response(status)
    handler.send_header("Content-Type", "application/json")
    handler.send_header("Content-Length", str(len(data)))
    handler.end_headers()
    handler.wfile.write(data)
