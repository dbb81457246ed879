"""Celery tasks of the tickets app: thin wrappers that call services."""

from celery import shared_task
from django.conf import settings

from tickets.channels.email_out import email_deliver


@shared_task(
    bind=True,
    name="tickets.tasks.email_deliver",
    acks_late=True,
    reject_on_worker_lost=True,
    autoretry_for=(Exception,),
    # Waits of up to 30 s, 1, 2, 4 and then 5 minutes (jittered): an SMTP outage of ~15 minutes is
    # ridden out. The cap stays within the broker's visibility timeout; a redelivery is harmless anyway,
    # since email_deliver sends a message at most once.
    retry_backoff=30,
    retry_backoff_max=300,
    max_retries=settings.EMAIL_SEND_MAX_RETRIES,
)
def email_deliver_task(self, message_id: int) -> str:
    # On the last attempt a failure is final: the ticket page then shows "Sending failed".
    final_attempt = self.request.retries >= self.max_retries
    return email_deliver(message_id=message_id, final_attempt=final_attempt)
