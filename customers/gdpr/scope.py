"""What belongs to a customer, for GDPR export and erasure alike (so both cover the same data).

The person is the customer and every duplicate merged into them (a merge leaves the duplicate's
row behind, still holding the name it came with). Their tickets are the ones they asked (requester),
the ones they were copied on (CC) and any other ticket holding a message they wrote. On a ticket
they asked, the whole conversation is about them, staff replies and internal notes included; on
another ticket only their own messages are. Other customers' messages belong to those customers.
"""

from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from customers.models import Customer
from helpdesk.models import Role, User
from tickets.models import AuthorKind, Message, Ticket


def ensure_admin(by: User | None) -> None:
    if by is None or not by.is_active or by.role != Role.ADMIN:
        raise PermissionDenied(_("Only admins may export or erase a customer's personal data."))


def customer_for_gdpr(user: User, pk: int) -> Customer:
    """The customer at /desk/customers/<pk>/ for a GDPR action: 403 unless admin, 404 if missing."""
    ensure_admin(user)
    return get_object_or_404(Customer, pk=pk)


def customer_and_duplicates(customer: Customer) -> list[Customer]:
    """The customer first, then every customer merged into them (merges of merges too)."""
    people, frontier, seen = [customer], [customer.pk], {customer.pk}
    while frontier:
        found = [
            c for c in Customer.objects.filter(merged_into__in=frontier).order_by("pk") if c.pk not in seen
        ]
        people += found
        frontier = [c.pk for c in found]
        seen.update(frontier)
    return people


@dataclass
class CustomerScope:
    people: list[Customer]
    requested: set[int] = field(default_factory=set)
    copied: set[int] = field(default_factory=set)
    wrote_on: set[int] = field(default_factory=set)

    @property
    def customer_ids(self) -> list[int]:
        return [person.pk for person in self.people]

    @property
    def user_ids(self) -> list[int]:
        return [person.user_id for person in self.people if person.user_id]

    @property
    def ticket_ids(self) -> list[int]:
        return sorted(self.requested | self.copied | self.wrote_on)

    def own_messages(self) -> Q:
        """Messages they wrote: as the customer, or signed in to the portal (never a staff login)."""
        mine = Q(author_customer__in=self.customer_ids)
        if self.user_ids:
            mine |= Q(author_user__in=self.user_ids, author_kind=AuthorKind.CUSTOMER)
        return mine

    def exported_messages(self) -> Q:
        """Everything on a ticket they asked; elsewhere what they saw (public) or wrote."""
        return Q(ticket_id__in=self.ticket_ids) & (
            Q(ticket_id__in=self.requested) | Q(public=True) | self.own_messages()
        )

    def erased_messages(self) -> Q:
        """Their own messages anywhere, and what staff and the system wrote on tickets they asked."""
        staff = Q(ticket_id__in=self.requested, author_kind__in=[AuthorKind.AGENT, AuthorKind.SYSTEM])
        return self.own_messages() | staff


def customer_scope(customer: Customer) -> CustomerScope:
    scope = CustomerScope(people=customer_and_duplicates(customer))
    ids = scope.customer_ids
    scope.requested = set(Ticket.objects.filter(requester__in=ids).values_list("pk", flat=True))
    scope.copied = set(
        Ticket.ccs.through.objects.filter(customer__in=ids).values_list("ticket_id", flat=True)
    )
    scope.wrote_on = set(
        Message.objects.filter(scope.own_messages()).values_list("ticket_id", flat=True).distinct()
    )
    return scope
