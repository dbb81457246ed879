"""Goodwill credits from a complaint ticket: within the agent's limit at once, above it after a
supervisor's approval."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from backoffice.billing.models import CreditNote
from backoffice.billing.services import goodwill_credit_decide, goodwill_credit_propose
from helpdesk.models import OutboxEvent
from tests.factories import CustomerFactory, make_ticket


def propose(ticket, by, amount):
    return goodwill_credit_propose(
        ticket=ticket, by=by, amount=Decimal(amount), currency="eur", reason="Outage"
    )


def test_a_credit_within_the_agents_limit_is_approved_on_the_organizations_account(ona, marija, acme):
    note = propose(make_ticket(requester=marija), ona, "50.00")

    assert (note.status, note.organization, note.customer, note.currency) == ("approved", acme, None, "EUR")
    assert OutboxEvent.objects.filter(name="credit.approved").count() == 1


def test_a_larger_credit_waits_for_a_supervisor_who_approves_it(ona, aino):
    ticket = make_ticket(requester=CustomerFactory())
    note = propose(ticket, ona, "50.01")
    assert note.status == "proposed" and note.customer == ticket.requester

    with pytest.raises(PermissionDenied):
        goodwill_credit_decide(note=note, by=ona, approve=True)
    approved = goodwill_credit_decide(note=note, by=aino, approve=True)

    assert (approved.status, approved.decided_by) == ("approved", aino)
    assert list(ticket.credit_notes.all()) == [approved]
    with pytest.raises(ValidationError):
        goodwill_credit_decide(note=note, by=aino, approve=False)


def test_customers_and_back_office_cannot_propose_and_bad_amounts_are_refused(ona, alice, piotr):
    ticket = make_ticket()

    for user in (alice, piotr):
        with pytest.raises(PermissionDenied):
            propose(ticket, user, "5")
    with pytest.raises(ValidationError):
        propose(ticket, ona, "0")
    assert not CreditNote.objects.exists()
