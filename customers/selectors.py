"""Reads about customers for the desk: the customer from a URL and everything the 360° view shows.

Desk users (agents, supervisors, admins) may read every customer; what they see of tickets stays
limited by ticket visibility (an agent sees the tickets of their teams), except the lifetime count.
"""

from dataclasses import dataclass
from datetime import datetime
from functools import cached_property

from django.http import Http404
from django.utils import timezone

from customers import external, facts
from customers.interactions import InteractionPage, channel_choices, customer_interactions
from customers.models import (
    ConsentPurpose,
    Customer,
    CustomerMerge,
    Identity,
    IdentityKind,
    normalise_identity,
)
from customers.services import IDENTITY_EDITORS, consent_state
from helpdesk.models import Role, User
from tickets.models import Ticket


def customer_for_desk(user: User, pk: int) -> Customer:
    """The customer `pk` for a desk page, with their organization, account manager and contact
    facts loaded in one query; 404 when there is none (or for a user who is not desk staff)."""
    if not user.is_authenticated or not user.is_agent:
        raise Http404
    customers = Customer.objects.select_related("organization__account_manager", "merged_into")
    customer = facts.with_contact_facts(customers).filter(pk=pk).first()
    if customer is None:
        raise Http404
    return customer


class Customer360:
    """What the 360° view shows, each part read when a template first asks for it (so that an htmx
    response for one section reads only that section)."""

    def __init__(
        self,
        customer: Customer,
        user: User,
        *,
        channel: str = "",
        cursor: str = "",
        now: datetime | None = None,
    ) -> None:
        self.customer = customer
        self.user = user
        self.channel = channel
        self.cursor = cursor
        self.now = now or timezone.now()

    @property
    def can_edit_identities(self) -> bool:
        """Identities decide who a message is from, and merging moves history: supervisors and admins."""
        return self.user.role in IDENTITY_EDITORS

    @property
    def can_use_gdpr(self) -> bool:
        """Exporting and erasing a person's data is for admins (customers/gdpr)."""
        return self.user.role == Role.ADMIN

    @cached_property
    def contact(self) -> facts.ContactFacts:
        return facts.contact_facts(self.customer)

    @cached_property
    def identities(self) -> list[Identity]:
        return list(self.customer.identities.order_by("kind", "-verified", "value"))

    @cached_property
    def consents(self) -> dict:
        return consent_state(self.customer)

    @cached_property
    def consent_rows(self) -> list[dict]:
        """Each purpose with the decision that holds now (None: never asked)."""
        return [
            {"purpose": purpose, "label": label, "consent": self.consents[purpose]}
            for purpose, label in ConsentPurpose.choices
        ]

    @cached_property
    def consent_warnings(self) -> list:
        return facts.consent_warnings(self.consents)

    @cached_property
    def tags(self) -> list:
        return list(self.customer.tags.all())

    @cached_property
    def _open(self) -> tuple[list[facts.OpenTicket], bool]:
        return facts.open_tickets_for(self.customer, self.user, self.now)

    @property
    def open_tickets(self) -> list[facts.OpenTicket]:
        return self._open[0]

    @property
    def more_open_tickets(self) -> bool:
        return self._open[1]

    @cached_property
    def channel_choices(self) -> list[tuple[str, str]]:
        return channel_choices()

    @cached_property
    def interactions(self) -> InteractionPage:
        return customer_interactions(self.customer, self.user, channel=self.channel, cursor=self.cursor)

    @cached_property
    def ratings(self) -> external.Ratings | None:
        return external.customer_ratings(self.customer)

    @cached_property
    def billing(self) -> external.Billing | None:
        return external.customer_billing(self.customer, today=timezone.localdate(self.now))

    @cached_property
    def merges(self) -> list[CustomerMerge]:
        """Duplicates merged into this customer and not undone, newest first (each can be undone)."""
        return list(
            CustomerMerge.objects.filter(target=self.customer, undone_at__isnull=True)
            .select_related("source", "merged_by")
            .order_by("-merged_at")[:5]
        )


def merge_candidate(query: str, *, target: Customer) -> Customer | None:
    """The customer a supervisor means by "#12", "12" or an email address (any of their identities)."""
    query = query.strip().removeprefix("#")
    if query.isascii() and query.isdigit() and len(query) < 19:
        return Customer.objects.exclude(pk=target.pk).filter(pk=int(query)).first()
    if "@" in query:
        value = normalise_identity(IdentityKind.EMAIL, query)
        identity = (
            Identity.objects.select_related("customer").filter(kind=IdentityKind.EMAIL, value=value).first()
        )
        if identity is not None and identity.customer_id != target.pk:
            return identity.customer
    return None


@dataclass(frozen=True)
class CustomerPanel:
    """The customer beside a ticket: what the agent must know before answering."""

    lifetime_tickets: int
    open_tickets: list[facts.OpenTicket]
    consent_warnings: list
    billing: external.Billing | None

    @property
    def is_repeat(self) -> bool:
        return facts.is_repeat_customer(self.lifetime_tickets)


def ticket_customer_panel(ticket: Ticket, *, other_open: list[Ticket], now: datetime) -> CustomerPanel:
    """For the ticket page; `other_open` are the requester's other open tickets it already lists
    (those the agent may see)."""
    customer = ticket.requester
    return CustomerPanel(
        # Counted with the ticket by ticket_page_ticket when it could be; else one query here.
        lifetime_tickets=getattr(ticket, "requester_lifetime_tickets", None)
        or facts.lifetime_ticket_count(customer),
        open_tickets=facts.with_sla(other_open, now),
        consent_warnings=facts.consent_warnings(consent_state(customer)),
        billing=external.customer_billing(customer, today=timezone.localdate(now)),
    )
