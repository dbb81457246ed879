"""The customer panel on every ticket page: who they are, whether they came before, billing,
consent that matters, and their other open tickets with SLA states."""

from datetime import timedelta

import pytest
from django.utils import timezone

from customers.services import consent_record
from tests.customers.c360_helpers import customer_url, page_text
from tests.factories import CustomerFactory, OrganizationFactory, TeamFactory, make_ticket
from tickets.models import Ticket


@pytest.fixture
def first_line(ona):
    return TeamFactory(name="First line", members=[ona])


@pytest.fixture
def desk(client, ona):
    client.force_login(ona)
    return client


def panel_text(response) -> str:
    text = page_text(response)
    return text[text.index("Customer ") : text.index("Everything about this customer")]


def test_a_first_time_customer_is_shown_as_such(desk, first_line):
    ticket = make_ticket(requester=CustomerFactory(name="Eglė"), team=first_line)

    text = panel_text(desk.get(ticket.get_absolute_url()))

    assert "New customer" in text and "Returning customer" not in text
    assert "No billing data yet" in text


def test_a_returning_customer_is_recognised_at_once(desk, ona, first_line):
    manager = ona
    customer = CustomerFactory(name="Eglė", vip=True, organization=OrganizationFactory(name="Baltic Parcels"))
    customer.organization.account_manager = manager
    customer.organization.save()
    make_ticket(requester=customer, subject="Earlier", team=TeamFactory(name="Billing"))  # not Ona's team
    ticket = make_ticket(requester=customer, subject="Now", team=first_line)

    response = desk.get(ticket.get_absolute_url())

    text = panel_text(response)
    assert "Returning customer · 2 tickets" in text
    assert "VIP" in text and "Baltic Parcels" in text and "Account manager: Ona Kazlauskaitė" in text
    assert "Earlier" not in text  # counted, but another team's ticket stays hidden
    assert f'href="{customer_url(customer)}"' in response.content.decode()


def test_other_open_tickets_show_their_sla_state(desk, first_line):
    customer = CustomerFactory()
    late = make_ticket(requester=customer, subject="Late one", team=first_line)
    Ticket.objects.filter(pk=late.pk).update(first_response_due_at=timezone.now() - timedelta(hours=1))
    ticket = make_ticket(requester=customer, team=first_line)

    text = panel_text(desk.get(ticket.get_absolute_url()))

    assert f"#{late.pk} Late one New Breached" in text


def test_a_refused_call_recording_is_a_warning(desk, first_line):
    customer = CustomerFactory()
    consent_record(customer=customer, purpose="call_recording", granted=False, source="phone")
    ticket = make_ticket(requester=customer, team=first_line)

    assert "Refused: Recording of calls" in panel_text(desk.get(ticket.get_absolute_url()))


def test_the_panel_costs_the_ticket_page_few_queries(desk, first_line, django_assert_max_num_queries):
    customer = CustomerFactory(organization=OrganizationFactory())
    for _ in range(5):
        make_ticket(requester=customer, team=first_line)
    consent_record(customer=customer, purpose="marketing", granted=False, source="phone")
    ticket = make_ticket(requester=customer, team=first_line)
    desk.get(ticket.get_absolute_url())

    # The ticket page took 16 queries before the panel's facts; they add one (consent; the lifetime
    # count rides on the ticket's own query), and billing two (the subscription, the open invoices
    # per currency).
    with django_assert_max_num_queries(16 + 1 + 2):
        desk.get(ticket.get_absolute_url())
