"""Agent profiles, skills and teams pages: who may see and change what, bad input, query budgets."""

from datetime import time
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from backoffice.models import Team
from backoffice.rosters.models import AgentProfile, BusinessCalendar, Skill
from backoffice.rosters.services import (
    agent_profile_set_paused,
    calendar_hours_add,
    skill_create,
    team_update,
)
from tests.factories import TeamFactory, UserFactory
from tests.rosters.factories import agent

pytestmark = pytest.mark.django_db
HTMX = {"HX-Request": "true"}


def url(name, *args):
    return reverse(f"backoffice:rosters:{name}", args=args)


def profile_post(**changes):
    data = {
        "languages": ["lt", "en"],
        "max_open_tickets": "8",
        "time_zone": "Europe/Vilnius",
        "goodwill_limit": "",
    }
    return data | changes


# --- Agent profiles.


@pytest.mark.parametrize(("who", "status"), [("clerk", 200), ("boss", 200), ("admin", 200), ("ona", 403)])
def test_the_profile_list_is_for_back_office_supervisors_and_admins(client, crew, who, status):
    client.force_login(getattr(crew, who))
    assert client.get(url("profiles")).status_code == status


def test_the_profile_list_shows_desk_users_in_a_fixed_number_of_queries(
    client, crew, django_assert_max_num_queries
):
    for n in range(5):
        agent(f"Extra{n} Agent", skills=["billing", f"skill {n}"], languages=["fi"])
    UserFactory(full_name="Petras Profileless", role="agent")
    crew.ona.agent_profile.assignment_paused = True
    crew.ona.agent_profile.save()
    client.force_login(crew.clerk)
    with django_assert_max_num_queries(6):  # session, user, people, teams, skills (+1 spare)
        response = client.get(url("profiles"))
    html = response.content.decode()
    assert html.count('data-testid="profile-row"') == 10  # 7 agents, Aino and Adam; not Bea nor customers
    assert "Cust Omer" not in html and "Bea Backoffice" not in html
    ona = html[html.index("Ona Kazlauskaitė") :]
    ona = ona[: ona.index("</tr>")]
    assert "First line" in ona and "billing" in ona and "LT, EN" in ona and "Paused" in ona
    assert "No profile yet" in html


def test_back_office_edits_an_agents_teams_skills_languages_and_limits(client, crew):
    second = TeamFactory(name="Second line")
    spanish = Skill.objects.create(name="spanish")
    client.force_login(crew.clerk)
    data = profile_post(
        teams=[crew.team.pk, second.pk],
        skills=[spanish.pk],
        languages=["pl", "en"],
        max_open_tickets="3",
        time_zone="Europe/Warsaw",
        goodwill_limit="75.50",
        assignment_paused="on",
    )
    response = client.post(url("profile", crew.jonas.pk), data)
    assert response.status_code == 302
    profile = AgentProfile.objects.get(user=crew.jonas)
    assert list(profile.skills.values_list("name", flat=True)) == ["spanish"]
    assert profile.languages == ["en", "pl"]
    assert (
        profile.max_open_tickets,
        profile.time_zone,
        profile.goodwill_limit,
        profile.assignment_paused,
    ) == (
        3,
        "Europe/Warsaw",
        Decimal("75.50"),
        True,
    )
    assert set(crew.jonas.teams.values_list("name", flat=True)) == {"First line", "Second line"}


def test_the_first_edit_creates_the_profile(client, crew):
    petras = UserFactory(full_name="Petras Petraitis", role="agent")
    client.force_login(crew.boss)
    page = client.get(url("profile", petras.pk)).content.decode()
    assert "No profile yet" in page and not AgentProfile.objects.filter(user=petras).exists()
    assert client.post(url("profile", petras.pk), profile_post()).status_code == 302
    profile = AgentProfile.objects.get(user=petras)
    assert profile.goodwill_limit is None and profile.languages == ["en", "lt"]


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"time_zone": "Mars/Olympus"}, "Mars/Olympus is not one of the available choices"),
        ({"goodwill_limit": "-5"}, "Ensure this value is greater than or equal to 0"),
        ({"languages": ["xx"]}, "xx is not one of the available choices"),
        ({"max_open_tickets": "many"}, "Enter a whole number."),
    ],
)
def test_bad_profile_input_is_refused_and_nothing_changes(client, crew, changes, message):
    client.force_login(crew.clerk)
    response = client.post(url("profile", crew.ona.pk), profile_post(**changes))
    assert response.status_code == 400
    assert message in response.content.decode()
    profile = AgentProfile.objects.get(user=crew.ona)
    assert profile.time_zone == "UTC" and profile.goodwill_limit is None and profile.languages == ["lt", "en"]


def test_a_lead_cannot_leave_their_team_until_another_lead_is_chosen(client, crew):
    crew.team.lead = crew.ona
    crew.team.save()
    client.force_login(crew.boss)
    response = client.post(url("profile", crew.ona.pk), profile_post(teams=[]))
    assert response.status_code == 400
    assert (
        "Ona leads First line; choose another lead there before they leave it." in response.content.decode()
    )
    assert crew.ona.teams.exists()


def test_an_agent_sees_their_own_profile_read_only_and_pauses_and_resumes(client, crew):
    client.force_login(crew.ona)
    assert client.get(url("profile_me"))["Location"] == url("profile", crew.ona.pk)
    html = client.get(url("profile", crew.ona.pk)).content.decode()
    assert 'data-testid="profile-facts"' in html and 'data-testid="profile-form"' not in html
    assert "billing" in html and "Lithuanian, English" not in html and "English, Lithuanian" in html
    response = client.post(url("profile_pause", crew.ona.pk), {"paused": "1"}, headers=HTMX)
    assert response.status_code == 200 and "Resume auto-assignment" in response.content.decode()
    assert AgentProfile.objects.get(user=crew.ona).assignment_paused
    response = client.post(url("profile_pause", crew.ona.pk), {"paused": "0"})
    assert response.status_code == 302
    assert not AgentProfile.objects.get(user=crew.ona).assignment_paused


def test_an_agent_may_not_see_or_change_anyone_elses_profile_nor_edit_their_own(client, crew):
    client.force_login(crew.ona)
    assert client.get(url("profile", crew.jonas.pk)).status_code == 404
    assert client.post(url("profile_pause", crew.jonas.pk), {"paused": "1"}).status_code == 404
    assert client.post(url("profile", crew.ona.pk), profile_post(max_open_tickets="99")).status_code == 403
    assert not AgentProfile.objects.get(user=crew.jonas).assignment_paused
    assert AgentProfile.objects.get(user=crew.ona).max_open_tickets == 8


def test_a_supervisor_pauses_an_agent_and_customers_are_refused(client, crew):
    client.force_login(crew.boss)
    assert client.post(url("profile_pause", crew.jonas.pk), {"paused": "1"}).status_code == 302
    assert AgentProfile.objects.get(user=crew.jonas).assignment_paused
    client.force_login(crew.customer)
    assert client.get(url("profile", crew.jonas.pk)).status_code == 403
    assert client.get(url("profile_me")).status_code == 403


def test_back_office_staff_have_no_profile_of_their_own(client, crew):
    client.force_login(crew.clerk)
    assert client.get(url("profile", crew.clerk.pk)).status_code == 404
    assert client.get(url("profile_me"))["Location"] == url("profiles")


# --- Skills.


def test_skills_are_listed_with_how_many_agents_have_them_in_fixed_queries(
    client, crew, django_assert_max_num_queries
):
    for n in range(5):
        agent(f"Extra{n} Agent", skills=["billing", f"skill {n}"])
    client.force_login(crew.clerk)
    with django_assert_max_num_queries(4):  # session, user, skills (+1 spare)
        response = client.get(url("skills"))
    html = response.content.decode()
    assert html.count('data-testid="skill-row"') == 6
    billing = html[html.index('value="billing"') :]
    assert '<td class="num">6</td>' in billing[: billing.index("</tr>")]


def test_a_skill_is_added_renamed_and_deleted(client, crew):
    client.force_login(crew.boss)
    response = client.post(url("skills"), {"name": "  VIP   care "}, headers=HTMX)
    assert response.status_code == 200 and 'value="VIP care"' in response.content.decode()
    skill = Skill.objects.get(name="VIP care")
    assert client.post(url("skill_rename", skill.pk), {"name": "VIP"}).status_code == 302
    skill.refresh_from_db()
    assert skill.name == "VIP"
    assert client.post(url("skill_delete", skill.pk)).status_code == 302
    assert not Skill.objects.filter(pk=skill.pk).exists()


def test_deleting_a_skill_takes_it_from_the_agents_who_had_it(client, crew):
    billing = Skill.objects.get(name="billing")
    client.force_login(crew.clerk)
    client.post(url("skill_delete", billing.pk), headers=HTMX)
    assert not crew.ona.agent_profile.skills.exists()


def test_a_duplicate_skill_name_is_refused_clearly_whatever_its_case(client, crew):
    spanish = Skill.objects.create(name="spanish")
    client.force_login(crew.clerk)
    response = client.post(url("skills"), {"name": "Billing"})
    assert response.status_code == 400
    assert "A skill named “billing” already exists." in response.content.decode()
    response = client.post(url("skill_rename", spanish.pk), {"name": "BILLING"}, headers=HTMX)
    assert "A skill named “billing” already exists." in response.content.decode()
    assert sorted(Skill.objects.values_list("name", flat=True)) == ["billing", "spanish"]
    response = client.post(url("skill_rename", spanish.pk), {"name": "  "})
    assert response.status_code == 400 and Skill.objects.filter(name="spanish").exists()


def test_agents_cannot_change_skills(client, crew):
    billing = Skill.objects.get(name="billing")
    client.force_login(crew.ona)
    assert client.get(url("skills")).status_code == 403
    assert client.post(url("skills"), {"name": "hacking"}).status_code == 403
    assert client.post(url("skill_delete", billing.pk)).status_code == 403
    assert Skill.objects.count() == 1


# --- Teams.


def test_teams_are_listed_with_lead_and_member_count_in_fixed_queries(
    client, crew, django_assert_max_num_queries
):
    crew.team.lead = crew.ona
    crew.team.save()
    for n in range(4):
        TeamFactory(name=f"Team {n}", members=[crew.jonas])
    client.force_login(crew.clerk)
    with django_assert_max_num_queries(4):  # session, user, teams (+1 spare)
        response = client.get(url("teams"))
    html = response.content.decode()
    assert html.count('data-testid="team-row"') == 5
    first = html[html.index("First line</a>") :]
    first = first[: first.index("</tr>")]
    assert "Ona Kazlauskaitė" in first and '<td class="num">2</td>' in first


def test_a_team_is_created_renamed_and_given_a_lead(client, crew):
    client.force_login(crew.clerk)
    response = client.post(url("teams"), {"name": "Night shift"})
    night = Team.objects.get(name="Night shift")
    assert response["Location"] == url("team_edit", night.pk)
    response = client.post(url("team_edit", crew.team.pk), {"name": "Front line", "lead": crew.jonas.pk})
    assert response.status_code == 302
    crew.team.refresh_from_db()
    assert (crew.team.name, crew.team.lead) == ("Front line", crew.jonas)


def test_a_lead_must_be_a_member_and_names_must_differ(client, crew):
    TeamFactory(name="Second line")
    client.force_login(crew.boss)
    response = client.post(url("team_edit", crew.team.pk), {"name": "First line", "lead": crew.boss.pk})
    assert response.status_code == 400 and "Select a valid choice" in response.content.decode()
    response = client.post(url("team_edit", crew.team.pk), {"name": "second LINE"})
    assert response.status_code == 400
    assert "A team named “Second line” already exists." in response.content.decode()
    assert client.post(url("teams"), {"name": "first line"}).status_code == 400
    crew.team.refresh_from_db()
    assert crew.team.name == "First line" and crew.team.lead is None


def test_agents_cannot_edit_teams(client, crew):
    client.force_login(crew.ona)
    assert client.get(url("teams")).status_code == 403
    assert client.post(url("team_edit", crew.team.pk), {"name": "Mine"}).status_code == 403


# --- The services check too (the API and commands call them without the pages).


def test_the_services_refuse_agents_and_a_lead_from_outside_the_team(crew):
    calendar = BusinessCalendar.objects.create(name="Office", time_zone="Europe/Vilnius")
    with pytest.raises(PermissionDenied):
        skill_create(name="hacking", by=crew.ona)
    with pytest.raises(PermissionDenied):
        calendar_hours_add(calendar=calendar, weekdays=[0], opens=time(9), closes=time(17), by=crew.ona)
    with pytest.raises(PermissionDenied):
        agent_profile_set_paused(user=crew.jonas, paused=True, by=crew.ona)
    with pytest.raises(ValidationError, match="Aino is not a member of First line"):
        team_update(team=crew.team, name="First line", lead=crew.boss, by=crew.clerk)
    assert not Skill.objects.filter(name="hacking").exists() and not calendar.hours.exists()
