"""SLA on the desk: countdowns on the ticket page and in lists, lists sorted by time to breach."""

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from tests.factories import make_ticket
from tests.tickets.sla_helpers import policy
from tickets import selectors
from tickets.models import Ticket
from tickets.selectors import page_after, queue_tickets
from tickets.sla.engine import sla_recompute
from tickets.templatetags.desk import sla_countdown


def live_ticket(team, *, created_minutes_ago: int, **fields) -> Ticket:
    ticket = make_ticket(team=team, **fields)
    Ticket.objects.filter(pk=ticket.pk).update(
        created_at=timezone.now() - timedelta(minutes=created_minutes_ago)
    )
    return sla_recompute(ticket_id=ticket.pk, now=timezone.now())


def test_the_countdown_shows_hours_and_minutes_left_or_overdue_with_its_state():
    now = timezone.now()

    on_track = sla_countdown(now + timedelta(hours=2, minutes=5, seconds=30), "Resolution")
    at_risk = sla_countdown(now + timedelta(minutes=30, seconds=30))
    breached = sla_countdown(now - timedelta(minutes=75, seconds=10))

    assert "sla-on-track" in on_track and ">2:05:2" in on_track and 'title="Resolution: ' in on_track
    assert "sla-at-risk" in at_risk and ">0:30:" in at_risk
    assert "sla-breached" in breached and ">−1:15:1" in breached
    assert sla_countdown(None) == ""


def test_the_ticket_page_lists_each_running_target_with_its_countdown(desk, first_line):
    policy(name="Gold")
    ticket = live_ticket(first_line, created_minutes_ago=70)

    page = desk.get(reverse("desk:ticket", args=[ticket.pk])).content.decode()

    assert "SLA: Gold" in page
    assert page.count("data-countdown") == 2  # first response (breached) and resolution
    assert "sla-breached" in page


def test_the_ticket_page_says_the_resolution_clock_is_paused(desk, first_line, ona):
    from tickets.services import ticket_update

    policy()
    ticket = live_ticket(first_line, created_minutes_ago=5)
    ticket_update(ticket=ticket, by=ona, changes={"status": "pending"})
    sla_recompute(ticket_id=ticket.pk, now=timezone.now())

    page = desk.get(reverse("desk:ticket", args=[ticket.pk])).content.decode()

    assert "Paused" in page


def test_a_ticket_without_a_policy_shows_no_sla(desk, first_line):
    ticket = make_ticket(team=first_line)

    page = desk.get(reverse("desk:ticket", args=[ticket.pk])).content.decode()

    assert 'data-testid="sla"' not in page


def test_sorting_by_time_to_breach_lists_the_soonest_first_and_pages_by_keyset(ona, first_line, monkeypatch):
    policy(first_response_minutes=600, resolution_minutes=None)
    made = [live_ticket(first_line, created_minutes_ago=minutes) for minutes in (10, 500, 100, 300)]
    Ticket.objects.filter(pk=made[0].pk).update(sla_due_at=None)  # as if no target were running

    tickets = queue_tickets(ona, "open", "breach")

    assert [ticket.pk for ticket in tickets] == [made[1].pk, made[3].pk, made[2].pk]
    monkeypatch.setattr(selectors, "PAGE_SIZE", 2)
    first, cursor = page_after(tickets, None)
    second, last = page_after(tickets, cursor)
    assert [ticket.pk for ticket in first + second] == [made[1].pk, made[3].pk, made[2].pk]
    assert last is None


def test_the_queue_page_sorts_by_breach_and_keeps_the_sort_in_its_links(desk, first_line):
    policy()
    soon = live_ticket(first_line, created_minutes_ago=50)
    later = live_ticket(first_line, created_minutes_ago=5)

    page = desk.get(reverse("desk:queue", args=["open"]) + "?sort=breach").content.decode()

    assert page.index(f"#{soon.pk}<") < page.index(f"#{later.pk}<")
    assert 'hx-get="/desk/views/open/?sort=breach"' in page
    assert 'aria-current="true" data-testid="sort-breach"' in page


def test_an_unknown_sort_falls_back_to_the_last_update(desk, first_line):
    make_ticket(team=first_line)

    response = desk.get(reverse("desk:queue", args=["open"]) + "?sort=%27;drop")

    assert response.status_code == 200
    assert response.context["sort"] is None
