"""Writes about plans and subscriptions."""

from datetime import date

from dateutil.relativedelta import relativedelta
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from backoffice.billing.models import BillingPeriod, Plan, PlanKind, Subscription, SubscriptionStatus
from customers.models import Customer, Organization
from helpdesk.models import User
from helpdesk.outbox import outbox_publish

PLAN_FIELDS = (
    "name",
    "price",
    "currency",
    "period",
    "support_tier",
    "kind",
    "included_hours",
    "hourly_rate",
    "active",
)


def _validated(plan: Plan) -> Plan:
    plan.currency = plan.currency.upper()
    plan.full_clean()
    # Time is money only at a price: an hourly plan's price is per hour, a prepaid-hours plan needs its
    # hours per period and the rate of the hours beyond them.
    if plan.kind == PlanKind.HOURLY and plan.price <= 0:
        raise ValidationError({"price": _("An hourly plan's price is the price of an hour: enter it.")})
    if plan.kind == PlanKind.PREPAID_HOURS:
        errors = {}
        if not plan.included_hours or plan.included_hours <= 0:
            errors["included_hours"] = _("Enter the hours a prepaid-hours plan includes per period.")
        if not plan.hourly_rate or plan.hourly_rate <= 0:
            errors["hourly_rate"] = _("Enter the price of an hour beyond the prepaid hours.")
        if errors:
            raise ValidationError(errors)
    return plan


@transaction.atomic
def plan_create(*, by: User | None, **fields) -> Plan:
    plan = _validated(Plan(**{name: fields[name] for name in PLAN_FIELDS if name in fields}))
    plan.save()
    outbox_publish(name="plan.created", payload={"plan_id": plan.pk})
    return plan


@transaction.atomic
def plan_update(*, plan: Plan, by: User | None, **fields) -> Plan:
    """Existing subscriptions keep their plan; a changed price applies to invoices made from now on."""
    for name in PLAN_FIELDS:
        if name in fields:
            setattr(plan, name, fields[name])
    _validated(plan).save()
    return plan


def renewal_after(start: date, period: str) -> date:
    # relativedelta clamps to the month's last day (31 January + 1 month = 28/29 February).
    return start + (relativedelta(years=1) if period == BillingPeriod.YEAR else relativedelta(months=1))


@transaction.atomic
def subscription_create(
    *,
    plan: Plan,
    customer: Customer | None = None,
    organization: Organization | None = None,
    start_date: date,
    status: str = SubscriptionStatus.ACTIVE,
    by: User | None,
) -> Subscription:
    """Subscribe a customer or an organization (exactly one). An organization takes the plan's
    support tier, which is what SLA policies and routing read."""
    if (customer is None) == (organization is None):
        raise ValidationError(_("Choose either a customer or an organization."))
    if not plan.active:
        raise ValidationError({"plan": _("This plan is no longer offered.")})
    if status not in (SubscriptionStatus.TRIAL, SubscriptionStatus.ACTIVE):
        raise ValidationError({"status": _("A new subscription starts as a trial or active.")})
    subscription = Subscription.objects.create(
        plan=plan,
        customer=customer,
        organization=organization,
        start_date=start_date,
        renewal_date=renewal_after(start_date, plan.period),
        status=status,
        # A prepaid-hours plan starts with its first period's hours.
        prepaid_minutes=int(plan.included_hours * 60)
        if plan.kind == PlanKind.PREPAID_HOURS and plan.included_hours
        else 0,
    )
    if organization is not None and organization.support_tier != plan.support_tier:
        organization.support_tier = plan.support_tier
        organization.save(update_fields=["support_tier"])
    outbox_publish(name="subscription.created", payload={"subscription_id": subscription.pk})
    return subscription
