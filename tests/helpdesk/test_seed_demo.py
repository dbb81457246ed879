import pytest
from django.core.management import CommandError, call_command

from helpdesk.management.commands.seed_demo import DEMO_PASSWORD, DEMO_USERS
from helpdesk.models import Role, User


def test_seed_demo_creates_a_user_for_every_role_and_prints_the_logins(db, capsys):
    call_command("seed_demo", "--allow-production")

    assert set(User.objects.values_list("role", flat=True)) == set(Role.values)
    output = capsys.readouterr().out
    assert DEMO_PASSWORD in output
    for email, *_ in DEMO_USERS:
        assert email in output
    assert User.objects.get(email="ona@example.com").check_password(DEMO_PASSWORD)


def test_seed_demo_is_idempotent(db, capsys):
    call_command("seed_demo", "--allow-production")
    call_command("seed_demo", "--allow-production")

    assert User.objects.count() == len(DEMO_USERS)
    assert "0 created" in capsys.readouterr().out


def test_seed_demo_refuses_to_run_in_production_unless_told(db):
    with pytest.raises(CommandError, match="DEBUG is off"):
        call_command("seed_demo")

    assert User.objects.count() == 0


def test_seed_demo_sets_up_automation_once(db, capsys):
    from backoffice.rosters.models import BusinessCalendar, Shift
    from tickets.models import Rule, SlaPolicy

    call_command("seed_demo", "--allow-production")
    shifts = Shift.objects.count()
    call_command("seed_demo", "--allow-production")

    assert BusinessCalendar.objects.filter(is_default=True).count() == 1
    assert (SlaPolicy.objects.count(), Rule.objects.count()) == (2, 3)
    assert shifts > 0 and Shift.objects.count() == shifts
    assert "Demo automation: already there." in capsys.readouterr().out
