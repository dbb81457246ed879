"""Automation rules (tickets/rules/): conditions, actions, firing once, time-based rules."""

from datetime import UTC, datetime, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from backoffice.billing.models import Invoice
from backoffice.rosters.models import Skill
from helpdesk.models import OutboxEvent
from tests.factories import CustomerFactory, MacroFactory, OrganizationFactory, TeamFactory, make_ticket
from tests.tickets.helpers import events
from tickets.handlers import route_after_change
from tickets.models import Message, Rule, RuleFiring, Ticket
from tickets.rules import engine
from tickets.rules.engine import rules_run, rules_run_time_based
from tickets.services import ticket_update

NOW = timezone.now()


def rule(name="Rule", trigger="created", **fields) -> Rule:
    relations = {key: fields.pop(key) for key in list(fields) if key in engine.RELATIONS}
    made = Rule.objects.create(name=name, trigger=trigger, **fields)
    for key, values in relations.items():
        getattr(made, key).set(values)
    return made


def run_created(ticket) -> list[str]:
    fired = rules_run(ticket_id=ticket.pk, trigger="created", occasion="created", now=NOW)
    ticket.refresh_from_db()
    return fired


def test_a_created_rule_sets_team_priority_tags_and_skills_once(db):
    billing = TeamFactory(name="Billing")
    skill = Skill.objects.create(name="invoices")
    rule(
        "Refunds in Lithuanian",
        keywords="refund, grąžinimas",
        languages=["lt"],
        set_team=billing,
        set_priority="high",
        add_tags="refund",
        require_skills=[skill],
    )
    ticket = make_ticket(subject="Prašau", body="Noriu grąžinimas už sąskaitą", language="lt")

    assert run_created(ticket) == ["Refunds in Lithuanian"]
    assert run_created(ticket) == []  # the same occasion: never twice

    assert (ticket.team, ticket.priority) == (billing, "high")
    assert list(ticket.tags.values_list("name", flat=True)) == ["refund"]
    assert list(ticket.required_skills.all()) == [skill]
    firing = RuleFiring.objects.get()
    assert firing.changes["team"] == "Billing" and firing.changes["skills"] == ["invoices"]


def test_conditions_that_do_not_hold_leave_the_ticket_alone(db):
    rule("Email only", channels=["email"], set_priority="urgent")
    rule("VIP only", vip="yes", set_priority="urgent")
    rule("Finnish only", languages=["fi"], set_priority="urgent")
    ticket = make_ticket(channel="web", language="lt")

    assert run_created(ticket) == []
    assert ticket.priority == "normal"


def test_tier_organization_tags_and_overdue_invoice_conditions(db):
    acme = OrganizationFactory(name="Acme", support_tier="enterprise")
    customer = CustomerFactory(organization=acme)
    customer.tags.create(name="reseller")
    rule(
        "Enterprise reseller who owes us",
        support_tiers=["enterprise"],
        organizations=[acme],
        customer_tags=list(customer.tags.all()),
        has_overdue_invoice="yes",
        add_tags="collections",
    )
    ticket = make_ticket(requester=customer)
    assert run_created(ticket) == []  # nothing overdue yet

    Invoice.objects.create(organization=acme, status="overdue", total="10.00", balance="10.00")
    second = make_ticket(requester=customer)
    assert run_created(second) == ["Enterprise reseller who owes us"]


def test_business_hours_condition_follows_the_teams_calendar(db):
    from tests.tickets.sla_helpers import office_calendar

    office_calendar()
    rule("After hours", in_business_hours="no", add_tags="after-hours")
    ticket = make_ticket()
    saturday_noon = datetime(2026, 12, 5, 10, 0, tzinfo=UTC)

    fired = rules_run(ticket_id=ticket.pk, trigger="created", occasion="created", now=saturday_noon)

    assert fired == ["After hours"]


def test_an_action_the_ticket_cannot_take_is_noted_and_the_others_still_happen(db, ona):
    rule("Reopen and tag", trigger="updated", set_status="new", add_tags="touched")
    ticket = make_ticket()
    ticket_update(ticket=ticket, by=ona, changes={"status": "open"})

    rules_run(ticket_id=ticket.pk, trigger="updated", occasion="event:1", now=NOW)

    firing = RuleFiring.objects.get()
    assert "status_refused" in firing.changes
    assert list(Ticket.objects.get(pk=ticket.pk).tags.values_list("name", flat=True)) == ["touched"]


def test_update_rules_run_on_peoples_changes_only_so_rules_cannot_loop(db, ona):
    rule("Urgent on update", trigger="updated", set_priority="urgent")
    ticket = make_ticket()

    system = OutboxEvent.objects.create(name="ticket.updated", payload={"ticket_id": ticket.pk, "by": None})
    route_after_change(system)
    assert not RuleFiring.objects.exists()

    person = OutboxEvent.objects.create(name="ticket.updated", payload={"ticket_id": ticket.pk, "by": ona.pk})
    route_after_change(person)
    route_after_change(person)  # a retried task
    assert RuleFiring.objects.count() == 1
    assert Ticket.objects.get(pk=ticket.pk).priority == "urgent"
    assert events("ticket.updated")[-1]["by"] is None  # the rule's own change runs no rules


def test_an_automatic_reply_goes_out_once_and_never_to_automatic_mail(db):
    macro = MacroFactory(
        name="Thanks", body="Hello {{ ticket.requester.first_name }}, {{ agent.name }} here."
    )
    rule("Auto answer", reply_with=macro)
    ticket = make_ticket(requester=CustomerFactory(name="Marija Petrauskaitė"))

    run_created(ticket)
    rules_run(ticket_id=ticket.pk, trigger="created", occasion="again", now=NOW)

    replies = Message.objects.filter(ticket=ticket, metadata__rule_reply__isnull=False)
    assert [reply.body_text for reply in replies] == ["Hello Marija, Support team here."]
    assert len(events("ticket.auto_replied")) == 1
    assert "reply_refused" in RuleFiring.objects.get(occasion="again").changes

    robot = make_ticket(channel="email")
    Message.objects.filter(ticket=robot).update(metadata={"auto_submitted": True})
    run_created(robot)
    assert not Message.objects.filter(ticket=robot, metadata__rule_reply__isnull=False).exists()


def test_a_time_rule_fires_once_per_stretch_in_the_status_over_every_matching_ticket(db, ona, monkeypatch):
    monkeypatch.setattr(engine, "TIME_BATCH", 2)
    rule("Solve stale pending", trigger="time", statuses=["pending"], hours_in_status=72, set_status="solved")
    stale = [make_ticket() for _ in range(5)]
    fresh = make_ticket()
    for ticket in [*stale, fresh]:
        ticket_update(ticket=ticket, by=ona, changes={"status": "pending"})
    Ticket.objects.filter(pk__in=[t.pk for t in stale]).update(status_changed_at=NOW - timedelta(hours=73))

    assert rules_run_time_based(now=NOW) == 5
    assert rules_run_time_based(now=NOW) == 0
    assert set(Ticket.objects.filter(status="solved").values_list("pk", flat=True)) == {t.pk for t in stale}

    # Back to pending for another three days: a new stretch, so it fires again.
    ticket_update(ticket=stale[0], by=ona, changes={"status": "open"})
    ticket_update(ticket=stale[0], by=ona, changes={"status": "pending"})
    Ticket.objects.filter(pk=stale[0].pk).update(status_changed_at=NOW - timedelta(hours=80))
    assert rules_run_time_based(now=NOW) == 1


def test_required_skills_steer_assignment(db):
    from backoffice.rosters.models import Shift
    from tests.rosters.factories import agent, team_of
    from tickets.routing.assignment import ticket_route

    generalist = agent("Gen Eralist", languages=["en"])
    expert = agent("Ex Pert", languages=["en"], skills=["invoices"])
    team = team_of(generalist, expert)
    for user in (generalist, expert):
        Shift.objects.create(
            agent=user, team=team, start=NOW - timedelta(hours=1), end=NOW + timedelta(hours=7)
        )
    rule("Invoices need the skill", keywords="invoice", require_skills=[Skill.objects.get(name="invoices")])
    ticket = make_ticket(team=team, subject="Invoice is wrong")
    run_created(ticket)

    decision = ticket_route(ticket_id=ticket.pk, now=NOW)

    assert decision.agent == expert
    assert "knows invoices" in decision.reason


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"trigger": "time", "statuses": ["pending"]}, "hours_in_status"),
        ({"trigger": "time", "hours_in_status": 5}, "hours_in_status"),
        ({"trigger": "created", "hours_in_status": 5}, "hours_in_status"),
        ({"trigger": "created", "languages": ["xx"]}, "languages"),
    ],
)
def test_an_inconsistent_rule_is_refused(db, fields, field):
    with pytest.raises(ValidationError) as error:
        Rule(name="Bad", **fields).full_clean()

    assert field in error.value.message_dict
