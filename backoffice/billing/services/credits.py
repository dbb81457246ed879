"""Account credit: approved credit notes on a customer's or organization's account that no invoice
uses yet (goodwill credits from tickets). Back-office staff apply one to an open invoice of the same
account and currency; applying part of it splits the note: the applied part points at the invoice,
the rest stays on the account with the same reason, ticket and approver."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from backoffice.billing.models import CreditNote, CreditNoteStatus, Invoice
from backoffice.billing.money import to_cents
from backoffice.billing.services.invoices import _locked, _money_in, _refresh_amounts, _settle_if_paid
from helpdesk.models import User
from helpdesk.outbox import outbox_publish


def _same_account(note: CreditNote, invoice: Invoice) -> bool:
    if note.customer_id:
        return note.customer_id == invoice.customer_id
    return bool(note.organization_id) and note.organization_id == invoice.organization_id


@transaction.atomic
def credit_apply(
    *, invoice: Invoice, credit_id: int, amount: Decimal | None = None, by: User | None
) -> CreditNote:
    """Apply `amount` (all of the credit that the balance takes, when None) of an account credit to an
    open invoice. The invoice is locked first, then the credit note, always in this order, so two
    applications of one credit wait for each other and the second sees what the first left."""
    invoice = _locked(invoice)
    note = CreditNote.objects.select_for_update().filter(pk=credit_id).first()
    if note is None or note.invoice_id is not None or note.status != CreditNoteStatus.APPROVED:
        raise ValidationError(_("This credit is not available on the account (any more)."))
    if not _same_account(note, invoice):
        raise ValidationError(_("This credit belongs to another account."))
    if note.currency != invoice.currency:
        raise ValidationError(
            _("This credit is in %(credit)s and the invoice in %(invoice)s: apply one in the same currency.")
            % {"credit": note.currency, "invoice": invoice.currency}
        )
    if amount is None:
        amount = min(note.amount, invoice.balance)
    amount = _money_in(invoice, amount)
    if amount > note.amount:
        raise ValidationError(
            {
                "amount": _("Only %(available)s %(currency)s of this credit is left.")
                % {"available": note.amount, "currency": note.currency}
            }
        )
    remainder = to_cents(note.amount - amount)
    if remainder > 0:
        CreditNote.objects.create(
            customer_id=note.customer_id,
            organization_id=note.organization_id,
            amount=remainder,
            currency=note.currency,
            reason=note.reason,
            status=note.status,
            ticket_id=note.ticket_id,
            decided_by_id=note.decided_by_id,
            created_by_id=note.created_by_id,
            created_at=note.created_at,
        )
    note.invoice = invoice
    note.amount = amount
    note.save(update_fields=["invoice", "amount"])
    amounts = _refresh_amounts(invoice)
    _settle_if_paid(invoice, amounts)
    invoice.save(update_fields=["status", "total", "balance"])
    outbox_publish(
        name="invoice.credited",
        payload={"invoice_id": invoice.pk, "credit_note_id": note.pk, "amount": str(amount)},
    )
    return note
