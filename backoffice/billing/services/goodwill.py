"""Service recovery: from a complaint ticket an agent proposes a goodwill credit on the customer's
account (their organization's, when they have one). Within the agent's limit it is approved at once;
above it, it waits for a supervisor (or admin) to approve or reject it."""

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from backoffice.billing.models import CreditNote, CreditNoteStatus
from backoffice.billing.money import to_cents
from backoffice.rosters.models import AgentProfile
from helpdesk.models import DESK_ROLES, Role, User
from helpdesk.outbox import outbox_publish
from tickets.models import Ticket

APPROVERS = frozenset({Role.SUPERVISOR, Role.ADMIN})


def goodwill_limit_of(user: User) -> Decimal | None:
    """The largest credit `user` may give on their own, per credit and in any currency: their roster
    profile's limit, else settings.GOODWILL_DEFAULT_LIMIT; None (no limit) for supervisors and admins."""
    if user.role in APPROVERS:
        return None
    own = AgentProfile.objects.filter(user=user).values_list("goodwill_limit", flat=True).first()
    return own if own is not None else Decimal(settings.GOODWILL_DEFAULT_LIMIT)


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
    limit = goodwill_limit_of(by)
    within_limit = limit is None or amount <= limit
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
