"""Prepaid hours: billable time of a customer on a prepaid-hours plan draws the balance down as it is
logged, never below zero, and a deleted entry gives its minutes back."""

import threading
from datetime import UTC, datetime
from decimal import Decimal

import pytest
from django.db import connection

from backoffice.billing.models import Subscription, TimeEntry
from backoffice.billing.services import (
    plan_create,
    subscription_create,
    time_entry_delete,
    time_entry_log,
)
from tests.billing.conftest import TODAY
from tests.factories import CustomerFactory, make_ticket

NOW = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)


@pytest.fixture
def prepaid_plan(db):
    return plan_create(
        by=None,
        name="Ten hours",
        price=Decimal("500.00"),
        currency="EUR",
        kind="prepaid_hours",
        included_hours=Decimal("1.5"),
        hourly_rate=Decimal("70.00"),
    )


@pytest.fixture
def prepaid(acme, prepaid_plan):
    """Acme's prepaid-hours subscription with 90 minutes."""
    return subscription_create(plan=prepaid_plan, organization=acme, start_date=TODAY, by=None)


def balance(subscription) -> int:
    return Subscription.objects.values_list("prepaid_minutes", flat=True).get(pk=subscription.pk)


def test_billable_time_of_an_organizations_person_draws_the_organizations_balance(ona, marija, prepaid):
    assert balance(prepaid) == 90

    entry = time_entry_log(ticket=make_ticket(requester=marija), agent=ona, minutes=30, now=NOW)

    assert (entry.prepaid_subscription, entry.prepaid_minutes) == (prepaid, 30)
    assert balance(prepaid) == 60


def test_an_insufficient_balance_is_drawn_to_zero_and_the_rest_stays_to_bill(ona, marija, prepaid):
    ticket = make_ticket(requester=marija)
    time_entry_log(ticket=ticket, agent=ona, minutes=80, now=NOW)

    entry = time_entry_log(ticket=ticket, agent=ona, minutes=25, now=NOW)
    after = time_entry_log(ticket=ticket, agent=ona, minutes=5, now=NOW)

    assert entry.prepaid_minutes == 10
    assert (after.prepaid_minutes, after.prepaid_subscription) == (0, None)
    assert balance(prepaid) == 0


def test_non_billable_time_and_other_customers_draw_nothing(ona, marija, prepaid):
    entry = time_entry_log(
        ticket=make_ticket(requester=marija), agent=ona, minutes=30, billable=False, now=NOW
    )
    other = time_entry_log(ticket=make_ticket(requester=CustomerFactory()), agent=ona, minutes=30, now=NOW)

    assert (entry.prepaid_minutes, other.prepaid_minutes) == (0, 0)
    assert balance(prepaid) == 90


def test_a_customers_own_trial_subscription_is_drawn_but_a_cancelled_one_is_not(ona, prepaid_plan):
    kaisa, juris = CustomerFactory(), CustomerFactory()
    trial = subscription_create(plan=prepaid_plan, customer=kaisa, start_date=TODAY, status="trial", by=None)
    cancelled = subscription_create(plan=prepaid_plan, customer=juris, start_date=TODAY, by=None)
    Subscription.objects.filter(pk=cancelled.pk).update(status="cancelled")

    time_entry_log(ticket=make_ticket(requester=kaisa), agent=ona, minutes=20, now=NOW)
    time_entry_log(ticket=make_ticket(requester=juris), agent=ona, minutes=20, now=NOW)

    assert (balance(trial), balance(cancelled)) == (70, 90)


def test_deleting_an_entry_gives_its_prepaid_minutes_back(ona, marija, prepaid):
    entry = time_entry_log(ticket=make_ticket(requester=marija), agent=ona, minutes=45, now=NOW)

    time_entry_delete(entry=entry, by=ona)

    assert balance(prepaid) == 90
    assert not TimeEntry.objects.exists()


def test_a_refused_entry_draws_nothing(ona, marija, prepaid):
    with pytest.raises(Exception):  # noqa: B017, PT011 - ValidationError; what matters is the balance
        time_entry_log(ticket=make_ticket(requester=marija), agent=ona, minutes=24 * 60 + 1, now=NOW)

    assert balance(prepaid) == 90


@pytest.mark.django_db(transaction=True)
def test_entries_logged_at_once_never_draw_the_balance_below_zero(ona, marija, prepaid):
    ticket = make_ticket(requester=marija)
    barrier = threading.Barrier(4)
    errors = []

    def log():
        try:
            barrier.wait()
            time_entry_log(ticket=ticket, agent=ona, minutes=40, now=NOW)
        except Exception as error:  # noqa: BLE001 - the test reports what a thread got
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=log) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert not errors
    drawn = sorted(TimeEntry.objects.values_list("prepaid_minutes", flat=True))
    assert drawn == [0, 10, 40, 40]
    assert balance(prepaid) == 0
