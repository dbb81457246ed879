"""Who may see and change rosters.

- Supervisors and admins manage every team's roster (shifts, weekly patterns) and decide time off.
- Back-office staff may view every team's week grid, patterns and staffing (read-only).
- Back-office staff, supervisors and admins configure business calendars, skills, agent profiles and
  teams.
- Agents view, read-only, the grids and patterns of the teams they belong to, request time off for
  themselves, and see their own profile, where they pause or resume their own auto-assignment.
"""

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404

from backoffice.models import Team
from backoffice.rosters.models import BusinessCalendar, ShiftPattern, Skill
from backoffice.rosters.services import can_configure_rosters, can_manage_rosters
from helpdesk.models import DESK_ROLES, Role, User

VIEWERS = frozenset({Role.AGENT, Role.SUPERVISOR, Role.ADMIN, Role.BACKOFFICE})


def team_for_user(user: User, pk: int, *, write: bool = False) -> Team:
    """The team from a URL; 404 for a team the user may not see, 403 for a write they may not make."""
    if user.role not in VIEWERS:
        raise PermissionDenied
    teams = Team.objects.all()
    if user.role == Role.AGENT:
        teams = teams.filter(members=user)
    team = get_object_or_404(teams, pk=pk)
    if write and not can_manage_rosters(user):
        raise PermissionDenied
    return team


def visible_teams(user: User):
    teams = Team.objects.order_by("name")
    return teams.filter(members=user) if user.role == Role.AGENT else teams


def require_configurer(user: User) -> None:
    """For the configuration pages (calendars, skills, profiles list, teams)."""
    if not can_configure_rosters(user):
        raise PermissionDenied


def calendar_for_user(user: User, pk: int) -> BusinessCalendar:
    require_configurer(user)
    return get_object_or_404(BusinessCalendar.objects.select_related("team"), pk=pk)


def skill_for_user(user: User, pk: int) -> Skill:
    require_configurer(user)
    return get_object_or_404(Skill, pk=pk)


def team_to_configure(user: User, pk: int) -> Team:
    require_configurer(user)
    return get_object_or_404(Team.objects.select_related("lead"), pk=pk)


def profile_user_for(user: User, pk: int, *, write: bool = False) -> User:
    """The desk user whose profile is in the URL: configurers see everyone's, agents only their own
    (404 for anyone else's); writes other than pausing need a configurer."""
    if user.role not in VIEWERS:
        raise PermissionDenied
    people = User.objects.filter(role__in=DESK_ROLES)
    if not can_configure_rosters(user):
        people = people.filter(pk=user.pk)
    person = get_object_or_404(people, pk=pk)
    if write and not can_configure_rosters(user):
        raise PermissionDenied
    return person


def pattern_for_user(user: User, team_pk: int, pk: int) -> ShiftPattern:
    """A pattern of a team the user may change (supervisors and admins)."""
    team = team_for_user(user, team_pk, write=True)
    return get_object_or_404(ShiftPattern.objects.select_related("agent", "team"), pk=pk, team=team)
