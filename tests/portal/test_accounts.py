"""Signing up for the portal and signing in with an emailed link, read from the real emails sent
through the test SMTP server; with expired, reused and tampered links, wrong roles, known addresses
(no enumeration), bad input and throttling."""

import re
import time
from unittest import mock
from urllib.parse import urlsplit

import pytest
from django.utils.translation import get_language

from customers.models import Customer, Identity
from customers.portal.tokens import signin_link, verify_link
from helpdesk.models import AuditEntry, User
from tests.factories import PASSWORD, CustomerFactory, UserFactory, make_ticket
from tests.mail import free_port

pytestmark = pytest.mark.django_db
NEW_PASSWORD = "purple elephant jumps 42"  # noqa: S105


def sign_up(client, email="mia@example.org", address="10.0.0.1", **fields):
    data = {"name": "Mia Rossi", "email": email, "password": NEW_PASSWORD, "language": "lt"} | fields
    return client.post("/portal/signup/", data, REMOTE_ADDR=address)


def in_lithuanian(text: str) -> str:
    from django.utils import translation

    with translation.override("lt"):
        return translation.gettext(text)


def link_in(email) -> str:
    """The path of the one portal link in an email's plain-text body."""
    found = re.findall(r"https?://\S+/portal/\S+", email.get_content())
    assert len(found) == 1, email.get_content()
    return urlsplit(found[0]).path


def main(response) -> str:
    """The page's own content (the rest carries a per-request CSRF token)."""
    return response.content.decode().split('<main id="main"', 1)[1].split("</main>", 1)[0]


def later(seconds: int):
    """Opened `seconds` from now, as far as the links' signatures can tell."""
    return mock.patch("django.core.signing.time.time", return_value=time.time() + seconds)


def test_signing_up_creates_nothing_visible_and_emails_a_link_in_the_chosen_language(client, smtp):
    response = sign_up(client)

    assert response.status_code == 200
    assert "mia@example.org" in response.content.decode()
    user = User.objects.get(email="mia@example.org")
    assert (user.is_active, user.role, user.language, user.full_name) == (
        False,
        "customer",
        "lt",
        "Mia Rossi",
    )
    assert not Customer.objects.exists()
    [email] = smtp.emails
    assert email["To"] == "mia@example.org" and email["Content-Language"] == "lt"
    assert email["Auto-Submitted"] == "auto-generated"
    assert "/portal/signup/verify/" in link_in(email)
    assert NEW_PASSWORD not in email.get_content()


def test_a_mail_server_that_is_down_leaves_a_pending_sign_up_to_try_again(client, settings, caplog):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", free_port()  # nobody listens

    response = sign_up(client)

    assert response.status_code == 200 and not User.objects.get(email="mia@example.org").is_active
    assert "could not be sent" in caplog.text


def test_a_pending_sign_up_cannot_sign_in_with_its_password(client, smtp):
    sign_up(client)

    response = client.post("/accounts/login/", {"username": "mia@example.org", "password": NEW_PASSWORD})

    assert response.status_code == 200 and "_auth_user_id" not in client.session


def test_the_verification_link_activates_the_account_creates_the_customer_and_signs_in_once(client, smtp):
    sign_up(client)
    link = link_in(smtp.emails[0])

    page = client.get(link)
    assert page.status_code == 200 and "mia@example.org" in page.content.decode()
    assert not User.objects.get(email="mia@example.org").is_active  # opening alone changes nothing

    response = client.post(link)

    assert response.status_code == 302 and response["Location"] == "/portal/"
    user = User.objects.get(email="mia@example.org")
    customer = Customer.objects.get()
    assert user.is_active and customer.user == user
    assert (customer.name, customer.email, customer.language) == ("Mia Rossi", "mia@example.org", "lt")
    assert Identity.objects.get(customer=customer, kind="email").verified
    assert client.get("/portal/").status_code == 200
    assert client.cookies["django_language"].value == "lt"
    assert AuditEntry.objects.filter(action="customer.portal_signup", actor=user).count() == 1

    client.logout()
    assert client.post(link).status_code == 400
    assert client.get(link).status_code == 400
    assert "_auth_user_id" not in client.session
    assert Customer.objects.count() == 1


def test_verifying_claims_the_customer_who_wrote_by_email_and_shows_their_old_tickets(client, smtp):
    earlier = CustomerFactory(name="Mia R.", email="mia@example.org")
    make_ticket(requester=earlier, subject="Invoice 42 is wrong")
    other = make_ticket(requester=CustomerFactory(), subject="Someone else's problem")

    sign_up(client, email="Mia@Example.org")
    client.post(link_in(smtp.emails[0]))

    earlier.refresh_from_db()
    assert Customer.objects.count() == 2  # no new customer: the earlier one is claimed
    assert earlier.user == User.objects.get(email="mia@example.org")
    assert earlier.name == "Mia R."  # what the agents know them as stays
    page = client.get("/portal/").content.decode()
    assert "Invoice 42 is wrong" in page and other.subject not in page


def test_a_verification_link_expires_after_its_hours(client, smtp, settings):
    settings.PORTAL_VERIFY_HOURS = 2
    sign_up(client)
    link = link_in(smtp.emails[0])

    with later(2 * 3600 + 5):
        response = client.post(link)

    assert response.status_code == 400
    assert not User.objects.get(email="mia@example.org").is_active and not Customer.objects.exists()
    with later(2 * 3600 - 60):
        assert client.post(link).status_code == 302


@pytest.mark.parametrize(
    "tamper",
    [
        lambda token: token[:-1] + ("A" if token[-1] != "A" else "B"),
        lambda token: token.split(":")[0] + ":" + token.split(":", 1)[1][::-1],
        lambda token: "not-a-token",
    ],
)
def test_a_tampered_verification_link_is_refused(client, smtp, tamper):
    sign_up(client)
    token = link_in(smtp.emails[0]).rstrip("/").rsplit("/", 1)[1]

    assert client.post(f"/portal/signup/verify/{tamper(token)}/").status_code == 400
    assert not User.objects.get(email="mia@example.org").is_active


def test_a_sign_in_link_is_not_a_verification_link(client, smtp):
    sign_up(client)
    pending = User.objects.get(email="mia@example.org")

    response = client.post(f"/portal/signup/verify/{signin_link.make(pending)}/")

    assert response.status_code == 400 and not User.objects.get(pk=pending.pk).is_active


def test_signing_up_again_before_verifying_replaces_the_first_link_and_password(client, smtp):
    sign_up(client, password="first password tries 1")
    sign_up(client, name="Mia Bianchi", language="fi")
    first, second = (link_in(email) for email in smtp.emails)

    assert client.post(first).status_code == 400
    assert client.post(second).status_code == 302
    user = User.objects.get(email="mia@example.org")
    assert (user.full_name, user.language) == ("Mia Bianchi", "fi")
    assert user.check_password(NEW_PASSWORD) and User.objects.count() == 1


def test_signing_up_with_a_known_address_looks_the_same_and_emails_its_owner_instead(client, smtp, alice):
    fresh = sign_up(client, email="new@example.org")
    known = sign_up(client, email="alice@example.com", password="attacker password 99")

    assert known.status_code == fresh.status_code == 200
    assert main(known).replace("alice@example.com", "new@example.org") == main(fresh)
    alice.refresh_from_db()
    assert alice.check_password(PASSWORD) and alice.full_name == "Alice Brown"
    assert User.objects.filter(email__iexact="alice@example.com").count() == 1
    to_alice = [email for email in smtp.emails if email["To"] == "alice@example.com"]
    assert len(to_alice) == 1
    assert to_alice[0]["Subject"] == in_lithuanian("You already have an account")  # the form's language
    body = to_alice[0].get_content()
    assert "/accounts/password_reset/" in body and "/portal/signup/verify/" not in body


def test_signing_up_with_another_address_of_a_customer_who_has_a_login_creates_no_second_login(client, smtp):
    mia = CustomerFactory(name="Mia", email="mia@work.example", user=UserFactory(email="mia@work.example"))
    Identity.objects.create(customer=mia, kind="email", value="mia@home.example")

    response = sign_up(client, email="mia@home.example")

    assert response.status_code == 200
    assert not User.objects.filter(email="mia@home.example").exists()
    [email] = smtp.emails
    assert (email["To"], email["Subject"]) == (
        "mia@home.example",
        in_lithuanian("You already have an account"),
    )


def test_signing_up_with_the_address_of_a_switched_off_account_sends_nothing(client, smtp):
    UserFactory(email="gone@example.org", role="customer", is_active=False, last_login=None)
    CustomerFactory(email="gone@example.org", user=User.objects.get(email="gone@example.org"))

    response = sign_up(client, email="gone@example.org")

    assert response.status_code == 200 and smtp.emails == []
    assert not User.objects.get(email="gone@example.org").is_active


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"password": "password"}, "password"),  # too common and too short
        ({"password": "12345678901"}, "password"),  # entirely numeric
        ({"password": "mia.rossi@example.org"}, "password"),  # too similar to the address
        ({"email": "not an address"}, "email"),
        ({"name": "   "}, "name"),
        ({"language": "xx"}, "language"),
    ],
)
def test_invalid_sign_up_input_shows_errors_and_saves_and_sends_nothing(client, smtp, fields, field):
    response = sign_up(client, email=fields.pop("email", "mia.rossi@example.org"), **fields)

    assert response.status_code == 400
    assert response.context["form"].errors[field]
    assert 'class="errorlist' in response.content.decode()
    assert not User.objects.exists() and smtp.emails == []


def test_sign_up_is_throttled_per_client_address(client, smtp, settings):
    settings.PORTAL_ACCOUNT_RATE = 2
    for number in range(2):
        assert sign_up(client, email=f"person{number}@example.org").status_code == 200

    response = sign_up(client, email="person3@example.org")

    assert response.status_code == 429
    assert "Too many requests" in response.content.decode()
    assert len(smtp.emails) == 2 and not User.objects.filter(email="person3@example.org").exists()
    # Another machine is not held up.
    assert sign_up(client, email="person4@example.org", address="10.0.0.2").status_code == 200


def test_sign_up_is_throttled_per_email_address_from_any_client(client, smtp, settings):
    settings.PORTAL_ACCOUNT_RATE = 2
    for number in range(2):
        assert sign_up(client, address=f"10.0.1.{number}").status_code == 200

    assert sign_up(client, address="10.0.1.9").status_code == 429
    assert len(smtp.emails) == 2


def test_the_throttling_error_is_in_the_visitors_language(client, smtp, settings):
    settings.PORTAL_ACCOUNT_RATE = 1
    sign_up(client)

    def translated(text):
        return f"[{get_language()}] {text}"

    with mock.patch("customers.portal.signup_views._", side_effect=translated):
        response = client.post(
            "/portal/signup/", {"email": "x@example.org"}, REMOTE_ADDR="10.0.0.1", HTTP_ACCEPT_LANGUAGE="lt"
        )

    assert response.status_code == 429 and "[lt] Too many requests" in response.content.decode()


def test_a_verification_link_does_not_activate_a_staff_or_active_account(client, ona, alice):
    for user in (ona, alice):
        assert client.post(f"/portal/signup/verify/{verify_link.make(user)}/").status_code == 400
    assert not Customer.objects.filter(user__in=[ona, alice]).exists()


def test_signed_in_people_are_sent_home_from_the_sign_up_page(client, alice):
    client.force_login(alice)

    assert client.get("/portal/signup/")["Location"] == "/portal/"


def test_sign_ups_never_verified_are_forgotten_after_the_link_expired_and_nothing_else(
    client, smtp, settings
):
    from datetime import timedelta

    from django.utils import timezone

    from customers.portal.account_services import portal_signups_expire
    from customers.tasks import portal_signups_expire_task
    from helpdesk.celery import BEAT_SCHEDULE

    settings.PORTAL_VERIFY_HOURS = 48
    sign_up(client, email="old@example.org")
    sign_up(client, email="fresh@example.org", address="10.0.0.2")
    User.objects.filter(email="old@example.org").update(date_joined=timezone.now() - timedelta(hours=49))
    switched_off = UserFactory(email="off@example.org", role="customer", is_active=False, last_login=None)
    User.objects.filter(pk=switched_off.pk).update(date_joined=timezone.now() - timedelta(days=30))
    CustomerFactory(email="off@example.org", user=switched_off)

    assert portal_signups_expire(now=timezone.now()) == 1
    assert portal_signups_expire_task() == 0
    assert set(User.objects.filter(role="customer").values_list("email", flat=True)) >= {
        "fresh@example.org",
        "off@example.org",
    }
    assert not User.objects.filter(email="old@example.org").exists()
    assert BEAT_SCHEDULE["portal-signups-expire"]["task"] == "customers.tasks.portal_signups_expire"
