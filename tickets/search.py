"""Ticket search: PostgreSQL full-text over stored vectors (GIN-indexed), LIKE on SQLite.

Tickets carry a vector of subject (weight A) and requester name and email (B); each message
carries one of its text (C). The 'simple' configuration does not stem, which suits a helpdesk
that hears Lithuanian, Latvian, Finnish, Polish and English alike.
"""

from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector
from django.db import connection
from django.db.models import Exists, F, OuterRef, Q, Value

from tickets.models import Message, Ticket

CONFIG = "simple"
# Ranking every match of a common word would scan them all: rank the newest candidates only.
MAX_CANDIDATES = 1000


def is_postgres() -> bool:
    return connection.vendor == "postgresql"


def ticket_vector(requester_name: str, requester_email: str):
    return SearchVector("subject", weight="A", config=CONFIG) + SearchVector(
        Value(f"{requester_name} {requester_email} {requester_email.replace('@', ' ').replace('.', ' ')}"),
        weight="B",
        config=CONFIG,
    )


def index_ticket(ticket: Ticket) -> None:
    if is_postgres():
        requester = ticket.requester
        Ticket.objects.filter(pk=ticket.pk).update(
            search_vector=ticket_vector(requester.name, requester.email)
        )


def index_message(message: Message) -> None:
    if is_postgres():
        Message.objects.filter(pk=message.pk).update(
            search_vector=SearchVector("body_text", weight="C", config=CONFIG)
        )


def search_tickets(tickets, text: str):
    """`tickets` (already limited to what the user may see) that match `text`, best first."""
    text = text.strip()
    if not text:
        return tickets.none()
    if not is_postgres():
        return _search_like(tickets, text)
    query = SearchQuery(text, search_type="websearch", config=CONFIG)
    # Two index-driven lookups (the planner picks GIN for rare words, a backwards id scan for
    # common ones), then rank the few candidates among the tickets the user may see.
    from_tickets = tickets.filter(search_vector=query).order_by("-id").values_list("id", flat=True)
    from_messages = (
        Message.objects.filter(search_vector=query).order_by("-id").values_list("ticket_id", flat=True)
    )
    candidates = set(from_tickets[:MAX_CANDIDATES]) | set(from_messages[:MAX_CANDIDATES])
    return (
        tickets.filter(pk__in=candidates)
        .annotate(rank=SearchRank(F("search_vector"), query))
        .order_by("-rank", "-updated_at", "-id")
    )


def _search_like(tickets, text: str):
    matches = Q()
    for word in text.split():
        in_messages = Message.objects.filter(ticket=OuterRef("pk"), body_text__icontains=word)
        matches &= (
            Q(subject__icontains=word)
            | Q(requester__name__icontains=word)
            | Q(requester__email__icontains=word)
            | Exists(in_messages)
        )
    return tickets.filter(matches).order_by("-updated_at", "-id")
