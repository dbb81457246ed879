"""Reads of billing: lists for the back-office pages, owners picked by email or name, and the facts
other parts read (`has_overdue_invoice` for routing rules)."""

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import F, Prefetch, QuerySet
from django.utils import timezone

from backoffice.billing.models import (
    AccountOwned,
    CreditNote,
    CreditNoteStatus,
    Invoice,
    InvoiceLine,
    InvoiceStatus,
    Plan,
    PlanKind,
    RunningTimer,
    Subscription,
    SubscriptionStatus,
    TimeEntry,
)
from backoffice.billing.services.goodwill import goodwill_limit_of
from customers.models import Customer, Organization

DEFAULT_CURRENCY = "EUR"
# A billing question is about an invoice the customer has received.
LINKABLE_STATUSES = (InvoiceStatus.ISSUED, InvoiceStatus.PAID, InvoiceStatus.OVERDUE)


def has_overdue_invoice(customer: Customer) -> bool:
    """Whether the customer, or their organization, has an invoice past due (marked by the overdue job,
    or open and past its due date already), as the 360° view counts them."""
    return Invoice.objects.overdue(today=timezone.localdate()).billed_to(customer).exists()


def plan_list() -> QuerySet[Plan]:
    return Plan.objects.order_by("-active", "name")


def subscription_list() -> QuerySet[Subscription]:
    return Subscription.objects.select_related("plan", "customer", "organization").order_by(
        "-created_at", "-pk"
    )


def invoice_list(*, status: str = "", overdue: bool = False) -> QuerySet[Invoice]:
    invoices = Invoice.objects.select_related("customer", "organization").order_by("-created_at", "-pk")
    if status in InvoiceStatus.values:
        invoices = invoices.filter(status=status)
    if overdue:
        invoices = invoices.overdue()
    return invoices


def invoice_with_details(pk: int) -> QuerySet[Invoice]:
    """One invoice with everything its page shows, in a fixed number of queries."""
    return (
        Invoice.objects.filter(pk=pk)
        .select_related("customer", "organization", "subscription__plan")
        .prefetch_related(
            # Each time line with the entries behind it (ticket and agent), for the invoice page.
            Prefetch(
                "lines",
                queryset=InvoiceLine.objects.prefetch_related(
                    Prefetch(
                        "time_entries",
                        queryset=TimeEntry.objects.select_related("ticket", "agent").order_by(
                            "logged_at", "pk"
                        ),
                    )
                ),
            ),
            "payments",
            Prefetch("credit_notes", queryset=CreditNote.objects.select_related("ticket")),
            "tickets",
        )
    )


def account_credits_for(invoice: Invoice) -> QuerySet[CreditNote]:
    """Approved credit on the invoice's own account (customer or organization) that no invoice uses
    yet, in the invoice's currency: what may be applied to it."""
    owner = (
        {"customer_id": invoice.customer_id}
        if invoice.customer_id
        else {"organization_id": invoice.organization_id}
    )
    return (
        CreditNote.objects.filter(
            invoice__isnull=True, status=CreditNoteStatus.APPROVED, currency=invoice.currency, **owner
        )
        .select_related("ticket")
        .order_by("created_at", "pk")
    )


def subscription_with_details(pk: int) -> QuerySet[Subscription]:
    """One subscription with its plan and owner (its invoices are listed with invoice_list_of)."""
    return Subscription.objects.filter(pk=pk).select_related("plan", "customer", "organization")


def subscription_invoices(subscription: Subscription) -> QuerySet[Invoice]:
    return subscription.invoices.order_by("-period_start", "-created_at", "-pk")


def customer_by_email(email: str) -> Customer | None:
    return (
        Customer.objects.filter(email__iexact=email.strip()).order_by("pk").first() if email.strip() else None
    )


def organization_by_name(name: str) -> Organization | None:
    return (
        Organization.objects.filter(name__iexact=name.strip()).order_by("pk").first()
        if name.strip()
        else None
    )


# --- The "Time and billing" panel of a desk ticket


@dataclass
class TimeSplit:
    """Minutes on a ticket: all, billable, and how the billable ones are paid for."""

    total: int = 0
    billable: int = 0
    billed: int = 0  # on an invoice line (hourly plans; prepaid time beyond the balance)
    prepaid: int = 0  # drawn from a prepaid-hours balance
    unbilled: int = 0  # billable, waiting for the next invoice run


@dataclass
class TicketBilling:
    entries: list[TimeEntry]
    split: TimeSplit
    my_timer: RunningTimer | None
    subscription: Subscription | None
    credits: list[CreditNote]
    invoices: list[Invoice]
    linkable_invoices: QuerySet[Invoice]
    currency: str
    goodwill_limit: Decimal | None

    @property
    def bills_time(self) -> bool:
        """Only hourly and prepaid-hours plans turn time into money; on a flat plan it is included."""
        return self.subscription is not None and self.subscription.plan.kind in (
            PlanKind.HOURLY,
            PlanKind.PREPAID_HOURS,
        )

    @property
    def prepaid_hours_left(self) -> Decimal | None:
        if self.subscription is None or self.subscription.plan.kind != PlanKind.PREPAID_HOURS:
            return None
        return (Decimal(self.subscription.prepaid_minutes) / 60).quantize(Decimal("0.01"))


def time_split(entries: list[TimeEntry]) -> TimeSplit:
    split = TimeSplit()
    for entry in entries:
        split.total += entry.minutes
        if not entry.billable:
            continue
        split.billable += entry.minutes
        split.prepaid += entry.prepaid_minutes
        rest = entry.minutes - entry.prepaid_minutes
        if entry.invoice_line_id:
            split.billed += rest
        else:
            split.unbilled += rest
    return split


def account_subscription(customer: Customer) -> Subscription | None:
    """The customer's (or their organization's) newest subscription that is not cancelled."""
    return (
        Subscription.objects.filter(AccountOwned.account_of(customer))
        .exclude(status=SubscriptionStatus.CANCELLED)
        .select_related("plan")
        .order_by("-created_at", "-pk")
        .first()
    )


def linkable_invoices(ticket) -> QuerySet[Invoice]:
    """Invoices of the requester's account a billing question may be about (not drafts or void ones)."""
    return (
        Invoice.objects.billed_to(ticket.requester)
        .filter(status__in=LINKABLE_STATUSES)
        .exclude(tickets=ticket)
        .order_by("-issue_date", "-pk")
    )


def ticket_billing_panel(ticket, user) -> TicketBilling:
    """Everything the panel shows, in a fixed number of queries (whatever the number of rows)."""
    entries = list(ticket.time_entries.select_related("agent").order_by("logged_at", "pk"))
    subscription = account_subscription(ticket.requester)
    invoices = list(ticket.invoices.order_by("-issue_date", "-pk"))
    if subscription is not None:
        currency = subscription.plan.currency
    else:
        latest = Invoice.objects.billed_to(ticket.requester).order_by("-created_at", "-pk").first()
        currency = latest.currency if latest else DEFAULT_CURRENCY
    return TicketBilling(
        entries=entries,
        split=time_split(entries),
        my_timer=RunningTimer.objects.filter(ticket=ticket, agent=user).first(),
        subscription=subscription,
        credits=list(
            ticket.credit_notes.select_related("created_by", "decided_by").order_by("created_at", "pk")
        ),
        invoices=invoices,
        linkable_invoices=linkable_invoices(ticket),
        currency=currency,
        goodwill_limit=goodwill_limit_of(user),
    )


def goodwill_credits_waiting() -> QuerySet[CreditNote]:
    return (
        CreditNote.objects.filter(invoice__isnull=True, status=CreditNoteStatus.PROPOSED)
        .select_related("ticket", "customer", "organization", "created_by")
        .order_by("created_at", "pk")
    )


def goodwill_credits_decided(limit: int = 20) -> QuerySet[CreditNote]:
    """The latest goodwill credits a supervisor decided (those given within an agent's limit are
    decided by the agent themselves and are left out)."""
    return (
        CreditNote.objects.filter(invoice__isnull=True, ticket__isnull=False, decided_by__isnull=False)
        .exclude(status=CreditNoteStatus.PROPOSED)
        .exclude(decided_by=F("created_by"))
        .select_related("ticket", "customer", "organization", "created_by", "decided_by")
        .order_by("-created_at", "-pk")[:limit]
    )
