"""Roles as permission groups: one group per role, its permissions declared here.

A user's role is the `User.role` column (cheap to read on every request); the group gives
Django permissions to match. `user_set_role` keeps the two in step, and `sync_role_groups`
(run after every migrate) makes the groups match ROLE_PERMISSIONS.
"""

from django.contrib.auth.models import Group, Permission
from django.db.models import Q

from helpdesk.models import Role

# "app_label.codename" for each role. Admins are superusers and need no list.
ROLE_PERMISSIONS: dict[str, list[str]] = {
    Role.CUSTOMER: [],
    Role.AGENT: ["helpdesk.view_user"],
    Role.SUPERVISOR: ["helpdesk.view_user", "helpdesk.view_outboxevent"],
    Role.BACKOFFICE: ["helpdesk.view_user"],
    Role.ADMIN: [],
}


def role_group_name(role: str) -> str:
    return f"role:{role}"


def role_of(user) -> Role | None:
    """The role of a signed-in user, or None for anonymous visitors."""
    if not getattr(user, "is_authenticated", False):
        return None
    return Role(user.role)


def sync_role_groups(**kwargs) -> None:
    for role in Role:
        group, _ = Group.objects.get_or_create(name=role_group_name(role))
        wanted = Q(pk__in=[])
        for dotted in ROLE_PERMISSIONS[role]:
            app_label, codename = dotted.split(".")
            wanted |= Q(content_type__app_label=app_label, codename=codename)
        group.permissions.set(Permission.objects.filter(wanted))
