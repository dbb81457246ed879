"""The phone channel: Twilio's Voice status callbacks replayed against the signed webhook, calls an agent
logs by hand on the desk, and how phone numbers are recognised."""

import base64
import hashlib
import hmac

import pytest
from django.contrib.messages import get_messages

from customers.models import Customer
from customers.services import normalise_phone
from tests.factories import CustomerFactory, TeamFactory, UserFactory, make_ticket
from tests.tickets.helpers import counts, events, put_in_status
from tickets.channels.phone import CallOutcome
from tickets.models import Channel, Message, Status, Ticket

URL = "/channels/twilio/voice/"
TOKEN = "12345678901234567890123456789012"  # noqa: S105 - a test auth token
ACCOUNT = "AC0123456789abcdef0123456789abcdef"
OUR_NUMBER = "+37052000000"
RECORDING = (
    f"https://api.twilio.com/2010-04-01/Accounts/{ACCOUNT}/Recordings/RE0123456789abcdef0123456789abcd"
)


def twilio_callback(**overrides) -> dict:
    """A Voice status callback as Twilio posts it for a finished inbound call (documented parameters)."""
    params = {
        "AccountSid": ACCOUNT,
        "ApiVersion": "2010-04-01",
        "CallSid": "CA11111111111111111111111111111111",
        "CallStatus": "completed",
        "CallDuration": "192",
        "Called": OUR_NUMBER,
        "Caller": "+37061234567",
        "CallerName": "Jonas Petraitis",
        "Digits": "2",
        "Direction": "inbound",
        "From": "+37061234567",
        "RecordingUrl": RECORDING,
        "SequenceNumber": "3",
        "Timestamp": "Tue, 24 Nov 2026 05:22:00 +0000",
        "To": OUR_NUMBER,
    }
    params.update(overrides)
    return {name: value for name, value in params.items() if value is not None}


def twilio_signature(url: str, params: dict, token: str = TOKEN) -> str:
    """As Twilio documents it: the full URL, then each POST parameter sorted by name, each name
    immediately followed by its value; HMAC-SHA1 with the auth token; base64."""
    data = url + "".join(name + params[name] for name in sorted(params))
    return base64.b64encode(hmac.new(token.encode(), data.encode(), hashlib.sha1).digest()).decode()


@pytest.fixture
def twilio(settings):
    settings.TWILIO_AUTH_TOKEN = TOKEN


def post_callback(client, params: dict, signature: str | None = None):
    signature = signature if signature is not None else twilio_signature(f"http://testserver{URL}", params)
    return client.post(URL, params, headers={"X-Twilio-Signature": signature})


# --- The webhook ---


@pytest.mark.django_db
def test_a_completed_call_with_recording_and_ivr_choice_opens_a_ticket_for_a_new_caller(client, twilio):
    response = post_callback(client, twilio_callback())

    assert response.status_code == 200
    assert response["Content-Type"] == "text/xml"
    assert response.content.decode().endswith("<Response/>")
    ticket = Ticket.objects.get()
    assert ticket.subject == "Phone call from +37061234567"
    assert ticket.channel == Channel.PHONE
    assert (ticket.requester.phone, ticket.requester.name) == ("+37061234567", "Jonas Petraitis")
    message = ticket.messages.get()
    assert (message.incoming, message.public, message.channel) == (True, True, Channel.PHONE)
    assert message.channel_message_id == "twilio:CA11111111111111111111111111111111"
    # The customer may read this text: the recording's address is kept in the metadata only.
    assert message.body_text == "Call completed, 3 min 12 s. IVR choice: 2. The call was recorded."
    assert message.metadata["call"] == {
        "sid": "CA11111111111111111111111111111111",
        "account_sid": ACCOUNT,
        "from": "+37061234567",
        "to": OUR_NUMBER,
        "status": "completed",
        "direction": "inbound",
        "duration_seconds": 192,
        "recording_url": RECORDING,
        "digits": "2",
        "timestamp": "Tue, 24 Nov 2026 05:22:00 +0000",
        "caller_name": "Jonas Petraitis",
    }


@pytest.mark.django_db
def test_a_second_call_while_the_ticket_is_open_lands_on_the_same_ticket(client, twilio):
    post_callback(client, twilio_callback())

    response = post_callback(
        client,
        twilio_callback(
            CallSid="CA22222222222222222222222222222222",
            CallStatus="no-answer",
            CallDuration="0",
            Digits=None,
            RecordingUrl=None,
        ),
    )

    assert response.status_code == 200
    ticket = Ticket.objects.get()
    assert Customer.objects.count() == 1
    assert list(ticket.messages.order_by("id").values_list("body_text", flat=True))[1] == "Call not answered."


@pytest.mark.django_db
def test_a_call_after_the_ticket_was_solved_opens_a_new_ticket(client, twilio):
    post_callback(client, twilio_callback())
    put_in_status(Ticket.objects.get(), Status.SOLVED)

    post_callback(client, twilio_callback(CallSid="CA22222222222222222222222222222222"))

    assert Ticket.objects.count() == 2


@pytest.mark.django_db
def test_a_retried_callback_logs_the_call_once(client, twilio):
    params = twilio_callback()

    first = post_callback(client, params)
    second = post_callback(client, params)

    assert (first.status_code, second.status_code) == (200, 200)
    assert Message.objects.filter(channel_message_id="twilio:CA11111111111111111111111111111111").count() == 1
    assert len(events("ticket.created")) == 1


@pytest.mark.django_db
@pytest.mark.parametrize("status", ["queued", "ringing", "in-progress"])
def test_a_call_under_way_logs_nothing(client, twilio, status):
    before = counts()

    response = post_callback(client, twilio_callback(CallStatus=status, CallDuration=None, RecordingUrl=None))

    assert response.status_code == 200
    assert counts() == before
    assert not Customer.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("status", "summary"),
    [
        ("busy", "Call not connected: the line was busy."),
        ("failed", "Call failed."),
        ("canceled", "Call canceled before it was answered."),
    ],
)
def test_an_unconnected_call_is_logged_with_what_happened(client, twilio, status, summary):
    post_callback(
        client, twilio_callback(CallStatus=status, CallDuration=None, RecordingUrl=None, Digits=None)
    )

    assert Message.objects.get().body_text == summary


@pytest.mark.django_db
@pytest.mark.parametrize("missing", ["From", "To", "CallSid"])
def test_a_callback_without_a_required_parameter_is_400_and_writes_nothing(client, twilio, missing):
    before = counts()

    response = post_callback(client, twilio_callback(**{missing: None}))

    assert response.status_code == 400
    assert missing in response.json()["error"]
    assert counts() == before


@pytest.mark.django_db
def test_a_callback_with_a_nonsense_duration_is_400(client, twilio):
    response = post_callback(client, twilio_callback(CallDuration="three minutes"))

    assert response.status_code == 400
    assert not Message.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "signature",
    [
        "",
        twilio_signature(f"http://testserver{URL}", twilio_callback(), token="another token"),  # noqa: S106
        twilio_signature(f"https://testserver{URL}", twilio_callback()),
        twilio_signature(f"http://testserver{URL}", twilio_callback(From="+37060000000")),
    ],
    ids=["missing", "other-token", "other-url", "tampered-parameter"],
)
def test_a_bad_signature_is_403_and_writes_nothing(client, twilio, signature):
    response = post_callback(client, twilio_callback(), signature=signature)

    assert response.status_code == 403
    assert not Message.objects.exists()


@pytest.mark.django_db
def test_the_endpoint_is_404_when_twilio_is_not_configured(client, settings):
    settings.TWILIO_AUTH_TOKEN = ""

    # Even a request signed with the empty key is turned away.
    response = post_callback(client, twilio_callback(), signature=twilio_signature(URL, {}, token=""))

    assert response.status_code == 404
    assert not Message.objects.exists()


@pytest.mark.django_db
def test_an_outbound_api_call_is_logged_on_the_called_customer(client, twilio):
    jonas = CustomerFactory(name="Jonas", phone="+37061234567")

    post_callback(
        client,
        twilio_callback(Direction="outbound-api", From=OUR_NUMBER, To="+37061234567", CallerName=None),
    )

    ticket = Ticket.objects.get()
    assert ticket.requester == jonas
    assert ticket.subject == "Phone call to +37061234567"
    assert not Customer.objects.filter(phone=OUR_NUMBER).exists()


# --- Logging a call by hand on the desk ---


@pytest.fixture
def ticket(ona):
    return make_ticket(team=TeamFactory(members=[ona]), subject="Router blinks red")


def test_an_agent_logs_a_call_as_an_internal_note(desk, ticket, ona):
    response = desk.post(
        f"/desk/tickets/{ticket.pk}/call/",
        {
            "direction": "out",
            "duration_minutes": "12",
            "outcome": "callback_promised",
            "note": "Calls back Mon.",
        },
    )

    assert response.status_code == 302
    assert response["Location"] == f"/desk/tickets/{ticket.pk}/"
    assert [str(message) for message in get_messages(response.wsgi_request)] == ["Call logged."]
    note = ticket.messages.get(channel=Channel.PHONE)
    assert (note.public, note.author_user, note.incoming) == (False, ona, False)
    assert note.body_text == "Outgoing call, 12 min. Outcome: Callback promised.\n\nCalls back Mon."
    assert note.metadata == {
        "call": {"direction": "out", "duration_minutes": 12, "outcome": "callback_promised"}
    }
    assert events("ticket.call_logged") == [{"ticket_id": ticket.pk, "message_id": note.pk}]


def test_a_call_longer_than_600_minutes_is_refused_and_nothing_is_written(desk, ticket):
    before = counts()

    response = desk.post(
        f"/desk/tickets/{ticket.pk}/call/",
        {"direction": "in", "duration_minutes": "601", "outcome": "answered"},
    )

    assert response.status_code == 302
    assert [str(message) for message in get_messages(response.wsgi_request)] == [
        "Duration (minutes): Ensure this value is less than or equal to 600."
    ]
    assert counts() == before


def test_the_service_refuses_an_unknown_outcome_too(ticket, ona):
    from django.core.exceptions import ValidationError

    from tickets.channels.phone import call_log_manual

    with pytest.raises(ValidationError) as error:
        call_log_manual(
            ticket=ticket, by=ona, direction="out", duration_minutes=5, outcome="hung up", note=""
        )

    assert set(error.value.message_dict) == {"outcome"}
    assert not ticket.messages.filter(channel=Channel.PHONE).exists()


def test_an_agent_of_another_team_gets_404_and_nothing_is_written(client, ticket):
    outsider = UserFactory(role="agent")
    TeamFactory(members=[outsider])
    client.force_login(outsider)
    before = counts()

    response = client.post(
        f"/desk/tickets/{ticket.pk}/call/",
        {"direction": "in", "duration_minutes": "3", "outcome": "answered"},
    )

    assert response.status_code == 404
    assert counts() == before


def test_the_ticket_page_offers_every_outcome_and_badges_phone_messages(desk, ticket, ona):
    desk.post(
        f"/desk/tickets/{ticket.pk}/call/", {"direction": "in", "duration_minutes": "3", "outcome": "busy"}
    )

    page = desk.get(f"/desk/tickets/{ticket.pk}/").content.decode()

    assert f'action="/desk/tickets/{ticket.pk}/call/"' in page
    for outcome in CallOutcome.values:
        assert f'<option value="{outcome}"' in page
    assert page.count('class="badge badge-phone"') == 1


def test_a_closed_ticket_has_no_call_form(desk, ticket):
    put_in_status(ticket, Status.CLOSED)

    page = desk.get(f"/desk/tickets/{ticket.pk}/").content.decode()

    assert 'data-testid="call-log"' not in page


# --- Phone numbers ---


@pytest.mark.parametrize("number", ["+370 612 34567", "00370 612 34567", "+370-612-34567"])
def test_international_numbers_are_normalised_to_one_form(number):
    assert normalise_phone(number) == "+37061234567"


def test_a_number_without_digits_normalises_to_nothing():
    assert normalise_phone("unknown") == ""


def test_a_number_in_brackets_keeps_its_country_code():
    from customers.services import normalise_phone

    assert normalise_phone("(+370) 61234567") == "+37061234567"
