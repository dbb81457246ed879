"""Signing in to the portal with a one-time link emailed to the customer: the real email, followed with
the test client; expiry, reuse, tampering, wrong roles, unknown addresses and throttling."""

import pytest

from customers.portal.tokens import signin_link, verify_link
from helpdesk.models import User
from tests.factories import UserFactory
from tests.portal.people import portal_person
from tests.portal.test_accounts import later, link_in, main

pytestmark = pytest.mark.django_db


@pytest.fixture
def mia(db):
    return portal_person("Mia Rossi", "mia@example.org", language="fi").user


def ask(client, email="mia@example.org", address="10.0.0.1", **headers):
    return client.post("/portal/signin/link/", {"email": email}, REMOTE_ADDR=address, **headers)


def signed_in_as(client) -> int | None:
    user_id = client.session.get("_auth_user_id")
    return int(user_id) if user_id else None


def test_a_sign_in_link_signs_the_customer_in_once(client, smtp, mia):
    response = ask(client, email="MIA@example.org")

    assert response.status_code == 200
    [email] = smtp.emails
    assert email["To"] == "mia@example.org" and email["Content-Language"] == "fi"
    link = link_in(email)
    assert client.get(link).status_code == 200 and signed_in_as(client) is None  # opening is not using

    response = client.post(link)

    assert response.status_code == 302 and response["Location"] == "/portal/"
    assert signed_in_as(client) == mia.pk
    assert client.get("/portal/account/").status_code == 200
    client.logout()
    assert client.post(link).status_code == 400 and signed_in_as(client) is None


def test_asking_for_a_link_for_an_unknown_address_looks_the_same_and_sends_nothing(client, smtp, mia):
    known = ask(client)
    unknown = ask(client, email="nobody@example.org")

    assert known.status_code == unknown.status_code == 200
    assert main(unknown).replace("nobody@example.org", "mia@example.org") == main(known)
    assert [email["To"] for email in smtp.emails] == ["mia@example.org"]


@pytest.mark.parametrize("role", ["agent", "supervisor", "admin", "backoffice"])
def test_staff_get_no_sign_in_link_and_a_link_made_for_them_does_not_work(client, smtp, role):
    staff = UserFactory(email="staff@example.org", role=role)

    assert ask(client, email="staff@example.org").status_code == 200
    assert smtp.emails == []
    assert client.post(f"/portal/signin/link/{signin_link.make(staff)}/").status_code == 400
    assert signed_in_as(client) is None


def test_a_switched_off_customer_gets_no_link_and_an_earlier_link_stops_working(client, smtp, mia):
    token = signin_link.make(mia)
    User.objects.filter(pk=mia.pk).update(is_active=False)

    ask(client)

    assert smtp.emails == []
    assert client.post(f"/portal/signin/link/{token}/").status_code == 400 and signed_in_as(client) is None


def test_a_pending_sign_up_gets_no_sign_in_link(client, smtp):
    client.post(
        "/portal/signup/",
        {"name": "Leo", "email": "leo@example.org", "password": "purple elephant jumps 42", "language": "en"},
    )

    ask(client, email="leo@example.org")

    assert [email["Subject"] for email in smtp.emails] == ["Confirm your email address"]


def test_a_sign_in_link_expires_after_its_minutes(client, smtp, mia, settings):
    settings.PORTAL_SIGNIN_LINK_MINUTES = 15
    ask(client)
    link = link_in(smtp.emails[0])

    with later(15 * 60 + 5):
        assert client.post(link).status_code == 400
    assert signed_in_as(client) is None
    with later(14 * 60):
        assert client.post(link).status_code == 302


def test_a_sign_in_link_stops_working_once_the_customer_signed_in_otherwise(client, smtp, mia):
    ask(client)
    link = link_in(smtp.emails[0])
    client.force_login(mia)  # with their password, meanwhile
    client.logout()

    assert client.post(link).status_code == 400 and signed_in_as(client) is None


@pytest.mark.parametrize("tamper", [lambda token: token[:-2], lambda token: token.replace(":", ":x", 1)])
def test_a_tampered_or_truncated_sign_in_link_is_refused(client, smtp, mia, tamper):
    token = signin_link.make(mia)

    assert client.post(f"/portal/signin/link/{tamper(token)}/").status_code == 400
    assert signed_in_as(client) is None


def test_a_verification_link_does_not_sign_an_active_customer_in(client, mia):
    response = client.post(f"/portal/signin/link/{verify_link.make(mia)}/")

    assert response.status_code == 400 and signed_in_as(client) is None


def test_sign_in_links_are_throttled_per_client_address_and_per_email_address(client, smtp, mia, settings):
    settings.PORTAL_ACCOUNT_RATE = 2
    assert ask(client, email="a@example.org").status_code == 200
    assert ask(client, email="b@example.org").status_code == 200
    refused = ask(client)
    assert refused.status_code == 429 and "Too many requests" in refused.content.decode()
    assert smtp.emails == []

    assert ask(client, address="10.0.0.2").status_code == 200
    assert ask(client, address="10.0.0.3").status_code == 200
    assert ask(client, address="10.0.0.4").status_code == 429
    assert len(smtp.emails) == 2


def test_invalid_input_is_shown_and_sends_nothing(client, smtp, mia):
    response = ask(client, email="not an address")

    assert response.status_code == 400 and response.context["form"].errors["email"]
    assert smtp.emails == []


def test_the_sign_in_page_offers_a_link_and_sign_up(client):
    page = client.get("/accounts/login/").content.decode()

    assert 'href="/portal/signin/link/"' in page and 'href="/portal/signup/"' in page
