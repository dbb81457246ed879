"""A subscription's lifecycle after it starts: cancel now or at the renewal date (and undo that while
it is pending), and change plan. Renewing is the daily run's job (services/renewals.py)."""

from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from backoffice.billing.models import Plan, Subscription, SubscriptionStatus
from helpdesk.models import User
from helpdesk.outbox import outbox_publish


def _running(subscription: Subscription) -> Subscription:
    subscription = (
        Subscription.objects.select_for_update(of=("self",)).select_related("plan").get(pk=subscription.pk)
    )
    if subscription.status == SubscriptionStatus.CANCELLED:
        raise ValidationError(_("This subscription is cancelled already."))
    return subscription


@transaction.atomic
def subscription_cancel(
    *, subscription: Subscription, at_renewal: bool, by: User | None, now: datetime
) -> Subscription:
    """Cancel at once, or mark it to end at its renewal date (the renewal run then cancels it instead
    of invoicing the next period). Invoices already made stay as they are."""
    subscription = _running(subscription)
    if at_renewal:
        if subscription.cancel_at_renewal:
            raise ValidationError(_("This subscription already ends at its renewal date."))
        subscription.cancel_at_renewal = True
        subscription.save(update_fields=["cancel_at_renewal"])
        outbox_publish(name="subscription.cancel_scheduled", payload={"subscription_id": subscription.pk})
        return subscription
    subscription.status = SubscriptionStatus.CANCELLED
    subscription.cancel_at_renewal = False
    subscription.cancelled_at = now
    subscription.save(update_fields=["status", "cancel_at_renewal", "cancelled_at"])
    outbox_publish(name="subscription.cancelled", payload={"subscription_id": subscription.pk})
    return subscription


@transaction.atomic
def subscription_cancel_undo(*, subscription: Subscription, by: User | None) -> Subscription:
    """Keep a subscription that was set to end at its renewal date."""
    subscription = _running(subscription)
    if not subscription.cancel_at_renewal:
        raise ValidationError(_("This subscription is not set to end at its renewal date."))
    subscription.cancel_at_renewal = False
    subscription.save(update_fields=["cancel_at_renewal"])
    outbox_publish(name="subscription.cancel_undone", payload={"subscription_id": subscription.pk})
    return subscription


@transaction.atomic
def subscription_change_plan(*, subscription: Subscription, plan: Plan, by: User | None) -> Subscription:
    """Move to another plan from the next invoice on; the renewal date and the prepaid balance stay
    (a new prepaid-hours plan adds its hours at the next renewal). An organization takes the new
    plan's support tier at once, which is what SLA policies and routing read."""
    subscription = _running(subscription)
    if plan.pk == subscription.plan_id:
        raise ValidationError({"plan": _("The subscription is on this plan already.")})
    if not plan.active:
        raise ValidationError({"plan": _("This plan is no longer offered.")})
    previous = subscription.plan_id
    subscription.plan = plan
    subscription.save(update_fields=["plan"])
    organization = subscription.organization
    if organization is not None and organization.support_tier != plan.support_tier:
        organization.support_tier = plan.support_tier
        organization.save(update_fields=["support_tier"])
    outbox_publish(
        name="subscription.plan_changed",
        payload={"subscription_id": subscription.pk, "from_plan_id": previous, "plan_id": plan.pk},
    )
    return subscription
