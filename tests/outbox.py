"""Running the outbox in the test's own process, as the relay and a worker would."""

from django.utils import timezone

from helpdesk.models import OutboxEvent
from helpdesk.outbox import outbox_handle, outbox_messages_for


def run_outbox(*names: str) -> int:
    """Handle every pending event named one of `names` with the handlers that want it, in order, and
    mark them published; returns how many events were handled."""
    events = list(OutboxEvent.objects.pending().filter(name__in=names).order_by("id"))
    for event in events:
        for handler_names in outbox_messages_for(event).values():
            for name in handler_names:
                outbox_handle(event_id=event.pk, handler_name=name)
    OutboxEvent.objects.filter(pk__in=[event.pk for event in events]).update(published_at=timezone.now())
    return len(events)
