"""What agents do from a ticket's "Time and billing" panel besides logging minutes and proposing
credits: their start/stop timer, taking back a time entry, and unlinking an invoice."""

import math
from datetime import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import formats
from django.utils.translation import gettext as _

from backoffice.billing.models import Invoice, RunningTimer, TimeEntry
from backoffice.billing.services.goodwill import APPROVERS
from backoffice.billing.services.prepaid import prepaid_give_back
from backoffice.billing.services.time import time_entry_log
from helpdesk.models import DESK_ROLES, User
from helpdesk.outbox import outbox_publish
from tickets.models import Ticket

MAX_ENTRY_MINUTES = 24 * 60


def timer_start(*, ticket: Ticket, agent: User, now: datetime) -> RunningTimer:
    if agent.role not in DESK_ROLES:
        raise ValidationError(_("Only desk staff log time on tickets."))
    running = RunningTimer.objects.filter(ticket=ticket, agent=agent).first()
    if running is not None:
        raise ValidationError(
            _("Your timer on this ticket is already running (since %(start)s).")
            % {"start": formats.date_format(running.started_at, "SHORT_DATETIME_FORMAT")}
        )
    try:
        # A savepoint: a double click racing past the check above hits the unique constraint.
        with transaction.atomic():
            return RunningTimer.objects.create(ticket=ticket, agent=agent, started_at=now)
    except IntegrityError:
        raise ValidationError(_("Your timer on this ticket is already running.")) from None


def elapsed_minutes(started_at: datetime, now: datetime) -> int:
    """Whole minutes, rounded up: a timer stopped after 61 seconds logs 2 minutes, and at least 1."""
    return max(1, math.ceil((now - started_at).total_seconds() / 60))


@transaction.atomic
def timer_stop(
    *, ticket: Ticket, agent: User, now: datetime, billable: bool = True, note: str = ""
) -> TimeEntry:
    """Log the elapsed time as a time entry and remove the timer, in one transaction (a refused entry
    keeps the timer running)."""
    timer = RunningTimer.objects.select_for_update().filter(ticket=ticket, agent=agent).first()
    if timer is None:
        raise ValidationError(_("You have no timer running on this ticket."))
    minutes = elapsed_minutes(timer.started_at, now)
    if minutes > MAX_ENTRY_MINUTES:
        raise ValidationError(
            _(
                "The timer ran for more than 24 hours. Log the time you really spent by hand, then "
                "discard the timer."
            )
        )
    entry = time_entry_log(ticket=ticket, agent=agent, minutes=minutes, billable=billable, note=note, now=now)
    timer.delete()
    return entry


@transaction.atomic
def timer_discard(*, ticket: Ticket, agent: User) -> None:
    deleted, _rows = RunningTimer.objects.filter(ticket=ticket, agent=agent).delete()
    if not deleted:
        raise ValidationError(_("You have no timer running on this ticket."))


@transaction.atomic
def time_entry_delete(*, entry: TimeEntry, by: User) -> None:
    """The entry's own agent, or a supervisor or admin, takes back time not invoiced yet; prepaid
    minutes it drew go back to the balance."""
    entry = TimeEntry.objects.select_for_update().get(pk=entry.pk)
    if by.pk != entry.agent_id and by.role not in APPROVERS:
        raise PermissionDenied(_("Only the agent who logged this time, or a supervisor, may delete it."))
    if entry.invoice_line_id:
        raise ValidationError(_("This time is on an invoice already and cannot be deleted."))
    prepaid_give_back(entry=entry)
    entry.delete()


@transaction.atomic
def invoice_ticket_unlink(*, invoice: Invoice, ticket: Ticket, by: User | None) -> Invoice:
    invoice.tickets.remove(ticket)
    outbox_publish(name="invoice.ticket_unlinked", payload={"invoice_id": invoice.pk, "ticket_id": ticket.pk})
    return invoice
