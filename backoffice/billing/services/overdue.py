"""The daily overdue job (helpdesk/celery.py runs it through backoffice.billing.tasks)."""

from dataclasses import dataclass
from datetime import date

from django.db import transaction
from django.db.models import Exists, OuterRef, Q

from backoffice.billing.models import Invoice, InvoiceStatus, Subscription, SubscriptionStatus
from helpdesk.outbox import outbox_publish


@dataclass(frozen=True)
class OverdueResult:
    invoices: int
    subscriptions: int


@transaction.atomic
def billing_mark_overdue(*, today: date) -> OverdueResult:
    """Issued invoices due before `today` become overdue, and running subscriptions of their owners
    past due, each with one event. Idempotent: a second run finds nothing left to change. Rows
    another transaction holds (a payment being recorded) are skipped and picked up next run."""
    invoices = list(
        Invoice.objects.select_for_update(skip_locked=True).filter(
            status=InvoiceStatus.ISSUED, due_date__lt=today
        )
    )
    for invoice in invoices:
        invoice.status = InvoiceStatus.OVERDUE
        invoice.save(update_fields=["status"])
        outbox_publish(
            name="invoice.overdue",
            payload={
                "invoice_id": invoice.pk,
                "number": invoice.number,
                "due_date": invoice.due_date.isoformat(),
            },
        )
    overdue_of_owner = Invoice.objects.overdue().filter(
        Q(customer_id=OuterRef("customer_id"), customer__isnull=False)
        | Q(organization_id=OuterRef("organization_id"), organization__isnull=False)
    )
    subscriptions = list(
        Subscription.objects.select_for_update(skip_locked=True)
        .filter(status__in=(SubscriptionStatus.ACTIVE, SubscriptionStatus.TRIAL))
        .filter(Exists(overdue_of_owner))
    )
    for subscription in subscriptions:
        subscription.status = SubscriptionStatus.PAST_DUE
        subscription.save(update_fields=["status"])
        outbox_publish(name="subscription.past_due", payload={"subscription_id": subscription.pk})
    return OverdueResult(invoices=len(invoices), subscriptions=len(subscriptions))
