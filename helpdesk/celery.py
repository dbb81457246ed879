"""The Celery app: queues, reliability settings and the one beat schedule.

Domain events reach Celery only through the transactional outbox (helpdesk/outbox.py):
a relay publishes committed rows, and handlers run here with acks_late, so a worker that
dies mid-task leaves its message to be redelivered rather than lost.
"""

import os

from celery import Celery
from celery.schedules import crontab
from kombu import Queue

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "helpdesk.settings")

QUEUES = ("default", "routing", "sla", "notify", "ingest")

# Every periodic job lives here, each with when it runs and why.
BEAT_SCHEDULE = {
    # Every 30 seconds: beat and a worker prove they are alive, for /health/.
    "heartbeat": {
        "task": "helpdesk.tasks.heartbeat",
        "schedule": 30.0,
        "options": {"expires": 25},
    },
    # Hourly: forget outbox rows published more than a week ago, so the table stays small.
    "outbox-prune": {
        "task": "helpdesk.tasks.outbox_prune",
        "schedule": 3600.0,
        "options": {"expires": 3000},
    },
    # Every minute: fetch new mail from the mailboxes that have an IMAP source.
    "imap-poll": {
        "task": "tickets.tasks.imap_poll_all",
        "schedule": 60.0,
        "options": {"expires": 50},
    },
    # Every minute: live chats nobody answered in CHAT_UNANSWERED_MINUTES, or whose visitor left,
    # continue by email (minute precision is what that setting promises).
    "chat-escalate": {
        "task": "tickets.tasks.chat_escalate",
        "schedule": 60.0,
        "options": {"expires": 50},
    },
    # Every few seconds: SLA warnings and breaches that have come fire (only due tickets are read, through
    # an index; a sweep that overlaps another skips the tickets the other one holds).
    "sla-sweep": {
        "task": "tickets.tasks.sla_sweep",
        "schedule": float(os.environ.get("SLA_SWEEP_SECONDS", "2")),
        "options": {"expires": 10, "queue": "sla"},
    },
    # Every minute: tickets waiting in a team's queue are routed when a shift has started, an agent's
    # time off ended or they resumed auto-assignment (changes on the desk route at once, by event).
    "route-waiting": {
        "task": "tickets.tasks.route_waiting",
        "schedule": 60.0,
        "options": {"expires": 50, "queue": "routing"},
    },
    # Every minute: time-based rules ("pending for 3 days → remind") over every ticket they match;
    # each firing is recorded, so a rule never fires twice for the same stretch in a status.
    "rules-time-based": {
        "task": "tickets.tasks.rules_time_based",
        "schedule": 60.0,
        "options": {"expires": 50, "queue": "routing"},
    },
    # Hourly: the notification digests, and instant notification emails whose sending was lost.
    "notification-digests": {
        "task": "tickets.tasks.notification_digests",
        "schedule": crontab(minute=5),
        "options": {"expires": 3000, "queue": "notify"},
    },
    # Daily at 00:30 (the company's time zone): issued invoices past their due date become overdue and
    # their owners' subscriptions past due. Idempotent, so a missed or repeated run is harmless.
    "billing-mark-overdue": {
        "task": "backoffice.billing.tasks.billing_mark_overdue",
        "schedule": crontab(hour=0, minute=30),
        "options": {"expires": 3600},
    },
    # Daily at 01:00, after the overdue job: subscriptions whose renewal date has come are invoiced for
    # the new period (or cancelled, when set to end), prepaid hours topped up, renewal dates moved on.
    # Each subscription is locked and re-checked, so a repeated or concurrent run makes no second invoice.
    "billing-renew-subscriptions": {
        "task": "backoffice.billing.tasks.subscriptions_renew_due",
        "schedule": crontab(hour=1, minute=0),
        "options": {"expires": 3600, "queue": "default"},
    },
    # Every 5 minutes: reminder emails of callbacks starting within CALLBACK_REMINDER_MINUTES. Each is
    # claimed under SKIP LOCKED and marked sent, so an overlapping or repeated run sends none twice.
    "callback-reminders": {
        "task": "tickets.tasks.callback_reminders_send",
        "schedule": 300.0,
        "options": {"expires": 240, "queue": "notify"},
    },
    # Daily at 03:00: portal sign-ups never verified within PORTAL_VERIFY_HOURS are forgotten.
    "portal-signups-expire": {
        "task": "customers.tasks.portal_signups_expire",
        "schedule": crontab(hour=3, minute=0),
        "options": {"expires": 3600, "queue": "default"},
    },
}

app = Celery("helpdesk")
# Broker URL, transport options and time zone come from settings (CELERY_*).
app.config_from_object("django.conf:settings", namespace="CELERY")
app.conf.update(
    task_queues=[Queue(name) for name in QUEUES],
    task_default_queue="default",
    # A task is acknowledged after it ran, and one whose worker died goes back on the queue:
    # so every task must be idempotent (outbox handlers are, by event id and handler).
    task_acks_late=True,
    task_reject_on_worker_lost=True,
    # One message at a time per process, so a slow task does not hold others hostage.
    worker_prefetch_multiplier=1,
    task_serializer="json",
    accept_content=["json"],
    task_ignore_result=True,
    broker_connection_retry_on_startup=True,
    worker_hijack_root_logger=False,
    beat_schedule=BEAT_SCHEDULE,
)
app.autodiscover_tasks()
