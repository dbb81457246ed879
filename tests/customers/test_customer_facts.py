"""The facts an agent acts on: SLA states, returning customers, lifetime counts, last contact,
consent warnings, and the ratings and billing that fill in once their models exist."""

from datetime import timedelta

import pytest
from django.utils import timezone

from customers import external, facts
from customers.models import Customer
from customers.services import consent_record, consent_state
from tests.factories import CustomerFactory, make_ticket
from tickets.models import Status, Ticket
from tickets.services import ticket_customer_reply, ticket_merge

NOW = timezone.now()


def ticket(**fields) -> Ticket:
    return Ticket(status=fields.pop("status", Status.OPEN), **fields)


@pytest.mark.parametrize(
    ("fields", "state"),
    [
        ({}, "none"),
        ({"resolution_due_at": NOW - timedelta(seconds=1)}, "breached"),
        ({"next_response_due_at": NOW + timedelta(minutes=59)}, "at_risk"),
        ({"first_response_due_at": NOW + timedelta(hours=2)}, "on_track"),
        # The first response was given: its target no longer counts, the resolution's does.
        (
            {
                "first_response_due_at": NOW - timedelta(hours=1),
                "first_response_at": NOW - timedelta(hours=2),
                "resolution_due_at": NOW + timedelta(days=1),
            },
            "on_track",
        ),
        ({"status": Status.SOLVED, "resolution_due_at": NOW - timedelta(days=1)}, "none"),
    ],
)
def test_a_tickets_sla_state_is_read_from_its_nearest_target(fields, state):
    assert facts.ticket_sla_state(ticket(**fields), NOW) == state


def test_a_returning_customer_has_at_least_two_tickets():
    assert [facts.is_repeat_customer(count) for count in (0, 1, 2, 30)] == [False, False, True, True]


def contact(customer: Customer) -> facts.ContactFacts:
    return facts.contact_facts(facts.with_contact_facts(Customer.objects.all()).get(pk=customer.pk))


def test_a_new_customer_has_no_tickets_and_no_last_contact(db):
    found = contact(CustomerFactory())

    assert (found.lifetime_tickets, found.last_contact_at, found.is_repeat) == (0, None, False)


def test_the_lifetime_count_counts_a_merged_ticket_once(ona):
    customer = CustomerFactory()
    kept, duplicate, _other = (make_ticket(requester=customer) for _ in range(3))
    ticket_merge(source=duplicate, target=kept, by=ona)

    assert contact(customer).lifetime_tickets == facts.lifetime_ticket_count(customer) == 2


def test_the_last_contact_is_the_newest_ticket_or_incoming_message(db):
    customer = CustomerFactory()
    old = make_ticket(requester=customer, channel="email", now=NOW - timedelta(days=9))
    make_ticket(requester=customer, channel="phone", now=NOW - timedelta(days=5))
    reply = ticket_customer_reply(ticket=old, customer=customer, body="Still broken", channel="email")

    found = contact(customer)

    assert (found.last_contact_at, found.last_contact_channel) == (reply.created_at, "email")
    assert found.last_contact_channel_label == "Email"


def test_only_refusals_are_warnings(db):
    customer = CustomerFactory()
    consent_record(customer=customer, purpose="call_recording", granted=True, source="phone")
    consent_record(customer=customer, purpose="call_recording", granted=False, source="email")
    consent_record(customer=customer, purpose="marketing", granted=True, source="portal")

    warnings = facts.consent_warnings(consent_state(customer))

    assert [(consent.purpose, consent.source) for consent in warnings] == [("call_recording", "email")]


def test_a_new_customer_has_no_ratings_and_no_billing_and_missing_models_are_none(db):
    customer = CustomerFactory()

    assert external.installed_model("backoffice.NoSuchModel") is None
    assert not external.customer_ratings(customer).has_any
    assert external.customer_billing(customer, today=NOW.date()) is None


def test_a_billing_summary_says_what_is_overdue():
    from decimal import Decimal

    billing = external.Billing("Business", "Active", 3, 1, [(Decimal("120.00"), "EUR")])

    assert billing.is_overdue
    assert not external.Billing("Business", "Active", 0, 0).is_overdue
