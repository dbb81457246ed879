"""Writes of skills, teams and agent profiles (what routing reads to pick an agent)."""

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from backoffice.models import Team
from backoffice.rosters.models import AgentProfile, Skill
from backoffice.rosters.services.permissions import can_configure_rosters, require_configurer
from helpdesk.models import DESK_ROLES, User


def _clean_name(name: str, *, field: str = "name") -> str:
    name = " ".join(name.split())
    if not name:
        raise ValidationError({field: _("Give it a name.")})
    return name


@transaction.atomic
def skill_create(*, name: str, by: User | None) -> Skill:
    require_configurer(by)
    name = _clean_name(name)
    _refuse_duplicate_skill(name)
    return Skill.objects.create(name=name)


def _refuse_duplicate_skill(name: str, *, exclude: Skill | None = None) -> None:
    # Case-insensitive: "Billing" and "billing" would be two skills routing treats as different.
    same = Skill.objects.filter(name__iexact=name).exclude(pk=getattr(exclude, "pk", None)).first()
    if same is not None:
        raise ValidationError({"name": _("A skill named “%(name)s” already exists.") % {"name": same.name}})


@transaction.atomic
def skill_rename(*, skill: Skill, name: str, by: User | None) -> Skill:
    require_configurer(by)
    name = _clean_name(name)
    _refuse_duplicate_skill(name, exclude=skill)
    skill.name = name
    skill.save(update_fields=["name"])
    return skill


@transaction.atomic
def skill_delete(*, skill: Skill, by: User | None) -> None:
    """Delete the skill; agents who had it simply no longer have it."""
    require_configurer(by)
    skill.delete()


def _refuse_duplicate_team(name: str, *, exclude: Team | None = None) -> None:
    same = Team.objects.filter(name__iexact=name).exclude(pk=getattr(exclude, "pk", None)).first()
    if same is not None:
        raise ValidationError({"name": _("A team named “%(name)s” already exists.") % {"name": same.name}})


@transaction.atomic
def team_create(*, name: str, by: User | None) -> Team:
    require_configurer(by)
    name = _clean_name(name)
    _refuse_duplicate_team(name)
    return Team.objects.create(name=name)


@transaction.atomic
def team_update(*, team: Team, name: str, lead: User | None, by: User | None) -> Team:
    """Rename the team and set its lead, who must be one of its members."""
    require_configurer(by)
    name = _clean_name(name)
    _refuse_duplicate_team(name, exclude=team)
    if lead is not None and not team.members.filter(pk=lead.pk).exists():
        raise ValidationError(
            {
                "lead": _("%(person)s is not a member of %(team)s; add them on their profile first.")
                % {"person": lead.get_short_name(), "team": team.name}
            }
        )
    team.name = name
    team.lead = lead
    team.save(update_fields=["name", "lead"])
    return team


def _require_desk_user(user: User) -> None:
    if user.role not in DESK_ROLES:
        raise ValidationError(_("Only agents, supervisors and admins have agent profiles."))


@transaction.atomic
def agent_profile_update(
    *,
    user: User,
    teams: list[Team],
    skills: list[Skill],
    languages: list[str],
    max_open_tickets: int,
    time_zone: str,
    goodwill_limit: Decimal | None,
    assignment_paused: bool,
    by: User | None,
) -> AgentProfile:
    """Set what routing knows about a desk user, and their teams; the profile is made on first edit."""
    require_configurer(by)
    _require_desk_user(user)
    leaving = Team.objects.filter(lead=user, members=user).exclude(pk__in=[team.pk for team in teams])
    led = leaving.first()
    if led is not None:
        raise ValidationError(
            {
                "teams": _("%(person)s leads %(team)s; choose another lead there before they leave it.")
                % {"person": user.get_short_name(), "team": led.name}
            }
        )
    profile, _created = AgentProfile.objects.select_for_update().get_or_create(user=user)
    order = {code: index for index, (code, _name) in enumerate(settings.LANGUAGES)}
    profile.languages = sorted(set(languages), key=lambda code: (order.get(code, len(order)), code))
    profile.max_open_tickets = max_open_tickets
    profile.time_zone = time_zone
    profile.goodwill_limit = goodwill_limit
    profile.assignment_paused = assignment_paused
    # clean() refuses unknown languages; the fields a bad zone or a negative limit.
    profile.full_clean()
    profile.save()
    profile.skills.set(skills)
    user.teams.set(teams)
    return profile


@transaction.atomic
def agent_profile_set_paused(*, user: User, paused: bool, by: User) -> AgentProfile:
    """Pause or resume auto-assignment: desk users for themselves, configurers for anyone."""
    if by.pk != user.pk and not can_configure_rosters(by):
        raise PermissionDenied(_("You can only pause your own auto-assignment."))
    _require_desk_user(user)
    profile, _created = AgentProfile.objects.select_for_update().get_or_create(user=user)
    profile.assignment_paused = paused
    profile.save(update_fields=["assignment_paused"])
    return profile
