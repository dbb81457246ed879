"""Celery tasks of the customers app: thin wrappers that call services."""

from celery import shared_task
from django.utils import timezone

from customers.portal.account_services import portal_signups_expire


@shared_task(name="customers.tasks.portal_signups_expire")
def portal_signups_expire_task() -> int:
    """Daily: forget portal sign-ups never verified (see the service)."""
    return portal_signups_expire(now=timezone.now())
