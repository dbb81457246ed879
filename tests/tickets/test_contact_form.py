"""The public contact form: files a web ticket, keeps bots and floods out, may be embedded."""

import pytest

from tickets.models import Ticket

GOOD = {
    "name": "Agnieszka Kowalska",
    "email": "Agnieszka@example.pl",
    "subject": "Faktura",
    "message": "Dzień dobry!",
}


def test_the_form_is_public_and_may_be_embedded_by_the_configured_sites(client, db):
    response = client.get("/contact/")

    assert response.status_code == 200
    assert "X-Frame-Options" not in response
    assert "frame-ancestors 'self'" in response["Content-Security-Policy"]


def test_a_message_opens_a_web_ticket_for_the_customer(client, db):
    response = client.post("/contact/", GOOD)

    ticket = Ticket.objects.get()
    assert f"#{ticket.pk}" in response.content.decode()
    assert (ticket.channel, ticket.subject, ticket.requester.email) == (
        "web",
        "Faktura",
        "agnieszka@example.pl",
    )
    assert ticket.messages.get().body_text == "Dzień dobry!"


def test_missing_fields_are_reported_and_nothing_is_filed(client, db):
    response = client.post("/contact/", {**GOOD, "email": "not-an-address"})

    assert response.status_code == 400
    assert "Enter a valid email address." in response.content.decode()
    assert not Ticket.objects.exists()


def test_a_bot_filling_the_honeypot_is_thanked_and_nothing_is_filed(client, db):
    response = client.post("/contact/", {**GOOD, "website": "http://spam.example"})

    assert response.status_code == 200
    assert not Ticket.objects.exists()


def test_too_many_messages_from_one_address_are_refused(client, db, settings):
    settings.CONTACT_FORM_RATE = 2
    for _ in range(2):
        assert client.post("/contact/", GOOD).status_code == 200

    response = client.post("/contact/", GOOD)

    assert response.status_code == 429
    assert "Too many messages" in response.content.decode()
    assert Ticket.objects.count() == 2


@pytest.mark.parametrize("field", ["name", "email", "subject", "message"])
def test_every_field_is_required(client, db, field):
    assert client.post("/contact/", {**GOOD, field: ""}).status_code == 400


def test_the_form_works_without_a_csrf_cookie_as_in_another_sites_iframe(db):
    from django.test import Client

    response = Client(enforce_csrf_checks=True).post("/contact/", GOOD)

    assert response.status_code == 200
    assert Ticket.objects.count() == 1


def test_behind_a_proxy_the_limit_counts_the_visitors_address(client, db, settings):
    settings.CONTACT_FORM_RATE = 1
    settings.CLIENT_IP_HEADER = "HTTP_X_REAL_IP"

    assert client.post("/contact/", GOOD, HTTP_X_REAL_IP="198.51.100.1").status_code == 200
    assert client.post("/contact/", GOOD, HTTP_X_REAL_IP="198.51.100.2").status_code == 200
    assert client.post("/contact/", GOOD, HTTP_X_REAL_IP="198.51.100.1").status_code == 429
