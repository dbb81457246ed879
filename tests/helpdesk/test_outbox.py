"""The outbox services, in process: publishing, idempotent handling, pruning."""

import logging
from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone

from helpdesk.models import OutboxEvent, OutboxHandled
from helpdesk.outbox import (
    outbox_handle,
    outbox_handler,
    outbox_handlers_for,
    outbox_messages_for,
    outbox_prune,
    outbox_publish,
    outbox_relay_batch,
)

calls: list[int] = []
failures_to_come: list[str] = []


@outbox_handler("test.counted", queue="notify")
def count_call(event: OutboxEvent) -> None:
    calls.append(event.pk)


@outbox_handler("test.flaky")
def fail_then_count(event: OutboxEvent) -> None:
    calls.append(event.pk)
    if failures_to_come:
        raise RuntimeError(failures_to_come.pop())


@outbox_handler("test.counted", queue="notify", when=lambda payload: payload.get("loud", False))
def count_loud_call(event: OutboxEvent) -> None:
    calls.append(-event.pk)


@pytest.fixture(autouse=True)
def _reset_calls():
    calls.clear()
    failures_to_come.clear()


HANDLER = f"{__name__}.count_call"


def test_publishing_writes_a_pending_row_in_the_callers_transaction(db):
    with transaction.atomic():
        event = outbox_publish(name="ticket.created", payload={"ticket_id": 7})

    assert OutboxEvent.objects.pending().get() == event
    assert event.payload == {"ticket_id": 7}


def test_handlers_are_registered_with_their_queue():
    handler, loud = outbox_handlers_for("test.counted")

    assert (handler.name, loud.name) == (HANDLER, f"{__name__}.count_loud_call")
    assert handler.queue == loud.queue == "notify"


def test_the_relay_sends_one_message_per_queue_without_the_handlers_that_want_nothing(db):
    quiet = outbox_publish(name="test.counted")
    loud = outbox_publish(name="test.counted", payload={"loud": True})

    assert outbox_messages_for(quiet) == {"notify": [HANDLER]}
    assert outbox_messages_for(loud) == {"notify": [HANDLER, f"{__name__}.count_loud_call"]}
    assert outbox_messages_for(outbox_publish(name="nobody.listens")) == {}


def test_one_failing_handler_of_a_message_does_not_stop_the_others_and_its_retry_runs_only_it(db):
    from helpdesk.tasks import outbox_handle_task

    event = outbox_publish(name="test.flaky")
    failures_to_come.append("SMTP down")
    flaky = f"{__name__}.fail_then_count"

    with pytest.raises(RuntimeError, match="SMTP down"):
        outbox_handle_task(event.pk, [flaky, HANDLER])
    assert calls == [event.pk, event.pk]  # the flaky one failed, the counter still ran

    outbox_handle_task(event.pk, [flaky, HANDLER])
    assert calls == [event.pk, event.pk, event.pk]  # only the flaky one again
    assert set(OutboxHandled.objects.values_list("handler", flat=True)) == {flaky, HANDLER}
    outbox_handle_task(event.pk, HANDLER)  # a message from before, with one name, is still understood
    assert len(calls) == 3


def test_a_handler_on_an_unknown_queue_is_refused():
    with pytest.raises(ValueError, match="Unknown queue"):
        outbox_handler("test.nowhere", queue="nowhere")


def test_a_handler_runs_once_however_often_its_message_arrives(db):
    event = outbox_publish(name="test.counted")

    assert outbox_handle(event_id=event.pk, handler_name=HANDLER) is True
    assert outbox_handle(event_id=event.pk, handler_name=HANDLER) is False

    assert calls == [event.pk]
    assert OutboxHandled.objects.filter(event=event).count() == 1


def test_a_failing_handler_leaves_no_mark_so_the_retry_runs_it(db):
    event = outbox_publish(name="test.flaky")
    failures_to_come.append("SMTP down")
    flaky = f"{__name__}.fail_then_count"

    with pytest.raises(RuntimeError, match="SMTP down"):
        outbox_handle(event_id=event.pk, handler_name=flaky)

    assert not OutboxHandled.objects.exists()
    assert outbox_handle(event_id=event.pk, handler_name=flaky) is True
    assert calls == [event.pk, event.pk]
    assert OutboxHandled.objects.count() == 1


def test_a_message_for_a_deleted_event_is_dropped_quietly(db):
    assert outbox_handle(event_id=123456, handler_name=HANDLER) is False
    assert calls == []


def test_a_message_for_an_unknown_handler_is_logged_and_dropped(db, caplog):
    event = outbox_publish(name="test.counted")

    with caplog.at_level(logging.ERROR):
        assert outbox_handle(event_id=event.pk, handler_name="gone.handler") is False

    assert "No outbox handler 'gone.handler'" in caplog.text


def test_the_relay_marks_events_without_handlers_published(transactional_db):
    event = outbox_publish(name="user.created", payload={"user_id": 1})

    assert outbox_relay_batch() == 1

    event.refresh_from_db()
    assert event.published_at is not None
    assert outbox_relay_batch() == 0


def test_pruning_forgets_only_events_published_long_ago(db):
    now = timezone.now()
    old = outbox_publish(name="test.counted")
    recent = outbox_publish(name="test.counted")
    pending = outbox_publish(name="test.counted")
    OutboxEvent.objects.filter(pk=old.pk).update(published_at=now - timedelta(days=8))
    OutboxEvent.objects.filter(pk=recent.pk).update(published_at=now - timedelta(days=1))

    assert outbox_prune(now=now) == 1

    assert set(OutboxEvent.objects.values_list("pk", flat=True)) == {recent.pk, pending.pk}
