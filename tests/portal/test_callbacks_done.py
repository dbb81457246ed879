"""A callback's phone task solved: the callback is done, and nobody is asked to rate a task."""

import pytest

from helpdesk.models import OutboxEvent
from helpdesk.outbox import outbox_handle, outbox_messages_for
from tests.portal.test_callbacks_booking import book, crew  # noqa: F401 - the crew fixture
from tests.portal.test_callbacks_slots import at
from tickets.callbacks.services import callback_cancel
from tickets.models import CallbackStatus, SatisfactionRating, Status
from tickets.services import ticket_update

pytestmark = pytest.mark.django_db


def _run_handlers_of_the_last_update() -> None:
    event = OutboxEvent.objects.filter(name="ticket.updated").latest("id")
    for names in outbox_messages_for(event).values():
        for name in names:
            outbox_handle(event_id=event.pk, handler_name=name)


def test_solving_the_task_marks_the_callback_done_and_offers_no_survey(crew, janis):  # noqa: F811
    callback = book(janis, at(1, 10, 30))

    ticket_update(ticket=callback.ticket, by=None, changes={"status": Status.SOLVED})
    _run_handlers_of_the_last_update()

    callback.refresh_from_db()
    assert callback.status == CallbackStatus.DONE
    assert not SatisfactionRating.objects.exists()


def test_a_cancelled_callback_stays_cancelled_when_its_task_is_solved(crew, janis):  # noqa: F811
    from tests.portal.test_callbacks_slots import NOW

    callback = callback_cancel(callback=book(janis, at(1, 10, 30)), now=NOW)
    _run_handlers_of_the_last_update()

    callback.refresh_from_db()
    assert callback.status == CallbackStatus.CANCELLED
    assert not SatisfactionRating.objects.exists()
