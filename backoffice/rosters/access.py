"""Who may see and change rosters.

- Supervisors and admins manage every team's roster and decide time off.
- Back-office staff may view every team's week grid and staffing (read-only).
- Agents view, read-only, the grids of the teams they belong to, and request time off for themselves.
"""

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404

from backoffice.models import Team
from backoffice.rosters.services import can_manage_rosters
from helpdesk.models import Role, User

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
