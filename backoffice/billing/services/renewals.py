"""The renewal run: each day (helpdesk/celery.py) subscriptions whose renewal date has come are renewed
one by one, each in its own transaction:

- a subscription set to cancel at renewal is cancelled instead (nothing is invoiced);
- otherwise the new period's invoice is made and issued (period_start = the renewal date): the plan's
  line (flat and prepaid-hours plans: the plan's price; hourly plans: the unbilled billable time at the
  plan's price per hour) and, for prepaid-hours plans, the billable time beyond the prepaid balance at
  the plan's hourly rate;
- a prepaid-hours subscription gets the period's hours (included_hours × 60 minutes) added to what is
  left: unused hours roll over;
- a trial becomes active, and the renewal date moves one period on, keeping the anchor day of the
  start date (31 January → 28/29 February → 31 March).

The subscription row is locked and its renewal date checked again after the lock, so a second or a
concurrent run finds nothing to do; the unique (subscription, period_start) constraint on invoices is
the last guard against a second invoice for one period.
"""

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from dateutil.relativedelta import relativedelta
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from backoffice.billing.models import (
    BillingPeriod,
    Invoice,
    InvoiceStatus,
    PlanKind,
    Subscription,
    SubscriptionStatus,
)
from backoffice.billing.services.invoices import (
    DEFAULT_TAX_RATE,
    _refresh_amounts,
    invoice_create,
    invoice_issue,
    invoice_line_add,
)
from backoffice.billing.services.time import invoice_add_billable_time
from helpdesk.models import User
from helpdesk.outbox import outbox_publish

# Subscriptions that renew; cancelled ones are over.
RENEWING = (SubscriptionStatus.TRIAL, SubscriptionStatus.ACTIVE, SubscriptionStatus.PAST_DUE)


def _period(period: str, anchor_day: int, *, back: bool = False) -> relativedelta:
    # An absolute day in relativedelta is clamped to the month's last day, so adding months to
    # 28 February with anchor day 31 gives 31 March, not 28 March.
    months = 12 if period == BillingPeriod.YEAR else 1
    return relativedelta(months=-months if back else months, day=anchor_day)


def next_renewal(subscription: Subscription) -> date:
    anchor = subscription.start_date.day
    return subscription.renewal_date + _period(subscription.plan.period, anchor)


def current_period_start(subscription: Subscription) -> date:
    """The first day of the period running now (the one before the renewal date)."""
    anchor = subscription.start_date.day
    previous = subscription.renewal_date + _period(subscription.plan.period, anchor, back=True)
    return max(previous, subscription.start_date)


def _period_invoice(*, subscription: Subscription, period_start: date, by: User | None) -> Invoice | None:
    """Within the caller's transaction, with the subscription locked: the period's draft invoice with
    its lines, or None when it would have no line (an hourly plan without billable time)."""
    plan = subscription.plan
    invoice = invoice_create(
        customer=subscription.customer,
        organization=subscription.organization,
        currency=plan.currency,
        tax_rate=DEFAULT_TAX_RATE,
        subscription=subscription,
        by=by,
    )
    invoice.period_start = period_start
    invoice.save(update_fields=["period_start"])
    if plan.kind != PlanKind.HOURLY and plan.price > 0:
        description = _("%(plan)s, %(period)s subscription") % {
            "plan": plan.name,
            "period": plan.get_period_display().lower(),
        }
        invoice = invoice_line_add(
            invoice=invoice, description=description, quantity=Decimal(1), unit_price=plan.price
        )
    if plan.kind in (PlanKind.HOURLY, PlanKind.PREPAID_HOURS):
        invoice_add_billable_time(invoice=invoice, plan=plan)
    if not invoice.lines.exists():
        invoice.delete()
        return None
    _refresh_amounts(invoice)
    invoice.save(update_fields=["total", "balance"])
    return invoice


def _period_invoiced(subscription: Subscription, period_start: date) -> Invoice | None:
    return (
        Invoice.objects.filter(subscription=subscription, period_start=period_start)
        .exclude(status=InvoiceStatus.VOID)
        .first()
    )


@transaction.atomic
def invoice_create_for_subscription(*, subscription: Subscription, by: User | None) -> Invoice:
    """The subscriptions page's "Create invoice": the draft of the period running now, made as the
    renewal run makes it (staff check it and issue it). One invoice per period."""
    subscription = (
        Subscription.objects.select_for_update(of=("self",)).select_related("plan").get(pk=subscription.pk)
    )
    if subscription.status == SubscriptionStatus.CANCELLED:
        raise ValidationError(_("This subscription is cancelled."))
    period_start = current_period_start(subscription)
    if _period_invoiced(subscription, period_start) is not None:
        raise ValidationError(
            _("The period from %(start)s is invoiced already.") % {"start": period_start.isoformat()}
        )
    invoice = _period_invoice(subscription=subscription, period_start=period_start, by=by)
    if invoice is None:
        raise ValidationError(_("There is nothing to invoice yet: no billable time was logged."))
    return invoice


@dataclass
class RenewalResult:
    renewed: list[int] = field(default_factory=list)  # subscription ids
    cancelled: list[int] = field(default_factory=list)
    invoices: list[int] = field(default_factory=list)


def subscription_renew(*, subscription_id: int, today: date, now: datetime, result: RenewalResult) -> bool:
    """Renew one subscription by one period if it is due; False when it is not (or no longer) due."""
    with transaction.atomic():
        subscription = (
            Subscription.objects.select_for_update(of=("self",))
            .select_related("plan", "customer", "organization")
            .filter(pk=subscription_id, status__in=RENEWING, renewal_date__lte=today)
            .first()
        )
        if subscription is None:
            return False
        if subscription.cancel_at_renewal:
            subscription.status = SubscriptionStatus.CANCELLED
            subscription.cancel_at_renewal = False
            subscription.cancelled_at = now
            subscription.save(update_fields=["status", "cancel_at_renewal", "cancelled_at"])
            outbox_publish(name="subscription.cancelled", payload={"subscription_id": subscription.pk})
            result.cancelled.append(subscription.pk)
            return False
        period_start = subscription.renewal_date
        if _period_invoiced(subscription, period_start) is None:
            invoice = _period_invoice(subscription=subscription, period_start=period_start, by=None)
            if invoice is not None:
                invoice_issue(invoice=invoice, by=None, today=today)
                result.invoices.append(invoice.pk)
        plan = subscription.plan
        if plan.kind == PlanKind.PREPAID_HOURS and plan.included_hours:
            subscription.prepaid_minutes += int(plan.included_hours * 60)
        if subscription.status == SubscriptionStatus.TRIAL:
            subscription.status = SubscriptionStatus.ACTIVE
        subscription.renewal_date = next_renewal(subscription)
        subscription.save(update_fields=["prepaid_minutes", "status", "renewal_date"])
        outbox_publish(
            name="subscription.renewed",
            payload={"subscription_id": subscription.pk, "period_start": period_start.isoformat()},
        )
        result.renewed.append(subscription.pk)
        return True


def subscriptions_renew_due(*, today: date, now: datetime | None = None) -> RenewalResult:
    """Renew every subscription due by `today`; one several periods behind catches up period by
    period. Safe to run twice or at the same time as another run."""
    now = now or timezone.now()
    result = RenewalResult()
    due = Subscription.objects.filter(status__in=RENEWING, renewal_date__lte=today).order_by("pk")
    for subscription_id in due.values_list("pk", flat=True):
        while subscription_renew(subscription_id=subscription_id, today=today, now=now, result=result):
            pass
    return result
