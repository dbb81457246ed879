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
def outbox_handle_task(event_id: int, handler_name: str) -> bool:
    return outbox.outbox_handle(event_id=event_id, handler_name=handler_name)


@shared_task(name="helpdesk.tasks.outbox_prune")
def outbox_prune() -> int:
    return outbox.outbox_prune()


@shared_task(name="helpdesk.tasks.heartbeat")
def heartbeat() -> None:
    # Scheduled by beat and run by a worker: a fresh row proves both are alive.
    Heartbeat.objects.update_or_create(name="beat+worker", defaults={"seen_at": timezone.now()})
