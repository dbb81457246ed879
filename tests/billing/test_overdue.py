"""The daily overdue job: what it marks, the events it sends once, and has_overdue_invoice."""

from datetime import date, timedelta
from decimal import Decimal

from backoffice.billing.models import InvoiceStatus, SubscriptionStatus
from backoffice.billing.selectors import has_overdue_invoice
from backoffice.billing.services import billing_mark_overdue, payment_record, subscription_create
from backoffice.billing.tasks import billing_mark_overdue_task
from helpdesk.models import OutboxEvent
from tests.billing.conftest import TODAY, make_invoice
from tests.factories import CustomerFactory

DUE = TODAY + timedelta(days=14)


def test_it_marks_invoices_past_due_and_their_subscriptions_once(acme, marija, business_plan):
    subscription = subscription_create(plan=business_plan, organization=acme, start_date=TODAY, by=None)
    late = make_invoice(owner=acme)
    due_today = make_invoice(owner=acme, today=TODAY + timedelta(days=1))
    draft = make_invoice(owner=acme, issue=False)

    first = billing_mark_overdue(today=DUE + timedelta(days=1))
    second = billing_mark_overdue(today=DUE + timedelta(days=1))

    for invoice in (late, due_today, draft, subscription):
        invoice.refresh_from_db()
    assert (first.invoices, first.subscriptions) == (1, 1)
    assert (second.invoices, second.subscriptions) == (0, 0)
    assert (late.status, due_today.status, draft.status) == (
        InvoiceStatus.OVERDUE,
        InvoiceStatus.ISSUED,
        "draft",
    )
    assert subscription.status == SubscriptionStatus.PAST_DUE
    events = list(OutboxEvent.objects.filter(name__in=["invoice.overdue", "subscription.past_due"]))
    assert sorted(event.name for event in events) == ["invoice.overdue", "subscription.past_due"]
    assert has_overdue_invoice(marija)  # through her organization
    assert not has_overdue_invoice(CustomerFactory())


def test_paying_the_last_overdue_invoice_makes_the_subscription_active_again(acme, business_plan):
    subscription = subscription_create(plan=business_plan, organization=acme, start_date=TODAY, by=None)
    invoice = make_invoice(owner=acme)
    billing_mark_overdue(today=date(2026, 4, 1))

    payment_record(invoice=invoice, amount=Decimal("121.00"), received_on=date(2026, 4, 2), by=None)

    subscription.refresh_from_db()
    invoice.refresh_from_db()
    assert (invoice.status, subscription.status) == (InvoiceStatus.PAID, SubscriptionStatus.ACTIVE)


def test_the_beat_task_calls_the_job_with_today(acme, monkeypatch):
    make_invoice(owner=acme)
    monkeypatch.setattr("backoffice.billing.tasks.timezone.localdate", lambda: date(2026, 6, 1))

    assert billing_mark_overdue_task() == {"invoices": 1, "subscriptions": 0}
    assert billing_mark_overdue_task() == {"invoices": 0, "subscriptions": 0}


def test_the_job_is_declared_in_the_beat_schedule():
    from helpdesk.celery import BEAT_SCHEDULE

    assert BEAT_SCHEDULE["billing-mark-overdue"]["task"] == billing_mark_overdue_task.name


def test_an_invoice_past_due_counts_as_overdue_before_the_daily_job_marks_it(acme, marija):
    from django.utils import timezone

    make_invoice(owner=acme, today=timezone.localdate() - timedelta(days=20))  # due six days ago
    make_invoice(owner=CustomerFactory(), today=timezone.localdate())  # someone else's, not due yet

    assert has_overdue_invoice(marija)
    assert not has_overdue_invoice(CustomerFactory())
