from datetime import datetime
from zoneinfo import ZoneInfo

from backoffice.rosters.models import AgentProfile, Skill
from tests.factories import TeamFactory, UserFactory

VILNIUS = ZoneInfo("Europe/Vilnius")


def at(*args) -> datetime:
    return datetime(*args, tzinfo=VILNIUS)


def agent(name: str, *, skills=(), languages=("en",), max_open=8, paused=False, role="agent", **fields):
    user = UserFactory(full_name=name, email=f"{name.split()[0].lower()}@example.com", role=role, **fields)
    profile = AgentProfile.objects.create(
        user=user, languages=list(languages), max_open_tickets=max_open, assignment_paused=paused
    )
    profile.skills.set([Skill.objects.get_or_create(name=skill)[0] for skill in skills])
    return user


def team_of(*members, name="First line"):
    return TeamFactory(name=name, members=list(members))
