"""Signing in and out, password reset, throttling."""

import re

from django.core import mail

from tests.factories import PASSWORD


def sign_in(client, email: str, password: str):
    return client.post("/accounts/login/", {"username": email, "password": password})


def test_signing_in_ignores_the_case_of_the_email_address(client, ona):
    response = sign_in(client, "ONA@Example.COM", PASSWORD)

    assert response.status_code == 302
    assert response["Location"] == "/desk/"


def test_a_wrong_password_shows_an_error_and_signs_no_one_in(client, ona):
    response = sign_in(client, ona.email, "not the password")

    assert response.status_code == 200
    assert b"Please enter a correct email address and password" in response.content
    assert "_auth_user_id" not in client.session


def test_repeated_failures_lock_the_account_out_for_that_address(client, ona, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, ona.email, "guess")

    response = sign_in(client, ona.email, PASSWORD)  # even the right password is refused now

    assert response.status_code == 429
    assert b"Too many attempts" in response.content
    assert "_auth_user_id" not in client.session


def test_a_lockout_of_one_account_leaves_others_alone(client, ona, aino, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, ona.email, "guess")

    assert sign_in(client, aino.email, PASSWORD).status_code == 302


def test_signing_out_needs_a_post_and_ends_the_session(client, ona):
    client.force_login(ona)

    assert client.get("/accounts/logout/").status_code == 405
    response = client.post("/accounts/logout/")

    assert response["Location"] == "/accounts/login/"
    assert "_auth_user_id" not in client.session


def test_password_reset_emails_a_single_use_link_that_sets_a_new_password(client, alice):
    response = client.post("/accounts/password_reset/", {"email": "Alice@example.com"})
    assert response["Location"] == "/accounts/password_reset/done/"
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["alice@example.com"]
    link = re.search(r"https?://[^/]+(/accounts/reset/\S+)", mail.outbox[0].body).group(1)

    form_url = client.get(link)["Location"]  # Django swaps the token for a session key
    response = client.post(
        form_url, {"new_password1": "a brand new secret 42", "new_password2": "a brand new secret 42"}
    )

    assert response["Location"] == "/accounts/reset/done/"
    alice.refresh_from_db()
    assert alice.check_password("a brand new secret 42")
    assert b"invalid or has already been used" in client.get(link, follow=True).content


def test_password_reset_for_an_unknown_address_reveals_nothing(client, db):
    response = client.post("/accounts/password_reset/", {"email": "nobody@example.com"})

    assert response["Location"] == "/accounts/password_reset/done/"
    assert mail.outbox == []


def test_a_signed_in_user_visiting_sign_in_goes_home(client, piotr):
    client.force_login(piotr)

    assert client.get("/accounts/login/")["Location"] == "/backoffice/"


def test_signing_in_applies_the_users_preferred_language(client, ona, settings):
    response = sign_in(client, ona.email, PASSWORD)

    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "lt"
