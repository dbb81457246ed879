"""Ticket search: PostgreSQL full-text over one stored vector per ticket (GIN-indexed); LIKE on SQLite.

A ticket's vector holds its subject (weight A), the requester's name and email (B) and the text of
its messages, notes included (C), so a query's words may match in different places. A new message
appends its text (`||`), cheap at any size; merge and split rebuild the vectors they touch. The
'simple' configuration does not stem, which suits a desk that hears Lithuanian, Latvian, Finnish,
Polish and English alike.
"""

import logging

from django.contrib.postgres.search import SearchQuery, SearchRank
from django.db import DatabaseError, connection, transaction
from django.db.models import Exists, F, OuterRef, Q

from tickets.models import Message, Ticket

log = logging.getLogger(__name__)
CONFIG = "simple"
# Ranking every match of a common word would read them all: rank the newest candidates only.
MAX_CANDIDATES = 300
# Enough of each message for search; keeps a ticket's vector well under PostgreSQL's 1 MB limit.
MESSAGE_CHARS = 10_000
TICKET_CHARS = 400_000

# Only module constants are formatted in; every value is a query parameter.
REBUILD_SQL = f"""
    UPDATE tickets_ticket t SET search_vector =
        setweight(to_tsvector('{CONFIG}', t.subject), 'A')
        || setweight(to_tsvector('{CONFIG}', %s), 'B')
        || setweight(to_tsvector('{CONFIG}', left(coalesce(
            (SELECT string_agg(left(m.body_text, {MESSAGE_CHARS}), ' ' ORDER BY m.id)
             FROM tickets_message m WHERE m.ticket_id = t.id), ''), {TICKET_CHARS})), 'C')
    WHERE t.id = %s"""  # noqa: S608
APPEND_SQL = f"""
    UPDATE tickets_ticket SET search_vector = coalesce(search_vector, ''::tsvector)
        || setweight(to_tsvector('{CONFIG}', left(%s, {MESSAGE_CHARS})), 'C')
    WHERE id = %s"""  # noqa: S608


def is_postgres() -> bool:
    return connection.vendor == "postgresql"


def requester_text(name: str, email: str) -> str:
    # The address whole and in parts, so "kowalski" and "example" both find it.
    return f"{name} {email} {email.replace('@', ' ').replace('.', ' ')}"


def index_ticket(ticket: Ticket) -> None:
    """Rebuild a ticket's vector from its subject, requester and messages."""
    if is_postgres():
        requester = ticket.requester
        _execute(REBUILD_SQL, [requester_text(requester.name, requester.email), ticket.pk])


def index_message(message: Message) -> None:
    """Add a new message's text to its ticket's vector."""
    if is_postgres():
        _execute(APPEND_SQL, [message.body_text, message.ticket_id])


def _execute(sql: str, params: list) -> None:
    # A vector that cannot grow (PostgreSQL's size limit) must never cost the message itself.
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, params)
    except DatabaseError:
        log.warning("Could not update the search vector of ticket %s.", params[-1], exc_info=True)


def search_tickets(tickets, text: str):
    """`tickets` (already limited to what the user may see) that match `text`, best first."""
    text = text.strip()
    if not text:
        return tickets.none()
    if not is_postgres():
        return _search_like(tickets, text)
    query = SearchQuery(text, search_type="websearch", config=CONFIG)
    # The planner picks the GIN index for rare words and a backwards id scan for common ones.
    candidates = tickets.filter(search_vector=query).order_by("-id").values_list("id", flat=True)
    return (
        tickets.filter(pk__in=list(candidates[:MAX_CANDIDATES]))
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
