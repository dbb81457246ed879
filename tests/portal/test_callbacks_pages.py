"""The portal's callback pages: the list, booking, a time taken meanwhile, no free times, cancelling
and moving; another customer's callback is a 404; query bounds."""

from datetime import datetime, time, timedelta

import pytest
from django.utils import timezone

from tests.portal.people import in_language
from tests.portal.test_callbacks_slots import booked, on_shift
from tests.rosters.factories import VILNIUS, agent, team_of
from tickets.callbacks.services import callback_book
from tickets.callbacks.slots import slot_value
from tickets.models import Callback, CallbackStatus, Ticket

pytestmark = pytest.mark.django_db


def tomorrow(hour: int, minute: int = 0) -> datetime:
    """Tomorrow in Vilnius (the customers' zone here): always within the notice and the window."""
    day = timezone.localdate(timezone.now(), VILNIUS) + timedelta(days=1)
    return datetime.combine(day, time(hour, minute), tzinfo=VILNIUS)


@pytest.fixture
def ona(db):
    ona = agent("Ona Kazlauskaitė", languages=["lv", "en"])
    on_shift(ona, team_of(ona), tomorrow(10), 2)
    return ona


@pytest.fixture
def signed_in(client, janis):
    janis.phone = "+37061234567"
    janis.save()
    client.force_login(janis.user)
    return client


def book(customer, start):
    return callback_book(
        customer=customer,
        starts_at=start,
        phone="+37061234567",
        topic="Router",
        language="lv",
        now=timezone.now(),
    )


def post_new(client, start, **fields):
    data = {"slot": slot_value(start), "phone": "+370 612 34567", "topic": "Router is down"} | fields
    return client.post("/portal/callbacks/new/", data, HTTP_ACCEPT_LANGUAGE="lv")


def test_the_list_shows_upcoming_callbacks_with_their_actions_and_past_ones(
    signed_in, janis, ona, django_assert_max_num_queries
):
    upcoming = book(janis, tomorrow(10))
    gone = booked(janis, ona, tomorrow(11) - timedelta(days=3), status=CallbackStatus.DONE)

    # The session, the user, the customer, the upcoming and the past callbacks.
    with django_assert_max_num_queries(5):
        response = signed_in.get("/portal/callbacks/")

    html = response.content.decode()
    assert response.status_code == 200
    assert '<a href="/portal/callbacks/" aria-current="page">Callbacks</a>' in html
    assert 'href="/portal/callbacks/new/"' in html
    assert f'action="/portal/callbacks/{upcoming.pk}/cancel/"' in html
    assert f'href="/portal/callbacks/{upcoming.pk}/move/"' in html
    assert f"/portal/callbacks/{gone.pk}/move/" not in html and "Done" in html


def test_the_booking_page_offers_labelled_times_grouped_by_day_with_the_phone_prefilled(
    signed_in, ona, django_assert_max_num_queries
):
    # The session, the user, the customer; the agents, shifts, time off and bookings of the window.
    with django_assert_max_num_queries(7):
        response = signed_in.get("/portal/callbacks/new/")

    html = response.content.decode()
    assert response.status_code == 200
    assert html.count('class="callback-day"') == 1
    assert html.count('type="radio" name="slot"') == 4  # 10:00 to 11:30
    assert f'value="{slot_value(tomorrow(10))}"' in html and "10:00–10:30" in html
    assert 'value="+37061234567"' in html
    assert "portal-callbacks.css" in html
    assert '<a href="/portal/callbacks/" aria-current="page">Callbacks</a>' in html


def test_the_booking_page_costs_the_same_queries_with_many_agents_and_days(
    signed_in, django_assert_max_num_queries
):
    crew = [agent(f"Agent{number} Example", languages=["lv"]) for number in range(8)]
    team = team_of(*crew)
    for user in crew:
        for day in range(4):
            on_shift(user, team, tomorrow(8) + timedelta(days=day), 8)

    with django_assert_max_num_queries(7):
        response = signed_in.get("/portal/callbacks/new/")

    assert response.content.decode().count('class="callback-day"') == 4


def test_booking_a_time_makes_the_callback_and_returns_to_the_list(signed_in, janis, ona):
    response = post_new(signed_in, tomorrow(10, 30))

    callback = Callback.objects.get()
    assert response.status_code == 302 and response["Location"] == "/portal/callbacks/"
    assert (callback.customer, callback.agent, callback.starts_at) == (janis, ona, tomorrow(10, 30))
    assert (callback.topic, callback.phone, callback.language) == ("Router is down", "+37061234567", "lv")


def test_missing_fields_are_reported_in_the_customers_language_and_nothing_is_saved(signed_in, ona):
    response = post_new(signed_in, tomorrow(10), topic="", slot="")

    html = response.content.decode()
    assert response.status_code == 400
    assert html.count("Šis lauks ir obligāts.") == 1  # the topic (Django's message, in Latvian)
    assert in_language("lv", "Choose a time.") in html
    assert not Callback.objects.exists()


@pytest.mark.parametrize(
    ("phone", "message"),
    [("call me", "Enter a valid phone number, like +370 612 34567."), ("", "This field is required.")],
)
def test_a_bad_phone_number_is_refused(signed_in, ona, phone, message):
    response = post_new(signed_in, tomorrow(10), phone=phone)

    assert response.status_code == 400 and in_language("lv", message) in response.content.decode()
    assert not Callback.objects.exists()


def test_a_time_taken_meanwhile_shows_the_error_and_the_fresh_times(signed_in, ona, outsider):
    book(outsider, tomorrow(11))

    response = post_new(signed_in, tomorrow(11))

    html = response.content.decode()
    assert response.status_code == 400
    assert in_language("lv", "That time is not available, please choose another.") in html
    assert f'value="{slot_value(tomorrow(11))}"' not in html
    assert f'value="{slot_value(tomorrow(11, 30))}"' in html
    assert Callback.objects.count() == Ticket.objects.count() == 1


def test_without_free_times_the_page_says_so_and_offers_a_request(signed_in):
    response = signed_in.get("/portal/callbacks/new/")

    html = response.content.decode()
    assert 'data-testid="no-slots"' in html and 'href="/portal/requests/new/"' in html
    assert 'name="topic"' not in html


def test_cancelling_from_the_portal(signed_in, janis, ona):
    callback = book(janis, tomorrow(10))

    assert signed_in.get(f"/portal/callbacks/{callback.pk}/cancel/").status_code == 405
    response = signed_in.post(f"/portal/callbacks/{callback.pk}/cancel/")

    callback.refresh_from_db()
    assert response.status_code == 302 and callback.status == CallbackStatus.CANCELLED
    again = signed_in.post(f"/portal/callbacks/{callback.pk}/cancel/", follow=True)
    assert "This callback is not booked any more." in again.content.decode()


def test_moving_from_the_portal_shows_the_picker_then_moves(signed_in, janis, ona):
    callback = book(janis, tomorrow(10))

    page = signed_in.get(f"/portal/callbacks/{callback.pk}/move/")
    assert page.status_code == 200 and page.content.decode().count('type="radio" name="slot"') == 3
    response = signed_in.post(f"/portal/callbacks/{callback.pk}/move/", {"slot": slot_value(tomorrow(11))})

    assert response.status_code == 302
    moved = Callback.objects.booked().get()
    assert moved.starts_at == tomorrow(11) and moved.pk != callback.pk


def test_a_cancelled_callback_cannot_be_moved(signed_in, janis, ona):
    callback = book(janis, tomorrow(10))
    signed_in.post(f"/portal/callbacks/{callback.pk}/cancel/")

    response = signed_in.get(f"/portal/callbacks/{callback.pk}/move/", follow=True)

    assert "This callback can no longer be moved." in response.content.decode()


def test_another_customers_callback_is_a_404_everywhere(client, outsider, janis, ona):
    callback = book(janis, tomorrow(10))
    client.force_login(outsider.user)

    assert client.get(f"/portal/callbacks/{callback.pk}/move/").status_code == 404
    assert (
        client.post(f"/portal/callbacks/{callback.pk}/move/", {"slot": slot_value(tomorrow(11))}).status_code
        == 404
    )
    assert client.post(f"/portal/callbacks/{callback.pk}/cancel/").status_code == 404
    assert f"/portal/callbacks/{callback.pk}/" not in client.get("/portal/callbacks/").content.decode()
    callback.refresh_from_db()
    assert callback.status == CallbackStatus.BOOKED


def test_staff_and_anonymous_visitors_are_kept_out(client, ona):
    assert client.get("/portal/callbacks/").status_code == 302
    client.force_login(ona)
    assert client.get("/portal/callbacks/new/").status_code == 403
