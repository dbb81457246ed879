"""Booking, cancelling and moving callbacks (tickets/callbacks/services.py): the phone task for the right
agent, the bad inputs, the rules of cancel and move, and the double-booking race."""

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from tests.factories import CustomerFactory
from tests.portal.people import in_language
from tests.portal.test_callbacks_slots import NOW, at, booked, on_shift
from tests.rosters.factories import agent, team_of
from tickets.callbacks import services
from tickets.callbacks.services import callback_book, callback_cancel, callback_move
from tickets.models import Callback, CallbackStatus, Channel, Message, Status, Ticket, TicketType

pytestmark = pytest.mark.django_db


@pytest.fixture
def crew(db):
    ona = agent("Ona Kazlauskaitė", languages=["lv", "en"])
    liga = agent("Līga Ozola", languages=["lv"])
    team = team_of(ona, liga)
    on_shift(ona, team, at(1, 10), 4)
    on_shift(liga, team, at(1, 10), 4)
    return team, ona, liga


def book(customer, start, **fields):
    data = {"phone": "+370 612 34567", "topic": "Invoice question", "language": "lv", "now": NOW} | fields
    return callback_book(customer=customer, starts_at=start, **data)


def test_booking_makes_a_phone_task_for_the_agent_due_at_the_slot(crew, janis):
    team, ona, liga = crew

    callback = book(janis, at(1, 10, 30), phone="00370 (612) 34-567")

    ticket = callback.ticket
    assert (callback.agent, callback.team, callback.status) == (ona, team, CallbackStatus.BOOKED)
    assert (callback.phone, callback.ends_at, callback.language) == ("+37061234567", at(1, 11), "lv")
    assert (ticket.channel, ticket.type, ticket.assignee, ticket.team) == (
        Channel.PHONE,
        TicketType.TASK,
        ona,
        team,
    )
    assert (ticket.requester, ticket.due_at, ticket.subject) == (
        janis,
        at(1, 10, 30),
        in_language("lv", "Callback: {topic}").format(topic="Invoice question"),  # the ticket's language
    )
    body = Message.objects.get(ticket=ticket).body_text
    assert "+37061234567" in body and "(Europe/Vilnius)" in body


def test_the_agent_with_the_fewest_callbacks_that_day_gets_it_ties_by_id(crew, janis, laura):
    team, ona, liga = crew
    booked(laura, ona, at(1, 13))

    first = book(janis, at(1, 10))
    second = book(janis, at(1, 11))
    third = book(janis, at(1, 12))

    # Ona has one already: Līga; then both have one: Ona by id; then Līga has fewer.
    assert [first.agent, second.agent, third.agent] == [liga, ona, liga]


@pytest.mark.parametrize(
    ("start", "fields", "field"),
    [
        (at(1, 8), {}, "starts_at"),  # before now
        (at(1, 9), {}, "starts_at"),  # within the notice
        (at(1, 10, 10), {}, "starts_at"),  # not on the grid
        (at(1, 15), {}, "starts_at"),  # nobody on shift
        (at(9, 10), {}, "starts_at"),  # beyond the days ahead
        (at(1, 10), {"language": "fi"}, "starts_at"),  # nobody speaks it
        (at(1, 10), {"phone": ""}, "phone"),
        (at(1, 10), {"phone": "call me maybe"}, "phone"),
        (at(1, 10), {"phone": "+370 12"}, "phone"),
        (at(1, 10), {"topic": "   "}, "topic"),
    ],
)
def test_bad_bookings_are_refused_and_leave_nothing_behind(crew, janis, start, fields, field):
    with pytest.raises(ValidationError) as raised:
        book(janis, start, **fields)

    assert field in raised.value.error_dict
    assert not Callback.objects.exists() and not Ticket.objects.exists()


def test_a_slot_booked_by_both_agents_is_no_longer_offered(crew, janis, laura):
    book(janis, at(1, 10))
    book(laura, at(1, 10))

    with pytest.raises(ValidationError, match="not available"):
        book(CustomerFactory(), at(1, 10))


def test_the_same_customer_cannot_book_one_time_twice(crew, janis):
    book(janis, at(1, 10))

    with pytest.raises(ValidationError, match="already have a callback"):
        book(janis, at(1, 10))


def test_when_the_chosen_agent_was_taken_meanwhile_the_next_free_one_gets_it(crew, janis, laura, monkeypatch):
    team, ona, liga = crew
    stale = services.slot_agents(starts_at=at(1, 10), language="lv", now=NOW, tz=at(1, 10).tzinfo)
    book(laura, at(1, 10))  # Ona's slot, committed after janis saw it free
    monkeypatch.setattr(services, "slot_agents", lambda **kwargs: stale)

    callback = book(janis, at(1, 10))

    assert callback.agent == liga
    with pytest.raises(ValidationError, match="just taken"):
        book(CustomerFactory(), at(1, 10))  # both agents' slots hit the constraint
    assert Callback.objects.booked().count() == Ticket.objects.count() == 2


def test_cancelling_solves_the_task_with_a_note(crew, janis):
    callback = book(janis, at(1, 11))

    callback_cancel(callback=callback, now=NOW)

    callback.refresh_from_db()
    ticket = Ticket.objects.get(pk=callback.ticket_id)
    assert callback.status == CallbackStatus.CANCELLED and ticket.status == Status.SOLVED
    note = Message.objects.get(ticket=ticket, public=False)
    assert note.body_text == in_language("lv", "The customer cancelled this callback in the portal.")


def test_a_started_or_cancelled_callback_cannot_be_cancelled_or_moved(crew, janis):
    callback = book(janis, at(1, 11))

    with pytest.raises(ValidationError, match="already started"):
        callback_cancel(callback=callback, now=at(1, 11))
    with pytest.raises(ValidationError, match="already started"):
        callback_move(callback=callback, starts_at=at(1, 12), now=at(1, 11, 5))
    callback_cancel(callback=callback, now=NOW)
    with pytest.raises(ValidationError, match="not booked"):
        callback_cancel(callback=callback, now=NOW)
    with pytest.raises(ValidationError, match="not booked"):
        callback_move(callback=callback, starts_at=at(1, 12), now=NOW)


def test_moving_books_the_new_slot_and_cancels_the_old_one(crew, janis):
    old = book(janis, at(1, 11), topic="Router")

    new = callback_move(callback=old, starts_at=at(1, 12, 30), now=NOW)

    old.refresh_from_db()
    assert old.status == CallbackStatus.CANCELLED
    assert Ticket.objects.get(pk=old.ticket_id).status == Status.SOLVED
    assert (new.status, new.starts_at, new.topic, new.phone) == (
        CallbackStatus.BOOKED,
        at(1, 12, 30),
        "Router",
        "+37061234567",
    )
    assert new.ticket.due_at == at(1, 12, 30) and new.ticket.status == Status.NEW


def test_a_move_to_a_time_not_free_changes_nothing(crew, janis):
    old = book(janis, at(1, 11))

    for start in (at(1, 11), at(1, 15)):
        with pytest.raises(ValidationError):
            callback_move(callback=old, starts_at=start, now=NOW)

    old.refresh_from_db()
    assert old.status == CallbackStatus.BOOKED and Callback.objects.count() == 1
    assert Ticket.objects.get().status == Status.NEW


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("agents", [1, 2])
def test_two_customers_booking_one_slot_at_once_never_share_an_agent(agents):
    crew = [agent(f"Agent{number} Example", languages=["lv"]) for number in range(agents)]
    team = team_of(*crew)
    for user in crew:
        on_shift(user, team, at(1, 10), 1)
    customers = [CustomerFactory() for _ in range(2)]
    barrier = threading.Barrier(2)
    outcomes = []

    def run(customer):
        try:
            barrier.wait()
            outcomes.append(book(customer, at(1, 10)).agent_id)
        except ValidationError as error:
            outcomes.append(error.messages[0])
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(customer,)) for customer in customers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    booked_agents = list(Callback.objects.booked().values_list("agent_id", flat=True))
    assert len(booked_agents) == len(set(booked_agents)) == agents
    assert Ticket.objects.count() == agents
    if agents == 1:
        assert len([outcome for outcome in outcomes if isinstance(outcome, str)]) == 1
