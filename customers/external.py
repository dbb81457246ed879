"""Facts about a customer that other parts of the product own: satisfaction ratings (CSAT and NPS,
from the portal) and billing (from the back office). Each is read only when its models exist, so
the 360° view and the ticket page show "no data yet" until they land, then fill in by themselves.

The fields read here are the contract with those models; when they land with other names, change
them in this one module (a FieldError in the customer tests points here):
- tickets.SatisfactionRating: ticket (FK), good (True/False; None while unanswered), comment,
  created_at (when answered)
- tickets.NpsResponse: customer (FK), score (0-10; None for a dismissal), created_at
- billing.Subscription: customer or organization (FK), plan (FK with `name`), status (choices;
  "cancelled" ones are skipped), created_at
- billing.Invoice: customer or organization (FK), status ("issued" or "overdue" while money is
  owed), due_date (date), balance (Decimal, what is still owed), currency
- billing.CreditNote: customer or organization (FK), invoice (FK; none while it is account credit),
  status ("approved" ones count), amount, currency
- billing.Subscription.prepaid_minutes and plan.kind ("prepaid_hours"); billing.TimeEntry: ticket
  (FK, its requester is the customer), billable, invoice_line (FK; none while unbilled), minutes,
  prepaid_minutes (the part paid from prepaid hours)
"""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.apps import apps
from django.db.models import (
    Count,
    DecimalField,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce

from customers.models import Customer

CSAT_MODEL = "tickets.SatisfactionRating"
NPS_MODEL = "tickets.NpsResponse"
SUBSCRIPTION_MODEL = "billing.Subscription"
INVOICE_MODEL = "billing.Invoice"
CREDIT_NOTE_MODEL = "billing.CreditNote"
TIME_ENTRY_MODEL = "billing.TimeEntry"
INVOICE_OPEN = ("issued", "overdue")
INVOICE_OVERDUE = "overdue"
SUBSCRIPTION_ENDED = "cancelled"
CREDIT_APPROVED = "approved"
PLAN_PREPAID_HOURS = "prepaid_hours"
PLAN_HOURLY = "hourly"


def installed_model(label: str):
    """The model called `label` ("app.Model"), or None while no app provides it."""
    try:
        return apps.get_model(label)
    except LookupError:
        return None


# --- Ratings


@dataclass(frozen=True)
class Ratings:
    csat_percent: int | None  # the share of good answers over every rated ticket of the customer
    csat_count: int
    nps_last: int | None  # 0-10, the newest answer

    @property
    def has_any(self) -> bool:
        return self.csat_count > 0 or self.nps_last is not None


def customer_ratings(customer: Customer) -> Ratings | None:
    """None while neither rating model exists (the panel says "No ratings yet")."""
    csat_model, nps_model = installed_model(CSAT_MODEL), installed_model(NPS_MODEL)
    if csat_model is None and nps_model is None:
        return None
    percent, count = None, 0
    if csat_model is not None:
        found = csat_model.objects.filter(ticket__requester=customer, good__isnull=False).aggregate(
            good_count=Count("pk", filter=Q(good=True)), count=Count("pk")
        )
        count = found["count"]
        percent = round(100 * found["good_count"] / count) if count else None
    nps_last = None
    if nps_model is not None:
        newest = (
            nps_model.objects.filter(customer=customer, score__isnull=False)
            .order_by("-created_at", "-pk")
            .first()
        )
        nps_last = newest.score if newest else None
    return Ratings(percent, count, nps_last)


def ratings_for_timeline(customer: Customer) -> QuerySet | None:
    """The customer's CSAT answers as timeline entries (created_at, pk, ticket), or None."""
    csat_model = installed_model(CSAT_MODEL)
    if csat_model is None:
        return None
    return csat_model.objects.filter(ticket__requester=customer, good__isnull=False).select_related("ticket")


# --- Billing


@dataclass(frozen=True)
class Billing:
    plan: str
    subscription_status: str
    open_invoices: int
    overdue_invoices: int
    # What is owed on open invoices, one entry per currency: [(Decimal("12.00"), "EUR")].
    balance: list[tuple[Decimal, str]] = field(default_factory=list)
    # Approved credit on the account that no invoice uses yet, one entry per currency.
    credit: list[tuple[Decimal, str]] = field(default_factory=list)
    # Prepaid-hours plans: hours left (None for other plans).
    prepaid_hours_left: Decimal | None = None
    # Billable support time not invoiced yet, beyond what prepaid hours paid for.
    unbilled_minutes: int = 0

    @property
    def is_overdue(self) -> bool:
        return self.overdue_invoices > 0


def _unbilled_minutes(time_model):
    """A subquery for the subscription's owner: billable minutes not invoiced nor paid from prepaid
    hours, on tickets of the customer (or of the organization's people)."""
    owner = Q(ticket__requester_id=OuterRef("customer_id")) | Q(
        ticket__requester__organization_id=OuterRef("organization_id")
    )
    unbilled = (
        time_model.objects.filter(owner, billable=True, invoice_line__isnull=True)
        .order_by()
        .values("billable")  # all true here: one group, one row
        .annotate(minutes=Sum(F("minutes") - F("prepaid_minutes")))
        .values("minutes")
    )
    return Coalesce(Subquery(unbilled, output_field=IntegerField()), 0)


def customer_billing(customer: Customer, *, today: date) -> Billing | None:
    """The customer's (or their organization's) plan, subscription, invoices and account credit; None
    while the back office has no billing models, or has nothing for this customer. Two queries: the
    subscription (with its unbilled time as a subquery), and invoices and credit per currency as
    one UNION."""
    subscription_model, invoice_model = installed_model(SUBSCRIPTION_MODEL), installed_model(INVOICE_MODEL)
    if subscription_model is None or invoice_model is None:
        return None
    credit_model, time_model = installed_model(CREDIT_NOTE_MODEL), installed_model(TIME_ENTRY_MODEL)
    subscriptions = (
        subscription_model.objects.filter(subscription_model.account_of(customer))
        .exclude(status=SUBSCRIPTION_ENDED)
        .select_related("plan")
        .order_by("-created_at", "-pk")
    )
    if time_model is not None:
        subscriptions = subscriptions.annotate(unbilled_minutes=_unbilled_minutes(time_model))
    subscription = subscriptions.first()
    money = DecimalField(max_digits=12, decimal_places=2)
    open_invoices = invoice_model.objects.filter(invoice_model.account_of(customer), status__in=INVOICE_OPEN)
    per_currency = (
        open_invoices.values("currency")
        .annotate(
            count=Count("pk"),
            # Overdue by the daily job, or already past due today before the job ran.
            overdue=Count("pk", filter=Q(status=INVOICE_OVERDUE) | Q(due_date__lt=today)),
            owed=Sum("balance"),
            credit=Value(Decimal("0.00"), output_field=money),
        )
        .order_by()
    )
    if credit_model is not None:
        credits = (
            credit_model.objects.filter(
                credit_model.account_of(customer), invoice__isnull=True, status=CREDIT_APPROVED
            )
            .values("currency")
            .annotate(
                count=Value(0, output_field=IntegerField()),
                overdue=Value(0, output_field=IntegerField()),
                owed=Value(Decimal("0.00"), output_field=money),
                credit=Sum("amount"),
            )
            .order_by()
        )
        per_currency = per_currency.union(credits, all=True)
    rows = sorted(per_currency, key=lambda row: row["currency"])
    invoice_rows = [row for row in rows if row["count"]]
    credit_rows = [row for row in rows if row["credit"]]
    if subscription is None and not invoice_rows and not credit_rows:
        return None
    prepaid_hours = None
    if subscription is not None and subscription.plan.kind == PLAN_PREPAID_HOURS:
        prepaid_hours = (Decimal(subscription.prepaid_minutes) / 60).quantize(Decimal("0.01"))
    return Billing(
        plan=subscription.plan.name if subscription and subscription.plan_id else "",
        subscription_status=subscription.get_status_display() if subscription else "",
        open_invoices=sum(row["count"] for row in invoice_rows),
        overdue_invoices=sum(row["overdue"] for row in invoice_rows),
        balance=[(row["owed"], row["currency"]) for row in invoice_rows],
        credit=[(row["credit"], row["currency"]) for row in credit_rows],
        prepaid_hours_left=prepaid_hours,
        # Flat plans include support time: only hourly and prepaid-hours plans have time to bill.
        unbilled_minutes=max(getattr(subscription, "unbilled_minutes", 0) or 0, 0)
        if subscription is not None and subscription.plan.kind in (PLAN_HOURLY, PLAN_PREPAID_HOURS)
        else 0,
    )
