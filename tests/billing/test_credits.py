"""Account credit: approved goodwill credits without an invoice are applied by back-office staff to an
open invoice of the same account and currency; part of a credit splits it, and two applications at
once cannot spend the same credit."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from backoffice.billing.models import CreditNote, CreditNoteStatus, InvoiceStatus
from backoffice.billing.services import credit_apply, goodwill_credit_propose, invoice_update
from tests.billing.conftest import make_invoice
from tests.billing.test_concurrency import run_at_once
from tests.factories import CustomerFactory, make_ticket


def url(name, *args):
    return reverse(f"backoffice:billing:{name}", args=args)


@pytest.fixture
def complaint(marija):
    return make_ticket(requester=marija, subject="The outage cost us a day")


@pytest.fixture
def credit(aino, complaint):
    """80.00 EUR on Acme's account (Marija's organization), given by a supervisor."""
    return goodwill_credit_propose(
        ticket=complaint, by=aino, amount=Decimal("80.00"), currency="EUR", reason="Outage on 2 March"
    )


def test_part_of_a_credit_is_applied_and_the_rest_stays_on_the_account(acme, credit, complaint, piotr):
    invoice = make_invoice(owner=acme, lines=[(1, "50.00")])  # 60.50

    applied = credit_apply(invoice=invoice, credit_id=credit.pk, amount=Decimal("30.00"), by=piotr)

    invoice.refresh_from_db()
    assert (applied.pk, applied.invoice, applied.amount) == (credit.pk, invoice, Decimal("30.00"))
    rest = CreditNote.objects.get(invoice__isnull=True)
    assert (rest.amount, rest.reason, rest.ticket, rest.organization) == (
        Decimal("50.00"),
        "Outage on 2 March",
        complaint,
        acme,
    )
    assert rest.status == CreditNoteStatus.APPROVED
    assert (invoice.balance, invoice.status) == (Decimal("30.50"), InvoiceStatus.ISSUED)


def test_without_an_amount_the_balance_takes_what_it_needs_and_the_invoice_is_paid(acme, credit):
    invoice = make_invoice(owner=acme, lines=[(1, "50.00")])  # 60.50

    credit_apply(invoice=invoice, credit_id=credit.pk, by=None)

    invoice.refresh_from_db()
    assert (invoice.balance, invoice.status) == (Decimal("0.00"), InvoiceStatus.PAID)
    assert CreditNote.objects.get(invoice__isnull=True).amount == Decimal("19.50")


def test_a_credit_in_another_currency_is_refused(acme, credit):
    draft = make_invoice(owner=acme, issue=False)
    invoice_update(
        invoice=draft,
        customer=None,
        organization=acme,
        currency="USD",
        tax_rate=Decimal("21"),
        payment_terms_days=14,
        by=None,
    )
    from backoffice.billing.services import invoice_issue
    from tests.billing.conftest import TODAY

    usd = invoice_issue(invoice=draft, by=None, today=TODAY)

    with pytest.raises(ValidationError, match="same currency"):
        credit_apply(invoice=usd, credit_id=credit.pk, by=None)
    credit.refresh_from_db()
    assert (credit.invoice, credit.amount) == (None, Decimal("80.00"))


def test_a_credit_of_another_account_is_refused(credit):
    stranger = make_invoice(owner=CustomerFactory())

    with pytest.raises(ValidationError, match="another account"):
        credit_apply(invoice=stranger, credit_id=credit.pk, by=None)
    stranger.refresh_from_db()
    assert stranger.balance == Decimal("121.00")


def test_more_than_the_credit_or_the_balance_and_drafts_are_refused(acme, credit):
    invoice = make_invoice(owner=acme, lines=[(1, "100.00")])  # 121.00
    small = make_invoice(owner=acme, lines=[(1, "10.00")])  # 12.10

    with pytest.raises(ValidationError, match="Only 80.00 EUR"):
        credit_apply(invoice=invoice, credit_id=credit.pk, amount=Decimal("90.00"), by=None)
    with pytest.raises(ValidationError, match="more than the balance"):
        credit_apply(invoice=small, credit_id=credit.pk, amount=Decimal("20.00"), by=None)
    with pytest.raises(ValidationError, match="issued or overdue"):
        credit_apply(invoice=make_invoice(owner=acme, issue=False), credit_id=credit.pk, by=None)
    assert CreditNote.objects.get().invoice is None


def test_a_proposed_or_used_credit_cannot_be_applied(acme, ona, complaint, credit):
    proposed = goodwill_credit_propose(
        ticket=complaint, by=ona, amount=Decimal("500.00"), currency="EUR", reason="Big ask"
    )
    invoice = make_invoice(owner=acme)
    credit_apply(invoice=invoice, credit_id=credit.pk, by=None)

    with pytest.raises(ValidationError, match="not available"):
        credit_apply(invoice=invoice, credit_id=proposed.pk, by=None)
    with pytest.raises(ValidationError, match="not available"):
        credit_apply(invoice=make_invoice(owner=acme), credit_id=credit.pk, by=None)


@pytest.mark.django_db(transaction=True)
def test_two_applications_at_once_cannot_spend_the_same_credit(acme, credit):
    first, second = make_invoice(owner=acme), make_invoice(owner=acme)  # 121.00 each

    results = run_at_once(
        [
            lambda: credit_apply(invoice=first, credit_id=credit.pk, amount=Decimal("60.00"), by=None),
            lambda: credit_apply(invoice=second, credit_id=credit.pk, amount=Decimal("60.00"), by=None),
        ]
    )

    errors = [result for result in results if isinstance(result, ValidationError)]
    assert len(errors) == 1, results
    notes = CreditNote.objects.order_by("pk")
    assert sum(note.amount for note in notes) == Decimal("80.00")
    assert [(note.invoice_id is None, note.amount) for note in notes] == [
        (False, Decimal("60.00")),
        (True, Decimal("20.00")),
    ]


def test_the_invoice_page_shows_account_credit_and_applies_it(client, piotr, acme, credit, complaint):
    invoice = make_invoice(owner=acme)
    client.force_login(piotr)

    page = client.get(invoice.get_absolute_url()).content.decode()
    assert 'data-testid="account-credit"' in page and "80.00 EUR" in page

    response = client.post(url("credit_apply", invoice.pk), {"credit": credit.pk, "amount": "25.00"})
    assert response.status_code == 302
    page = client.get(invoice.get_absolute_url()).content.decode()
    assert 'data-testid="credit-note-row"' in page and complaint.get_absolute_url() in page
    assert "96.00 EUR" in page  # 121.00 − 25.00


def test_a_bad_application_is_shown_on_the_page_and_changes_nothing(client, piotr, acme, credit):
    invoice = make_invoice(owner=acme)
    client.force_login(piotr)

    response = client.post(url("credit_apply", invoice.pk), {"credit": credit.pk, "amount": "100"})

    assert response.status_code == 400 and "Only 80.00 EUR" in response.content.decode()
    credit.refresh_from_db()
    assert credit.invoice is None


@pytest.mark.parametrize("persona", ["ona", "aino", "alice"])
def test_only_back_office_staff_apply_credit(client, request, persona, acme, credit):
    invoice = make_invoice(owner=acme)
    client.force_login(request.getfixturevalue(persona))

    assert client.post(url("credit_apply", invoice.pk), {"credit": credit.pk}).status_code == 403
    credit.refresh_from_db()
    assert credit.invoice is None


def test_the_invoice_page_with_credits_and_time_runs_a_fixed_number_of_queries(
    client, piotr, acme, aino, marija, complaint, ona, django_assert_max_num_queries
):
    from backoffice.billing.models import TimeEntry

    for amount in ("5.00", "6.00", "7.00"):
        goodwill_credit_propose(ticket=complaint, by=aino, amount=Decimal(amount), currency="EUR", reason="x")
    invoice = make_invoice(owner=acme, lines=[(1, "10.00")] * 5)
    for line in invoice.lines.all():
        TimeEntry.objects.create(
            ticket=make_ticket(requester=marija), agent=ona, minutes=10, invoice_line=line
        )
    for note in CreditNote.objects.all()[:2]:
        credit_apply(invoice=invoice, credit_id=note.pk, by=None)
    client.force_login(piotr)

    with django_assert_max_num_queries(11):
        page = client.get(invoice.get_absolute_url()).content.decode()
    assert page.count('data-testid="line-time"') == 5
    assert (
        page.count('data-testid="credit-note-row"') == 2 and page.count('data-testid="account-credit"') == 1
    )
