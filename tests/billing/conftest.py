from datetime import date
from decimal import Decimal

import pytest

from backoffice.billing.services import invoice_create, invoice_issue, invoice_line_add, plan_create
from tests.factories import CustomerFactory, OrganizationFactory

TODAY = date(2026, 3, 2)


@pytest.fixture
def acme(db):
    return OrganizationFactory(name="Acme Baltic")


@pytest.fixture
def marija(db, acme):
    return CustomerFactory(name="Marija Kalnina", email="marija@acme.lv", organization=acme)


@pytest.fixture
def business_plan(db):
    return plan_create(
        by=None,
        name="Business",
        price=Decimal("100.00"),
        currency="EUR",
        period="month",
        support_tier="business",
    )


def make_invoice(*, owner, lines=((1, "100.00"),), tax_rate="21.00", issue=True, today=TODAY, terms=14):
    """An invoice for a customer or organization with (quantity, unit price) lines."""
    key = "organization" if owner.__class__.__name__ == "Organization" else "customer"
    invoice = invoice_create(
        **{key: owner}, currency="EUR", tax_rate=Decimal(tax_rate), payment_terms_days=terms, by=None
    )
    for quantity, price in lines:
        invoice = invoice_line_add(
            invoice=invoice, description="Support", quantity=Decimal(quantity), unit_price=Decimal(price)
        )
    if issue:
        invoice = invoice_issue(invoice=invoice, by=None, today=today)
    return invoice
