"""The supervisors' goodwill approvals page: who may open it, approving and rejecting, what it lists,
and its query count."""

from decimal import Decimal

import pytest
from django.urls import reverse

from backoffice.billing.models import CreditNote
from backoffice.billing.services import goodwill_credit_propose
from tests.factories import make_ticket

PAGE = reverse("backoffice:billing:goodwill_approvals")


def decide_url(note):
    return reverse("backoffice:billing:goodwill_decide", args=[note.pk])


def propose(by, amount, reason="Outage", requester=None):
    return goodwill_credit_propose(
        ticket=make_ticket(requester=requester, subject="Service down"),
        by=by,
        amount=Decimal(amount),
        currency="EUR",
        reason=reason,
    )


@pytest.mark.parametrize("persona", ["aino", "rasa"])
def test_supervisors_and_admins_see_what_waits_with_ticket_account_agent_and_reason(
    client, request, persona, ona, marija
):
    waiting = propose(ona, "80.00", reason="Two days without email", requester=marija)
    propose(ona, "10.00")  # within the limit: never waits
    client.force_login(request.getfixturevalue(persona))

    page = client.get(PAGE).content.decode()

    assert page.count('data-testid="goodwill-waiting-row"') == 1
    assert f"#{waiting.ticket_id} Service down" in page
    for text in ("Acme Baltic", "Ona Kazlauskaitė", "80.00 EUR", "Two days without email"):
        assert text in page


@pytest.mark.parametrize("persona", ["ona", "piotr", "alice"])
def test_agents_back_office_and_customers_get_a_friendly_403(client, request, persona, ona):
    note = propose(ona, "80.00")
    client.force_login(request.getfixturevalue(persona))

    assert client.get(PAGE).status_code == 403
    assert client.post(decide_url(note), {"decision": "approve"}).status_code == 403
    note.refresh_from_db()
    assert note.status == "proposed"


def test_a_supervisor_approves_and_rejects_and_the_decided_ones_move_below(client, ona, aino):
    approved, rejected = propose(ona, "80.00"), propose(ona, "90.00")
    client.force_login(aino)

    first = client.post(decide_url(approved), {"decision": "approve"}, follow=True)
    second = client.post(decide_url(rejected), {"decision": "reject"}, follow=True)

    assert b"The credit of 80.00 EUR is approved." in first.content
    assert b"The credit of 90.00 EUR is rejected." in second.content
    assert dict(CreditNote.objects.values_list("pk", "status")) == {
        approved.pk: "approved",
        rejected.pk: "rejected",
    }
    assert second.content.count(b'data-testid="goodwill-decided-row"') == 2
    assert b'data-testid="goodwill-waiting-row"' not in second.content


def test_deciding_twice_or_without_a_decision_changes_nothing(client, ona, aino):
    note = propose(ona, "80.00")
    client.force_login(aino)

    assert client.post(decide_url(note), {"decision": "maybe"}).status_code == 400
    client.post(decide_url(note), {"decision": "reject"})
    again = client.post(decide_url(note), {"decision": "approve"}, follow=True)

    assert b"This credit was decided already." in again.content
    note.refresh_from_db()
    assert (note.status, note.decided_by) == ("rejected", aino)


def test_the_page_takes_a_fixed_number_of_queries(client, ona, aino, django_assert_max_num_queries):
    for amount in ("60", "70", "80", "90", "95"):
        propose(ona, amount)
    client.force_login(aino)
    client.post(decide_url(CreditNote.objects.first()), {"decision": "approve"})

    # session, user, waiting, decided, and the desk sidebar's saved views
    with django_assert_max_num_queries(5):
        response = client.get(PAGE)
    assert response.content.count(b'data-testid="goodwill-waiting-row"') == 4
