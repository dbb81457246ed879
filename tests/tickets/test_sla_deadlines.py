"""Which policy a ticket falls under and where its deadlines fall (tickets/sla/)."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError

from backoffice.billing.models import Plan, Subscription
from tests.factories import CustomerFactory, OrganizationFactory, TeamFactory
from tests.tickets.sla_helpers import MONDAY_10, at, message_at, office_calendar, policy, ticket_at
from tickets.models import SlaPolicy, Status, Ticket
from tickets.services import ticket_customer_reply, ticket_reply, ticket_update
from tickets.sla.engine import sla_policy_for, sla_recompute, support_tier_of


def test_the_first_active_policy_by_position_whose_conditions_all_match_wins(db):
    policy("Catch-all", position=9)
    policy("Urgent", position=1, priorities=["urgent"])
    policy("Urgent email", position=0, priorities=["urgent"], channels=["email"], active=False)
    urgent = ticket_at(MONDAY_10, priority="urgent")
    normal = ticket_at(MONDAY_10)

    assert sla_policy_for(urgent).name == "Urgent"
    assert sla_policy_for(normal).name == "Catch-all"
    assert urgent.sla_policy.name == "Urgent"


def test_a_ticket_no_policy_matches_has_no_deadlines(db):
    policy("Phone only", channels=["phone"])

    ticket = ticket_at(MONDAY_10, channel="email")

    assert ticket.sla_policy is None
    assert (ticket.first_response_due_at, ticket.resolution_due_at, ticket.sla_next_check_at) == (None,) * 3


def test_the_tier_is_the_highest_of_the_organization_and_the_accounts_live_plans(db):
    acme = OrganizationFactory(name="Acme", support_tier="business")
    customer = CustomerFactory(organization=acme)
    ticket = ticket_at(MONDAY_10, requester=customer)
    assert support_tier_of(ticket) == "business"

    plan = Plan.objects.create(name="Gold", price="100.00", support_tier="enterprise")
    Subscription.objects.create(
        organization=acme, plan=plan, start_date=MONDAY_10.date(), renewal_date=MONDAY_10.date()
    )
    assert support_tier_of(ticket) == "enterprise"

    Subscription.objects.update(status="cancelled")
    assert support_tier_of(ticket) == "business"


def test_policies_match_tier_organization_and_type(db):
    acme = OrganizationFactory(name="Acme", support_tier="enterprise")
    other = OrganizationFactory(name="Other")
    enterprise = policy("Enterprise", position=0, support_tiers=["enterprise"], types=["incident"])
    only_other = policy("Other's", position=1)
    only_other.organizations.add(other)
    policy("Catch-all", position=2)

    incident = ticket_at(MONDAY_10, requester=CustomerFactory(organization=acme), type="incident")
    question = ticket_at(MONDAY_10, requester=CustomerFactory(organization=acme), type="question")
    others = ticket_at(MONDAY_10, requester=CustomerFactory(organization=other))

    assert [incident.sla_policy, question.sla_policy.name, others.sla_policy] == [
        enterprise,
        "Catch-all",
        only_other,
    ]


def test_calendar_hour_targets_and_the_warning_at_the_policys_share(db):
    policy(warning_percent=75)

    ticket = ticket_at(MONDAY_10)

    assert ticket.first_response_due_at == MONDAY_10 + timedelta(minutes=60)
    assert ticket.resolution_due_at == MONDAY_10 + timedelta(minutes=480)
    assert ticket.next_response_due_at is None
    assert ticket.sla_next_check_at == MONDAY_10 + timedelta(minutes=45)  # 75 % of the first response


def test_business_hour_targets_skip_the_night_and_the_weekend(db):
    office_calendar()
    policy(business_hours=True)

    ticket = ticket_at(at(2026, 12, 4, 16, 30))  # a Friday, half an hour before closing

    assert ticket.first_response_due_at == at(2026, 12, 7, 9, 30)
    assert ticket.resolution_due_at == at(2026, 12, 7, 16, 30)


def test_the_teams_calendar_wins_over_the_default_one(db):
    office_calendar()
    night_team = TeamFactory(name="Night")
    night = office_calendar(team=night_team, default=False)
    night.hours.update(opens="18:00", closes="23:00")
    policy(business_hours=True)

    ticket = ticket_at(MONDAY_10, team=night_team)

    assert ticket.first_response_due_at == at(2026, 11, 30, 19, 0)


def test_the_first_reply_stops_the_first_response_clock_and_a_customer_message_starts_the_next(db, ona):
    policy()
    ticket = ticket_at(MONDAY_10)
    reply = ticket_reply(ticket=ticket, by=ona, body="On it.")
    message_at(reply, MONDAY_10 + timedelta(minutes=20))
    Ticket.objects.filter(pk=ticket.pk).update(first_response_at=MONDAY_10 + timedelta(minutes=20))

    ticket = sla_recompute(ticket_id=ticket.pk, now=MONDAY_10 + timedelta(minutes=20))
    assert (ticket.first_response_due_at, ticket.next_response_due_at) == (None, None)

    again = ticket_customer_reply(ticket=ticket, customer=ticket.requester, body="Still smoking.")
    message_at(again, MONDAY_10 + timedelta(minutes=30))
    ticket = sla_recompute(ticket_id=ticket.pk, now=MONDAY_10 + timedelta(minutes=30))
    assert ticket.awaiting_reply_since == MONDAY_10 + timedelta(minutes=30)
    assert ticket.next_response_due_at == MONDAY_10 + timedelta(minutes=150)

    answer = ticket_reply(ticket=ticket, by=ona, body="Unplug it.")
    message_at(answer, MONDAY_10 + timedelta(minutes=40))
    ticket = sla_recompute(ticket_id=ticket.pk, now=MONDAY_10 + timedelta(minutes=40))
    assert (ticket.awaiting_reply_since, ticket.next_response_due_at) == (None, None)


def test_pending_pauses_the_resolution_clock_and_the_pause_is_added_on_resume(db, ona):
    policy()
    ticket = ticket_at(MONDAY_10)
    ticket_update(ticket=ticket, by=ona, changes={"status": Status.PENDING})
    ticket = sla_recompute(ticket_id=ticket.pk, now=MONDAY_10 + timedelta(minutes=60))
    assert ticket.sla_paused_at == MONDAY_10 + timedelta(minutes=60)
    assert ticket.resolution_due_at is None
    assert ticket.first_response_due_at is not None  # the customer still waits for an answer

    ticket_update(ticket=ticket, by=ona, changes={"status": Status.OPEN})
    ticket = sla_recompute(ticket_id=ticket.pk, now=MONDAY_10 + timedelta(minutes=150))

    assert ticket.sla_paused_minutes == 90
    assert ticket.resolution_due_at == MONDAY_10 + timedelta(minutes=480 + 90)


def test_a_policy_without_pause_statuses_keeps_counting(db, ona):
    policy(pause_statuses=[])
    ticket = ticket_at(MONDAY_10)
    ticket_update(ticket=ticket, by=ona, changes={"status": Status.ON_HOLD})

    ticket = sla_recompute(ticket_id=ticket.pk, now=MONDAY_10 + timedelta(minutes=60))

    assert ticket.sla_paused_at is None
    assert ticket.resolution_due_at == MONDAY_10 + timedelta(minutes=480)


def test_solving_clears_every_deadline_and_the_next_check(db, ona):
    policy()
    ticket = ticket_at(MONDAY_10)
    ticket_update(ticket=ticket, by=ona, changes={"status": Status.SOLVED})

    ticket = sla_recompute(ticket_id=ticket.pk, now=MONDAY_10 + timedelta(minutes=5))

    assert (ticket.first_response_due_at, ticket.resolution_due_at, ticket.sla_next_check_at) == (None,) * 3


def test_a_priority_change_moves_the_deadlines_to_the_new_policy(db, ona):
    policy("Normal", position=1)
    policy("Urgent", position=0, priorities=["urgent"], first_response_minutes=15)
    ticket = ticket_at(MONDAY_10)

    ticket_update(ticket=ticket, by=ona, changes={"priority": "urgent"})
    ticket = sla_recompute(ticket_id=ticket.pk, now=MONDAY_10 + timedelta(minutes=1))

    assert ticket.sla_policy.name == "Urgent"
    assert ticket.first_response_due_at == MONDAY_10 + timedelta(minutes=15)


def test_recomputing_a_ticket_that_is_gone_does_nothing(db):
    assert sla_recompute(ticket_id=987654, now=MONDAY_10) is None


@pytest.mark.parametrize(
    ("field", "value"),
    [("priorities", ["sometimes"]), ("channels", "email"), ("pause_statuses", ["solved", 3])],
)
def test_a_policy_with_unknown_condition_values_is_refused(db, field, value):
    bad = SlaPolicy(name="Bad", first_response_minutes=10, **{field: value})

    with pytest.raises(ValidationError) as error:
        bad.full_clean()

    assert field in error.value.message_dict
