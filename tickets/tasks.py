"""Celery tasks of the tickets app: thin wrappers that call services."""

from celery import shared_task
from django.conf import settings
from django.db import DatabaseError
from django.utils import timezone

from tickets.channels.chat import chat_escalate_due
from tickets.channels.email_out import email_deliver
from tickets.channels.imap import imap_poll
from tickets.channels.social import SendError, social_deliver
from tickets.models import ImapSource
from tickets.notifications.email import notification_digests_send, notification_emails_send, pending_emails
from tickets.notifications.fanout import EMAIL_CHUNK
from tickets.notifications.webhooks import webhook_deliver
from tickets.routing.assignment import teams_with_waiting_tickets, tickets_route_waiting
from tickets.rules.engine import rules_run_time_based
from tickets.satisfaction import satisfaction_survey_send
from tickets.sla.engine import sla_sweep


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


@shared_task(name="tickets.tasks.imap_poll_all")
def imap_poll_all_task() -> int:
    """Fan out: one task per active IMAP source, so one slow server does not hold up the others."""
    source_ids = list(
        ImapSource.objects.filter(active=True, mailbox__active=True).values_list("pk", flat=True)
    )
    for source_id in source_ids:
        imap_poll_task.apply_async(args=[source_id], queue="ingest", expires=60)
    return len(source_ids)


@shared_task(
    name="tickets.tasks.imap_poll",
    acks_late=True,
    # A database outage (not the mail server's) fails the poll; the next minute's poll picks up.
    autoretry_for=(DatabaseError,),
    retry_backoff=10,
    max_retries=3,
)
def imap_poll_task(source_id: int) -> int:
    source = ImapSource.objects.select_related("mailbox").filter(pk=source_id, active=True).first()
    return imap_poll(source).filed if source else 0


@shared_task(
    bind=True,
    name="tickets.tasks.social_deliver",
    acks_late=True,
    reject_on_worker_lost=True,
    autoretry_for=(Exception,),
    # As for email: waits of 30 s up to 5 minutes, within the broker's visibility timeout; a
    # redelivery is harmless, since social_deliver posts a message at most once.
    retry_backoff=30,
    retry_backoff_max=300,
    max_retries=settings.SOCIAL_SEND_MAX_RETRIES,
)
def social_deliver_task(self, message_id: int) -> str:
    # On the last attempt a failure is final: the ticket page then shows "Sending failed".
    final_attempt = self.request.retries >= self.max_retries
    try:
        return social_deliver(message_id=message_id, final_attempt=final_attempt)
    except SendError as error:
        if error.retry_after is None or final_attempt:
            raise
        # Telegram's 429 says when to come back; wait that long (capped like the backoff) instead.
        raise self.retry(exc=error, countdown=min(error.retry_after, 300)) from error


@shared_task(name="tickets.tasks.chat_escalate")
def chat_escalate_task() -> int:
    """Chats unanswered too long, or left by their visitor, continue by email (idempotent)."""
    return chat_escalate_due()


@shared_task(name="tickets.tasks.sla_sweep")
def sla_sweep_task() -> int:
    """Fire the SLA warnings and breaches that have come (each once; see tickets/sla/engine.py)."""
    return sla_sweep(now=timezone.now())


@shared_task(name="tickets.tasks.route_waiting")
def route_waiting_task() -> int:
    """Tickets waiting for an agent get one when a shift has started or an agent came back."""
    now = timezone.now()
    return sum(tickets_route_waiting(team_id=team_id, now=now) for team_id in teams_with_waiting_tickets())


@shared_task(name="tickets.tasks.rules_time_based")
def rules_time_based_task() -> int:
    """Time-based rules ("pending for 3 days") over every ticket they match, each firing once."""
    return rules_run_time_based(now=timezone.now())


@shared_task(name="tickets.tasks.notification_emails", bind=True, max_retries=3, default_retry_delay=30)
def notification_emails_task(self, ids: list[int]) -> int:
    """Send a chunk of notification emails (each at most once; failures stay on their rows)."""
    return notification_emails_send(ids=ids)


@shared_task(name="tickets.tasks.notification_digests")
def notification_digests_task() -> int:
    """Hourly: the digests, and instant emails whose sending was lost or failed."""
    waiting = pending_emails(now=timezone.now())
    for start in range(0, len(waiting), EMAIL_CHUNK):
        notification_emails_send(ids=waiting[start : start + EMAIL_CHUNK])
    return notification_digests_send()


@shared_task(name="tickets.tasks.webhook_deliver", bind=True, max_retries=None)
def webhook_deliver_task(self, delivery_id: int) -> str:
    """One webhook delivery; retried with exponential backoff (capped at five minutes) until
    WEBHOOK_MAX_ATTEMPTS attempts, then given up and kept with its last answer."""
    final = self.request.retries + 1 >= settings.WEBHOOK_MAX_ATTEMPTS
    result = webhook_deliver(delivery_id=delivery_id, final_attempt=final)
    if result == "retry":
        raise self.retry(countdown=min(30 * 2**self.request.retries, 300))
    return result


@shared_task(
    name="tickets.tasks.satisfaction_survey_send",
    acks_late=True,
    autoretry_for=(Exception,),
    retry_backoff=30,
    retry_backoff_max=300,
    max_retries=settings.EMAIL_SEND_MAX_RETRIES,
)
def satisfaction_survey_send_task(rating_id: int) -> bool:
    return satisfaction_survey_send(rating_id=rating_id)


@shared_task(name="tickets.tasks.callback_reminders_send")
def callback_reminders_send_task() -> int:
    """Every 5 minutes: reminders of callbacks starting soon (each sent once, see the service)."""
    from tickets.callbacks.services import callback_reminders_send

    return callback_reminders_send(now=timezone.now())
