"""Celery tasks of the project itself: thin wrappers that call services."""

from celery import shared_task
from django.utils import timezone

from helpdesk import outbox
from helpdesk.models import Heartbeat


@shared_task(
    name="helpdesk.tasks.outbox_handle",
    acks_late=True,
    reject_on_worker_lost=True,
    autoretry_for=(Exception,),
    retry_backoff=2,
    retry_backoff_max=60,
    max_retries=10,
)
def outbox_handle_task(event_id: int, handler_names: list[str] | str) -> None:
    """Run the event's handlers of one queue. Each is its own transaction: one that fails does not
    stop the others, and the retry skips those already done. (A single name: a message of before.)"""
    failure = None
    for name in [handler_names] if isinstance(handler_names, str) else handler_names:
        try:
            outbox.outbox_handle(event_id=event_id, handler_name=name)
        except Exception as exc:  # any handler's error; raised after the others had their turn
            failure = failure or exc
    if failure is not None:
        raise failure


@shared_task(name="helpdesk.tasks.outbox_prune")
def outbox_prune() -> int:
    return outbox.outbox_prune()


@shared_task(name="helpdesk.tasks.heartbeat")
def heartbeat() -> None:
    # Scheduled by beat and run by a worker: a fresh row proves both are alive.
    Heartbeat.objects.update_or_create(name="beat+worker", defaults={"seen_at": timezone.now()})
