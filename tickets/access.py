"""Who may see and work which ticket. Views take tickets from URLs only through here."""

from django.core.exceptions import PermissionDenied
from django.http import Http404

from tickets.models import Ticket


def ticket_for_user(user, pk: int, *, queryset=None) -> Ticket:
    """The ticket `pk` if `user` may see it; 404 otherwise (never revealing that it exists)."""
    queryset = queryset if queryset is not None else Ticket.objects.all()
    try:
        return queryset.visible_to(user).get(pk=pk)
    except (Ticket.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def ensure_can_work(user, ticket: Ticket) -> None:
    """Services call this for actions by a person; `user=None` is the system (rules, routing)."""
    if user is None:
        return
    if not user.is_agent or not Ticket.objects.visible_to(user).filter(pk=ticket.pk).exists():
        raise PermissionDenied("You may not work on this ticket.")
