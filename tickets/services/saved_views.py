"""Saved views: personal lists of tickets, or shared ones that supervisors publish."""

from django.core.exceptions import PermissionDenied
from django.db import transaction

from helpdesk.models import Role, User
from tickets.models import SavedView


@transaction.atomic
def saved_view_create(*, owner: User, name: str, filters: dict, shared: bool = False) -> SavedView:
    # Agents keep personal views; sharing with everyone is a supervisor's call.
    shared = shared and owner.role in (Role.SUPERVISOR, Role.ADMIN)
    return SavedView.objects.create(owner=owner, name=name.strip()[:100], filters=filters, shared=shared)


@transaction.atomic
def saved_view_delete(*, view: SavedView, by: User) -> None:
    if view.owner_id != by.pk and by.role != Role.ADMIN:
        raise PermissionDenied("Only the owner may delete a view.")
    view.delete()
