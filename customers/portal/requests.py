"""What a customer may see and do with requests in the portal.

A customer sees the tickets they asked, the ones they are copied on, and, as an organization manager,
every ticket of their organization. Everything else is a 404, whatever the id in the URL: each page
goes through `portal_ticket`. The conversation shown is the public one only; internal notes never are.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from customers.models import Customer, IdentityKind
from customers.services import customer_by_identity, customer_create, customer_find_or_create
from tickets.models import UNSOLVED, Activity, Message, Status, Ticket
from tickets.services import activity_record, ticket_update
from tickets.sla.forecast import expected_first_reply

MAX_CCS = 10

# The customer's words for the desk's statuses: "pending" means the desk waits for them.
CUSTOMER_STATUS = {
    Status.NEW: gettext_lazy("Open"),
    Status.OPEN: gettext_lazy("Open"),
    Status.ON_HOLD: gettext_lazy("In progress"),
    Status.PENDING: gettext_lazy("Awaiting your reply"),
    Status.SOLVED: gettext_lazy("Solved"),
    Status.CLOSED: gettext_lazy("Closed"),
}
STATUS_FILTERS = {
    "open": (Status.NEW, Status.OPEN, Status.ON_HOLD),
    "awaiting": (Status.PENDING,),
    "solved": (Status.SOLVED, Status.CLOSED),
}


def portal_customer(user) -> Customer:
    """The customer record of a signed-in portal user; a login made by staff (or before the portal)
    gets one on its first visit (see `customer_link_login`)."""
    customer = (
        Customer.objects.filter(user=user, merged_into__isnull=True).select_related("organization").first()
    )
    return customer or customer_link_login(user=user)


@transaction.atomic
def customer_link_login(*, user) -> Customer:
    """The customer known by the login's email address, if nobody claimed them yet, else a new one.
    The address is the login's own (verified at sign-up, or set by staff), so it may claim them; an
    address already claimed by another login is a 404."""
    existing = customer_by_identity(IdentityKind.EMAIL, user.email)
    if existing is None:
        return customer_create(
            name=user.full_name or user.email, email=user.email, user=user, language=user.language
        )
    if existing.user_id not in (None, user.pk) or existing.merged_into_id is not None:
        raise Http404
    Customer.objects.filter(pk=existing.pk).update(user=user)
    existing.user = user
    return existing


def visible_tickets(customer: Customer, *, organization: bool = False) -> QuerySet:
    """The customer's own and copied tickets; with `organization`, a manager's whole organization."""
    if organization and customer.organization_manager and customer.organization_id:
        scope = Q(organization_id=customer.organization_id) | Q(requester=customer) | Q(ccs=customer)
    else:
        scope = Q(requester=customer) | Q(ccs=customer)
    # The scope may join the CC table; a subquery keeps one row per ticket without DISTINCT.
    ids = Ticket.objects.filter(scope, merged_into__isnull=True).values("pk")
    return Ticket.objects.filter(pk__in=ids)


def portal_ticket(customer: Customer, pk: int) -> Ticket:
    """The ticket if this customer may see it, else 404 (never 403: that would confirm it exists)."""
    ticket = visible_tickets(customer, organization=True).select_related("requester").filter(pk=pk).first()
    if ticket is None:
        raise Http404
    return ticket


def request_list(
    customer: Customer, *, status: str = "", query: str = "", organization: bool = False
) -> QuerySet:
    tickets = visible_tickets(customer, organization=organization).select_related("requester")
    if status in STATUS_FILTERS:
        tickets = tickets.filter(status__in=STATUS_FILTERS[status])
    if query:
        number = query.lstrip("#")
        by_number = Q(pk=int(number)) if number.isdigit() and len(number) < 12 else Q()
        tickets = tickets.filter(Q(subject__icontains=query) | by_number)
    return tickets.order_by("-updated_at", "-pk")


def public_conversation(ticket: Ticket) -> QuerySet:
    return (
        Message.objects.filter(ticket=ticket, public=True)
        .select_related("author_user", "author_customer")
        .prefetch_related("attachments")
        .order_by("created_at", "pk")
    )


def status_history(ticket: Ticket) -> list[tuple[datetime, str]]:
    """(when, customer-facing status) from the request's creation on, without repeats."""
    history = [(ticket.created_at, CUSTOMER_STATUS[Status.NEW])]
    for at, new in (
        Activity.objects.filter(ticket=ticket, field="status")
        .order_by("created_at", "pk")
        .values_list("created_at", "new")
    ):
        label = CUSTOMER_STATUS.get(new)
        if label is not None and label != history[-1][1]:
            history.append((at, label))
    return history


@dataclass(frozen=True)
class Expectations:
    first_reply: datetime | None
    resolution: datetime | None


def request_expectations(ticket: Ticket, *, now: datetime) -> Expectations:
    """When the customer may expect an answer and, where a target exists, the resolution: the
    forecast from the team's queue when there is one, else the SLA's deadline."""
    if not ticket.is_unsolved:
        return Expectations(None, None)
    first_reply = None
    if ticket.first_response_at is None:
        forecast = expected_first_reply(ticket, now=now)
        first_reply = forecast.at if forecast is not None else ticket.first_response_due_at
    return Expectations(first_reply, ticket.resolution_due_at)


def can_reopen(ticket: Ticket, *, now: datetime) -> bool:
    """A solved request may be reopened for PORTAL_REOPEN_DAYS; after that, or once closed, the
    customer files a follow-up instead."""
    window = timedelta(days=settings.PORTAL_REOPEN_DAYS)
    return ticket.status == Status.SOLVED and (ticket.solved_at is None or now - ticket.solved_at <= window)


@transaction.atomic
def request_mark_solved(*, ticket: Ticket, customer: Customer) -> Ticket:
    """The customer says the request is solved; the desk sees who said so in the activity."""
    if ticket.status not in UNSOLVED:
        raise ValidationError(_("This request is not open any more."))
    return ticket_update(
        ticket=ticket,
        by=None,
        changes={"status": Status.SOLVED},
        reason=_("marked solved by %(name)s in the portal") % {"name": customer.name or customer.email},
    )


@transaction.atomic
def request_add_cc(*, ticket: Ticket, customer: Customer, email: str) -> Customer:
    """Copy a colleague on the request: they see it in their portal and get its public replies."""
    email = email.strip().lower()
    validate_email(email)
    if email == (customer.email or "").lower() or email == (ticket.requester.email or "").lower():
        raise ValidationError(_("The requester already follows this request."))
    if ticket.ccs.count() >= MAX_CCS:
        raise ValidationError(_("A request can have at most %(count)s people in copy.") % {"count": MAX_CCS})
    colleague = customer_find_or_create(email=email)
    if ticket.ccs.filter(pk=colleague.pk).exists():
        raise ValidationError(_("%(email)s is already in copy.") % {"email": email})
    ticket.ccs.add(colleague)
    activity_record(
        ticket=ticket,
        actor=None,
        field="cc",
        new=email,
        reason=_("added by %(name)s") % {"name": customer.name},
    )
    return colleague
