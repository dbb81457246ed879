"""The SLA engine with its real parts: the outbox relay, a Celery worker on the `sla` queue and beat
running the sweep every second, on PostgreSQL (or SQLite) and Redis (or the filesystem broker)."""

import time
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from tests.factories import make_ticket
from tests.processes import wait_until
from tests.tickets.sla_helpers import policy
from tickets.models import SlaEvent, Ticket


def test_a_new_ticket_gets_its_deadlines_from_the_worker_and_beat_fires_warning_and_breach_once(
    processes, tmp_path
):
    policy(first_response_minutes=60, resolution_minutes=None)
    processes.env["SLA_SWEEP_SECONDS"] = "1"
    processes.start_worker()
    processes.start_relay()
    processes.start("beat", "-m", "celery", "-A", "helpdesk", "beat", "-s", str(tmp_path / "beat-schedule"))
    with transaction.atomic():
        ticket = make_ticket(subject="Down since noon")
        # Created almost an hour ago: the warning is due at once and the breach in a few seconds.
        due = timezone.now() + timedelta(seconds=4)
        Ticket.objects.filter(pk=ticket.pk).update(created_at=due - timedelta(minutes=60))

    wait_until(
        lambda: Ticket.objects.filter(pk=ticket.pk, first_response_due_at__isnull=False).exists(),
        what="the worker to compute the deadline",
    )
    wait_until(
        lambda: SlaEvent.objects.filter(ticket=ticket, kind="breach").exists(),
        timeout=30,
        what="beat's sweep to record the breach",
    )
    time.sleep(2.5)  # more sweeps run meanwhile: none fires anything again

    events = list(SlaEvent.objects.filter(ticket=ticket).values_list("kind", "metric"))
    assert sorted(events) == [("breach", "first_response"), ("warning", "first_response")]
    breach = SlaEvent.objects.get(ticket=ticket, kind="breach")
    assert breach.fired_at - breach.due_at < timedelta(seconds=5)
