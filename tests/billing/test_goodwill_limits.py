"""Whose goodwill credit waits for approval: the agent's own limit on their roster profile, else the
default limit from settings; supervisors and admins are not limited."""

from decimal import Decimal

from backoffice.billing.services import goodwill_credit_propose, goodwill_limit_of
from backoffice.rosters.models import AgentProfile
from tests.factories import make_ticket


def propose(by, amount):
    return goodwill_credit_propose(
        ticket=make_ticket(), by=by, amount=Decimal(amount), currency="EUR", reason="Outage"
    )


def test_an_agents_own_limit_decides_over_the_default(ona):
    AgentProfile.objects.create(user=ona, goodwill_limit=Decimal("120.00"))

    assert goodwill_limit_of(ona) == Decimal("120.00")
    assert propose(ona, "120.00").status == "approved"
    assert propose(ona, "120.01").status == "proposed"


def test_a_zero_limit_sends_every_credit_for_approval(ona):
    AgentProfile.objects.create(user=ona, goodwill_limit=Decimal("0"))

    assert propose(ona, "0.01").status == "proposed"


def test_without_an_own_limit_the_default_from_settings_applies(ona, settings):
    settings.GOODWILL_DEFAULT_LIMIT = "20.00"
    AgentProfile.objects.create(user=ona)  # a profile with no limit of its own

    assert goodwill_limit_of(ona) == Decimal("20.00")
    assert propose(ona, "20.00").status == "approved"
    assert propose(ona, "20.01").status == "proposed"


def test_supervisors_and_admins_are_not_limited(aino, rasa):
    for user in (aino, rasa):
        assert goodwill_limit_of(user) is None
        note = propose(user, "5000.00")
        assert (note.status, note.decided_by) == ("approved", user)
