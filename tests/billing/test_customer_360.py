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

    with django_assert_max_num_queries(15):
        text = page_text(client.get(customer_url(marija)))

    assert "Business · Active · 1 open invoice · 1 overdue · balance 121.00 EUR" in text  # due in March
