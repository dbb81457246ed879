"""Automation at scale, in process, on the seeded bench database (every step in a transaction that is
rolled back, so the data stays as it was):

- SLA sweep cost: the same 50 due tickets swept with 100 and with 100,000 open tickets not yet due;
  the ratio shows the sweep reads what is due, not what is open (target <= 2x).
- SLA lag: 1,000 deadlines spread over 10 seconds, swept every second as beat does; the lag from each
  deadline to its recorded breach (target p99 <= 5 s).
- Routing: tickets routed one by one to 20 agents on shift; time per ticket against creating it
  (the baseline), and tickets routed per second by one process; then end to end, through the relay
  and worker processes, at 50 tickets a second (routing_live.py).
- Fan-out: one event to 2,000 agents, in the desk and by email through an SMTP server on 127.0.0.1;
  deliveries per second, as a ratio to writing the same rows with one bulk insert.
"""

import logging
import socket
import statistics
import time
from datetime import timedelta

from aiosmtpd.controller import Controller
from django.conf import settings
from django.db import transaction
from django.test.utils import override_settings
from django.utils import timezone

from backoffice.models import Team
from backoffice.rosters.models import AgentProfile, Shift
from helpdesk.models import OutboxEvent, User
from tests.bench import routing_live
from tickets.models import UNSOLVED, Notification, NotificationChannel, SlaEvent, SlaPolicy, Ticket
from tickets.notifications.email import notification_emails_send
from tickets.notifications.fanout import EMAIL_CHUNK, notifications_fan_out
from tickets.routing.assignment import ticket_route
from tickets.services import ticket_create
from tickets.sla.engine import sla_sweep

DUE = 50
NOT_DUE = (100, 100_000)
LAG_TICKETS, LAG_SECONDS = 1_000, 10
ROUTED, AGENTS = 300, 20
RECIPIENTS = 2_000


class Rollback(Exception):
    pass


def rolled_back(step):
    """Run `step()` in a transaction that is rolled back; return what it returned."""
    result = {}
    try:
        with transaction.atomic():
            result["value"] = step()
            raise Rollback
    except Rollback:
        pass
    return result["value"]


def p(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def sweep_cost(not_due: int) -> float:
    policy = SlaPolicy.objects.create(name="bench", first_response_minutes=60, business_hours=False)
    now = timezone.now()
    ids = list(
        Ticket.objects.filter(status__in=UNSOLVED).order_by().values_list("pk", flat=True)[: DUE + not_due]
    )
    Ticket.objects.filter(pk__in=ids[:DUE]).update(
        sla_policy=policy, first_response_at=None, sla_next_check_at=now - timedelta(minutes=1)
    )
    Ticket.objects.filter(pk__in=ids[DUE:]).update(
        sla_policy=policy, sla_next_check_at=now + timedelta(days=1)
    )
    started = time.perf_counter()
    fired = sla_sweep(now=now)
    seconds = time.perf_counter() - started
    assert fired == 2 * DUE, fired  # a warning and a breach each
    return seconds


def sla_lag() -> list[float]:
    policy = SlaPolicy.objects.create(name="bench", first_response_minutes=60, business_hours=False)
    start = timezone.now()
    ids = list(
        Ticket.objects.filter(status__in=UNSOLVED).order_by().values_list("pk", flat=True)[:LAG_TICKETS]
    )
    warned = []
    for index, pk in enumerate(ids):
        due = start + timedelta(seconds=LAG_SECONDS * index / LAG_TICKETS)
        Ticket.objects.filter(pk=pk).update(
            sla_policy=policy,
            created_at=due - timedelta(minutes=60),
            first_response_at=None,
            sla_next_check_at=due,
        )
        # Their warnings fired a quarter of an hour ago and the recompute then set the next check to the
        # deadline, as it would have: only breaches are due now.
        warned.append(
            SlaEvent(ticket_id=pk, metric="first_response", kind="warning", due_at=due, policy=policy)
        )
    SlaEvent.objects.bulk_create(warned)
    while timezone.now() < start + timedelta(seconds=LAG_SECONDS + 2):
        sla_sweep(now=timezone.now())
        time.sleep(1)
    breaches = SlaEvent.objects.filter(ticket_id__in=ids, kind="breach").values_list("fired_at", "due_at")
    return [(fired - due).total_seconds() for fired, due in breaches]


def routing() -> tuple[list[float], list[float]]:
    now = timezone.now()
    team = Team.objects.create(name="bench routing")
    for number in range(AGENTS):
        user = User.objects.create(
            email=f"router{number}@bench.invalid", full_name=f"Router {number}", role="agent"
        )
        AgentProfile.objects.create(
            user=user, languages=[code for code, _ in settings.LANGUAGES], max_open_tickets=1000
        )
        team.members.add(user)
        Shift.objects.create(
            agent=user, team=team, start=now - timedelta(hours=1), end=now + timedelta(hours=7)
        )
    requester = Ticket.objects.order_by("pk").first().requester
    created, routed = [], []
    for number in range(ROUTED):
        started = time.perf_counter()
        ticket = ticket_create(
            requester=requester, subject=f"Routing {number}", body="Hello", team=team, language="lt"
        )
        created.append(time.perf_counter() - started)
        started = time.perf_counter()
        decision = ticket_route(ticket_id=ticket.pk, now=now)
        routed.append(time.perf_counter() - started)
        assert decision.agent is not None
    return created, routed


class Accept:
    async def handle_DATA(self, server, session, envelope) -> str:
        return "250 OK"


def fan_out() -> tuple[float, float, int]:
    users = User.objects.bulk_create(
        User(email=f"notify{n}@bench.invalid", full_name=f"Agent {n}", role="agent", password="!")
        for n in range(RECIPIENTS)
    )
    ticket = Ticket.objects.order_by("pk").first()
    event = OutboxEvent.objects.create(
        name="rule.notify",
        payload={"ticket_id": ticket.pk, "rule": "bench", "user_ids": [u.pk for u in users]},
    )
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    logging.getLogger("mail.log").setLevel(logging.WARNING)  # aiosmtpd logs every command
    controller = Controller(Accept(), hostname="127.0.0.1", port=port)
    controller.start()
    try:
        with override_settings(
            EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
            EMAIL_HOST="127.0.0.1",
            EMAIL_PORT=port,
            EMAIL_USE_TLS=False,
        ):
            started = time.perf_counter()
            ids = notifications_fan_out(event)
            for begin in range(0, len(ids), EMAIL_CHUNK):
                notification_emails_send(ids=ids[begin : begin + EMAIL_CHUNK])
            delivered_in = time.perf_counter() - started
    finally:
        controller.stop()
    deliveries = Notification.objects.filter(event_id=event.pk).count()
    rows = [
        Notification(event_id=-1, recipient=user, channel=channel, kind="rule", ticket=ticket, text="bench")
        for user in users
        for channel in (NotificationChannel.IN_APP, NotificationChannel.EMAIL)
    ]
    started = time.perf_counter()
    Notification.objects.bulk_create(rows)
    bulk_in = time.perf_counter() - started
    return delivered_in, bulk_in, deliveries


def run() -> list[tuple[str, str, str, str]]:
    """Rows of (measure, value, target, verdict)."""
    few = min(rolled_back(lambda: sweep_cost(NOT_DUE[0])) for _ in range(3))
    many = min(rolled_back(lambda: sweep_cost(NOT_DUE[1])) for _ in range(3))
    lags = rolled_back(sla_lag)
    created, routed = rolled_back(routing)
    delivered_in, bulk_in, deliveries = rolled_back(fan_out)
    live = routing_live.row(*routing_live.run())
    sweep_ratio = many / few
    routing_ratio = p(routed, 0.95) / p(created, 0.95)
    per_second = 1 / statistics.mean(routed)
    fan_ratio = delivered_in / bulk_in
    return [
        (f"SLA sweep, {DUE} due + {NOT_DUE[0]:,} not due", f"{few * 1000:.1f} ms", "baseline", ""),
        (
            f"SLA sweep, {DUE} due + {NOT_DUE[1]:,} not due",
            f"{many * 1000:.1f} ms ({sweep_ratio:.2f}x)",
            "<= 2x",
            "PASS" if sweep_ratio <= 2 else "FAIL",
        ),
        (
            f"SLA breach lag, {len(lags)} deadlines, 1 s sweep",
            f"p50 {statistics.median(lags):.2f} s, p99 {p(lags, 0.99):.2f} s",
            "p99 <= 5 s",
            "PASS" if lags and p(lags, 0.99) <= 5 else "FAIL",
        ),
        ("routing: create a ticket (baseline)", f"p95 {p(created, 0.95) * 1000:.1f} ms", "baseline", ""),
        (
            f"routing: assign it ({AGENTS} agents)",
            f"p95 {p(routed, 0.95) * 1000:.1f} ms ({routing_ratio:.2f}x), {per_second:.0f}/s",
            ">= 50/s",
            "PASS" if per_second >= 50 else "FAIL",
        ),
        live,
        (
            f"fan-out: bulk insert of {deliveries:,} rows (baseline)",
            f"{bulk_in * 1000:.0f} ms",
            "baseline",
            "",
        ),
        (
            f"fan-out: {RECIPIENTS:,} recipients, desk + SMTP",
            f"{delivered_in:.2f} s, {deliveries / delivered_in:,.0f} deliveries/s ({fan_ratio:.1f}x)",
            "report",
            "",
        ),
    ]


def table(rows) -> str:
    width = max(len(row[0]) for row in rows)
    lines = [f"{'automation':{width}}  {'measured':52}  {'target':10}  result", "-" * (width + 75)]
    lines += [
        f"{label:{width}}  {value:52}  {target:10}  {verdict}" for label, value, target, verdict in rows
    ]
    return "\n".join(lines)
