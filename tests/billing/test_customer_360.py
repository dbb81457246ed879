"""What the front office reads from billing: the 360° view's billing line (a customer inherits their
organization's subscription and invoices) in few queries."""

from datetime import date
from decimal import Decimal

from backoffice.billing.services import billing_mark_overdue, payment_record, subscription_create
from customers import external
from tests.billing.conftest import make_invoice
from tests.customers.c360_helpers import customer_url, page_text
from tests.factories import CustomerFactory


def test_a_customer_inherits_the_organizations_plan_open_and_overdue_invoices_and_balance(
    acme, marija, business_plan
):
    subscription_create(plan=business_plan, organization=acme, start_date=date(2026, 1, 1), by=None)
    late = make_invoice(owner=acme, today=date(2026, 1, 5))  # due 19 January
    make_invoice(owner=marija, today=date(2026, 3, 1))  # her own, not yet due
    make_invoice(owner=acme, issue=False)  # a draft is owed nothing yet
    billing_mark_overdue(today=date(2026, 2, 1))
    payment_record(invoice=late, amount=Decimal("21.00"), received_on=date(2026, 2, 2), by=None)

    billing = external.customer_billing(marija, today=date(2026, 3, 2))

    assert billing.plan == "Business" and billing.subscription_status == "Past due"
    assert (billing.open_invoices, billing.overdue_invoices) == (2, 1)
    assert billing.balance == [(Decimal("221.00"), "EUR")]
    assert external.customer_billing(CustomerFactory(), today=date(2026, 3, 2)) is None


def test_the_360_view_shows_the_billing_line(
    client, ona, acme, marija, business_plan, django_assert_max_num_queries
):
    subscription_create(plan=business_plan, organization=acme, start_date=date(2026, 1, 1), by=None)
    make_invoice(owner=acme)
    client.force_login(ona)

    # 18 with the ratings (CSAT, the last NPS, the ratings in the timeline: one query each).
    with django_assert_max_num_queries(18):
        text = page_text(client.get(customer_url(marija)))

    assert "Business · Active · 1 open invoice · 1 overdue · balance 121.00 EUR" in text  # due in March


def test_the_billing_line_adds_account_credit_prepaid_hours_and_unbilled_time(
    acme, marija, aino, ona, django_assert_num_queries
):
    from datetime import UTC, datetime

    from backoffice.billing.services import goodwill_credit_propose, plan_create, time_entry_log
    from tests.factories import make_ticket

    plan = plan_create(
        by=None,
        name="Prepaid 10",
        price=Decimal("500.00"),
        currency="EUR",
        kind="prepaid_hours",
        included_hours=Decimal("10"),
        hourly_rate=Decimal("60.00"),
    )
    subscription_create(plan=plan, organization=acme, start_date=date(2026, 3, 1), by=None)
    ticket = make_ticket(requester=marija)
    now = datetime(2026, 3, 2, 9, tzinfo=UTC)
    time_entry_log(ticket=ticket, agent=ona, minutes=9 * 60, now=now)  # 1 h left
    time_entry_log(ticket=ticket, agent=ona, minutes=90, now=now)  # 60 prepaid, 30 beyond
    time_entry_log(ticket=ticket, agent=ona, minutes=45, billable=False, now=now)
    for amount, currency in (("20.00", "EUR"), ("5.50", "EUR"), ("10.00", "USD")):
        goodwill_credit_propose(
            ticket=ticket, by=aino, amount=Decimal(amount), currency=currency, reason="Sorry"
        )
    make_invoice(owner=acme)

    with django_assert_num_queries(2):  # as before the new numbers: subscription, then one UNION
        billing = external.customer_billing(marija, today=date(2026, 3, 2))

    assert billing.credit == [(Decimal("25.50"), "EUR"), (Decimal("10.00"), "USD")]
    assert billing.balance == [(Decimal("121.00"), "EUR")] and billing.open_invoices == 1
    assert billing.prepaid_hours_left == Decimal("0.00")
    assert billing.unbilled_minutes == 30


def test_a_customer_with_only_account_credit_has_a_billing_line(marija, aino):
    from backoffice.billing.services import goodwill_credit_propose
    from tests.factories import make_ticket

    goodwill_credit_propose(
        ticket=make_ticket(requester=marija), by=aino, amount=Decimal("15.00"), currency="EUR", reason="x"
    )

    billing = external.customer_billing(marija, today=date(2026, 3, 2))

    assert billing.credit == [(Decimal("15.00"), "EUR")] and billing.open_invoices == 0
    assert (billing.prepaid_hours_left, billing.unbilled_minutes) == (None, 0)


def test_the_360_view_shows_credit_prepaid_hours_and_unbilled_time_in_the_same_queries(
    client, ona, aino, acme, marija, django_assert_max_num_queries
):
    from datetime import UTC, datetime

    from backoffice.billing.services import goodwill_credit_propose, plan_create, time_entry_log
    from tests.factories import make_ticket

    plan = plan_create(
        by=None,
        name="Prepaid 10",
        price=Decimal("500.00"),
        currency="EUR",
        kind="prepaid_hours",
        included_hours=Decimal("2"),
        hourly_rate=Decimal("60.00"),
    )
    subscription_create(plan=plan, organization=acme, start_date=date(2026, 1, 1), by=None)
    ticket = make_ticket(requester=marija)
    time_entry_log(ticket=ticket, agent=ona, minutes=150, now=datetime(2026, 3, 2, 9, tzinfo=UTC))
    goodwill_credit_propose(ticket=ticket, by=aino, amount=Decimal("20.00"), currency="EUR", reason="Sorry")
    make_invoice(owner=acme)
    client.force_login(ona)

    # 18 with the ratings (CSAT, the last NPS, the ratings in the timeline: one query each).
    with django_assert_max_num_queries(18):
        text = page_text(client.get(customer_url(marija)))

    assert "account credit available 20.00 EUR" in text
    assert "0.00 prepaid hours left" in text
    assert "30 minutes of billable time not invoiced yet" in text


def test_time_on_a_flat_plan_is_included_not_waiting_to_be_billed(acme, marija, ona, business_plan):
    from datetime import UTC, datetime

    from backoffice.billing.services import time_entry_log
    from tests.factories import make_ticket

    subscription_create(plan=business_plan, organization=acme, start_date=date(2026, 3, 1), by=None)
    time_entry_log(
        ticket=make_ticket(requester=marija), agent=ona, minutes=90, now=datetime(2026, 3, 2, 9, tzinfo=UTC)
    )

    billing = external.customer_billing(marija, today=date(2026, 3, 2))

    assert billing.plan == "Business" and billing.unbilled_minutes == 0
