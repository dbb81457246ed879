"""Facts about a customer that other parts of the product own: satisfaction ratings (CSAT and NPS,
from the portal) and billing (from the back office). Each is read only when its models exist, so
the 360° view and the ticket page show "no data yet" until they land, then fill in by themselves.

The fields read here are the contract with those models; when they land with other names, change
them in this one module (a FieldError in the customer tests points here):
- tickets.SatisfactionRating: ticket (FK), score (1-5), comment, created_at
- tickets.NpsResponse: customer (FK), score (0-10), created_at
- billing.Subscription: customer or organization (FK), plan (FK with `name`), status (choices;
  "cancelled" ones are skipped), created_at
- billing.Invoice: customer or organization (FK), status ("issued" or "overdue" while money is
  owed), due_date (date), balance (Decimal, what is still owed), currency
"""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.apps import apps
from django.db.models import Avg, Count, Q, QuerySet, Sum

from customers.models import Customer

CSAT_MODEL = "tickets.SatisfactionRating"
NPS_MODEL = "tickets.NpsResponse"
SUBSCRIPTION_MODEL = "billing.Subscription"
INVOICE_MODEL = "billing.Invoice"
INVOICE_OPEN = ("issued", "overdue")
INVOICE_OVERDUE = "overdue"
SUBSCRIPTION_ENDED = "cancelled"


def installed_model(label: str):
    """The model called `label` ("app.Model"), or None while no app provides it."""
    try:
        return apps.get_model(label)
    except LookupError:
        return None


# --- Ratings


@dataclass(frozen=True)
class Ratings:
    csat_average: Decimal | None  # 1-5, over every rated ticket of the customer
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
    average, count = None, 0
    if csat_model is not None:
        found = csat_model.objects.filter(ticket__requester=customer).aggregate(
            average=Avg("score"), count=Count("pk")
        )
        average, count = found["average"], found["count"]
    nps_last = None
    if nps_model is not None:
        newest = nps_model.objects.filter(customer=customer).order_by("-created_at", "-pk").first()
        nps_last = newest.score if newest else None
    if average is not None:
        average = Decimal(str(average)).quantize(Decimal("0.1"))
    return Ratings(average, count, nps_last)


def ratings_for_timeline(customer: Customer) -> QuerySet | None:
    """The customer's CSAT answers as timeline entries (created_at, pk, ticket), or None."""
    csat_model = installed_model(CSAT_MODEL)
    if csat_model is None:
        return None
    return csat_model.objects.filter(ticket__requester=customer).select_related("ticket")


# --- Billing


@dataclass(frozen=True)
class Billing:
    plan: str
    subscription_status: str
    open_invoices: int
    overdue_invoices: int
    # What is owed on open invoices, one entry per currency: [(Decimal("12.00"), "EUR")].
    balance: list[tuple[Decimal, str]] = field(default_factory=list)

    @property
    def is_overdue(self) -> bool:
        return self.overdue_invoices > 0


def customer_billing(customer: Customer, *, today: date) -> Billing | None:
    """The customer's (or their organization's) plan, subscription and invoices; None while the
    back office has no billing models, or has nothing for this customer."""
    subscription_model, invoice_model = installed_model(SUBSCRIPTION_MODEL), installed_model(INVOICE_MODEL)
    if subscription_model is None or invoice_model is None:
        return None
    subscription = (
        subscription_model.objects.filter(subscription_model.account_of(customer))
        .exclude(status=SUBSCRIPTION_ENDED)
        .select_related("plan")
        .order_by("-created_at", "-pk")
        .first()
    )
    open_invoices = invoice_model.objects.filter(invoice_model.account_of(customer), status__in=INVOICE_OPEN)
    per_currency = list(
        open_invoices.values("currency")
        .annotate(
            count=Count("pk"),
            # Overdue by the daily job, or already past due today before the job ran.
            overdue=Count("pk", filter=Q(status=INVOICE_OVERDUE) | Q(due_date__lt=today)),
            owed=Sum("balance"),
        )
        .order_by("currency")
    )
    if subscription is None and not per_currency:
        return None
    return Billing(
        plan=subscription.plan.name if subscription and subscription.plan_id else "",
        subscription_status=subscription.get_status_display() if subscription else "",
        open_invoices=sum(row["count"] for row in per_currency),
        overdue_invoices=sum(row["overdue"] for row in per_currency),
        balance=[(row["owed"], row["currency"]) for row in per_currency],
    )
