"""Billing's Celery tasks: thin wrappers around services (see helpdesk/celery.py for when they run)."""

from celery import shared_task
from django.utils import timezone

from backoffice.billing.services import billing_mark_overdue, subscriptions_renew_due


@shared_task(name="backoffice.billing.tasks.billing_mark_overdue")
def billing_mark_overdue_task() -> dict:
    result = billing_mark_overdue(today=timezone.localdate())
    return {"invoices": result.invoices, "subscriptions": result.subscriptions}


@shared_task(name="backoffice.billing.tasks.subscriptions_renew_due")
def subscriptions_renew_due_task() -> dict:
    result = subscriptions_renew_due(today=timezone.localdate(), now=timezone.now())
    return {
        "renewed": len(result.renewed),
        "cancelled": len(result.cancelled),
        "invoices": len(result.invoices),
    }
