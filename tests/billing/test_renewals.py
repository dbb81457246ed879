"""The daily renewal run: each due subscription gets its period's invoice (issued, numbered), moves its
renewal date one period on keeping the anchor day, turns from trial to active, tops up prepaid hours,
bills hourly time and prepaid overage, or ends when it was set to cancel at renewal; twice or at the
same time it makes one invoice per period."""

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from dateutil.relativedelta import relativedelta
from django.db import IntegrityError, transaction
from django.utils import timezone

from backoffice.billing.models import Invoice, InvoiceStatus, SubscriptionStatus, TimeEntry
from backoffice.billing.services import (
    plan_create,
    subscription_cancel,
    subscription_create,
    subscriptions_renew_due,
    time_entry_log,
)
from backoffice.billing.tasks import subscriptions_renew_due_task
from tests.billing.test_concurrency import run_at_once
from tests.factories import make_ticket

NOW = datetime(2026, 3, 1, 1, 0, tzinfo=UTC)


def flat(name="Business", period="month", price="100.00"):
    return plan_create(
        by=None, name=name, price=Decimal(price), currency="EUR", period=period, support_tier="business"
    )


def prepaid_plan():
    return plan_create(
        by=None,
        name="Prepaid 10",
        price=Decimal("500.00"),
        currency="EUR",
        kind="prepaid_hours",
        included_hours=Decimal("10"),
        hourly_rate=Decimal("60.00"),
    )


def test_a_month_end_subscription_keeps_its_anchor_day_through_february(acme):
    subscription = subscription_create(plan=flat(), organization=acme, start_date=date(2026, 1, 31), by=None)
    assert subscription.renewal_date == date(2026, 2, 28)

    subscriptions_renew_due(today=date(2026, 2, 28), now=NOW)
    subscription.refresh_from_db()
    assert subscription.renewal_date == date(2026, 3, 31)

    subscriptions_renew_due(today=date(2026, 3, 31), now=NOW)
    subscription.refresh_from_db()
    assert subscription.renewal_date == date(2026, 4, 30)
    periods = sorted(Invoice.objects.filter(subscription=subscription).values_list("period_start", flat=True))
    assert periods == [date(2026, 2, 28), date(2026, 3, 31)]


def test_a_leap_year_february_is_the_29th(acme):
    subscription = subscription_create(plan=flat(), organization=acme, start_date=date(2028, 1, 31), by=None)

    assert subscription.renewal_date == date(2028, 2, 29)
    subscriptions_renew_due(today=date(2028, 2, 29), now=NOW)
    subscription.refresh_from_db()
    assert subscription.renewal_date == date(2028, 3, 31)


def test_a_yearly_subscription_is_invoiced_once_and_renews_a_year_on(marija):
    subscription = subscription_create(
        plan=flat("Yearly", "year", "1000.00"), customer=marija, start_date=date(2025, 3, 1), by=None
    )

    result = subscriptions_renew_due(today=date(2026, 3, 1), now=NOW)

    subscription.refresh_from_db()
    invoice = Invoice.objects.get(pk=result.invoices[0])
    assert subscription.renewal_date == date(2027, 3, 1)
    assert (invoice.status, invoice.customer, invoice.total) == (
        InvoiceStatus.ISSUED,
        marija,
        Decimal("1210.00"),
    )
    assert invoice.number.startswith("2026-") and invoice.issue_date == date(2026, 3, 1)
    assert invoice.period_start == date(2026, 3, 1)


def test_a_trial_becomes_active_at_its_renewal_and_the_next_period_is_invoiced(acme):
    subscription = subscription_create(
        plan=flat(), organization=acme, start_date=date(2026, 2, 1), status=SubscriptionStatus.TRIAL, by=None
    )

    subscriptions_renew_due(today=date(2026, 3, 1), now=NOW)

    subscription.refresh_from_db()
    assert subscription.status == SubscriptionStatus.ACTIVE
    assert subscription.invoices.get().lines.get().unit_price == Decimal("100.00")


def test_a_subscription_set_to_cancel_at_renewal_ends_and_is_not_invoiced(acme):
    subscription = subscription_create(plan=flat(), organization=acme, start_date=date(2026, 2, 1), by=None)
    subscription_cancel(subscription=subscription, at_renewal=True, by=None, now=NOW)

    result = subscriptions_renew_due(today=date(2026, 3, 2), now=NOW)

    subscription.refresh_from_db()
    assert (subscription.status, subscription.cancelled_at) == (SubscriptionStatus.CANCELLED, NOW)
    assert result.cancelled == [subscription.pk] and not subscription.invoices.exists()
    assert subscriptions_renew_due(today=date(2026, 4, 2), now=NOW).renewed == []


def test_subscriptions_not_due_and_cancelled_ones_are_left_alone(acme, marija):
    later = subscription_create(plan=flat(), organization=acme, start_date=date(2026, 2, 15), by=None)
    ended = subscription_create(plan=flat("Other"), customer=marija, start_date=date(2026, 1, 1), by=None)
    subscription_cancel(subscription=ended, at_renewal=False, by=None, now=NOW)

    result = subscriptions_renew_due(today=date(2026, 3, 1), now=NOW)

    assert result.renewed == [] and not Invoice.objects.exists()
    later.refresh_from_db()
    assert later.renewal_date == date(2026, 3, 15)


def test_running_twice_makes_one_invoice(acme):
    subscription = subscription_create(plan=flat(), organization=acme, start_date=date(2026, 2, 1), by=None)

    subscriptions_renew_due(today=date(2026, 3, 1), now=NOW)
    second = subscriptions_renew_due(today=date(2026, 3, 1), now=NOW)

    assert second.renewed == [] and subscription.invoices.count() == 1


def test_a_subscription_months_behind_catches_up_period_by_period(acme):
    subscription = subscription_create(plan=flat(), organization=acme, start_date=date(2025, 12, 10), by=None)

    subscriptions_renew_due(today=date(2026, 3, 10), now=NOW)

    subscription.refresh_from_db()
    assert subscription.renewal_date == date(2026, 4, 10)
    assert subscription.invoices.count() == 3


def test_the_database_refuses_a_second_invoice_for_one_period(acme):
    subscription = subscription_create(plan=flat(), organization=acme, start_date=date(2026, 2, 1), by=None)
    subscriptions_renew_due(today=date(2026, 3, 1), now=NOW)

    with pytest.raises(IntegrityError), transaction.atomic():
        Invoice.objects.create(organization=acme, subscription=subscription, period_start=date(2026, 3, 1))


def test_an_hourly_plan_bills_the_periods_billable_time_with_its_entries(ona, marija, acme):
    plan = plan_create(by=None, name="Hourly", price=Decimal("60.00"), currency="EUR", kind="hourly")
    subscription = subscription_create(plan=plan, organization=acme, start_date=date(2026, 2, 1), by=None)
    ticket = make_ticket(requester=marija)
    time_entry_log(ticket=ticket, agent=ona, minutes=90, now=NOW)
    time_entry_log(ticket=ticket, agent=ona, minutes=15, billable=False, now=NOW)

    result = subscriptions_renew_due(today=date(2026, 3, 1), now=NOW)

    invoice = Invoice.objects.get(pk=result.invoices[0])
    line = invoice.lines.get()
    assert (line.quantity, line.unit_price, invoice.total) == (
        Decimal("1.500"),
        Decimal("60.00"),
        Decimal("108.90"),
    )
    assert list(line.time_entries.values_list("minutes", flat=True)) == [90]
    subscription.refresh_from_db()
    assert subscription.renewal_date == date(2026, 4, 1)


def test_an_hourly_plan_without_time_renews_without_an_invoice(acme):
    plan = plan_create(by=None, name="Hourly", price=Decimal("60.00"), currency="EUR", kind="hourly")
    subscription = subscription_create(plan=plan, organization=acme, start_date=date(2026, 2, 1), by=None)

    result = subscriptions_renew_due(today=date(2026, 3, 1), now=NOW)

    assert result.renewed == [subscription.pk] and not Invoice.objects.exists()


def test_prepaid_hours_roll_over_and_time_beyond_the_balance_is_billed_at_the_hourly_rate(ona, marija, acme):
    subscription = subscription_create(
        plan=prepaid_plan(), organization=acme, start_date=date(2026, 2, 1), by=None
    )
    assert subscription.prepaid_minutes == 600
    ticket = make_ticket(requester=marija)
    time_entry_log(ticket=ticket, agent=ona, minutes=8 * 60, now=NOW)  # 2 h left
    time_entry_log(ticket=ticket, agent=ona, minutes=3 * 60, now=NOW)  # 2 h prepaid, 1 h beyond

    result = subscriptions_renew_due(today=date(2026, 3, 1), now=NOW)

    invoice = Invoice.objects.get(pk=result.invoices[0])
    lines = list(invoice.lines.values_list("description", "quantity", "unit_price"))
    assert lines == [
        ("Prepaid 10, monthly subscription", Decimal("1.000"), Decimal("500.00")),
        ("Support time beyond the prepaid hours, 60 minutes", Decimal("1.000"), Decimal("60.00")),
    ]
    subscription.refresh_from_db()
    assert subscription.prepaid_minutes == 600  # 0 left + 10 h of the new period
    # Fully prepaid time is never invoiced.
    assert TimeEntry.objects.filter(invoice_line__isnull=True).count() == 1


def test_unused_prepaid_hours_roll_over(acme):
    subscription = subscription_create(
        plan=prepaid_plan(), organization=acme, start_date=date(2026, 2, 1), by=None
    )

    subscriptions_renew_due(today=date(2026, 3, 1), now=NOW)

    subscription.refresh_from_db()
    assert subscription.prepaid_minutes == 1200


@pytest.mark.django_db(transaction=True)
def test_concurrent_runs_make_one_invoice_and_one_top_up(acme):
    subscription = subscription_create(
        plan=prepaid_plan(), organization=acme, start_date=date(2026, 2, 1), by=None
    )

    results = run_at_once([lambda: subscriptions_renew_due(today=date(2026, 3, 1), now=NOW)] * 3)

    assert not [result for result in results if isinstance(result, Exception)], results
    subscription.refresh_from_db()
    assert subscription.invoices.count() == 1
    assert subscription.prepaid_minutes == 1200
    assert subscription.renewal_date == date(2026, 4, 1)
    assert sum(len(result.renewed) for result in results) == 1


def test_the_beat_task_runs_the_renewal_and_is_scheduled_daily(acme):
    from helpdesk.celery import BEAT_SCHEDULE

    start = timezone.localdate() - relativedelta(months=2)
    subscription_create(plan=flat(), organization=acme, start_date=start, by=None)

    assert subscriptions_renew_due_task()["invoices"] > 0
    entry = BEAT_SCHEDULE["billing-renew-subscriptions"]
    assert entry["task"] == subscriptions_renew_due_task.name
    assert entry["options"]["queue"] == "default"
