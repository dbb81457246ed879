"""Invoices through their services: numbering without gaps, the status moves each allows, payments
and credit notes, and nothing half-written when a move is refused."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction

from backoffice.billing.models import Invoice, InvoiceSequence, InvoiceStatus, Payment, SubscriptionStatus
from backoffice.billing.services import (
    credit_note_create,
    invoice_create,
    invoice_create_for_subscription,
    invoice_issue,
    invoice_void,
    payment_record,
    subscription_create,
)
from helpdesk.models import OutboxEvent
from tests.billing.conftest import TODAY, make_invoice


def pay(invoice, amount, **fields):
    return payment_record(invoice=invoice, amount=Decimal(amount), received_on=TODAY, by=None, **fields)


def test_a_draft_has_no_number_and_issuing_numbers_invoices_in_sequence_per_year(acme):
    draft = make_invoice(owner=acme, issue=False)
    assert draft.number is None and draft.status == InvoiceStatus.DRAFT

    first = invoice_issue(invoice=draft, by=None, today=TODAY)
    second = make_invoice(owner=acme)
    next_year = make_invoice(owner=acme, today=date(2027, 1, 4))

    assert (first.number, second.number, next_year.number) == ("2026-000001", "2026-000002", "2027-000001")
    assert first.issue_date == TODAY and first.due_date == date(2026, 3, 16)
    assert OutboxEvent.objects.filter(name="invoice.issued").count() == 3


def test_a_rolled_back_issue_gives_its_number_back(acme):
    draft = make_invoice(owner=acme, issue=False)

    with pytest.raises(RuntimeError), transaction.atomic():
        invoice_issue(invoice=draft, by=None, today=TODAY)
        raise RuntimeError("the mail server fell over")

    draft.refresh_from_db()
    assert draft.number is None and draft.status == InvoiceStatus.DRAFT
    assert invoice_issue(invoice=draft, by=None, today=TODAY).number == "2026-000001"
    assert InvoiceSequence.objects.get(year=2026).last == 1


def test_an_invoice_without_lines_cannot_be_issued_and_takes_no_number(acme):
    draft = invoice_create(organization=acme, currency="EUR", by=None)

    with pytest.raises(ValidationError, match="at least one line"):
        invoice_issue(invoice=draft, by=None, today=TODAY)

    assert not InvoiceSequence.objects.filter(last__gt=0).exists()


def test_an_issued_invoice_cannot_be_issued_again_or_get_lines(acme):
    from backoffice.billing.services import invoice_line_add

    invoice = make_invoice(owner=acme)

    with pytest.raises(ValidationError):
        invoice_issue(invoice=invoice, by=None, today=TODAY)
    with pytest.raises(ValidationError):
        invoice_line_add(invoice=invoice, description="More", quantity=Decimal(1), unit_price=Decimal(1))
    assert invoice.lines.count() == 1


def test_an_invoice_needs_exactly_one_owner(acme, marija):
    with pytest.raises(ValidationError):
        invoice_create(customer=marija, organization=acme, currency="EUR", by=None)
    with pytest.raises(ValidationError):
        invoice_create(currency="EUR", by=None)
    assert not Invoice.objects.exists()


def test_partial_payments_leave_a_balance_and_the_last_one_pays_the_invoice(acme):
    invoice = make_invoice(owner=acme)  # 100 + 21 % = 121.00

    pay(invoice, "50.00", reference="LT-1")
    invoice.refresh_from_db()
    assert (invoice.status, invoice.balance, invoice.total) == (
        InvoiceStatus.ISSUED,
        Decimal("71.00"),
        Decimal("121.00"),
    )

    pay(invoice, "71.00")
    invoice.refresh_from_db()
    assert (invoice.status, invoice.balance) == (InvoiceStatus.PAID, Decimal("0.00"))
    assert OutboxEvent.objects.filter(name="invoice.paid").count() == 1


def test_overpayment_is_refused_and_nothing_is_recorded(acme):
    invoice = make_invoice(owner=acme)

    with pytest.raises(ValidationError, match="more than the balance"):
        pay(invoice, "121.01")

    assert not Payment.objects.exists()


@pytest.mark.parametrize("amount", ["0", "-5"])
def test_a_payment_must_be_positive(acme, amount):
    with pytest.raises(ValidationError):
        pay(make_invoice(owner=acme), amount)


def test_drafts_void_and_paid_invoices_take_no_payment(acme):
    draft = make_invoice(owner=acme, issue=False)
    paid = make_invoice(owner=acme)
    pay(paid, "121.00")
    void = invoice_void(invoice=make_invoice(owner=acme), by=None)

    for invoice in (draft, paid, void):
        with pytest.raises(ValidationError, match="issued or overdue"):
            pay(invoice, "1.00")


def test_a_credit_note_reduces_the_balance_and_can_settle_the_invoice(acme):
    invoice = make_invoice(owner=acme)

    credit_note_create(invoice=invoice, amount=Decimal("21.00"), reason="Outage in March", by=None)
    pay(invoice, "100.00")

    invoice.refresh_from_db()
    assert (invoice.status, invoice.balance) == (InvoiceStatus.PAID, Decimal("0.00"))


def test_a_credit_note_needs_a_reason_and_cannot_exceed_the_balance(acme):
    invoice = make_invoice(owner=acme)

    with pytest.raises(ValidationError):
        credit_note_create(invoice=invoice, amount=Decimal("1.00"), reason=" ", by=None)
    with pytest.raises(ValidationError):
        credit_note_create(invoice=invoice, amount=Decimal("500.00"), reason="Too generous", by=None)
    assert not invoice.credit_notes.exists()


def test_voiding_keeps_the_number_and_owes_nothing_but_not_after_a_payment(acme):
    invoice = invoice_void(invoice=make_invoice(owner=acme), by=None)
    assert (invoice.number, invoice.status, invoice.balance) == (
        "2026-000001",
        InvoiceStatus.VOID,
        Decimal("0"),
    )

    with pytest.raises(ValidationError):
        invoice_void(invoice=invoice, by=None)
    partly_paid = make_invoice(owner=acme)
    pay(partly_paid, "10.00")
    with pytest.raises(ValidationError, match="credit note"):
        invoice_void(invoice=partly_paid, by=None)


def test_a_subscription_invoice_bills_the_plan_and_the_organization_takes_the_plan_tier(acme, business_plan):
    subscription = subscription_create(
        plan=business_plan, organization=acme, start_date=date(2026, 1, 31), by=None
    )
    acme.refresh_from_db()
    assert subscription.renewal_date == date(2026, 2, 28) and acme.support_tier == "business"

    invoice = invoice_create_for_subscription(subscription=subscription, by=None)

    assert invoice.organization == acme and invoice.total == Decimal("121.00")
    assert invoice.lines.get().description == "Business, monthly subscription"


def test_a_subscription_has_one_owner_and_a_running_status(acme, marija, business_plan):
    with pytest.raises(ValidationError):
        subscription_create(plan=business_plan, customer=marija, organization=acme, start_date=TODAY, by=None)
    with pytest.raises(ValidationError):
        subscription_create(
            plan=business_plan, customer=marija, start_date=TODAY, status=SubscriptionStatus.PAST_DUE, by=None
        )
