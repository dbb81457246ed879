"""Live chat through the widget's API: start, tokens, polling, sending, ending, and what is refused."""

import hashlib
import json

import pytest
from django.test import Client

from customers.models import Customer
from tests.factories import CustomerFactory
from tests.tickets.helpers import counts
from tickets.channels.chat import MESSAGE_MAX_CHARS
from tickets.channels.email_in import receive_email
from tickets.models import Channel, ChatSession, ChatStatus, Message, Ticket
from tickets.services import ticket_add_note, ticket_reply

START = {
    "name": "Kārlis Ozols",
    "email": "Karlis@Example.lv",
    "message": "Labdien! Kur ir mans rēķins?",
    "page_url": "https://shop.example.lv/rekini?secret=1",
}


def post(client, url: str, data, token: str | None = None):
    body = data if isinstance(data, str | bytes) else json.dumps(data)
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return client.post(url, body, content_type="application/json", headers=headers)


def start(client, **fields) -> dict:
    response = post(client, "/chat/api/start/", {**START, **fields})
    assert response.status_code == 201, response.content
    return response.json()


def poll(client, token: str, after: int = 0):
    return client.get(f"/chat/api/messages/?after={after}", headers={"Authorization": f"Bearer {token}"})


@pytest.fixture
def chat(client, db) -> dict:
    """Kārlis has started a chat; the widget holds its token."""
    return start(client)


@pytest.fixture
def session(chat) -> ChatSession:
    return ChatSession.objects.select_related("ticket").get()


def test_the_chat_page_is_public_and_may_be_framed_by_the_configured_sites(client, db, settings):
    settings.CONTACT_FORM_FRAME_ANCESTORS = ["'self'", "https://shop.example.lv"]

    response = client.get("/chat/?page=https://shop.example.lv/")

    assert response.status_code == 200
    assert "X-Frame-Options" not in response
    assert "frame-ancestors 'self' https://shop.example.lv" in response["Content-Security-Policy"]
    page = response.content.decode()
    assert 'id="chat-strings" type="application/json"' in page
    assert 'value="https://shop.example.lv/"' in page


def test_a_chat_opens_a_chat_ticket_for_a_new_customer(client, db):
    data = start(client)

    session = ChatSession.objects.select_related("ticket", "customer").get()
    assert data["status"] == "open"
    assert hashlib.sha256(data["token"].encode()).hexdigest() == session.token_hash
    assert session.customer.email == "karlis@example.lv"
    assert session.customer.name == "Kārlis Ozols"
    assert (session.ticket.channel, session.ticket.requester) == (Channel.CHAT, session.customer)
    assert session.page_url == "https://shop.example.lv/rekini?secret=1"
    assert session.waiting_since is not None
    (line,) = data["messages"]
    assert (line["from"], line["text"]) == ("visitor", START["message"])
    assert Message.objects.get().channel == Channel.CHAT


def test_a_chat_from_someone_who_emailed_us_lands_on_the_same_customer_in_a_new_ticket(client, mailbox):
    raw = (
        "From: Kārlis Ozols <karlis@example.lv>\r\nTo: support@helpdesk.test\r\n"
        "Subject: =?utf-8?q?R=C4=93=C4=B7ins?=\r\nMessage-ID: <rekins-1@example.lv>\r\n"
        "Content-Type: text/plain; charset=utf-8\r\n\r\nKur ir mans rēķins?\r\n"
    ).encode()
    emailed = receive_email(raw=raw, mailbox=mailbox).inbound.ticket

    start(client)

    customer = Customer.objects.get()  # one row for both: found by the address, whatever its case
    chat_ticket = ChatSession.objects.get().ticket
    assert emailed.requester == chat_ticket.requester == customer
    assert chat_ticket != emailed
    assert set(customer.tickets.values_list("channel", flat=True)) == {Channel.EMAIL, Channel.CHAT}
    assert emailed.messages.count() == 1


def test_every_chat_opens_a_new_ticket_even_when_the_customer_has_an_open_one(client, db):
    first, second = start(client), start(client)

    assert first["token"] != second["token"]
    assert Ticket.objects.count() == 2
    assert Customer.objects.count() == 1


@pytest.mark.parametrize("authorization", [None, "Bearer wrong-token", "Basic abc", "Bearer "])
def test_a_chat_cannot_be_read_without_its_token(client, session, authorization):
    headers = {"Authorization": authorization} if authorization else {}

    responses = [
        client.get("/chat/api/messages/", headers=headers),
        client.post("/chat/api/send/", {"message": "x"}, content_type="application/json", headers=headers),
        client.post("/chat/api/end/", headers=headers),
    ]

    assert [response.status_code for response in responses] == [403, 403, 403]
    assert {response.json()["error"] for response in responses} == {"This chat is not available."}
    assert Message.objects.count() == 1


def test_the_visitor_sees_public_lines_but_never_internal_notes(client, chat, session, ona):
    ticket_add_note(ticket=session.ticket, by=ona, body="Rēķins nosūtīts uz nepareizu adresi.")
    reply = ticket_reply(ticket=session.ticket, by=ona, body="Sveiki! Tūlīt pārbaudīšu.")

    lines = poll(client, chat["token"]).json()["messages"]

    assert [(line["from"], line["text"]) for line in lines] == [
        ("visitor", START["message"]),
        ("agent", "Sveiki! Tūlīt pārbaudīšu."),
    ]
    assert lines[1] == {
        "id": reply.pk,
        "from": "agent",
        "author": "Ona",
        "text": "Sveiki! Tūlīt pārbaudīšu.",
        "at": reply.created_at.isoformat(),
    }


def test_a_poll_returns_only_the_lines_after_the_given_one(client, chat, session, ona):
    first = chat["messages"][0]["id"]
    reply = ticket_reply(ticket=session.ticket, by=ona, body="Sveiki!")

    data = poll(client, chat["token"], after=first).json()

    assert data["status"] == "open"
    assert [line["id"] for line in data["messages"]] == [reply.pk]
    assert poll(client, chat["token"], after=reply.pk).json()["messages"] == []


def test_a_poll_with_nothing_new_costs_one_query(client, chat, django_assert_num_queries):
    last = chat["messages"][0]["id"]

    with django_assert_num_queries(1):
        response = poll(client, chat["token"], after=last)

    assert response.json() == {"status": "open", "messages": []}


@pytest.mark.parametrize("after", ["abc", "-1", "1.5", "9" * 30])
def test_a_poll_after_something_that_is_not_a_message_number_is_refused(client, chat, after):
    response = poll(client, chat["token"], after=after)

    assert response.status_code == 400
    assert "message number" in response.json()["error"]


def test_the_visitor_writes_and_waits_for_an_answer(client, chat, session):
    ChatSession.objects.filter(pk=session.pk).update(waiting_since=None)

    response = post(client, "/chat/api/send/", {"message": "  Vai jūs tur esat?  "}, chat["token"])

    assert response.status_code == 201
    line = response.json()["message"]
    assert (line["from"], line["text"]) == ("visitor", "Vai jūs tur esat?")
    message = Message.objects.get(pk=line["id"])
    assert (message.ticket_id, message.channel, message.incoming) == (session.ticket_id, Channel.CHAT, True)
    session.refresh_from_db()
    assert session.waiting_since is not None


def test_an_agent_reply_stops_the_clock_and_reaches_the_widgets_poll(client, chat, session, ona):
    last = chat["messages"][0]["id"]

    ticket_reply(ticket=session.ticket, by=ona, body="Labdien, Kārli!")

    session.refresh_from_db()
    assert session.waiting_since is None
    (line,) = poll(client, chat["token"], after=last).json()["messages"]
    assert (line["from"], line["author"], line["text"]) == ("agent", "Ona", "Labdien, Kārli!")
    assert Message.objects.get(pk=line["id"]).channel == Channel.CHAT


@pytest.mark.parametrize(
    ("text", "error"),
    [
        ("", "Write a message first."),
        ("   \n ", "Write a message first."),
        ("x" * (MESSAGE_MAX_CHARS + 1), "at most"),
    ],
)
def test_empty_and_oversized_lines_are_refused(client, chat, text, error):
    before = counts()

    response = post(client, "/chat/api/send/", {"message": text}, chat["token"])

    assert response.status_code == 400
    assert error in response.json()["fields"]["message"][0]
    assert counts() == before


@pytest.mark.parametrize("body", ["not json", "[1, 2]", json.dumps({"message": ["a list"]}), "x" * 70_000])
def test_a_body_that_is_not_the_expected_json_is_refused(client, chat, body):
    response = post(client, "/chat/api/send/", body, chat["token"])

    assert response.status_code == 400
    assert response.json()["error"]
    assert Message.objects.count() == 1


@pytest.mark.parametrize("field", ["name", "email", "message"])
def test_starting_needs_a_name_an_address_and_a_message(client, db, field):
    response = post(client, "/chat/api/start/", {**START, field: ""})

    assert response.status_code == 400
    assert list(response.json()["fields"]) == [field]
    assert not Ticket.objects.exists()


def test_a_wrong_address_is_reported_by_field(client, db):
    response = post(client, "/chat/api/start/", {**START, "email": "karlis-at-example"})

    assert response.status_code == 400
    assert response.json()["fields"] == {"email": ["Enter a valid email address."]}


def test_a_bot_filling_the_honeypot_gets_no_chat(client, db):
    response = post(client, "/chat/api/start/", {**START, "website": "http://spam.example"})

    assert response.status_code == 201
    assert poll(client, response.json()["token"]).status_code == 403
    assert not Ticket.objects.exists() and not Customer.objects.exists()


def test_too_many_chats_from_one_address_are_refused(client, db, settings):
    settings.CONTACT_FORM_RATE = 2
    start(client), start(client)

    response = post(client, "/chat/api/start/", START)

    assert response.status_code == 429
    assert "Too many chats" in response.json()["error"]
    assert Ticket.objects.count() == 2


def test_the_api_needs_no_csrf_cookie_as_in_another_sites_frame(db):
    strict = Client(enforce_csrf_checks=True)

    token = start(strict)["token"]

    assert post(strict, "/chat/api/send/", {"message": "Vēl viens jautājums"}, token).status_code == 201
    assert post(strict, "/chat/api/end/", {}, token).status_code == 200


def test_ending_an_answered_chat_moves_its_ticket_to_email_quietly(client, chat, session, ona, mailbox):
    ticket_reply(ticket=session.ticket, by=ona, body="Rēķins ir ceļā.")

    response = post(client, "/chat/api/end/", {}, chat["token"])

    assert response.json() == {"status": "ended"}
    session.refresh_from_db()
    assert session.status == ChatStatus.ENDED
    assert (session.ticket.channel, session.ticket.mailbox) == (Channel.EMAIL, mailbox)
    assert not Message.objects.filter(channel=Channel.EMAIL).exists()  # no transcript: nothing was missed
    refused = post(client, "/chat/api/send/", {"message": "Paldies!"}, chat["token"])
    assert refused.status_code == 400
    assert refused.json()["error"] == "This chat has ended."
    assert poll(client, chat["token"]).json()["status"] == "ended"


def test_ending_a_chat_nobody_answered_continues_it_by_email(client, chat, session, mailbox):
    response = post(client, "/chat/api/end/", {}, chat["token"])

    assert response.json() == {"status": "email"}
    transcript = Message.objects.get(channel=Channel.EMAIL)
    assert (transcript.public, transcript.incoming) == (True, False)
    assert START["message"] in transcript.body_text
    assert post(client, "/chat/api/end/", {}, chat["token"]).json() == {"status": "email"}
    assert Message.objects.filter(channel=Channel.EMAIL).count() == 1


def test_a_line_on_a_closed_chat_ticket_goes_on_in_a_follow_up(client, chat, session):
    Ticket.objects.filter(pk=session.ticket_id).update(status="closed")

    line = post(client, "/chat/api/send/", {"message": "Vēl kas"}, chat["token"]).json()["message"]

    session.refresh_from_db()
    assert session.ticket_id != Ticket.objects.get(status="closed").pk
    assert Message.objects.get(pk=line["id"]).ticket_id == session.ticket_id
    assert [item["id"] for item in poll(client, chat["token"]).json()["messages"]] == [line["id"]]


def test_the_widgets_button_words_may_be_read_by_any_site(client, db):
    response = client.get("/chat/api/widget/", headers={"Origin": "https://shop.example.lv"})

    assert response["Access-Control-Allow-Origin"] == "*"
    assert response.json() == {
        "open": True,
        "label": "Chat with us",
        "close": "Close the chat",
        "title": "Chat with support",
    }


def test_the_demo_page_exists_only_in_development(client, db, settings):
    assert client.get("/chat/demo/").status_code == 404
    settings.DEBUG = True

    page = client.get("/chat/demo/").content.decode()

    assert "/static/chat/widget.js" in page


def test_the_customer_row_of_an_existing_customer_keeps_its_name(client, db):
    CustomerFactory(name="K. Ozols", email="karlis@example.lv")

    start(client)

    assert Customer.objects.get().name == "K. Ozols"
