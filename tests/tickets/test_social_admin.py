"""Admins set up social accounts (and see the URL to give the provider) and look up identities."""

import pytest

from customers.models import Identity, IdentityKind
from tests.factories import CustomerFactory
from tickets.models import SocialAccount


def add_account(client, **fields):
    data = {"name": "support-bot", "kind": "telegram", "secret": "s3cret_token-1", "active": "on"} | fields
    return client.post("/admin/tickets/socialaccount/add/", data)


def test_the_account_list_shows_the_webhook_url_to_give_the_provider(
    client, rasa, telegram_account, settings
):
    settings.SITE_URL = "https://help.example.com/"
    client.force_login(rasa)

    page = client.get("/admin/tickets/socialaccount/").content.decode()

    assert "https://help.example.com/channels/social/support-bot/" in page


def test_a_new_account_starts_with_a_fresh_strong_secret(client, rasa):
    client.force_login(rasa)

    first, second = (
        client.get("/admin/tickets/socialaccount/add/").context["adminform"].form.initial["secret"]
        for _ in range(2)
    )

    assert len(first) >= 40 and first != second


@pytest.mark.parametrize(
    ("fields", "field", "error"),
    [
        ({}, "bot_token", "A Telegram account needs its bot token."),
        ({"bot_token": "1:x", "secret": "has spaces"}, "secret", "Telegram accepts only letters"),
        ({"kind": "webhook"}, "reply_url", "A generic webhook account needs the URL that takes replies."),
    ],
)
def test_an_account_missing_what_its_kind_needs_is_refused(client, rasa, fields, field, error):
    client.force_login(rasa)

    response = add_account(client, **fields)

    assert response.status_code == 200
    assert error in " ".join(response.context["adminform"].form.errors[field])
    assert not SocialAccount.objects.exists()


def test_a_complete_telegram_account_is_saved(client, rasa, team):
    client.force_login(rasa)

    response = add_account(client, bot_token="123456:ABC-DEF", team=team.pk)

    assert response.status_code == 302
    assert SocialAccount.objects.get().team == team


def test_identities_are_listed_and_found_by_handle(client, rasa):
    customer = CustomerFactory(name="Rūta Jankauskienė")
    Identity.objects.create(
        customer=customer, kind=IdentityKind.TELEGRAM, value="111111111", display="@ruta_j"
    )
    client.force_login(rasa)

    page = client.get("/admin/customers/identity/", {"q": "ruta_j"}).content.decode()

    assert "111111111" in page and "Rūta Jankauskienė" in page
