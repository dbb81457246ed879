"""Prepaid hours: customers on a prepaid-hours plan buy a balance of minutes with each period's price;
billable time on their tickets draws it down as it is logged, and a deleted entry gives it back."""

from django.db.models import F

from backoffice.billing.models import (
    AccountOwned,
    PlanKind,
    Subscription,
    SubscriptionStatus,
    TimeEntry,
)

# Subscriptions whose balance time may draw from: a past-due or cancelled one keeps its minutes but
# gives no more support on credit.
DRAWING_STATUSES = (SubscriptionStatus.ACTIVE, SubscriptionStatus.TRIAL)


def prepaid_subscription_of(customer) -> Subscription | None:
    """The customer's (or their organization's) running prepaid-hours subscription, newest first."""
    return (
        Subscription.objects.filter(
            AccountOwned.account_of(customer), status__in=DRAWING_STATUSES, plan__kind=PlanKind.PREPAID_HOURS
        )
        .order_by("-created_at", "-pk")
        .first()
    )


def prepaid_draw(*, entry: TimeEntry) -> TimeEntry:
    """Within the caller's transaction, right after `entry` is saved: draw min(minutes, balance) from
    the account's prepaid balance. The subscription row is locked first, so two entries logged at
    once cannot both spend the same minutes and the balance never goes below zero."""
    if not entry.billable:
        return entry
    subscription = prepaid_subscription_of(entry.ticket.requester)
    if subscription is None:
        return entry
    subscription = Subscription.objects.select_for_update(no_key=True).get(pk=subscription.pk)
    drawn = min(entry.minutes, max(subscription.prepaid_minutes, 0))
    if not drawn:
        return entry
    subscription.prepaid_minutes -= drawn
    subscription.save(update_fields=["prepaid_minutes"])
    entry.prepaid_subscription = subscription
    entry.prepaid_minutes = drawn
    entry.save(update_fields=["prepaid_subscription", "prepaid_minutes"])
    return entry


def prepaid_give_back(*, entry: TimeEntry) -> None:
    """Within the caller's transaction: return what `entry` drew to the subscription it drew from."""
    if entry.prepaid_subscription_id and entry.prepaid_minutes:
        Subscription.objects.filter(pk=entry.prepaid_subscription_id).update(
            prepaid_minutes=F("prepaid_minutes") + entry.prepaid_minutes
        )
