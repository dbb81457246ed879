"""What a customer sees of their callbacks; another customer's callback is a 404."""

from datetime import datetime

from django.http import Http404

from customers.models import Customer
from tickets.models import Callback, CallbackStatus

PAST_SHOWN = 20


def customer_callback(customer: Customer, pk: int) -> Callback:
    """The customer's own callback, else 404 (never 403: that would confirm it exists)."""
    callback = Callback.objects.filter(customer=customer, pk=pk).first()
    if callback is None:
        raise Http404
    return callback


def customer_callbacks(customer: Customer, *, now: datetime) -> tuple[list[Callback], list[Callback]]:
    """(upcoming booked ones, soonest first; the latest PAST_SHOWN others, newest first)."""
    mine = Callback.objects.filter(customer=customer)
    upcoming = mine.filter(status=CallbackStatus.BOOKED, starts_at__gt=now).order_by("starts_at", "pk")
    past = mine.exclude(pk__in=upcoming.values("pk")).order_by("-starts_at", "-pk")[:PAST_SHOWN]
    return list(upcoming), list(past)
