"""Writes about users: every change to a user's role or profile goes through here."""

from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from helpdesk.models import AuditEntry, Role, User
from helpdesk.outbox import outbox_publish
from helpdesk.roles import role_group_name


@transaction.atomic
def user_create(
    *, email: str, full_name: str, role: str, password: str | None = None, language: str = ""
) -> User:
    email = User.objects.normalize_email(email).lower()
    if User.objects.filter(email__iexact=email).exists():
        raise ValidationError({"email": _("A user with this email address already exists.")})
    user = User(email=email, full_name=full_name, language=language)
    user.set_password(password)
    user.save()
    user_set_role(user=user, role=role)
    outbox_publish(name="user.created", payload={"user_id": user.pk, "role": user.role})
    return user


@transaction.atomic
def user_set_role(*, user: User, role: str) -> User:
    """Give `user` a role: its column, its permission group, and admin-site access for admins."""
    if role not in Role.values:
        raise ValidationError({"role": _("Unknown role: %(role)s.") % {"role": role}})
    previous = user.role
    user.role = role
    user.is_staff = user.is_superuser = role == Role.ADMIN
    user.save(update_fields=["role", "is_staff", "is_superuser"])
    user.groups.remove(*Group.objects.filter(name__startswith="role:"))
    group, _created = Group.objects.get_or_create(name=role_group_name(role))
    user.groups.add(group)
    if previous != role:
        outbox_publish(name="user.role_changed", payload={"user_id": user.pk, "old": previous, "new": role})
    return user


def user_set_language(*, user: User, language: str) -> User:
    user.language = language
    user.save(update_fields=["language"])
    return user


def audit_record(*, actor: User | None, action: str, target, summary: str, **data) -> AuditEntry:
    """Write one audit entry about `target` (a model instance), in the caller's transaction."""
    return AuditEntry.objects.create(
        actor=actor,
        action=action,
        target_type=target._meta.label_lower,
        target_id=str(target.pk),
        summary=summary[:250],
        data=data,
    )
