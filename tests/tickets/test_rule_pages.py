"""The supervisors' rule pages: list, editor, order, on/off, dry run."""

import pytest
from django.urls import reverse

from helpdesk.models import AuditEntry
from tests.factories import TeamFactory, make_ticket
from tickets.models import Rule, Ticket


def rule(name, position=0, **fields) -> Rule:
    return Rule.objects.create(
        name=name, position=position, trigger=fields.pop("trigger", "created"), **fields
    )


@pytest.mark.parametrize(("who", "status"), [("aino", 200), ("rasa", 200), ("ona", 403), ("piotr", 403)])
def test_only_supervisors_and_admins_open_the_rules(client, request, who, status):
    client.force_login(request.getfixturevalue(who))

    assert client.get(reverse("desk:rules")).status_code == status
    assert client.get(reverse("desk:rule_new")).status_code == status


def test_a_supervisor_creates_a_rule_and_it_goes_last(client, aino):
    rule("First", position=3, set_priority="high")
    billing = TeamFactory(name="Billing")
    client.force_login(aino)

    response = client.post(
        reverse("desk:rule_new"),
        {
            "name": "Invoices to billing",
            "trigger": "created",
            "active": "on",
            "keywords": "invoice, sąskaita",
            "languages": ["lt", "en"],
            "channels": ["email"],
            "set_team": billing.pk,
        },
    )

    made = Rule.objects.get(name="Invoices to billing")
    assert response.status_code == 302
    assert (made.languages, made.channels, made.set_team, made.position) == (
        ["lt", "en"],
        ["email"],
        billing,
        4,
    )
    assert made.updated_by == aino
    assert AuditEntry.objects.filter(action="rule.created", target_id=str(made.pk)).exists()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"name": "Nothing", "trigger": "created"}, "Choose at least one action"),
        ({"name": "Timeless", "trigger": "time", "set_status": "solved"}, "needs statuses and the hours"),
        ({"name": "Bad", "trigger": "created", "set_priority": "loud"}, "Select a valid choice"),
    ],
)
def test_a_bad_rule_is_refused_with_its_reason_and_nothing_is_saved(client, aino, data, message):
    client.force_login(aino)

    response = client.post(reverse("desk:rule_new"), data)

    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Rule.objects.exists()


def test_rules_move_up_and_down_and_switch_off(client, aino):
    first, second = rule("First", 1, set_priority="high"), rule("Second", 2, set_priority="low")
    client.force_login(aino)

    client.post(reverse("desk:rule_move", args=[second.pk]), {"direction": "up"})
    assert list(Rule.objects.values_list("name", flat=True)) == ["Second", "First"]
    client.post(reverse("desk:rule_toggle", args=[first.pk]))
    first.refresh_from_db()
    assert first.active is False


def test_the_dry_run_lists_the_tickets_the_rule_would_change_and_how(
    client, aino, django_assert_max_num_queries
):
    urgent = rule("Refunds are urgent", keywords="refund", set_priority="urgent")
    would = make_ticket(subject="Refund please")
    make_ticket(subject="Refund now", priority="urgent")  # matches but would not change
    make_ticket(subject="Printer")
    client.force_login(aino)
    url = reverse("desk:rule_preview", args=[urgent.pk])
    with django_assert_max_num_queries(30) as few:
        client.get(url, HTTP_HX_REQUEST="true")
    for number in range(10):
        make_ticket(subject=f"Question {number}", body="Do you sell refunds?")

    # Ten more tickets to look at cost no query each (their first messages come with them).
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(url, HTTP_HX_REQUEST="true")

    page = response.content.decode()
    assert f"#{would.pk} Refund please" in page
    assert "Refund now" not in page and "Printer" not in page
    assert "priority → Urgent" in page
    assert Ticket.objects.get(pk=would.pk).priority == "normal"  # nothing changed


def test_the_dry_run_of_a_time_rule_uses_the_minute_jobs_query(client, aino, ona):
    from datetime import timedelta

    from django.utils import timezone

    from tickets.services import ticket_update

    stale = rule("Stale", trigger="time", statuses=["pending"], hours_in_status=24, set_status="solved")
    ticket = make_ticket(subject="Waiting on you")
    ticket_update(ticket=ticket, by=ona, changes={"status": "pending"})
    Ticket.objects.filter(pk=ticket.pk).update(status_changed_at=timezone.now() - timedelta(hours=30))
    client.force_login(aino)

    page = client.get(reverse("desk:rule_preview", args=[stale.pk])).content.decode()

    assert "Waiting on you" in page and "status → Solved" in page
