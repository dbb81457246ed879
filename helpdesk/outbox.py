"""The transactional outbox: the only way domain events reach Celery.

    outbox_publish(name="ticket.created", payload={"ticket_id": 7})   # inside the change's transaction

A relay process (`manage.py outbox_relay`) publishes committed rows: one Celery message per queue
that has handlers for the event (the handlers of one queue run one after the other in that task).
A row is marked published only after the broker accepted its messages, so a broker outage leaves
rows waiting, never lost.
The relay may publish a row twice (it crashed between publish and mark); consumers are
idempotent anyway: `outbox_handle` records (event, handler) in the handler's own transaction.
"""

import logging
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone

from helpdesk.celery import QUEUES
from helpdesk.celery import app as celery_app
from helpdesk.models import OutboxEvent, OutboxHandled

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class OutboxHandler:
    name: str
    events: tuple[str, ...]
    queue: str
    func: Callable[[OutboxEvent], None]
    when: Callable[[dict], bool] | None = None

    def wants(self, event: OutboxEvent) -> bool:
        return self.when is None or self.when(event.payload)


_handlers_by_event: dict[str, list[OutboxHandler]] = defaultdict(list)
_handlers_by_name: dict[str, OutboxHandler] = {}


def outbox_handler(
    *events: str, queue: str = "default", when: Callable[[dict], bool] | None = None
) -> Callable:
    """Register `func(event: OutboxEvent)` to run in a worker, once, for every one of `events`
    published (one function may follow several events, e.g. everything that moves an SLA deadline).

    `when(payload)`, if given, is asked by the relay: False means the handler has nothing to do for
    this event, and no task is sent for it. It must decide from the payload alone (no queries).

    The function runs inside a transaction with its idempotency row, so its database writes
    happen exactly once; side effects outside the database must tolerate a retry.
    """
    if queue not in QUEUES:
        raise ValueError(f"Unknown queue {queue!r}; choose one of {QUEUES}.")

    def register(func: Callable[[OutboxEvent], None]) -> Callable[[OutboxEvent], None]:
        handler = OutboxHandler(
            name=f"{func.__module__}.{func.__qualname__}", events=events, queue=queue, func=func, when=when
        )
        if handler.name not in _handlers_by_name:
            _handlers_by_name[handler.name] = handler
            for event in events:
                _handlers_by_event[event].append(handler)
        return func

    return register


def outbox_handlers_for(event: str) -> list[OutboxHandler]:
    return list(_handlers_by_event.get(event, ()))


def outbox_publish(*, name: str, payload: dict | None = None) -> OutboxEvent:
    """Record a domain event in the caller's transaction; it reaches Celery only if that commits."""
    return OutboxEvent.objects.create(name=name, payload=payload or {})


def outbox_relay_batch(*, limit: int | None = None) -> int:
    """Publish one batch of pending events and return how many were marked published.

    Raises the broker's error when it cannot be reached; the unpublished rows keep waiting
    (with `attempts` and `last_error` updated) for the next call.
    """
    from helpdesk.tasks import outbox_handle_task

    limit = limit or settings.OUTBOX_BATCH_SIZE
    error: Exception | None = None
    with transaction.atomic():
        # SKIP LOCKED lets several relays run side by side without publishing a row twice.
        events = list(
            OutboxEvent.objects.pending().select_for_update(skip_locked=True).order_by("id")[:limit]
        )
        if not events:
            return 0
        published: list[int] = []
        try:
            # A pooled producer: its connection stays open between batches (a new connection per batch
            # cost the relay more than the publishing itself).
            with celery_app.producer_pool.acquire(block=True) as producer:
                # Fail fast when the broker is down instead of retrying inside a DB transaction.
                producer.connection.ensure_connection(max_retries=1)
                for event in events:
                    for queue, names in outbox_messages_for(event).items():
                        outbox_handle_task.apply_async(
                            args=[event.pk, names], queue=queue, producer=producer, retry=False
                        )
                    published.append(event.pk)
        except Exception as exc:  # the broker's errors vary by transport; all mean "try later"
            error = exc
            failed = [event.pk for event in events if event.pk not in published]
            OutboxEvent.objects.filter(pk__in=failed).update(
                attempts=F("attempts") + 1, last_error=f"{type(exc).__name__}: {exc}"[:2000]
            )
        OutboxEvent.objects.filter(pk__in=published).update(published_at=timezone.now())
    if error is not None:
        raise error
    return len(published)


def outbox_messages_for(event: OutboxEvent) -> dict[str, list[str]]:
    """The handlers that want `event`, by queue: what the relay sends, one message per queue."""
    by_queue: dict[str, list[str]] = defaultdict(list)
    for handler in outbox_handlers_for(event.name):
        if handler.wants(event):
            by_queue[handler.queue].append(handler.name)
    return by_queue


def outbox_handle(*, event_id: int, handler_name: str) -> bool:
    """Run one handler for one event, at most once; return whether it ran now."""
    handler = _handlers_by_name.get(handler_name)
    if handler is None:
        log.error("No outbox handler %r (event %s): was it renamed or removed?", handler_name, event_id)
        return False
    with transaction.atomic():
        if not _mark_handled(event_id, handler_name):
            return False
        handler.func(OutboxEvent.objects.get(pk=event_id))
    return True


def _mark_handled(event_id: int, handler_name: str) -> bool:
    """Insert the (event, handler) row unless it exists or the event is gone; whether it was inserted.
    One statement instead of a read, a savepoint and an insert: it runs for every handled event.
    A concurrent duplicate waits here until the first one commits, then inserts nothing."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {OutboxHandled._meta.db_table} (event_id, handler, handled_at) "  # noqa: S608 - our table names
            f"SELECT id, %s, %s FROM {OutboxEvent._meta.db_table} WHERE id = %s "
            "ON CONFLICT DO NOTHING RETURNING event_id",
            [handler_name, timezone.now(), event_id],
        )
        return cursor.fetchone() is not None


def outbox_prune(*, now=None, keep: timedelta = timedelta(days=7)) -> int:
    """Delete events published longer ago than `keep` (their handled rows go with them)."""
    now = now or timezone.now()
    deleted, _ = OutboxEvent.objects.filter(published_at__lt=now - keep).delete()
    return deleted
