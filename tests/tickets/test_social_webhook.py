"""The generic signed webhook: any messaging system posts our JSON format, signed like the email webhook."""

import json
import time

import pytest

from customers.models import Identity, IdentityKind
from tests.tickets.helpers import counts
from tests.tickets.social_fakes import post_signed, webhook_message
from tickets.models import Channel, Message, Ticket


def test_a_signed_message_opens_a_ticket_for_the_sender(client, webhook_account, team):
    response = post_signed(client, webhook_account, webhook_message(conversation_id="conv-9"))

    assert response.status_code == 200
    message = Message.objects.get()
    assert response.json()["messages"] == [{"message": message.pk, "ticket": message.ticket_id}]
    assert message.ticket.channel == Channel.SOCIAL
    assert message.ticket.team == team
    assert message.body_text == "Labas, kur mano siunta?"
    assert message.channel_message_id == "webchat:m-1"
    assert message.metadata["social"]["chat_id"] == "conv-9"
    assert message.metadata["social"]["sender_id"] == "u-42"
    identity = Identity.objects.get()
    assert (identity.kind, identity.value, identity.display) == (
        IdentityKind.SOCIAL,
        "webchat:u-42",
        "@janis",
    )
    assert identity.customer.name == "Jānis Bērziņš"


def test_without_a_conversation_id_the_sender_is_the_conversation_and_numbers_are_ids(
    client, webhook_account
):
    post_signed(client, webhook_account, webhook_message(7, sender_id=42))
    post_signed(client, webhook_account, webhook_message(8, sender_id=42, text="Ar dar ten?"))

    ticket = Ticket.objects.get()
    assert [m.metadata["social"]["chat_id"] for m in ticket.messages.order_by("id")] == ["42", "42"]
    assert Identity.objects.get().value == "webchat:42"


def test_the_same_message_twice_is_filed_once(client, webhook_account):
    post_signed(client, webhook_account, webhook_message())
    response = post_signed(client, webhook_account, webhook_message())

    assert response.json()["duplicates"] == 1
    assert Message.objects.count() == 1


def test_the_same_sender_id_on_another_account_is_another_customer(client, webhook_account, team):
    other = type(webhook_account).objects.create(
        name="shop-chat",
        kind="webhook",
        secret="another-key",
        reply_url="https://shop.example/replies",
        team=team,
    )
    post_signed(client, webhook_account, webhook_message())
    post_signed(client, other, webhook_message(), secret="another-key")

    assert sorted(Identity.objects.values_list("value", flat=True)) == ["shop-chat:u-42", "webchat:u-42"]
    assert Ticket.objects.count() == 2


@pytest.mark.parametrize("secret", ["wrong-key", ""])
def test_a_bad_signature_is_403_and_stores_nothing(client, webhook_account, secret):
    before = counts()

    response = post_signed(client, webhook_account, webhook_message(), secret=secret)

    assert response.status_code == 403
    assert counts() == before


def test_an_unsigned_request_is_403(client, webhook_account):
    response = client.post(
        f"/channels/social/{webhook_account.name}/", webhook_message(), content_type="application/json"
    )

    assert response.status_code == 403


@pytest.mark.parametrize("age", [301, -301, 3600])
def test_a_signed_request_replayed_outside_five_minutes_is_403(client, webhook_account, age):
    response = post_signed(client, webhook_account, webhook_message(), now=time.time() - age)

    assert response.status_code == 403
    assert not Message.objects.exists()


def test_a_request_signed_four_minutes_ago_is_still_accepted(client, webhook_account):
    response = post_signed(client, webhook_account, webhook_message(), now=time.time() - 240)

    assert response.status_code == 200


@pytest.mark.parametrize(
    ("payload", "error"),
    [
        (b"not json", "The body is not valid JSON."),
        (b'"a string"', "The body must be a JSON object."),
        ({}, "Missing or invalid fields: sender.id, message.id, message.text."),
        (webhook_message(text="   "), "Missing or invalid fields: message.text."),
        (webhook_message(text=None), "Missing or invalid fields: message.text."),
        (webhook_message(sender_id=True), "Missing or invalid fields: sender.id."),
        (webhook_message("x" * 151), "Missing or invalid fields: message.id."),
        (webhook_message(conversation_id={"id": 1}), "Missing or invalid fields: conversation_id."),
        (webhook_message(text="a" * 20_001), "message.text is longer than 20000 characters."),
    ],
)
def test_a_malformed_message_is_400_with_what_is_wrong_and_stores_nothing(
    client, webhook_account, payload, error
):
    before = counts()

    response = post_signed(client, webhook_account, payload)

    assert response.status_code == 400
    assert response.json() == {"error": error}
    assert counts() == before


def test_optional_fields_of_the_wrong_type_are_ignored(client, webhook_account):
    payload = webhook_message()
    payload["sender"].update(name=["not", "a", "name"], handle=12)

    response = post_signed(client, webhook_account, json.dumps(payload).encode())

    assert response.status_code == 200
    identity = Identity.objects.get()
    assert identity.display == ""
    assert identity.customer.name == "webchat:u-42"
