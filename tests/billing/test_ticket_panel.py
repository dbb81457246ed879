"""The "Time and billing" panel on a desk ticket: who may open it, logging time, the timer, goodwill
credits and invoice links through it (with htmx and without), bad input kept with its error and nothing
written, and its query count."""

from decimal import Decimal

import pytest
from django.urls import reverse

from backoffice.billing.models import CreditNote, RunningTimer, TimeEntry
from backoffice.billing.services import plan_create, subscription_create, time_entry_log
from tests.billing.conftest import TODAY, make_invoice
from tests.factories import CustomerFactory, TeamFactory, UserFactory, make_ticket

HTMX = {"HTTP_HX_REQUEST": "true"}


def url(name, *args):
    return reverse(f"backoffice:billing:{name}", args=args)


@pytest.fixture
def ticket(marija):
    return make_ticket(requester=marija, subject="Charged twice")


@pytest.fixture
def signed_in_ona(client, ona):
    client.force_login(ona)
    return client


@pytest.mark.parametrize("persona", ["ona", "aino", "rasa"])
def test_desk_roles_open_the_panel_as_a_fragment_and_as_a_page(client, request, persona, ticket):
    client.force_login(request.getfixturevalue(persona))

    fragment = client.get(url("ticket_panel", ticket.pk), **HTMX)
    page = client.get(url("ticket_panel", ticket.pk))

    assert fragment.status_code == page.status_code == 200
    assert b"<html" not in fragment.content and b"Time on this ticket" in fragment.content
    assert b"<html" in page.content and b"Back to the ticket" in page.content


@pytest.mark.parametrize("persona", ["alice", "piotr"])
def test_customers_and_back_office_are_refused(client, request, persona, ticket):
    client.force_login(request.getfixturevalue(persona))

    assert client.get(url("ticket_panel", ticket.pk)).status_code == 403
    assert client.post(url("ticket_time_log", ticket.pk), {"minutes": 5}).status_code == 403
    assert not TimeEntry.objects.exists()


def test_anonymous_visitors_are_sent_to_sign_in(client, ticket):
    assert client.get(url("ticket_panel", ticket.pk)).url.startswith("/accounts/login/")


def test_an_agent_of_another_team_gets_404_for_a_teams_ticket(client, marija):
    ona_team, other_team = TeamFactory(), TeamFactory()
    outsider = UserFactory(role="agent")
    other_team.members.add(outsider)
    ticket = make_ticket(requester=marija, team=ona_team)
    client.force_login(outsider)

    assert client.get(url("ticket_panel", ticket.pk)).status_code == 404
    assert client.post(url("ticket_time_log", ticket.pk), {"minutes": 5}, **HTMX).status_code == 404
    assert client.post(url("ticket_timer_start", ticket.pk)).status_code == 404
    assert not TimeEntry.objects.exists() and not RunningTimer.objects.exists()


def test_the_ticket_page_loads_the_panel_lazily(signed_in_ona, ticket):
    page = signed_in_ona.get(ticket.get_absolute_url())

    assert f'hx-get="{url("ticket_panel", ticket.pk)}"'.encode() in page.content
    assert b'hx-trigger="load"' in page.content


def test_logging_minutes_with_htmx_swaps_the_panel_with_a_message(signed_in_ona, ona, ticket):
    response = signed_in_ona.post(
        url("ticket_time_log", ticket.pk), {"minutes": "30", "billable": "on", "note": "Refund call"}, **HTMX
    )

    assert response.status_code == 200
    assert b"30 minutes logged." in response.content
    entry = TimeEntry.objects.get()
    assert (entry.minutes, entry.billable, entry.note, entry.agent) == (30, True, "Refund call", ona)


def test_logging_minutes_without_javascript_redirects_to_the_panel_page(signed_in_ona, ticket):
    response = signed_in_ona.post(url("ticket_time_log", ticket.pk), {"minutes": "15"}, follow=True)

    assert response.redirect_chain[-1][0] == url("ticket_panel", ticket.pk)
    assert b"15 minutes logged." in response.content
    assert TimeEntry.objects.get().billable is False  # an unticked checkbox sends nothing


@pytest.mark.parametrize(
    ("minutes", "error"),
    [
        ("0", b"Enter at least 1 minute."),
        ("-5", b"Enter at least 1 minute."),
        ("1441", b"Enter at most 1440 minutes"),
        ("half an hour", b"Enter a whole number of minutes."),
        ("", b"This field is required."),
    ],
)
def test_bad_minutes_are_shown_next_to_the_field_with_the_input_kept(signed_in_ona, ticket, minutes, error):
    data = {"minutes": minutes, "billable": "on", "note": "kept note"}
    plain = signed_in_ona.post(url("ticket_time_log", ticket.pk), data)
    swapped = signed_in_ona.post(url("ticket_time_log", ticket.pk), data, **HTMX)

    assert (plain.status_code, swapped.status_code) == (400, 200)
    for response in (plain, swapped):
        assert error in response.content
        assert b'value="kept note"' in response.content
    assert not TimeEntry.objects.exists()


def test_the_timer_starts_shows_its_start_and_stops_into_an_entry(signed_in_ona, ona, ticket):
    started = signed_in_ona.post(url("ticket_timer_start", ticket.pk), **HTMX)
    assert b"Your timer is running, started" in started.content

    twice = signed_in_ona.post(url("ticket_timer_start", ticket.pk), **HTMX)
    assert b"already running" in twice.content
    assert RunningTimer.objects.count() == 1

    stopped = signed_in_ona.post(url("ticket_timer_stop", ticket.pk), **HTMX)
    assert b"Timer stopped: 1 minutes logged." in stopped.content
    assert TimeEntry.objects.get().minutes == 1
    assert not RunningTimer.objects.exists()


def test_stopping_with_no_timer_says_so_and_logs_nothing(signed_in_ona, ticket):
    swapped = signed_in_ona.post(url("ticket_timer_stop", ticket.pk), **HTMX)
    plain = signed_in_ona.post(url("ticket_timer_stop", ticket.pk), follow=True)

    assert b"You have no timer running on this ticket." in swapped.content
    assert b"You have no timer running on this ticket." in plain.content
    assert not TimeEntry.objects.exists()


def test_an_agent_deletes_their_own_entry_but_not_anothers(client, ona, ticket):
    own = time_entry_log(ticket=ticket, agent=ona, minutes=10, now=ticket.created_at)
    colleague = UserFactory(role="agent")
    theirs = time_entry_log(ticket=ticket, agent=colleague, minutes=20, now=ticket.created_at)
    client.force_login(ona)

    refused = client.post(url("ticket_time_delete", ticket.pk, theirs.pk), **HTMX)
    deleted = client.post(url("ticket_time_delete", ticket.pk, own.pk), **HTMX)

    assert b"Only the agent who logged this time" in refused.content
    assert b"The time entry is deleted." in deleted.content
    assert list(TimeEntry.objects.all()) == [theirs]


def test_an_entry_of_another_ticket_is_not_found(signed_in_ona, ona, ticket):
    elsewhere = time_entry_log(ticket=make_ticket(), agent=ona, minutes=10, now=ticket.created_at)

    assert signed_in_ona.post(url("ticket_time_delete", ticket.pk, elsewhere.pk)).status_code == 404
    assert TimeEntry.objects.filter(pk=elsewhere.pk).exists()


def test_the_panel_shows_the_split_and_the_prepaid_hours_left(signed_in_ona, ona, acme, ticket):
    plan = plan_create(
        by=None,
        name="Prepaid",
        price=Decimal("300.00"),
        currency="EUR",
        kind="prepaid_hours",
        included_hours=Decimal("1"),
        hourly_rate=Decimal("60.00"),
    )
    subscription_create(plan=plan, organization=acme, start_date=TODAY, by=None)
    time_entry_log(ticket=ticket, agent=ona, minutes=45, now=ticket.created_at)
    time_entry_log(ticket=ticket, agent=ona, minutes=30, now=ticket.created_at)
    time_entry_log(ticket=ticket, agent=ona, minutes=10, billable=False, now=ticket.created_at)

    panel = signed_in_ona.get(url("ticket_panel", ticket.pk), **HTMX).content.decode()

    assert 'data-testid="time-total">85 min' in panel
    assert 'data-testid="time-prepaid">60 min' in panel
    assert 'data-testid="time-unbilled">15 min' in panel
    assert "Prepaid · Prepaid hours · Active" in panel
    assert "Prepaid hours left: 0.00 h" in panel


def test_a_goodwill_credit_within_the_limit_is_approved_and_above_it_waits(signed_in_ona, acme, ticket):
    within = signed_in_ona.post(
        url("ticket_goodwill", ticket.pk), {"amount": "20", "currency": "eur", "reason": "Outage"}, **HTMX
    )
    above = signed_in_ona.post(
        url("ticket_goodwill", ticket.pk), {"amount": "80", "currency": "EUR", "reason": "Outage"}, **HTMX
    )

    assert b"The goodwill credit of 20.00 EUR is approved." in within.content
    assert b"is above your limit: it waits for a supervisor" in above.content
    assert b"Awaiting approval" in above.content
    assert list(CreditNote.objects.values_list("status", "organization", "ticket")) == [
        ("approved", acme.pk, ticket.pk),
        ("proposed", acme.pk, ticket.pk),
    ]


def test_the_goodwill_currency_defaults_to_the_accounts_plan(signed_in_ona, acme, ticket):
    plan = plan_create(by=None, name="Nordic", price=Decimal("10.00"), currency="SEK", period="month")
    subscription_create(plan=plan, organization=acme, start_date=TODAY, by=None)

    panel = signed_in_ona.get(url("ticket_panel", ticket.pk), **HTMX)

    assert b'name="currency" value="SEK"' in panel.content


@pytest.mark.parametrize(
    ("data", "error"),
    [
        ({"amount": "0", "currency": "EUR", "reason": "Outage"}, b"Enter an amount greater than zero."),
        ({"amount": "-3", "currency": "EUR", "reason": "Outage"}, b"Enter an amount greater than zero."),
        ({"amount": "ten", "currency": "EUR", "reason": "Outage"}, b"Enter a number."),
        ({"amount": "10", "currency": "EUR", "reason": "   "}, b"Say why the credit is given."),
        ({"amount": "10", "currency": "E1", "reason": "Outage"}, b"three-letter ISO 4217 code"),
    ],
)
def test_bad_goodwill_input_is_refused_with_the_input_kept(signed_in_ona, ticket, data, error):
    response = signed_in_ona.post(url("ticket_goodwill", ticket.pk), data)

    assert response.status_code == 400
    assert error in response.content
    assert f'value="{data["currency"]}"'.encode() in response.content
    assert not CreditNote.objects.exists()


def test_an_invoice_of_the_account_is_linked_and_unlinked(signed_in_ona, acme, ticket):
    invoice = make_invoice(owner=acme)
    draft = make_invoice(owner=acme, issue=False)

    panel = signed_in_ona.get(url("ticket_panel", ticket.pk), **HTMX).content.decode()
    assert f'<option value="{invoice.pk}">' in panel
    assert f'<option value="{draft.pk}">' not in panel

    linked = signed_in_ona.post(url("ticket_invoice_link", ticket.pk), {"invoice": invoice.pk}, **HTMX)
    assert f"Invoice {invoice.number} is linked.".encode() in linked.content
    assert list(ticket.invoices.all()) == [invoice]

    unlinked = signed_in_ona.post(url("ticket_invoice_unlink", ticket.pk, invoice.pk), **HTMX)
    assert f"Invoice {invoice.number} is unlinked.".encode() in unlinked.content
    assert not ticket.invoices.exists()


def test_an_invoice_of_another_customer_or_a_draft_cannot_be_linked(signed_in_ona, acme, ticket):
    stranger = make_invoice(owner=CustomerFactory())
    draft = make_invoice(owner=acme, issue=False)

    for invoice in (stranger, draft):
        response = signed_in_ona.post(url("ticket_invoice_link", ticket.pk), {"invoice": invoice.pk})
        assert response.status_code == 400
        assert b"Choose one of this customer&#x27;s issued invoices." in response.content
    assert not ticket.invoices.exists()
    assert signed_in_ona.post(url("ticket_invoice_unlink", ticket.pk, stranger.pk)).status_code == 404


def test_the_panel_takes_a_fixed_number_of_queries(client, ona, acme, ticket, django_assert_max_num_queries):
    for _ in range(5):
        time_entry_log(ticket=ticket, agent=UserFactory(role="agent"), minutes=5, now=ticket.created_at)
        make_invoice(owner=acme).tickets.add(ticket)
        make_invoice(owner=acme)
    client.force_login(ona)
    client.post(url("ticket_goodwill", ticket.pk), {"amount": "80", "currency": "EUR", "reason": "x"})

    # session, user, ticket (+ the agent's teams), entries, subscription, linked invoices, latest
    # invoice, timer, credits, agent profile, linkable invoices (checked, then listed)
    with django_assert_max_num_queries(13):
        response = client.get(url("ticket_panel", ticket.pk), **HTMX)
    assert response.content.count(b'data-testid="time-entry"') == 5
