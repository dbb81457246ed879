"""The outbox end to end, with a real relay and a real Celery worker process on the broker."""

from pathlib import Path

import pytest
from django.db import transaction

from helpdesk.models import OutboxEvent, OutboxHandled
from helpdesk.outbox import outbox_publish
from tests.processes import uses_redis, wait_until

pytestmark = [pytest.mark.integration]

UNREACHABLE_BROKER = "redis://127.0.0.1:1/0"


def lines(path: Path) -> int:
    return len(path.read_text().splitlines()) if path.exists() else 0


def publish_effect(tmp_path: Path, **payload) -> OutboxEvent:
    with transaction.atomic():
        return outbox_publish(name="test.effect", payload={"dir": str(tmp_path), **payload})


def wait_handled(event: OutboxEvent, timeout: float = 60) -> None:
    wait_until(
        lambda: OutboxHandled.objects.filter(event=event).exists(), timeout=timeout, what=f"{event} handled"
    )


def test_a_committed_event_is_handled_exactly_once(processes, tmp_path):
    processes.start_worker()
    processes.start_relay()
    event = publish_effect(tmp_path)
    wait_handled(event)

    # The relay publishes the same row again (as after a crash between publish and mark).
    OutboxEvent.objects.filter(pk=event.pk).update(published_at=None)
    wait_until(lambda: OutboxEvent.objects.get(pk=event.pk).published_at, what="the duplicate published")
    # The worker takes one message at a time in order: once a later event is done, so is the duplicate.
    sentinel = publish_effect(tmp_path)
    wait_handled(sentinel)

    assert lines(tmp_path / f"attempts-{event.pk}") == 1
    assert lines(tmp_path / f"effects-{event.pk}") == 1
    assert OutboxHandled.objects.filter(event=event).count() == 1


def test_an_event_of_a_rolled_back_transaction_is_never_handled(processes, tmp_path):
    processes.start_worker()
    processes.start_relay()
    with pytest.raises(RuntimeError), transaction.atomic():
        doomed = outbox_publish(name="test.effect", payload={"dir": str(tmp_path)})
        raise RuntimeError("the change failed")
    sentinel = publish_effect(tmp_path)
    wait_handled(sentinel)

    assert not OutboxEvent.objects.filter(pk=doomed.pk).exists()
    assert not (tmp_path / f"attempts-{doomed.pk}").exists()
    assert OutboxHandled.objects.count() == 1


def test_an_event_waits_while_the_broker_is_unreachable_and_is_delivered_after(processes, tmp_path):
    processes.start_worker()
    event = publish_effect(tmp_path)

    failed = processes.run(
        "manage.py", "outbox_relay", "--once", env={"CELERY_BROKER_URL": UNREACHABLE_BROKER}
    )

    assert failed.returncode != 0
    assert "Could not publish outbox events" in failed.stderr
    event.refresh_from_db()
    assert event.published_at is None
    assert event.attempts == 1
    assert "Error" in event.last_error

    delivered = processes.run("manage.py", "outbox_relay", "--once")
    assert delivered.returncode == 0, delivered.stderr
    assert "Published 1 outbox event(s)." in delivered.stdout
    wait_handled(event)
    assert lines(tmp_path / f"effects-{event.pk}") == 1


@pytest.mark.skipif(not uses_redis(), reason="redelivery of unacknowledged messages needs the Redis broker")
def test_a_worker_killed_mid_task_leads_to_one_redelivery_and_one_effect(processes, tmp_path):
    first_worker = processes.start_worker()
    processes.start_relay()
    event = publish_effect(tmp_path, sleep=30)
    attempts = tmp_path / f"attempts-{event.pk}"
    wait_until(lambda: lines(attempts) == 1, what="the handler to start")

    processes.kill(first_worker)  # SIGKILL to the worker and its pool: no chance to clean up
    assert not OutboxHandled.objects.filter(event=event).exists()
    OutboxEvent.objects.filter(pk=event.pk).update(payload={"dir": str(tmp_path), "sleep": 0})
    processes.start_worker()
    wait_handled(event, timeout=90)

    assert lines(attempts) == 2
    assert lines(tmp_path / f"effects-{event.pk}") == 1
    assert OutboxHandled.objects.filter(event=event).count() == 1


def test_a_pool_process_killed_mid_task_is_replaced_and_the_task_rerun_once(processes, tmp_path):
    import os
    import signal

    processes.start_worker()
    processes.start_relay()
    event = publish_effect(tmp_path, sleep=30)
    attempts = tmp_path / f"attempts-{event.pk}"
    wait_until(lambda: lines(attempts) == 1, what="the handler to start")
    OutboxEvent.objects.filter(pk=event.pk).update(payload={"dir": str(tmp_path), "sleep": 0})

    # The handler wrote its process id: kill just that pool process, as the OOM killer would.
    os.kill(int(attempts.read_text().split()[0]), signal.SIGKILL)
    wait_handled(event)

    assert lines(attempts) == 2
    assert lines(tmp_path / f"effects-{event.pk}") == 1
