"""The facts an agent acts on about a customer: open tickets and their SLA state, how many tickets
they ever had, when we last heard from them, whether they are a returning customer, and what they
said no to. Ratings and billing come from customers/external.py (they fill in when those models land).
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Count, IntegerField, OuterRef, Subquery, TextChoices, Value
from django.db.models.functions import Coalesce
from django.db.models.query import QuerySet
from django.utils.translation import gettext_lazy as _

from customers.models import Consent, ConsentPurpose, Customer
from helpdesk.models import User
from tickets.models import UNSOLVED, Channel, Message, Ticket

# A returning customer has come to us before: at least this many tickets in their lifetime (the one
# in front of the agent and an earlier one). Counted over all their tickets, not only those the agent
# may open, since a count shows nothing of another team's work. Tickets merged into another count once.
REPEAT_CUSTOMER_MIN_TICKETS = 2
# A due time this close is "at risk": time enough to act before it is breached.
SLA_AT_RISK_WITHIN = timedelta(hours=1)
# The open tickets listed on the 360° view and the ticket page's panel.
OPEN_TICKETS_SHOWN = 10


def is_repeat_customer(lifetime_tickets: int) -> bool:
    return lifetime_tickets >= REPEAT_CUSTOMER_MIN_TICKETS


class SlaState(TextChoices):
    BREACHED = "breached", _("Breached")
    AT_RISK = "at_risk", _("At risk")
    ON_TRACK = "on_track", _("On track")
    NO_TARGET = "none", _("No target")


def ticket_next_due(ticket: Ticket) -> datetime | None:
    """The SLA target that falls due first: the first response until it is given, the next
    response and the resolution. (The SLA engine keeps these columns current, pauses included.)"""
    dues = [ticket.next_response_due_at, ticket.resolution_due_at]
    if ticket.first_response_at is None:
        dues.append(ticket.first_response_due_at)
    dues = [due for due in dues if due is not None]
    return min(dues) if dues else None


def ticket_sla_state(ticket: Ticket, now: datetime) -> str:
    due = ticket_next_due(ticket) if ticket.is_unsolved else None
    if due is None:
        return SlaState.NO_TARGET
    if due <= now:
        return SlaState.BREACHED
    if due <= now + SLA_AT_RISK_WITHIN:
        return SlaState.AT_RISK
    return SlaState.ON_TRACK


@dataclass(frozen=True)
class OpenTicket:
    ticket: Ticket
    sla: str
    due_at: datetime | None

    @property
    def sla_label(self) -> str:
        return SlaState(self.sla).label


def with_sla(tickets: list[Ticket], now: datetime) -> list[OpenTicket]:
    return [OpenTicket(ticket, ticket_sla_state(ticket, now), ticket_next_due(ticket)) for ticket in tickets]


def open_tickets_for(customer: Customer, user: User, now: datetime, *, exclude: Ticket | None = None):
    """The customer's unsolved tickets that `user` may open, most urgent first, with their SLA state;
    and whether there are more than shown."""
    tickets = Ticket.objects.visible_to(user).filter(requester=customer, status__in=UNSOLVED)
    if exclude is not None:
        tickets = tickets.exclude(pk=exclude.pk)
    rows = list(tickets.order_by("-updated_at", "-id")[: OPEN_TICKETS_SHOWN + 1])
    shown = with_sla(rows[:OPEN_TICKETS_SHOWN], now)
    order = [SlaState.BREACHED, SlaState.AT_RISK, SlaState.ON_TRACK, SlaState.NO_TARGET]
    shown.sort(key=lambda row: order.index(row.sla))  # stable: newest first within a state
    return shown, len(rows) > OPEN_TICKETS_SHOWN


def _lifetime_tickets() -> QuerySet:
    return Ticket.objects.filter(requester=OuterRef("pk"), merged_into__isnull=True)


def with_contact_facts(customers: QuerySet) -> QuerySet:
    """Customers annotated, in the same query, with their lifetime ticket count and their newest
    ticket and incoming message (see ContactFacts)."""
    count = _lifetime_tickets().order_by().values("requester").annotate(count=Count("pk")).values("count")
    newest_ticket = Ticket.objects.filter(requester=OuterRef("pk")).order_by("-created_at", "-id")
    newest_message = Message.objects.filter(author_customer=OuterRef("pk"), incoming=True).order_by(
        "-created_at", "-id"
    )
    return customers.annotate(
        lifetime_tickets=Coalesce(Subquery(count, output_field=IntegerField()), Value(0)),
        last_ticket_at=Subquery(newest_ticket.values("created_at")[:1]),
        last_ticket_channel=Subquery(newest_ticket.values("channel")[:1]),
        last_message_at=Subquery(newest_message.values("created_at")[:1]),
        last_message_channel=Subquery(newest_message.values("channel")[:1]),
    )


def lifetime_ticket_count(customer: Customer) -> int:
    return Ticket.objects.filter(requester=customer, merged_into__isnull=True).count()


@dataclass(frozen=True)
class ContactFacts:
    lifetime_tickets: int
    last_contact_at: datetime | None
    last_contact_channel: str

    @property
    def is_repeat(self) -> bool:
        return is_repeat_customer(self.lifetime_tickets)

    @property
    def last_contact_channel_label(self) -> str:
        return str(Channel(self.last_contact_channel).label) if self.last_contact_channel else ""


def contact_facts(customer: Customer) -> ContactFacts:
    """From a customer loaded through with_contact_facts: the last contact is their newest
    ticket or incoming message, whichever came later."""
    candidates = [
        (customer.last_ticket_at, customer.last_ticket_channel),
        (customer.last_message_at, customer.last_message_channel),
    ]
    candidates = [candidate for candidate in candidates if candidate[0] is not None]
    at, channel = max(candidates, key=lambda candidate: candidate[0]) if candidates else (None, "")
    return ContactFacts(customer.lifetime_tickets, at, channel or "")


# What an agent must know before acting: a "no" to these is shown as a warning.
WARN_WHEN_REFUSED = (ConsentPurpose.CALL_RECORDING, ConsentPurpose.MARKETING, ConsentPurpose.PROCESSING)


def consent_warnings(state: dict[str, Consent | None]) -> list[Consent]:
    """The decisions that hold now and say no, in the order of WARN_WHEN_REFUSED."""
    return [
        state[purpose] for purpose in WARN_WHEN_REFUSED if state.get(purpose) and not state[purpose].granted
    ]
