"""Automation with every real part: an email from a VIP customer in Lithuanian arrives; the outbox
relay, a Celery worker and beat route it to the on-shift Lithuanian-speaking agent with the reason on
the ticket, its SLA countdown runs in Chromium, the supervisor is told of the warning and the breach,
and the customer gets exactly one acknowledgement, through a real SMTP server."""

import re
import time
from datetime import timedelta
from email.message import EmailMessage

import pytest
from aiosmtpd.controller import Controller
from django.db import transaction
from django.utils import timezone
from playwright.sync_api import expect

from backoffice.rosters.models import Shift
from tests.e2e.helpers import sign_in
from tests.factories import CustomerFactory
from tests.processes import wait_until
from tests.rosters.factories import agent, team_of
from tests.tickets.conftest import Collector, free_port
from tests.tickets.sla_helpers import policy
from tickets.channels.email_in import receive_email
from tickets.models import Activity, Mailbox, Notification, SlaEvent, Ticket

pytestmark = [pytest.mark.e2e]


def lithuanian_email() -> bytes:
    message = EmailMessage()
    message["From"] = "Marija Petrauskaitė <marija@example.lt>"
    message["To"] = "support@helpdesk.test"
    message["Subject"] = "Neveikia internetas"
    message["Message-ID"] = "<vip-1@example.lt>"
    message.set_content("Laba diena, nuo ryto neveikia internetas. Prašau padėti.")
    return bytes(message)


@pytest.fixture
def mail_server():
    collector = Collector()
    controller = Controller(collector, hostname="127.0.0.1", port=free_port())
    controller.start()
    collector.port = controller.port
    yield collector
    controller.stop()


def test_a_vip_lithuanian_email_is_routed_counted_escalated_and_acknowledged_once(
    processes, page, mail_server
):
    ona = agent("Ona Kazlauskaitė", languages=["lt", "en"], role="agent")
    mikko = agent("Mikko Virtanen", languages=["fi", "en"])
    aino = agent("Aino Virtanen", languages=["fi", "en"], role="supervisor")
    team = team_of(ona, mikko, aino, name="Support")
    team.lead = aino
    team.save()
    now = timezone.now()
    for user in (ona, mikko):
        Shift.objects.create(
            agent=user, team=team, start=now - timedelta(hours=1), end=now + timedelta(hours=7)
        )
    Mailbox.objects.create(name="support", address="support@helpdesk.test", team=team, auto_reply=True)
    CustomerFactory(name="Marija Petrauskaitė", email="marija@example.lt", vip=True, language="lt")
    policy(first_response_minutes=60, resolution_minutes=600)

    processes.env.update({"SLA_SWEEP_SECONDS": "1", "EMAIL_URL": f"smtp://127.0.0.1:{mail_server.port}"})
    processes.start_worker()
    processes.start_relay()
    processes.start("beat", "-m", "celery", "-A", "helpdesk", "beat", "-s", str(processes.log_dir / "beat"))
    with transaction.atomic():
        receipt = receive_email(raw=lithuanian_email(), mailbox=Mailbox.objects.get())
        ticket = receipt.inbound.ticket
        # Received almost an hour ago: the warning (at 45 minutes) is due at once and the breach (at
        # 60) in a few seconds, when beat's sweep records it.
        Ticket.objects.filter(pk=ticket.pk).update(
            created_at=timezone.now() - timedelta(minutes=59, seconds=56)
        )

    wait_until(lambda: Ticket.objects.filter(pk=ticket.pk, assignee=ona).exists(), what="routing to Ona")
    reason = Activity.objects.get(ticket=ticket, field="assignee").reason
    assert "speaks lt" in reason and "on shift until" in reason

    sign_in(page, "ona@example.com")
    page.goto(f"/desk/tickets/{ticket.pk}/")
    expect(page.get_by_text(reason)).to_be_visible()
    countdown = page.get_by_test_id("sla").locator("time[data-countdown]").first
    before = countdown.inner_text()
    time.sleep(1.5)
    assert countdown.inner_text() != before  # it counts, second by second

    wait_until(lambda: SlaEvent.objects.filter(ticket=ticket, kind="breach").exists(), what="the breach")
    wait_until(
        lambda: Notification.objects.filter(recipient=aino, kind="sla_breach", channel="in_app").exists(),
        what="the supervisor's breach notification",
    )
    assert Notification.objects.filter(recipient=aino, kind="sla_warning", channel="in_app").count() == 1
    expect(countdown).to_have_class(re.compile("sla-breached"))

    page.context.clear_cookies()
    sign_in(page, "aino@example.com")
    page.goto("/desk/notifications/")
    expect(page.get_by_test_id("notifications")).to_contain_text("SLA breached")
    expect(page.get_by_test_id("bell-count")).to_be_visible()

    time.sleep(2)  # any second acknowledgement would have gone out by now
    to_customer = [email for email in mail_server.emails if "marija@example.lt" in email["To"]]
    assert len(to_customer) == 1
    assert to_customer[0]["Auto-Submitted"] == "auto-replied"
    assert page.problems == []
