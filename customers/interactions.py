"""Every interaction with a customer, across channels, newest first, a keyset page at a time.

What counts as an interaction: every public message by or to the customer on the tickets they asked
(emails, portal and social messages, replies), the messages they wrote on tickets they are copied on,
phone calls (also those an agent logged as a note), and their satisfaction ratings once ratings
exist. A chat counts once, by its first line: its transcript is on the ticket. Internal notes are
not interactions. Only tickets the viewing agent may see contribute.
"""

import base64
import binascii
from dataclasses import dataclass
from datetime import datetime

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext_lazy as _

from customers import external
from customers.models import Customer
from helpdesk.models import User
from tickets.models import Channel, Message, Ticket

PAGE_SIZE = 50
RATINGS = "rating"  # the channel filter's value for satisfaction ratings
# Entries at the same instant sort by kind, then id (the cursor carries all three).
MESSAGE_RANK, RATING_RANK = 0, 1


@dataclass(frozen=True)
class Interaction:
    rank: int
    created_at: datetime
    pk: int
    message: Message | None = None
    rating: object | None = None

    @property
    def ticket(self) -> Ticket:
        return (self.message or self.rating).ticket

    @property
    def key(self) -> tuple:
        return (self.created_at, self.rank, self.pk)


@dataclass(frozen=True)
class InteractionPage:
    entries: list[Interaction]
    next_cursor: str | None
    channel: str
    is_first: bool


def channel_choices() -> list[tuple[str, str]]:
    """What the list can be narrowed to: each customer-facing channel, and ratings once they exist."""
    choices = [(value, label) for value, label in Channel.choices if value != Channel.INTERNAL]
    if external.installed_model(external.CSAT_MODEL) is not None:
        choices.append((RATINGS, _("Ratings")))
    return choices


def encode_cursor(entry: Interaction) -> str:
    raw = f"{entry.created_at.isoformat()}|{entry.rank}|{entry.pk}".encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[datetime, int, int] | None:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        stamp, rank, pk = raw.split("|")
        at = parse_datetime(stamp)
        return (at, int(rank), int(pk)) if at else None
    except (ValueError, binascii.Error, UnicodeDecodeError):
        return None


def _after(rows: QuerySet, position: tuple[datetime, int, int] | None, rank: int) -> QuerySet:
    """The rows of one source that sort after `position` in (created_at, rank, id) descending."""
    if position is None:
        return rows
    at, cursor_rank, pk = position
    if rank < cursor_rank:
        return rows.filter(created_at__lte=at)
    if rank > cursor_rank:
        return rows.filter(created_at__lt=at)
    return rows.filter(Q(created_at__lt=at) | Q(created_at=at, pk__lt=pk))


def _with_has_earlier(messages: QuerySet) -> QuerySet:
    earlier = Message.objects.filter(ticket=OuterRef("ticket"), created_at__lt=OuterRef("created_at"))
    return messages.annotate(has_earlier=Exists(earlier))  # False: the message opened its ticket


def _messages(customer: Customer, requested: list[int], copied: list[int], channel: str) -> QuerySet:
    messages = (
        _with_has_earlier(
            Message.objects.filter(
                Q(ticket_id__in=requested) | Q(ticket_id__in=copied, author_customer=customer)
            )
        )
        .filter(Q(public=True) | Q(channel=Channel.PHONE))
        .exclude(channel=Channel.CHAT, has_earlier=True)
    )
    return messages.filter(channel=channel) if channel else messages


def customer_interactions(
    customer: Customer, user: User, *, channel: str = "", cursor: str = ""
) -> InteractionPage:
    """One page of interactions after `cursor` (from the previous page's next_cursor)."""
    if channel not in dict(channel_choices()):
        channel = ""
    position = decode_cursor(cursor) if cursor else None
    # The visible tickets they asked and those they are copied on, each list from its own index:
    # "requester OR cc" in one query would join the CC table against every ticket.
    visible = Ticket.objects.visible_to(user)
    requested = list(visible.filter(requester=customer).values_list("pk", flat=True))
    copied = list(visible.filter(ccs=customer).exclude(requester=customer).values_list("pk", flat=True))
    entries: list[Interaction] = []
    if channel != RATINGS:
        # The page's ids from the messages alone, then those rows with their tickets and authors:
        # joining first would carry every message of a long-standing customer through the sort.
        newest = _after(_messages(customer, requested, copied, channel), position, MESSAGE_RANK)
        page_ids = newest.order_by("-created_at", "-pk").values("pk")[: PAGE_SIZE + 1]
        rows = (
            _with_has_earlier(Message.objects.filter(pk__in=page_ids))
            .select_related("ticket", "author_user")
            .defer("body_html", "ticket__search_vector")
        )
        entries += [Interaction(MESSAGE_RANK, row.created_at, row.pk, message=row) for row in rows]
    ratings = external.ratings_for_timeline(customer) if channel in ("", RATINGS) else None
    if ratings is not None:
        rows = _after(ratings.filter(ticket_id__in=requested + copied), position, RATING_RANK)
        entries += [
            Interaction(RATING_RANK, row.created_at, row.pk, rating=row)
            for row in rows.order_by("-created_at", "-pk")[: PAGE_SIZE + 1]
        ]
    entries.sort(key=lambda entry: entry.key, reverse=True)
    next_cursor = encode_cursor(entries[PAGE_SIZE - 1]) if len(entries) > PAGE_SIZE else None
    return InteractionPage(entries[:PAGE_SIZE], next_cursor, channel, position is None)
