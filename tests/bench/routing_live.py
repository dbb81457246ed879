"""Routing end to end: tickets committed at RATE per second for SECONDS, through the real outbox relay
and Celery workers (one for the `routing` queue, one for the others), on the bench database and the
broker of the settings; the time from each ticket's commit to its assignment, p50/p95, target p95
<= 1 s at 50 tickets/s (BENCH_ROUTING_RATE sets another rate). The tickets come from CLIENTS threads
at once, as through several web servers. Unlike the other steps this one commits (the worker
processes must see the data); everything it made is deleted afterwards.
"""

import os
import statistics
import tempfile
import threading
import time
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.db import connection
from django.db.models import Min
from django.utils import timezone

from backoffice.models import Team
from backoffice.rosters.models import AgentProfile, Shift
from helpdesk.models import OutboxEvent, User
from tests.processes import ProcessGroup, wait_until
from tickets.models import Activity, Ticket
from tickets.services import ticket_create

RATE, SECONDS, AGENTS = int(os.environ.get("BENCH_ROUTING_RATE", 50)), 10, 10
CLIENTS = 8  # tickets arrive from many clients at once, as through the web servers and email


def _database_url() -> str:
    db = connection.settings_dict
    return f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def _team(now) -> tuple[Team, list[User]]:
    team = Team.objects.create(name=f"bench live routing {now:%H%M%S}")
    agents = []
    for number in range(AGENTS):
        user = User.objects.create(
            email=f"live{number}-{now:%H%M%S}@bench.invalid", full_name=f"Live {number}", role="agent"
        )
        languages = [code for code, _name in settings.LANGUAGES]  # the seeded customers write in all of them
        AgentProfile.objects.create(user=user, languages=languages, max_open_tickets=10_000)
        team.members.add(user)
        Shift.objects.create(
            agent=user, team=team, start=now - timedelta(hours=1), end=now + timedelta(hours=7)
        )
        agents.append(user)
    return team, agents


def _client(begin: float, numbers: range, requester, team: Team, ids: list[int]) -> None:
    """One client: its share of the tickets, each committed at its moment of the schedule."""
    try:
        for number in numbers:
            pause = begin + number / RATE - time.perf_counter()
            if pause > 0:
                time.sleep(pause)
            ticket = ticket_create(requester=requester, subject=f"Live {number}", body="Hi", team=team)
            ids.append(ticket.pk)
    finally:
        connection.close()  # the thread's own connection


def run() -> tuple[list[float], float, int]:
    """(commit-to-assignment seconds per ticket, tickets committed per second, tickets)."""
    started_at = timezone.now()
    team, agents = _team(started_at)
    requester = Ticket.objects.order_by("pk").first().requester
    # The workers and relay run with the production settings (persistent database connections),
    # mail going nowhere.
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "helpdesk.settings",
        "SECRET_KEY": "bench-only-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz",
        "EMAIL_URL": "dummymail://",
        "DJANGO_DEBUG": "0",
        "DATABASE_URL": _database_url(),
        "CELERY_BROKER_URL": settings.CELERY_BROKER_URL,
        "OUTBOX_POLL_SECONDS": "0.05",
    }
    group = ProcessGroup(env, Path(tempfile.mkdtemp(prefix="bench-routing-")))
    worker = [
        "-m",
        "celery",
        "-A",
        "helpdesk",
        "worker",
        "--without-mingle",
        "--without-gossip",
        "--loglevel",
        "WARNING",
    ]
    group.start("worker-routing", *worker, "-Q", "routing", "--concurrency", "2")
    rest = group.start("worker-rest", *worker, "-Q", "default,sla,notify,ingest", "--concurrency", "1")
    group.start_relay()
    ids = []
    try:
        time.sleep(3)  # the workers connect
        # Routing is what a customer waits for; SLA and notification work may lag a burst and catch up
        # (in production: run the routing queue on its own worker, as here).
        os.setpriority(os.PRIO_PGRP, rest.pid, 19)
        begin = time.perf_counter()
        clients = [
            threading.Thread(
                target=_client, args=(begin, range(k, RATE * SECONDS, CLIENTS), requester, team, ids)
            )
            for k in range(CLIENTS)
        ]
        for client in clients:
            client.start()
        for client in clients:
            client.join()
        rate = len(ids) / (time.perf_counter() - begin)
        wait_until(
            lambda: Ticket.objects.filter(pk__in=ids, assignee__isnull=False).count() == len(ids),
            timeout=300,
            what="every ticket assigned",
        )
        assigned = dict(
            Activity.objects.filter(ticket_id__in=ids, field="assignee")
            .values("ticket_id")
            .annotate(at=Min("created_at"))
            .values_list("ticket_id", "at")
        )
        created = dict(Ticket.objects.filter(pk__in=ids).values_list("pk", "created_at"))
        latencies = [(assigned[pk] - created[pk]).total_seconds() for pk in ids]
    finally:
        group.stop_all()
        Ticket.objects.filter(pk__in=ids).delete()
        OutboxEvent.objects.filter(created_at__gte=started_at).delete()
        Shift.objects.filter(team=team).delete()
        User.objects.filter(pk__in=[agent.pk for agent in agents]).delete()
        team.delete()
    return latencies, rate, len(ids)


def row(latencies: list[float], rate: float, count: int) -> tuple[str, str, str, str]:
    p95 = sorted(latencies)[int(0.95 * len(latencies)) - 1]
    return (
        f"routing live: {count} tickets at {rate:.0f}/s, relay + workers",
        f"commit → assigned p50 {statistics.median(latencies):.2f} s, p95 {p95:.2f} s",
        "p95 <= 1 s",
        "PASS" if p95 <= 1 else "FAIL",
    )
