"""A subscription's lifecycle from its page: cancel now or at the renewal date, undo a pending
cancellation, change plan; only back-office staff may, and bad requests change nothing."""

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from backoffice.billing.models import SubscriptionStatus
from backoffice.billing.services import (
    invoice_create_for_subscription,
    plan_create,
    plan_update,
    subscription_cancel,
    subscription_cancel_undo,
    subscription_change_plan,
    subscription_create,
)

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def url(name, *args):
    return reverse(f"backoffice:billing:{name}", args=args)


@pytest.fixture
def subscription(acme, business_plan):
    return subscription_create(plan=business_plan, organization=acme, start_date=date(2026, 2, 10), by=None)


@pytest.fixture
def premium(db):
    return plan_create(
        by=None, name="Premium", price=Decimal("300.00"), currency="EUR", support_tier="enterprise"
    )


def test_cancelling_now_ends_the_subscription_at_once(subscription):
    subscription_cancel(subscription=subscription, at_renewal=False, by=None, now=NOW)

    subscription.refresh_from_db()
    assert (subscription.status, subscription.cancelled_at) == (SubscriptionStatus.CANCELLED, NOW)
    with pytest.raises(ValidationError, match="cancelled already"):
        subscription_cancel(subscription=subscription, at_renewal=True, by=None, now=NOW)
    with pytest.raises(ValidationError, match="cancelled"):
        invoice_create_for_subscription(subscription=subscription, by=None)


def test_a_pending_cancellation_at_renewal_can_be_undone_once(subscription):
    subscription_cancel(subscription=subscription, at_renewal=True, by=None, now=NOW)
    subscription.refresh_from_db()
    assert subscription.cancel_at_renewal and subscription.status == SubscriptionStatus.ACTIVE
    with pytest.raises(ValidationError, match="already ends"):
        subscription_cancel(subscription=subscription, at_renewal=True, by=None, now=NOW)

    subscription_cancel_undo(subscription=subscription, by=None)

    subscription.refresh_from_db()
    assert not subscription.cancel_at_renewal
    with pytest.raises(ValidationError, match="not set to end"):
        subscription_cancel_undo(subscription=subscription, by=None)


def test_changing_plan_bills_the_new_plan_and_gives_the_organization_its_tier(acme, subscription, premium):
    subscription_change_plan(subscription=subscription, plan=premium, by=None)

    acme.refresh_from_db()
    subscription.refresh_from_db()
    assert (subscription.plan, acme.support_tier) == (premium, "enterprise")
    assert subscription.renewal_date == date(2026, 3, 10)
    invoice = invoice_create_for_subscription(subscription=subscription, by=None)
    assert invoice.lines.get().unit_price == Decimal("300.00")


def test_the_same_or_a_retired_plan_is_refused(subscription, business_plan, premium):
    plan_update(plan=premium, by=None, active=False)

    with pytest.raises(ValidationError, match="already"):
        subscription_change_plan(subscription=subscription, plan=business_plan, by=None)
    with pytest.raises(ValidationError, match="no longer offered"):
        subscription_change_plan(subscription=subscription, plan=premium, by=None)
    subscription.refresh_from_db()
    assert subscription.plan == business_plan


def test_a_prepaid_hours_plan_needs_its_hours_and_rate(db):
    with pytest.raises(ValidationError) as refused:
        plan_create(by=None, name="Prepaid", price=Decimal("500"), currency="EUR", kind="prepaid_hours")

    assert set(refused.value.message_dict) == {"included_hours", "hourly_rate"}


def test_the_subscription_page_cancels_undoes_and_changes_plan(client, piotr, subscription, premium):
    client.force_login(piotr)
    page = url("subscription", subscription.pk)

    assert client.get(page).status_code == 200
    assert client.post(url("subscription_cancel", subscription.pk), {"when": "renewal"}).url == page
    assert 'data-testid="ends-at-renewal"' in client.get(page).content.decode()
    client.post(url("subscription_cancel_undo", subscription.pk))
    client.post(url("subscription_plan", subscription.pk), {"plan": premium.pk})
    subscription.refresh_from_db()
    assert (subscription.cancel_at_renewal, subscription.plan) == (False, premium)

    client.post(url("subscription_cancel", subscription.pk), {"when": "now"})
    subscription.refresh_from_db()
    assert subscription.status == SubscriptionStatus.CANCELLED
    again = client.post(url("subscription_cancel_undo", subscription.pk))
    assert again.status_code == 400 and "cancelled already" in again.content.decode()


def test_the_invoice_button_on_an_invoiced_period_says_so(client, piotr, subscription):
    client.force_login(piotr)
    client.post(url("subscription_invoice", subscription.pk))

    response = client.post(url("subscription_invoice", subscription.pk), {"from": "detail"}, follow=True)

    assert "invoiced already" in response.content.decode()
    assert subscription.invoices.count() == 1


@pytest.mark.parametrize("persona", ["ona", "aino", "alice"])
def test_agents_supervisors_and_customers_cannot_change_subscriptions(
    client, request, persona, subscription, premium
):
    client.force_login(request.getfixturevalue(persona))

    assert client.get(url("subscription", subscription.pk)).status_code == 403
    assert client.post(url("subscription_cancel", subscription.pk), {"when": "now"}).status_code == 403
    assert client.post(url("subscription_plan", subscription.pk), {"plan": premium.pk}).status_code == 403
    subscription.refresh_from_db()
    assert subscription.status == SubscriptionStatus.ACTIVE


def test_the_subscription_page_runs_a_fixed_number_of_queries(
    client, piotr, subscription, django_assert_max_num_queries
):
    from backoffice.billing.services import subscriptions_renew_due

    subscriptions_renew_due(today=date(2026, 8, 10), now=NOW)  # six invoices
    client.force_login(piotr)

    with django_assert_max_num_queries(8):
        page = client.get(url("subscription", subscription.pk)).content.decode()
    assert page.count('data-testid="subscription-invoice"') == 6
