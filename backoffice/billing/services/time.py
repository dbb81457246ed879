"""Support time becomes money: agents log minutes on tickets; for customers on an hourly plan the
unbilled billable minutes become one line of their next subscription invoice."""

from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Q
from django.utils.translation import gettext as _

from backoffice.billing.models import Invoice, InvoiceLine, Plan, PlanKind, TimeEntry
from backoffice.billing.services.prepaid import prepaid_draw
from helpdesk.models import DESK_ROLES, User
from tickets.models import Ticket

# Hours on an invoice line carry three decimals (3.6 seconds), so 20 minutes bill as 0.333 h.
HOURS = Decimal("0.001")


@transaction.atomic
def time_entry_log(
    *, ticket: Ticket, agent: User, minutes: int, billable: bool = True, note: str = "", now: datetime
) -> TimeEntry:
    if agent.role not in DESK_ROLES:
        raise ValidationError(_("Only desk staff log time on tickets."))
    entry = TimeEntry(
        ticket=ticket, agent=agent, minutes=minutes, billable=billable, note=note.strip(), logged_at=now
    )
    entry.full_clean()
    entry.save()
    # Customers on a prepaid-hours plan pay for this time from their balance, as far as it goes.
    return prepaid_draw(entry=entry)


def unbilled_time(*, invoice: Invoice):
    """Billable, not yet invoiced time on tickets of the invoice's customer or organization."""
    if invoice.customer_id:
        owner = Q(ticket__requester_id=invoice.customer_id)
    else:
        owner = Q(ticket__requester__organization_id=invoice.organization_id)
    return TimeEntry.objects.filter(owner, billable=True, invoice_line__isnull=True)


def invoice_add_billable_time(*, invoice: Invoice, plan: Plan) -> InvoiceLine | None:
    """Within the caller's transaction (a draft being made): one line for the unbilled time, at the
    plan's price per hour (hourly plans) or its hourly rate (prepaid-hours plans, which bill only what
    the prepaid balance did not cover: `minutes - prepaid_minutes` of each entry). The entries are
    locked and marked so they are billed once; time fully paid from the balance is left alone."""
    rate = plan.hourly_rate if plan.kind == PlanKind.PREPAID_HOURS else plan.price
    if not rate or rate <= 0:
        return None  # nothing to charge the time at; it stays unbilled
    entries = list(
        unbilled_time(invoice=invoice)
        .filter(minutes__gt=F("prepaid_minutes"))
        .select_for_update(of=("self",))
    )
    minutes = sum(entry.minutes - entry.prepaid_minutes for entry in entries)
    if not minutes:
        return None
    hours = (Decimal(minutes) / 60).quantize(HOURS, rounding=ROUND_HALF_UP)
    if plan.kind == PlanKind.PREPAID_HOURS:
        description = _("Support time beyond the prepaid hours, %(minutes)s minutes") % {"minutes": minutes}
    else:
        description = _("Support time, %(minutes)s minutes") % {"minutes": minutes}
    line = InvoiceLine.objects.create(
        invoice=invoice,
        description=description,
        quantity=hours,
        unit_price=rate,
        position=invoice.lines.count() + 1,
    )
    TimeEntry.objects.filter(pk__in=[entry.pk for entry in entries]).update(invoice_line=line)
    return line
