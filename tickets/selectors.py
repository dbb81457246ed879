"""Reads for the desk: the queues, saved views, keyset pages and counts that stay fast at scale."""

import base64
import binascii
from dataclasses import dataclass
from datetime import datetime

from django.core.cache import cache
from django.db.models import Count, OuterRef, Prefetch, Q, QuerySet, Subquery, prefetch_related_objects
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext_lazy as _

from helpdesk.models import User
from tickets.models import UNSOLVED, Message, SavedView, Status, Ticket, user_team_ids

PAGE_SIZE = 50
# Counting a million open tickets costs a scan: count up to this and show "10000+".
COUNT_CAP = 10_000
# Sidebar counts may be this many seconds old (the lists themselves are always fresh).
COUNT_CACHE_SECONDS = 60


@dataclass(frozen=True)
class Queue:
    key: str
    label: str


BUILT_IN_QUEUES = [
    Queue("mine", _("My open tickets")),
    Queue("unassigned", _("Unassigned in my teams")),
    Queue("open", _("All open")),
    Queue("pending", _("Pending")),
    Queue("solved", _("Recently solved")),
]
# Orders a list may use; each is a timestamp then id, backed by an index. "breach" lists only the
# tickets with a running SLA deadline, the soonest first.
SORTS = {
    "updated": ("-updated_at", "-id"),
    "created": ("-created_at", "-id"),
    "breach": ("sla_due_at", "id"),
}


def sorted_tickets(tickets: QuerySet, sort: str | None) -> QuerySet:
    if sort == "breach":
        tickets = tickets.filter(sla_due_at__isnull=False)
    return tickets.order_by(*SORTS.get(sort, SORTS["updated"]))


# Filters a saved view may use: name -> lookup on Ticket.
VIEW_FILTERS = {
    "status": "status__in",
    "priority": "priority__in",
    "team": "team_id__in",
    "assignee": "assignee_id__in",
    "tag": "tags__name__in",
    "channel": "channel__in",
    "organization": "organization_id__in",
    "language": "language__in",
    "created_after": "created_at__gte",
    "created_before": "created_at__lt",
    "updated_after": "updated_at__gte",
    "updated_before": "updated_at__lt",
}


def queue_tickets(user: User, key: str, sort: str | None = None) -> QuerySet:
    """The tickets of a built-in queue or saved view (`saved-<id>`), sorted by `sort` (one of SORTS;
    by default the view's own order, else the newest change first).

    Raises KeyError for an unknown queue."""
    visible = Ticket.objects.visible_to(user)
    if key == "mine":
        # An agent always sees their own tickets: no visibility filter, one index range.
        tickets = Ticket.objects.assigned_to(user).unsolved() if user.is_agent else visible
    elif key == "unassigned":
        tickets = visible.unassigned().unsolved().filter(team_id__in=user_team_ids(user))
    elif key == "open":
        tickets = visible.unsolved()
    elif key == "pending":
        tickets = visible.filter(status=Status.PENDING)
    elif key == "solved":
        return visible.filter(status=Status.SOLVED).order_by("-solved_at", "-id")
    elif key.startswith("saved-"):
        view = saved_views_for(user).get(pk=int(key.removeprefix("saved-")))
        tickets = apply_view_filters(visible, view.filters)
        return sorted_tickets(tickets, sort or view.filters.get("sort"))
    else:
        raise KeyError(key)
    return sorted_tickets(tickets, sort)


def apply_view_filters(tickets: QuerySet, filters: dict) -> QuerySet:
    if not isinstance(filters, dict):
        return tickets
    for name, value in filters.items():
        lookup = VIEW_FILTERS.get(name)
        if lookup is None or value in (None, "", []):
            continue
        if lookup.endswith("__in"):
            value = [str(item) for item in (value if isinstance(value, list) else [value])]
            if lookup.endswith("_id__in") and not all(item.isascii() and item.isdigit() for item in value):
                continue  # a filter edited into nonsense (say, in the admin) is ignored, not a crash
        if lookup.endswith(("__gte", "__lt")):
            try:
                value = parse_datetime(value) if isinstance(value, str) else None
            except ValueError:
                value = None
            if value is None:
                continue
        tickets = tickets.filter(**{lookup: value})
    if "tag" in filters:
        tickets = tickets.distinct()
    return tickets


def saved_views_for(user: User) -> QuerySet:
    return SavedView.objects.filter(Q(owner=user) | Q(shared=True))


def capped_count(tickets: QuerySet) -> tuple[int, bool]:
    """(count, capped): the exact count up to COUNT_CAP, read from the index, never a full scan."""
    count = tickets.order_by().values("pk")[: COUNT_CAP + 1].count()
    return min(count, COUNT_CAP), count > COUNT_CAP


def cached_capped_count(user: User, key: str, tickets: QuerySet) -> tuple[int, bool]:
    """A queue's count as shown in the sidebar: at most COUNT_CACHE_SECONDS old, so that moving
    between pages does not count the same queues again."""
    cache_key = f"desk-count:{user.pk}:{key}"
    counted = cache.get(cache_key)
    if counted is None:
        counted = capped_count(tickets)
        cache.set(cache_key, counted, COUNT_CACHE_SECONDS)
    return tuple(counted)


# --- Keyset pagination: the cursor is the sort key of the last row, so page 500 costs what page 1 does.


def encode_cursor(ticket: Ticket, sort_field: str = "updated_at") -> str:
    value: datetime = getattr(ticket, sort_field)
    raw = f"{value.isoformat()}|{ticket.pk}".encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[datetime, int] | None:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        stamp, pk = raw.split("|")
        value = parse_datetime(stamp)
        return (value, int(pk)) if value else None
    except (ValueError, binascii.Error, UnicodeDecodeError):
        return None


def sort_field_of(tickets: QuerySet) -> str:
    return tickets.query.order_by[0].lstrip("-")


def page_after(tickets: QuerySet, cursor: str | None) -> tuple[list[Ticket], str | None]:
    """One page of `tickets` (sorted by a timestamp, then id, both the same way) after `cursor`."""
    field = sort_field_of(tickets)
    descending = tickets.query.order_by[0].startswith("-")
    position = decode_cursor(cursor) if cursor else None
    if position is not None:
        value, pk = position
        # "<= value" lets the index scan start at the cursor; the exclusion drops the rows already shown.
        if descending:
            tickets = tickets.filter(**{f"{field}__lte": value}).exclude(**{field: value, "pk__gte": pk})
        else:
            tickets = tickets.filter(**{f"{field}__gte": value}).exclude(**{field: value, "pk__lte": pk})
    rows = list(
        tickets.select_related("requester", "assignee", "team").prefetch_related("tags")[: PAGE_SIZE + 1]
    )
    next_cursor = encode_cursor(rows[PAGE_SIZE - 1], field) if len(rows) > PAGE_SIZE else None
    return rows[:PAGE_SIZE], next_cursor


# --- The ticket page.


# The ticket page shows the first message and the newest entries; "show all" lifts the limit.
TIMELINE_RECENT = 30


@dataclass
class Timeline:
    entries: list  # Messages and Activities in time order
    first_message: Message | None  # pinned above a gap when older entries are hidden
    hidden: bool  # whether entries between the first message and `entries` were left out


def ticket_timeline(ticket: Ticket, *, recent: int | None = TIMELINE_RECENT) -> Timeline:
    """Messages and activity interleaved in time order, with authors and attachments loaded:
    all of them, or the first message and the `recent` newest entries (so a long ticket costs
    what a short one does)."""
    messages = ticket.messages.select_related("author_user", "author_customer")
    activities = ticket.activities.select_related("actor")
    if recent is None:
        entries = list(messages.order_by("created_at", "id")) + list(activities.order_by("created_at", "id"))
        _with_attachments(entries)
        return Timeline(sorted(entries, key=_timeline_key), None, False)
    newest = list(messages.order_by("-created_at", "-id")[: recent + 1]) + list(
        activities.order_by("-created_at", "-id")[: recent + 1]
    )
    newest.sort(key=_timeline_key)
    hidden = len(newest) > recent
    entries = newest[-recent:]
    first_message = None
    if hidden:
        first_message = messages.order_by("created_at", "id").first()
        entries = [entry for entry in entries if entry != first_message]
    _with_attachments([first_message, *entries])
    return Timeline(entries, first_message, hidden)


def _with_attachments(entries: list) -> None:
    # One query for the attachments of every message shown, the pinned first one included.
    prefetch_related_objects([entry for entry in entries if isinstance(entry, Message)], "attachments")


def _timeline_key(entry) -> tuple:
    return (entry.created_at, isinstance(entry, Message), entry.pk)


def requester_other_open_tickets(ticket: Ticket, user: User, limit: int = 5) -> list[Ticket]:
    return list(
        Ticket.objects.visible_to(user)
        .filter(requester_id=ticket.requester_id, status__in=UNSOLVED)
        .exclude(pk=ticket.pk)
        .order_by("-updated_at")[:limit]
    )


def ticket_page_ticket(user: User, pk: int) -> Ticket:
    """The ticket for its page, with everything the side panels show loaded up front."""
    from tickets.access import ticket_for_user

    # Linked tickets the user may not see (another team's) are left out, not shown by subject.
    related = Prefetch("related", queryset=Ticket.objects.visible_to(user).only("id", "subject", "status"))
    # The customer panel's lifetime count rides along (one query fewer on every ticket page).
    lifetime = (
        Ticket.objects.filter(requester=OuterRef("requester"), merged_into__isnull=True)
        .order_by()
        .values("requester")
        .annotate(count=Count("pk"))
        .values("count")
    )
    queryset = (
        Ticket.objects.select_related(
            "requester",
            "requester__organization__account_manager",
            "assignee",
            "team",
            "merged_into",
            "sla_policy",
        )
        .prefetch_related("tags", "followers", related)
        .annotate(requester_lifetime_tickets=Subquery(lifetime))
        # A long ticket's search vector is large, and the page never shows it.
        .defer("search_vector")
    )
    return ticket_for_user(user, pk, queryset=queryset)


@dataclass(frozen=True)
class SidebarEntry:
    key: str
    label: str
    count: int | None = None
    capped: bool = False
    shared: bool = False


def desk_sidebar(user: User, *, with_counts: bool = True) -> list[SidebarEntry]:
    """Every queue and saved view of the user; with counts (capped, one query each) on list pages."""
    entries = []
    # Querysets are only built for counting: the ticket page lists the queues without counts.
    for built_in in BUILT_IN_QUEUES:
        count, capped = (
            cached_capped_count(user, built_in.key, queue_tickets(user, built_in.key))
            if with_counts
            else (None, False)
        )
        entries.append(SidebarEntry(built_in.key, str(built_in.label), count, capped))
    for view in saved_views_for(user):
        key = f"saved-{view.pk}"
        count, capped = (
            cached_capped_count(user, key, apply_view_filters(Ticket.objects.visible_to(user), view.filters))
            if with_counts
            else (None, False)
        )
        entries.append(SidebarEntry(key, view.name, count, capped, shared=view.shared))
    return entries
