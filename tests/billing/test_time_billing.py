"""Support time becomes money: logged billable minutes of customers on an hourly plan become one line
of their next subscription invoice, once."""

from datetime import UTC, datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from backoffice.billing.services import (
    invoice_create_for_subscription,
    plan_create,
    subscription_create,
    time_entry_log,
)
from tests.billing.conftest import TODAY
from tests.factories import make_ticket

NOW = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)


@pytest.fixture
def hourly(acme):
    plan = plan_create(by=None, name="Hourly", price=Decimal("60.00"), currency="EUR", kind="hourly")
    return subscription_create(plan=plan, organization=acme, start_date=TODAY, by=None)


def test_billable_minutes_of_the_organizations_people_become_one_line_billed_once(ona, marija, hourly):
    ticket = make_ticket(requester=marija)
    time_entry_log(ticket=ticket, agent=ona, minutes=50, now=NOW)
    time_entry_log(ticket=ticket, agent=ona, minutes=20, now=NOW)
    time_entry_log(ticket=ticket, agent=ona, minutes=30, billable=False, now=NOW)
    make_ticket().time_entries.create(agent=ona, minutes=45)  # someone else's ticket

    invoice = invoice_create_for_subscription(subscription=hourly, by=None)
    with pytest.raises(ValidationError, match="invoiced already"):  # one invoice per period
        invoice_create_for_subscription(subscription=hourly, by=None)

    line = invoice.lines.get()
    assert (line.description, line.quantity, line.unit_price) == (
        "Support time, 70 minutes",
        Decimal("1.167"),
        Decimal("60.00"),
    )
    assert invoice.total == Decimal("84.72")  # 1.167 h × 60 = 70.02, + 21 % tax 14.70 (14.7042)


def test_only_desk_staff_log_time_and_minutes_are_bounded(ona, piotr, marija):
    ticket = make_ticket(requester=marija)

    with pytest.raises(ValidationError):
        time_entry_log(ticket=ticket, agent=piotr, minutes=10, now=NOW)
    with pytest.raises(ValidationError):
        time_entry_log(ticket=ticket, agent=ona, minutes=0, now=NOW)
    assert not ticket.time_entries.exists()
