"""Who may open a request in the portal: a matrix of two customers of one organization (one of them its
manager), two of another, and a customer in copy. Every way in — the page, its actions, its files, the
list — answers 404 to anyone else, never 403, so an id confirms nothing."""

import pytest

from tests.factories import make_upload
from tickets.models import Attachment, Status, Ticket

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def janis_request(janis):
    from tickets.services import ticket_create

    return ticket_create(
        requester=janis, subject="Printer jam", body="It jams.", attachments=[make_upload("jam.pdf")]
    )


def _pages(ticket: Ticket) -> list[tuple[str, str]]:
    token = Attachment.objects.get(message__ticket=ticket).token
    base = f"/portal/requests/{ticket.pk}"
    return [
        ("get", f"{base}/"),
        ("get", f"{base}/expectations/"),
        ("post", f"{base}/reply/"),
        ("post", f"{base}/solve/"),
        ("post", f"{base}/cc/"),
        ("get", f"/portal/attachments/{token}/"),
    ]


@pytest.mark.parametrize(
    ("who", "allowed"),
    [("janis", True), ("laura", True), ("outsider", False), ("globex_manager", False)],
)
def test_only_the_requester_and_the_organizations_manager_reach_a_request(
    client, request, janis_request, who, allowed
):
    person = request.getfixturevalue(who)
    client.force_login(person.user)

    for method, url in _pages(janis_request):
        response = getattr(client, method)(url, {"body": "", "email": ""})
        if allowed:
            assert response.status_code in (200, 302, 400), (who, url, response.status_code)
        else:
            assert response.status_code == 404, (who, url, response.status_code)

    janis_request.refresh_from_db()
    if not allowed:
        assert janis_request.status == Status.NEW  # nothing was changed by the refused posts
        assert janis_request.messages.count() == 1


def test_a_colleague_in_copy_sees_the_request_and_the_outsider_still_does_not(
    client, janis_request, outsider, janis
):
    from customers.portal.requests import request_add_cc

    client.force_login(outsider.user)
    assert client.get(janis_request.get_portal_url()).status_code == 404

    request_add_cc(ticket=janis_request, customer=janis, email=outsider.email)

    assert client.get(janis_request.get_portal_url()).status_code == 200
    assert janis_request.subject in client.get("/portal/").content.decode()


def test_the_list_shows_only_what_each_may_see(client, janis_request, laura, janis, outsider):
    from tickets.services import ticket_create

    ticket_create(requester=outsider, subject="Globex invoice question", body="?")

    client.force_login(janis.user)
    mine = client.get("/portal/").content.decode()
    assert "Printer jam" in mine and "Globex invoice" not in mine
    # An ordinary customer asking for the organization's list gets their own.
    assert "Printer jam" in client.get("/portal/?scope=organization").content.decode()

    client.force_login(laura.user)
    assert "Printer jam" not in client.get("/portal/").content.decode()  # her own requests by default
    organization = client.get("/portal/?scope=organization").content.decode()
    assert "Printer jam" in organization and "Globex invoice" not in organization

    client.force_login(outsider.user)
    assert "Printer jam" not in client.get("/portal/?scope=organization").content.decode()


def test_an_internal_note_and_its_file_never_reach_the_portal(client, janis_request, janis, aino):
    from tickets.services import ticket_add_note

    note = ticket_add_note(
        ticket=janis_request, by=aino, body="Customer is grumpy", attachments=[make_upload("secret.pdf")]
    )
    client.force_login(janis.user)

    page = client.get(janis_request.get_portal_url()).content.decode()

    assert "grumpy" not in page and "secret.pdf" not in page
    assert client.get(f"/portal/attachments/{note.attachments.get().token}/").status_code == 404


@pytest.mark.parametrize("role", ["agent", "supervisor", "backoffice", "admin"])
def test_staff_are_sent_to_their_own_pages_not_the_customers_portal(client, janis_request, role):
    from tests.factories import UserFactory

    client.force_login(UserFactory(role=role))

    assert client.get(janis_request.get_portal_url()).status_code == 403


def test_anonymous_visitors_are_asked_to_sign_in(client, janis_request):
    response = client.get(janis_request.get_portal_url())

    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_a_login_made_by_staff_gets_its_customer_on_the_first_visit(client, db):
    from customers.models import Customer
    from tests.factories import CustomerFactory, UserFactory
    from tickets.services import ticket_create

    earlier = CustomerFactory(email="mara@example.lv", name="Māra")
    ticket_create(requester=earlier, subject="Written by email before", body="?")
    mara = UserFactory(email="mara@example.lv", role="customer")
    newcomer = UserFactory(email="new@example.lv", role="customer", full_name="Jauns Klients")

    client.force_login(mara)
    assert "Written by email before" in client.get("/portal/").content.decode()
    client.force_login(newcomer)
    assert client.get("/portal/").status_code == 200

    assert Customer.objects.get(user=mara) == earlier
    assert Customer.objects.get(user=newcomer).name == "Jauns Klients"


def test_an_address_claimed_by_another_login_is_not_taken_over(client, db):
    from tests.factories import CustomerFactory, UserFactory

    CustomerFactory(email="shared@example.lv", user=UserFactory(email="owner@example.lv", role="customer"))
    client.force_login(UserFactory(email="shared@example.lv", role="customer"))

    assert client.get("/portal/").status_code == 404
