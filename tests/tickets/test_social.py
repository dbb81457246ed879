"""Telegram in: documented Bot API updates replayed against the account's webhook; the customer is
recognised by their identity, conversations continue on their ticket, and nothing is filed twice."""

import json
import threading

import pytest
from django.db import OperationalError, connection

from customers.models import Customer, Identity, IdentityKind
from tests.factories import CustomerFactory, make_ticket
from tests.tickets.helpers import counts, events, put_in_status
from tests.tickets.social_fakes import RUTA, RUTA_CHAT, SECRET, post_update, telegram_update
from tickets.channels.social import inbound, social_receive
from tickets.models import Channel, Message, SocialAccount, SocialKind, Status, Ticket


def test_a_first_message_opens_a_ticket_for_a_new_customer_known_by_their_telegram_id(
    client, telegram_account, team
):
    response = post_update(client, telegram_account, telegram_update())

    assert response.status_code == 200
    ticket = Ticket.objects.get()
    message = ticket.messages.get()
    assert response.json() == {
        "messages": [{"message": message.pk, "ticket": ticket.pk}],
        "duplicates": 0,
        "ignored": "",
    }
    assert ticket.channel == Channel.SOCIAL
    assert ticket.team == team
    assert ticket.subject == "Sveiki, neveikia mano užsakymas."
    assert message.incoming and message.public
    assert message.body_text == "Sveiki, neveikia mano užsakymas."
    assert message.channel_message_id == "support-bot:111111111:1365"
    assert message.metadata["social"] == {
        "account": "support-bot",
        "kind": "telegram",
        "chat_id": "111111111",
        "sender_id": "111111111",
        "message_id": "1365",
        "handle": "@ruta_j",
        "edited": False,
    }
    customer = ticket.requester
    assert customer.name == "Rūta Jankauskienė"
    assert customer.email == ""
    identity = customer.identities.get()
    assert (identity.kind, identity.value, identity.display, identity.verified) == (
        IdentityKind.TELEGRAM,
        "111111111",
        "@ruta_j",
        True,
    )
    assert events("ticket.created") == [{"ticket_id": ticket.pk, "channel": "social"}]


def test_a_second_message_from_the_same_user_lands_on_the_same_ticket(client, telegram_account):
    post_update(client, telegram_account, telegram_update(10000, message_id=1365))

    renamed = {**RUTA, "username": "ruta_jankauskiene"}
    post_update(
        client, telegram_account, telegram_update(10001, message_id=1366, text="Ar gavote?", sender=renamed)
    )

    ticket = Ticket.objects.get()
    assert [m.body_text for m in ticket.messages.order_by("id")] == [
        "Sveiki, neveikia mano užsakymas.",
        "Ar gavote?",
    ]
    assert Customer.objects.count() == 1
    # The handle follows the user's renaming; the customer stays one.
    assert Identity.objects.get().display == "@ruta_jankauskiene"
    assert len(events("ticket.customer_replied")) == 1


def test_a_message_after_the_ticket_was_solved_opens_a_new_ticket(client, telegram_account):
    post_update(client, telegram_account, telegram_update(10000, message_id=1365))
    put_in_status(Ticket.objects.get(), Status.SOLVED)

    post_update(client, telegram_account, telegram_update(10001, message_id=1366, text="Vėl neveikia."))

    assert Ticket.objects.count() == 2
    assert Customer.objects.count() == 1


def test_a_customer_known_by_email_too_gets_a_social_ticket_beside_their_email_one(client, telegram_account):
    ruta = CustomerFactory(name="Rūta Jankauskienė", email="ruta@example.lt")
    email_ticket = make_ticket(requester=ruta, channel=Channel.EMAIL)
    Identity.objects.create(customer=ruta, kind=IdentityKind.TELEGRAM, value="111111111")

    post_update(client, telegram_account, telegram_update())

    social_ticket = Ticket.objects.exclude(pk=email_ticket.pk).get()
    assert social_ticket.requester == ruta  # one customer across channels
    assert social_ticket.channel == Channel.SOCIAL
    assert email_ticket.messages.count() == 1


def test_another_chat_of_the_same_user_is_another_conversation(client, telegram_account):
    post_update(client, telegram_account, telegram_update(10000, message_id=1365))
    group = {"id": -1001234567890, "title": "Parduotuvė", "type": "supergroup"}

    post_update(client, telegram_account, telegram_update(10001, message_id=77, chat=group))

    assert Ticket.objects.count() == 2
    assert (
        Message.objects.get(channel_message_id="support-bot:-1001234567890:77").metadata["social"]["chat_id"]
        == "-1001234567890"
    )


def test_the_same_update_twice_is_one_message(client, telegram_account):
    first = post_update(client, telegram_account, telegram_update())
    second = post_update(client, telegram_account, telegram_update())

    assert second.status_code == 200
    assert second.json()["duplicates"] == 1
    assert second.json()["messages"] == first.json()["messages"]
    assert Message.objects.count() == 1


def test_a_duplicate_that_slips_past_the_first_look_is_stopped_by_the_constraint_and_undone(
    client, telegram_account, monkeypatch
):
    post_update(client, telegram_account, telegram_update())
    # Solved, so the duplicate would open a ticket of its own before its message hits the constraint.
    put_in_status(Ticket.objects.get(), Status.SOLVED)
    looks = []

    def not_yet_committed(key):
        looks.append(key)
        return None if len(looks) == 1 else Message.objects.get(channel_message_id=key)

    monkeypatch.setattr(inbound, "_filed", not_yet_committed)
    before = counts()

    response = post_update(client, telegram_account, telegram_update())

    assert response.status_code == 200
    assert response.json()["duplicates"] == 1
    assert len(looks) == 2
    assert counts() == before


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs concurrent transactions (PostgreSQL)")
def test_two_concurrent_deliveries_of_one_update_make_one_ticket():
    account = SocialAccount.objects.create(name="support-bot", kind=SocialKind.TELEGRAM, secret=SECRET)
    body = json.dumps(telegram_update()).encode()
    receipts, barrier = [], threading.Barrier(2)

    def deliver():
        barrier.wait()
        try:
            receipts.append(
                social_receive(
                    account=account, body=body, headers={"X-Telegram-Bot-Api-Secret-Token": SECRET}
                )
            )
        finally:
            connection.close()

    workers = [threading.Thread(target=deliver) for _ in range(2)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()

    assert sorted(receipt.duplicates for receipt in receipts) == [0, 1]
    assert receipts[0].messages[0].pk == receipts[1].messages[0].pk
    assert (Ticket.objects.count(), Message.objects.count(), Customer.objects.count()) == (1, 1, 1)


@pytest.mark.parametrize("secret", [None, "", "wrong-secret", "telegram-secret_token-012345678", "ąčę"])
def test_a_wrong_or_missing_secret_is_403_and_stores_nothing(client, telegram_account, secret):
    before = counts()

    response = post_update(client, telegram_account, telegram_update(), secret=secret)

    assert response.status_code == 403
    assert counts() == before
    assert not Customer.objects.exists()


@pytest.mark.parametrize(
    ("body", "error"),
    [
        (b'{"update_id": 1, "message": ', "The body is not valid JSON."),
        (b"\xff\xfe", "The body is not valid JSON."),
        (b"[1, 2]", "The body must be a JSON object."),
        (b'{"message": {}}', "update_id must be a number."),
        (b'{"update_id": "1", "message": {}}', "update_id must be a number."),
        (b'{"update_id": 1, "message": {"message_id": 5}}', "message.chat.id must be a number."),
        (b'{"update_id": 1, "message": "hi"}', "message.message_id must be a number."),
    ],
)
def test_a_malformed_update_is_400_and_stores_nothing(client, telegram_account, body, error):
    before = counts()

    response = post_update(client, telegram_account, body)

    assert response.status_code == 400
    assert response.json() == {"error": error}
    assert counts() == before


# Rūta blocked the bot: Telegram tells it so with a my_chat_member update.
BOT = {"id": 123456, "is_bot": True, "first_name": "Support", "username": "support_bot"}
MY_CHAT_MEMBER = {
    "update_id": 10002,
    "my_chat_member": {
        "chat": RUTA_CHAT,
        "from": RUTA,
        "date": 1735725600,
        "old_chat_member": {"status": "member", "user": BOT},
        "new_chat_member": {"status": "kicked", "user": BOT, "until_date": 0},
    },
}


@pytest.mark.parametrize(
    "update",
    [
        MY_CHAT_MEMBER,
        {"update_id": 10003, "callback_query": {"id": "4382bfdwdsb323b2d9", "from": RUTA, "data": "yes"}},
        telegram_update(10004, text=None, new_chat_members=[RUTA]),
        telegram_update(10005, sender={"id": 999, "is_bot": True, "first_name": "Other bot"}),
    ],
    ids=["my_chat_member", "callback_query", "service message", "from a bot"],
)
def test_updates_that_are_not_a_customers_message_are_acknowledged_and_ignored(
    client, telegram_account, update
):
    before = counts()

    response = post_update(client, telegram_account, update)

    assert response.status_code == 200
    assert response.json()["messages"] == []
    assert response.json()["ignored"]
    assert counts() == before


def test_a_photo_and_a_document_are_noted_in_the_text_with_their_caption(client, telegram_account):
    photo = [{"file_id": "AgAD", "file_unique_id": "AQAD", "width": 90, "height": 67, "file_size": 1254}]
    document = {
        "file_id": "BQAD",
        "file_unique_id": "AgAD",
        "file_name": "sąskaita.pdf",
        "mime_type": "application/pdf",
    }

    post_update(
        client, telegram_account, telegram_update(10000, message_id=1, text=None, photo=photo, caption="Štai")
    )
    post_update(client, telegram_account, telegram_update(10001, message_id=2, text=None, document=document))
    # A GIF comes as `animation` with `document` beside it, for older clients: noted once.
    gif = {"file_id": "CgAD", "file_unique_id": "AgAE", "width": 320, "height": 240, "duration": 3}
    post_update(
        client, telegram_account, telegram_update(10002, message_id=3, text=None, animation=gif, document=gif)
    )

    assert [m.body_text for m in Message.objects.order_by("id")] == [
        "[photo]\nŠtai",
        "[document: sąskaita.pdf]",
        "[animation]",
    ]
    assert Ticket.objects.get().subject == "[photo]"


def test_an_edited_message_is_added_as_a_new_message_marked_edited_once(client, telegram_account):
    post_update(client, telegram_account, telegram_update(10000, message_id=1365))
    edit = telegram_update(
        10001, message_id=1365, kind="edited_message", text="Sveiki, neveikia užsakymas nr. 7."
    )

    post_update(client, telegram_account, edit)
    post_update(client, telegram_account, edit)  # Telegram's retry

    first, edited = Ticket.objects.get().messages.order_by("id")
    assert first.body_text == "Sveiki, neveikia mano užsakymas."
    assert edited.body_text == "[edited]\nSveiki, neveikia užsakymas nr. 7."
    assert edited.metadata["social"]["edited"] is True
    assert edited.channel_message_id == "support-bot:111111111:1365:edited:1735725900"


def test_html_and_script_in_a_message_and_a_name_stay_plain_text(desk, client, telegram_account):
    hostile = {**RUTA, "first_name": '<img src=x onerror="alert(1)">', "last_name": "</b>"}
    text = "<script>alert('x')</script> <b>bold</b>"

    post_update(client, telegram_account, telegram_update(text=text, sender=hostile))

    message = Message.objects.get()
    assert message.body_text == text
    assert "<script>" not in message.body_html
    assert "&lt;script&gt;" in message.body_html
    page = desk.get(f"/desk/tickets/{message.ticket_id}/").content.decode()
    assert "<script>alert" not in page
    assert '<img src=x onerror="alert(1)">' not in page


def test_an_unknown_or_switched_off_account_is_404(client, telegram_account):
    SocialAccount.objects.filter(pk=telegram_account.pk).update(active=False)

    assert post_update(client, telegram_account, telegram_update()).status_code == 404
    telegram_account.name = "nobody"
    assert post_update(client, telegram_account, telegram_update()).status_code == 404
    assert not Message.objects.exists()


def test_an_update_over_the_size_limit_is_413(client, telegram_account, settings):
    settings.SOCIAL_INBOUND_MAX_BYTES = 2000

    response = post_update(client, telegram_account, telegram_update(text="ž" * 2000))

    assert response.status_code == 413
    assert not Message.objects.exists()


def test_a_database_failure_is_503_so_telegram_retries(client, telegram_account, monkeypatch):
    def unavailable(**kwargs):
        raise OperationalError("the database is away")

    monkeypatch.setattr("tickets.channels.social.inbound.receive_message", unavailable)

    response = post_update(client, telegram_account, telegram_update())

    assert response.status_code == 503
    assert not Ticket.objects.exists() and not Customer.objects.exists()


def test_only_post_is_accepted(client, telegram_account):
    assert client.get(f"/channels/social/{telegram_account.name}/").status_code == 405
