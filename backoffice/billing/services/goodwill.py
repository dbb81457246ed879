"""Service recovery: from a complaint ticket an agent proposes a goodwill credit on the customer's
account (their organization's, when they have one). Within the agent's limit it is approved at once;
above it, it waits for a supervisor (or admin) to approve or reject it."""

from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from backoffice.billing.models import CreditNote, CreditNoteStatus
from backoffice.billing.money import to_cents
from helpdesk.models import DESK_ROLES, Role, User
from helpdesk.outbox import outbox_publish
from tickets.models import Ticket

# What an agent may give on their own, per credit, in any currency; supervisors and admins are not
# limited. (A per-agent limit belongs on the agent's roster profile once it has one.)
AGENT_GOODWILL_LIMIT = Decimal("50.00")
APPROVERS = frozenset({Role.SUPERVISOR, Role.ADMIN})


@transaction.atomic
def goodwill_credit_propose(
    *, ticket: Ticket, by: User, amount: Decimal, currency: str, reason: str
) -> CreditNote:
    if by.role not in DESK_ROLES:
        raise PermissionDenied(_("Only desk staff propose goodwill credits."))
    amount = to_cents(amount)
    if amount <= 0:
        raise ValidationError({"amount": _("Enter an amount greater than zero.")})
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the credit is given.")})
    requester = ticket.requester
    within_limit = by.role in APPROVERS or amount <= AGENT_GOODWILL_LIMIT
    note = CreditNote(
        customer=None if requester.organization_id else requester,
        organization_id=requester.organization_id,
        ticket=ticket,
        amount=amount,
        currency=currency.upper(),
        reason=reason.strip(),
        status=CreditNoteStatus.APPROVED if within_limit else CreditNoteStatus.PROPOSED,
        decided_by=by if within_limit else None,
        created_by=by,
    )
    note.full_clean(exclude=["created_by", "decided_by", "ticket", "customer", "organization"])
    note.save()
    event = "credit.approved" if within_limit else "credit.proposed"
    outbox_publish(name=event, payload={"credit_note_id": note.pk, "ticket_id": ticket.pk})
    return note


@transaction.atomic
def goodwill_credit_decide(*, note: CreditNote, by: User, approve: bool) -> CreditNote:
    if by.role not in APPROVERS:
        raise PermissionDenied(_("Only supervisors and admins approve goodwill credits."))
    note = CreditNote.objects.select_for_update().get(pk=note.pk)
    if note.status != CreditNoteStatus.PROPOSED:
        raise ValidationError(_("This credit was decided already."))
    note.status = CreditNoteStatus.APPROVED if approve else CreditNoteStatus.REJECTED
    note.decided_by = by
    note.save(update_fields=["status", "decided_by"])
    outbox_publish(
        name=f"credit.{note.status}", payload={"credit_note_id": note.pk, "ticket_id": note.ticket_id}
    )
    return note
