"""Who may write what in the rosters (the pages' access helpers in access.py build on these)."""

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from helpdesk.models import Role, User

# Shifts, patterns and time-off decisions.
ROSTER_MANAGERS = frozenset({Role.SUPERVISOR, Role.ADMIN})
# Calendars, skills, agent profiles and teams: back-office staff configure them too.
ROSTER_CONFIGURERS = frozenset({Role.BACKOFFICE, Role.SUPERVISOR, Role.ADMIN})


def can_manage_rosters(user: User) -> bool:
    return user.is_authenticated and user.role in ROSTER_MANAGERS


def can_configure_rosters(user: User) -> bool:
    return user.is_authenticated and user.role in ROSTER_CONFIGURERS


def require_manager(by: User | None) -> None:
    # `by=None` is the system (a management command, a test fixture); people must be supervisors.
    if by is not None and not can_manage_rosters(by):
        raise PermissionDenied(_("Only supervisors and admins manage rosters."))


def require_configurer(by: User | None) -> None:
    if by is not None and not can_configure_rosters(by):
        raise PermissionDenied(_("Only back-office staff, supervisors and admins change this."))
