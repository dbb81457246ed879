"""Editing a draft invoice: its header and its lines (htmx on the invoice page), never an issued one;
zero or negative quantities and prices are refused by the services themselves; only back-office
staff may edit."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from backoffice.billing.models import Invoice, InvoiceLine, TimeEntry
from backoffice.billing.services import (
    invoice_create_for_subscription,
    invoice_line_add,
    invoice_line_delete,
    invoice_line_update,
    invoice_update,
    plan_create,
    subscription_create,
    time_entry_log,
)
from tests.billing.conftest import make_invoice
from tests.factories import make_ticket

HTMX = {"HTTP_HX_REQUEST": "true", "HTTP_HX_TARGET": "invoice-lines"}


def url(name, *args):
    return reverse(f"backoffice:billing:{name}", args=args)


@pytest.mark.parametrize(
    ("quantity", "unit_price"), [("1", "-10.00"), ("1", "0"), ("-2", "10.00"), ("0", "10.00")]
)
def test_a_zero_or_negative_line_is_refused_by_the_service(acme, quantity, unit_price):
    invoice = make_invoice(owner=acme, issue=False)

    with pytest.raises(ValidationError, match="a negative amount is a credit note"):
        invoice_line_add(
            invoice=invoice, description="Refund", quantity=Decimal(quantity), unit_price=Decimal(unit_price)
        )
    line = invoice.lines.get()
    with pytest.raises(ValidationError, match="a negative amount is a credit note"):
        invoice_line_update(
            invoice=invoice,
            line_id=line.pk,
            description="Refund",
            quantity=Decimal(quantity),
            unit_price=Decimal(unit_price),
            by=None,
        )
    line.refresh_from_db()
    assert (invoice.lines.count(), line.unit_price) == (1, Decimal("100.00"))


def test_a_drafts_line_is_edited_and_deleted_and_the_totals_follow(acme):
    invoice = make_invoice(owner=acme, lines=[(1, "100.00"), (2, "10.00")], issue=False)
    first, second = invoice.lines.all()

    invoice = invoice_line_update(
        invoice=invoice,
        line_id=first.pk,
        description="Setup",
        quantity=Decimal("2"),
        unit_price=Decimal("50.50"),
        tax_rate=Decimal("0"),
        by=None,
    )
    assert invoice.total == Decimal("125.20")  # 101.00 untaxed + 20.00 + 4.20 tax
    invoice = invoice_line_delete(invoice=invoice, line_id=second.pk, by=None)
    assert invoice.total == Decimal("101.00") and invoice.lines.count() == 1


def test_an_issued_invoice_is_not_edited(acme, marija):
    invoice = make_invoice(owner=acme)
    line = invoice.lines.get()

    with pytest.raises(ValidationError, match="Only a draft can be edited"):
        invoice_line_update(
            invoice=invoice, line_id=line.pk, description="x", quantity=1, unit_price=Decimal(1), by=None
        )
    with pytest.raises(ValidationError, match="Only a draft can be edited"):
        invoice_line_delete(invoice=invoice, line_id=line.pk, by=None)
    with pytest.raises(ValidationError, match="Only a draft can be edited"):
        invoice_update(
            invoice=invoice,
            customer=marija,
            organization=None,
            currency="USD",
            tax_rate=Decimal("0"),
            payment_terms_days=30,
            by=None,
        )
    invoice.refresh_from_db()
    assert (invoice.currency, invoice.organization, invoice.lines.count()) == ("EUR", acme, 1)


def test_a_drafts_header_changes_and_its_owner_only_without_subscription_lines(acme, marija, business_plan):
    draft = make_invoice(owner=acme, issue=False)
    draft = invoice_update(
        invoice=draft,
        customer=marija,
        organization=None,
        currency="usd",
        tax_rate=Decimal("0"),
        payment_terms_days=30,
        by=None,
    )
    assert (draft.customer, draft.organization, draft.currency, draft.total) == (
        marija,
        None,
        "USD",
        Decimal("100.00"),
    )

    subscription = subscription_create(
        plan=business_plan, organization=acme, start_date=date(2026, 3, 1), by=None
    )
    billed = invoice_create_for_subscription(subscription=subscription, by=None)
    with pytest.raises(ValidationError, match="bills a subscription"):
        invoice_update(
            invoice=billed,
            customer=marija,
            organization=None,
            currency="EUR",
            tax_rate=Decimal("21"),
            payment_terms_days=14,
            by=None,
        )
    billed = invoice_update(
        invoice=billed,
        customer=None,
        organization=acme,
        currency="EUR",
        tax_rate=Decimal("9"),
        payment_terms_days=7,
        by=None,
    )
    assert billed.total == Decimal("109.00")


def test_deleting_a_time_line_gives_its_entries_back_to_the_next_invoice(ona, marija, acme):
    plan = plan_create(by=None, name="Hourly", price=Decimal("60.00"), currency="EUR", kind="hourly")
    subscription = subscription_create(plan=plan, organization=acme, start_date=date(2026, 3, 1), by=None)
    time_entry_log(ticket=make_ticket(requester=marija), agent=ona, minutes=30, now=marija.created_at)
    invoice = invoice_create_for_subscription(subscription=subscription, by=None)

    invoice_line_delete(invoice=invoice, line_id=invoice.lines.get().pk, by=None)

    assert InvoiceLine.objects.count() == 0
    assert TimeEntry.objects.get().invoice_line is None


def test_htmx_edits_a_line_in_place_and_gets_the_lines_back(client, piotr, acme):
    invoice = make_invoice(owner=acme, issue=False)
    line = invoice.lines.get()
    client.force_login(piotr)

    form = client.get(url("invoice_line_edit", invoice.pk, line.pk), **HTMX)
    assert form.status_code == 200 and 'data-testid="invoice-line-edit"' in form.content.decode()
    assert "<html" not in form.content.decode()

    saved = client.post(
        url("invoice_line_edit", invoice.pk, line.pk),
        {"description": "Consulting", "quantity": "3", "unit_price": "20.00", "tax_rate": ""},
        **HTMX,
    )
    assert saved.status_code == 200 and 'id="invoice-lines"' in saved.content.decode()
    assert "72.60 EUR" in saved.content.decode()  # 60.00 + 21 %


def test_a_negative_price_posted_comes_back_on_the_row_with_the_reason(client, piotr, acme):
    invoice = make_invoice(owner=acme, issue=False)
    line = invoice.lines.get()
    client.force_login(piotr)

    response = client.post(
        url("invoice_line_edit", invoice.pk, line.pk),
        {"description": "Refund", "quantity": "1", "unit_price": "-5.00"},
        **HTMX,
    )
    plain = client.post(
        url("invoice_line_add", invoice.pk), {"description": "x", "quantity": "1", "unit_price": "-1"}
    )

    assert response.status_code == 200 and "a negative amount is a credit note" in response.content.decode()
    assert plain.status_code == 400 and "a negative amount is a credit note" in plain.content.decode()
    line.refresh_from_db()
    assert line.unit_price == Decimal("100.00") and invoice.lines.count() == 1


def test_without_javascript_a_line_is_edited_on_the_page_and_deleted_by_a_post(client, piotr, acme):
    invoice = make_invoice(owner=acme, lines=[(1, "10.00"), (1, "20.00")], issue=False)
    first, second = invoice.lines.all()
    client.force_login(piotr)

    assert (
        'data-testid="invoice-line-edit"'
        in client.get(url("invoice_line_edit", invoice.pk, first.pk)).content.decode()
    )
    edited = client.post(
        url("invoice_line_edit", invoice.pk, first.pk),
        {"description": "A", "quantity": "2", "unit_price": "10.00"},
    )
    deleted = client.post(url("invoice_line_delete", invoice.pk, second.pk))

    assert edited.status_code == 302 and deleted.status_code == 302
    invoice.refresh_from_db()
    assert invoice.total == Decimal("24.20")


def test_the_header_page_edits_a_draft_and_refuses_an_issued_invoice(client, piotr, acme, marija):
    draft = make_invoice(owner=acme, issue=False)
    issued = make_invoice(owner=acme)
    client.force_login(piotr)
    data = {"customer_email": marija.email, "currency": "USD", "tax_rate": "0", "payment_terms_days": "30"}

    assert client.get(url("invoice_edit", draft.pk)).status_code == 200
    assert client.post(url("invoice_edit", draft.pk), data).status_code == 302
    refused = client.post(url("invoice_edit", issued.pk), data)
    assert client.get(url("invoice_edit", issued.pk)).url == issued.get_absolute_url()

    draft.refresh_from_db()
    issued.refresh_from_db()
    assert (draft.customer, draft.currency, draft.payment_terms_days) == (marija, "USD", 30)
    assert refused.status_code == 400 and "Only a draft can be edited" in refused.content.decode()
    assert (issued.organization, issued.currency) == (acme, "EUR")


def test_an_htmx_edit_of_an_issued_invoice_says_why_and_changes_nothing(client, piotr, acme):
    invoice = make_invoice(owner=acme)
    line = invoice.lines.get()
    client.force_login(piotr)

    response = client.post(
        url("invoice_line_edit", invoice.pk, line.pk),
        {"description": "x", "quantity": "1", "unit_price": "1"},
        **HTMX,
    )

    assert "Only a draft can be edited" in response.content.decode()
    line.refresh_from_db()
    assert line.unit_price == Decimal("100.00")


@pytest.mark.parametrize("persona", ["ona", "aino", "alice"])
def test_agents_supervisors_and_customers_cannot_edit_drafts(client, request, persona, acme):
    invoice = make_invoice(owner=acme, issue=False)
    line = invoice.lines.get()
    client.force_login(request.getfixturevalue(persona))
    new = {"description": "x", "quantity": "1", "unit_price": "1"}

    assert client.get(url("invoice_edit", invoice.pk)).status_code == 403
    assert client.post(url("invoice_edit", invoice.pk), {"currency": "USD"}).status_code == 403
    assert client.post(url("invoice_line_edit", invoice.pk, line.pk), new).status_code == 403
    assert client.post(url("invoice_line_delete", invoice.pk, line.pk)).status_code == 403
    invoice.refresh_from_db()
    assert (invoice.currency, invoice.lines.get().unit_price) == ("EUR", Decimal("100.00"))


def test_a_line_of_another_invoice_is_not_edited_through_this_one(client, piotr, acme):
    mine = make_invoice(owner=acme, issue=False)
    other = make_invoice(owner=acme, issue=False)
    client.force_login(piotr)

    client.post(url("invoice_line_delete", mine.pk, other.lines.get().pk))

    assert other.lines.count() == 1 and Invoice.objects.count() == 2


def test_a_draft_invoice_page_with_many_lines_runs_a_fixed_number_of_queries(
    client, piotr, acme, django_assert_max_num_queries
):
    invoice = make_invoice(owner=acme, lines=[(1, "10.00")] * 10, issue=False)
    client.force_login(piotr)

    with django_assert_max_num_queries(10):
        response = client.get(invoice.get_absolute_url())
    assert response.content.decode().count('data-testid="edit-line"') == 10
