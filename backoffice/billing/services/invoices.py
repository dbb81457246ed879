"""Writes about invoices: drafts and their lines, issuing (with its gap-free number), payments,
credit notes and voiding.

Every service locks the invoice row (SELECT … FOR UPDATE) before it reads the balance, so two
payments recorded at once are checked one after the other and cannot together exceed what is owed.
The status moves: draft → issued → (overdue →) paid; draft, issued or overdue → void.
"""

from datetime import date, timedelta
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from backoffice.billing.models import (
    OPEN_STATUSES,
    CreditNote,
    Invoice,
    InvoiceLine,
    InvoiceSequence,
    InvoiceStatus,
    Payment,
    PaymentMethod,
    Subscription,
    SubscriptionStatus,
)
from backoffice.billing.money import InvoiceAmounts, invoice_amounts_of, to_cents
from customers.models import Customer, Organization
from helpdesk.models import User
from helpdesk.outbox import outbox_publish
from tickets.models import Ticket

# Lithuania's standard VAT rate; a draft's rate can be changed line by line.
DEFAULT_TAX_RATE = Decimal("21.00")


def _locked(invoice: Invoice) -> Invoice:
    return Invoice.objects.select_for_update().get(pk=invoice.pk)


def _refresh_amounts(invoice: Invoice) -> InvoiceAmounts:
    """Copy the computed total and balance onto the row (for lists and SQL sums)."""
    amounts = invoice_amounts_of(invoice)
    invoice.total, invoice.balance = amounts.total, amounts.balance
    return amounts


@transaction.atomic
def invoice_create(
    *,
    customer: Customer | None = None,
    organization: Organization | None = None,
    currency: str,
    tax_rate: Decimal = DEFAULT_TAX_RATE,
    payment_terms_days: int = 14,
    subscription: Subscription | None = None,
    by: User | None,
) -> Invoice:
    """A draft invoice (no number yet) for a customer or an organization (exactly one)."""
    if (customer is None) == (organization is None):
        raise ValidationError(_("Choose either a customer or an organization."))
    invoice = Invoice(
        customer=customer,
        organization=organization,
        currency=currency.upper(),
        tax_rate=tax_rate,
        payment_terms_days=payment_terms_days,
        subscription=subscription,
        created_by=by,
    )
    invoice.full_clean(exclude=["created_by", "subscription"])
    invoice.save()
    return invoice


def line_values_checked(*, quantity: Decimal, unit_price: Decimal) -> None:
    """A line bills something: a negative or zero amount would be a credit, and credit is given with
    a credit note (which keeps its reason), never by a line."""
    errors = {}
    if quantity is None or Decimal(quantity) <= 0:
        errors["quantity"] = _("Enter a quantity greater than zero; a negative amount is a credit note.")
    if unit_price is None or Decimal(unit_price) <= 0:
        errors["unit_price"] = _("Enter a unit price greater than zero; a negative amount is a credit note.")
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def invoice_line_add(
    *,
    invoice: Invoice,
    description: str,
    quantity: Decimal,
    unit_price: Decimal,
    tax_rate: Decimal | None = None,
) -> Invoice:
    invoice = _locked(invoice)
    if not invoice.is_draft:
        raise ValidationError(
            _("Lines can be added to drafts only; an issued invoice is corrected by a credit note.")
        )
    line_values_checked(quantity=quantity, unit_price=unit_price)
    line = InvoiceLine(
        invoice=invoice,
        description=description.strip(),
        quantity=quantity,
        unit_price=unit_price,
        tax_rate=tax_rate,
        position=invoice.lines.count() + 1,
    )
    line.full_clean()
    line.save()
    _refresh_amounts(invoice)
    invoice.save(update_fields=["total", "balance"])
    return invoice


def _next_number(year: int) -> str:
    """Take the year's next number. The counter row stays locked until the caller's transaction ends,
    and a rollback gives the number back: no gaps, no duplicates."""
    InvoiceSequence.objects.bulk_create([InvoiceSequence(year=year)], ignore_conflicts=True)
    sequence = InvoiceSequence.objects.select_for_update().get(year=year)
    sequence.last += 1
    sequence.save(update_fields=["last"])
    return f"{year}-{sequence.last:06d}"


@transaction.atomic
def invoice_issue(*, invoice: Invoice, by: User | None, today: date) -> Invoice:
    invoice = _locked(invoice)
    if not invoice.is_draft:
        raise ValidationError(_("Only a draft can be issued."))
    if not invoice.lines.exists():
        raise ValidationError(_("Add at least one line before issuing the invoice."))
    invoice.number = _next_number(today.year)
    invoice.issue_date = today
    invoice.due_date = today + timedelta(days=invoice.payment_terms_days)
    amounts = _refresh_amounts(invoice)
    invoice.status = InvoiceStatus.ISSUED if amounts.balance > 0 else InvoiceStatus.PAID
    invoice.save(update_fields=["number", "issue_date", "due_date", "status", "total", "balance"])
    outbox_publish(name="invoice.issued", payload={"invoice_id": invoice.pk, "number": invoice.number})
    return invoice


def _settle_if_paid(invoice: Invoice, amounts: InvoiceAmounts) -> None:
    """Mark the invoice paid when nothing is owed; a subscription that was past due only because
    of overdue invoices becomes active again once none is left."""
    if amounts.balance > 0:
        return
    was_overdue = invoice.status == InvoiceStatus.OVERDUE
    invoice.status = InvoiceStatus.PAID
    outbox_publish(name="invoice.paid", payload={"invoice_id": invoice.pk})
    if was_overdue:
        owner = {"customer_id": invoice.customer_id, "organization_id": invoice.organization_id}
        still_overdue = Invoice.objects.overdue().filter(**owner).exclude(pk=invoice.pk).exists()
        if not still_overdue:
            Subscription.objects.filter(status=SubscriptionStatus.PAST_DUE, **owner).update(
                status=SubscriptionStatus.ACTIVE
            )


def _money_in(invoice: Invoice, amount: Decimal) -> Decimal:
    if invoice.status not in OPEN_STATUSES:
        raise ValidationError(_("Only an issued or overdue invoice can be paid or credited."))
    amount = to_cents(amount)
    if amount <= 0:
        raise ValidationError({"amount": _("Enter an amount greater than zero.")})
    if amount > invoice.balance:
        # Overpayment is refused rather than kept as credit: the customer gets the difference back.
        raise ValidationError(
            {
                "amount": _("%(amount)s is more than the balance of %(balance)s %(currency)s.")
                % {"amount": amount, "balance": invoice.balance, "currency": invoice.currency}
            }
        )
    return amount


@transaction.atomic
def payment_record(
    *,
    invoice: Invoice,
    amount: Decimal,
    received_on: date,
    method: str = PaymentMethod.BANK_TRANSFER,
    reference: str = "",
    by: User | None,
) -> Payment:
    """A full or partial payment; the invoice is paid, in the same transaction, when its balance is 0."""
    invoice = _locked(invoice)
    amount = _money_in(invoice, amount)
    payment = Payment(
        invoice=invoice, amount=amount, received_on=received_on, method=method, reference=reference.strip()
    )
    payment.recorded_by = by
    payment.full_clean(exclude=["recorded_by"])
    payment.save()
    amounts = _refresh_amounts(invoice)
    _settle_if_paid(invoice, amounts)
    invoice.save(update_fields=["status", "total", "balance"])
    outbox_publish(
        name="invoice.payment_recorded",
        payload={"invoice_id": invoice.pk, "payment_id": payment.pk, "amount": str(amount)},
    )
    return payment


@transaction.atomic
def credit_note_create(*, invoice: Invoice, amount: Decimal, reason: str, by: User | None) -> CreditNote:
    """Credit part of an issued invoice (a correction or goodwill); it reduces the balance."""
    invoice = _locked(invoice)
    amount = _money_in(invoice, amount)
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the credit is given.")})
    note = CreditNote.objects.create(
        invoice=invoice, amount=amount, currency=invoice.currency, reason=reason.strip(), created_by=by
    )
    amounts = _refresh_amounts(invoice)
    _settle_if_paid(invoice, amounts)
    invoice.save(update_fields=["status", "total", "balance"])
    outbox_publish(name="invoice.credited", payload={"invoice_id": invoice.pk, "credit_note_id": note.pk})
    return note


@transaction.atomic
def invoice_void(*, invoice: Invoice, by: User | None) -> Invoice:
    """Cancel an invoice nobody has paid anything of; its number stays used (no gap, just void)."""
    invoice = _locked(invoice)
    if invoice.status in (InvoiceStatus.PAID, InvoiceStatus.VOID):
        raise ValidationError(_("A paid or void invoice cannot be voided."))
    if invoice.payments.exists():
        raise ValidationError(_("Payments were recorded on this invoice: issue a credit note instead."))
    invoice.status = InvoiceStatus.VOID
    _refresh_amounts(invoice)
    invoice.save(update_fields=["status", "total", "balance"])
    outbox_publish(name="invoice.voided", payload={"invoice_id": invoice.pk})
    return invoice


@transaction.atomic
def invoice_ticket_link(*, invoice: Invoice, ticket: Ticket, by: User | None) -> Invoice:
    """Link a billing question to the invoice it is about: the ticket's requester must be the invoice's
    customer or one of its organization's people."""
    requester = ticket.requester
    owns = (invoice.customer_id and requester.pk == invoice.customer_id) or (
        invoice.organization_id and requester.organization_id == invoice.organization_id
    )
    if not owns:
        raise ValidationError(
            {"ticket": _("This ticket was not asked by the invoice's customer or organization.")}
        )
    invoice.tickets.add(ticket)
    outbox_publish(name="invoice.ticket_linked", payload={"invoice_id": invoice.pk, "ticket_id": ticket.pk})
    return invoice
