"""Editing a draft invoice: its header and its lines. An issued invoice is never edited: it is
corrected by a credit note (or voided), so what the customer received stays what the books say."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from backoffice.billing.models import Invoice, InvoiceLine
from backoffice.billing.services.invoices import _locked, _refresh_amounts, line_values_checked
from customers.models import Customer, Organization
from helpdesk.models import User
from helpdesk.outbox import outbox_publish


def _draft(invoice: Invoice) -> Invoice:
    invoice = _locked(invoice)
    if not invoice.is_draft:
        raise ValidationError(
            _("Only a draft can be edited; an issued invoice is corrected by a credit note.")
        )
    return invoice


@transaction.atomic
def invoice_update(
    *,
    invoice: Invoice,
    customer: Customer | None,
    organization: Organization | None,
    currency: str,
    tax_rate: Decimal,
    payment_terms_days: int,
    by: User | None,
) -> Invoice:
    """Change a draft's header. Its owner can change only while no line comes from its subscription
    (then the subscription decides who pays)."""
    invoice = _draft(invoice)
    if (customer is None) == (organization is None):
        raise ValidationError(_("Choose either a customer or an organization."))
    owner_changes = (getattr(customer, "pk", None), getattr(organization, "pk", None)) != (
        invoice.customer_id,
        invoice.organization_id,
    )
    if owner_changes and invoice.subscription_id and invoice.lines.exists():
        raise ValidationError(
            _("This draft bills a subscription: its customer or organization cannot be changed.")
        )
    invoice.customer, invoice.organization = customer, organization
    invoice.currency = currency.strip().upper()
    invoice.tax_rate = tax_rate
    invoice.payment_terms_days = payment_terms_days
    invoice.full_clean(exclude=["created_by", "subscription"])
    _refresh_amounts(invoice)
    header = ["customer", "organization", "currency", "tax_rate", "payment_terms_days"]
    invoice.save(update_fields=[*header, "total", "balance"])
    outbox_publish(name="invoice.draft_updated", payload={"invoice_id": invoice.pk})
    return invoice


def _line_of(invoice: Invoice, line_id: int) -> InvoiceLine:
    line = InvoiceLine.objects.filter(invoice=invoice, pk=line_id).first()
    if line is None:
        raise ValidationError(_("This line is not on the invoice (any more)."))
    return line


@transaction.atomic
def invoice_line_update(
    *,
    invoice: Invoice,
    line_id: int,
    description: str,
    quantity: Decimal,
    unit_price: Decimal,
    tax_rate: Decimal | None = None,
    by: User | None,
) -> Invoice:
    invoice = _draft(invoice)
    line = _line_of(invoice, line_id)
    line_values_checked(quantity=quantity, unit_price=unit_price)
    line.description, line.quantity, line.unit_price, line.tax_rate = (
        description.strip(),
        quantity,
        unit_price,
        tax_rate,
    )
    line.full_clean()
    line.save(update_fields=["description", "quantity", "unit_price", "tax_rate"])
    _refresh_amounts(invoice)
    invoice.save(update_fields=["total", "balance"])
    return invoice


@transaction.atomic
def invoice_line_delete(*, invoice: Invoice, line_id: int, by: User | None) -> Invoice:
    """Remove a draft's line; time entries billed by it become unbilled again (a later invoice bills
    them)."""
    invoice = _draft(invoice)
    line = _line_of(invoice, line_id)
    line.time_entries.update(invoice_line=None)
    line.delete()
    _refresh_amounts(invoice)
    invoice.save(update_fields=["total", "balance"])
    return invoice
