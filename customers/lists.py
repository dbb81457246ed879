"""Reads for the desk's customer and organization lists: search and filters that stay on indexes, and
keyset pages sorted by (lower(name), id), so that page 500 of a million customers costs what page 1 does.

Search is by prefix, never "contains": a prefix is a range of the lower(name) index, while a substring
match would read every row (see the README, "Customer list, organizations and CSV")."""

import base64
import binascii
import json
from dataclasses import dataclass
from functools import reduce
from operator import or_

from django.db import connection
from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Value
from django.db.models.functions import Concat, Lower
from django.http import Http404

from customers.models import Customer, Identity, IdentityKind, Organization, OrganizationDomain
from customers.services import normalise_phone
from helpdesk.models import User
from tickets.models import UNSOLVED, Ticket

PAGE_SIZE = 50
# Customers of at most this many organizations whose name starts with the query are listed.
ORGANIZATION_MATCHES = 10
# Shorter queries (without an "@") would match a large share of all addresses, which must then all be
# sorted by name: "ann" finds Anna by her name; "anna.k" or "anna@" also by the start of her address.
EMAIL_PREFIX_MIN = 6


@dataclass
class Page:
    rows: list
    next_cursor: str | None = None
    previous_cursor: str | None = None


@dataclass(frozen=True)
class CustomerFilters:
    organization: Organization | None = None
    vip: bool | None = None
    open_tickets: bool | None = None  # True: with unsolved tickets, False: without
    tag: str = ""  # a tag's name


# --- Cursors: the sort key of a row, (lower(name), id), opaque to the browser.


def encode_cursor(row) -> str:
    raw = json.dumps([row.sort_name, row.pk], ensure_ascii=False).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str | None) -> tuple[str, int] | None:
    if not cursor:
        return None
    try:
        name, pk = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode())
    except (ValueError, TypeError, binascii.Error, UnicodeDecodeError):
        return None
    return (name, pk) if isinstance(name, str) and isinstance(pk, int) else None


# --- Prefix matching on an index.

_code_point_databases: dict[str, bool] = {}


def _sorts_by_code_point() -> bool:
    """Whether the database compares text by code point (collation C or C.UTF-8; SQLite always does).
    Only then is "starts with x" the same as a range of the index from x to the next string."""
    if connection.vendor != "postgresql":
        return True
    name = connection.settings_dict["NAME"]
    if name not in _code_point_databases:
        with connection.cursor() as cursor:
            cursor.execute("SELECT datcollate FROM pg_database WHERE datname = current_database()")
            collation = cursor.fetchone()[0].lower()
        _code_point_databases[name] = collation in {"c", "posix", "c.utf-8", "c.utf8"}
    return _code_point_databases[name]


def _next_string(prefix: str) -> str | None:
    """The smallest string greater than every string that starts with `prefix` (by code point)."""
    following = ord(prefix[-1]) + 1
    if following > 0x10FFFF:
        return None
    if 0xD800 <= following <= 0xDFFF:  # surrogates cannot be stored: skip over them
        following = 0xE000
    return prefix[:-1] + chr(following)


# SQLite's lower() changes only A-Z: what we compare with lower(column) must be lowered the same way.
_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")


def db_lower(text: str) -> str:
    """`text` as the database's lower() would write it (PostgreSQL: every letter; SQLite: A-Z only)."""
    return text.translate(_ASCII_LOWER) if connection.vendor == "sqlite" else text.lower()


def prefix_match(field: str, prefix: str) -> Q:
    """`field` (a lower-cased alias) starts with `prefix`, as an index range where the collation allows.
    The LIKE stays as the exact test; the range is what lets the index find the rows."""
    condition = Q(**{f"{field}__startswith": prefix})
    if _sorts_by_code_point():
        condition &= Q(**{f"{field}__gte": prefix})
        upper = _next_string(prefix)
        if upper is not None:
            condition &= Q(**{f"{field}__lt": upper})
    return condition


# --- Keyset pages over a union of index-backed searches.


def keyset_page(
    base: QuerySet, conditions: list[Q], *, after: str | None = None, before: str | None = None
) -> Page:
    """One page of `base` (annotated with `sort_name`) matching any of `conditions`, after or before a
    cursor. Each condition is searched on its own, through its own index, PAGE_SIZE + 1 rows at most,
    and the database merges them: an OR in one query would leave the planner to read the whole table."""
    position = decode_cursor(before) or decode_cursor(after)
    backwards = decode_cursor(before) is not None
    ordered = _after(base, position, backwards)
    if len(conditions) > 1 and connection.features.supports_slicing_ordering_in_compound:
        first, *rest = [
            _branch(ordered, condition, by_name=index == 0, backwards=backwards)
            for index, condition in enumerate(conditions)
        ]
        # Read the ids first: as a subquery, the planner would walk the name index through the whole
        # table testing each row against it, where a short list of ids is a handful of lookups.
        ordered = ordered.filter(pk__in=[row["pk"] for row in first.union(*rest)])
    elif conditions:  # one condition, or SQLite (no LIMIT inside UNION): small tables, one query
        ordered = ordered.filter(reduce(or_, conditions))
    rows = list(ordered[: PAGE_SIZE + 1])
    more = len(rows) > PAGE_SIZE  # more rows in the direction we went
    rows = rows[:PAGE_SIZE]
    if backwards:
        rows.reverse()
    page = Page(rows)
    if rows:
        # Coming from a cursor, there are rows on its other side (those we came from).
        has_previous, has_next = (more, True) if backwards else (position is not None, more)
        page.previous_cursor = encode_cursor(rows[0]) if has_previous else None
        page.next_cursor = encode_cursor(rows[-1]) if has_next else None
    return page


def _branch(rows: QuerySet, condition: Q, *, by_name: bool, backwards: bool) -> QuerySet:
    """The first PAGE_SIZE + 1 ids matching one condition. The first condition is the name prefix,
    read along the name index; any other is sorted from its own index's matches, since walking the
    name index for them can read the whole table (the key sorts like sort_name, but no index has it)."""
    rows = rows.filter(condition)
    if not by_name:
        key = Concat("sort_name", Value(""))
        rows = rows.order_by(key.desc(), "-pk") if backwards else rows.order_by(key, "pk")
    return rows.values("pk")[: PAGE_SIZE + 1]


def _after(rows: QuerySet, position: tuple[str, int] | None, backwards: bool) -> QuerySet:
    """Rows past the cursor, in the order of the (lower(name), id) index (reversed to go back)."""
    if position is not None:
        name, pk = position
        # ">= name" lets the index scan start at the cursor; the exclusion drops the rows already shown.
        if backwards:
            rows = rows.filter(sort_name__lte=name).exclude(sort_name=name, pk__gte=pk)
        else:
            rows = rows.filter(sort_name__gte=name).exclude(sort_name=name, pk__lte=pk)
    return rows.order_by("-sort_name", "-pk") if backwards else rows.order_by("sort_name", "pk")


# --- Customers.


def listed_customers(filters: CustomerFilters = CustomerFilters()) -> QuerySet:
    """Customers the lists show (merged duplicates and erased customers are left out), filtered."""
    customers = Customer.objects.filter(merged_into__isnull=True, erased_at__isnull=True)
    if filters.organization is not None:
        customers = customers.filter(organization=filters.organization)
    if filters.vip is not None:
        customers = customers.filter(vip=filters.vip)
    if filters.open_tickets is not None:
        # One probe of the ticket_requester_idx index per customer looked at.
        has_open = Exists(Ticket.objects.filter(requester_id=OuterRef("pk"), status__in=UNSOLVED))
        customers = customers.filter(has_open if filters.open_tickets else ~has_open)
    if filters.tag:
        customers = customers.filter(tags__name=filters.tag)
    return customers


def customer_search_conditions(query: str) -> list[Q]:
    """What a query may match, each an index lookup: the start of the name (customer_name_ci_idx), the
    start of the main email address (customer_email_ci_idx), any identity exactly (a phone number in
    any format, normalised; an email address; a messaging handle), or the start of the organization's
    name (organization_name_ci_idx)."""
    words = " ".join(query.split())
    text, key = words.lower(), db_lower(words)  # identities are stored lower-cased by Python
    if not text:
        return []
    conditions = [prefix_match("sort_name", key)]
    if " " not in text and ("@" in text or len(text) >= EMAIL_PREFIX_MIN):
        conditions.append(prefix_match("email_lower", key))
    identities = Q(kind=IdentityKind.EMAIL, value=text) | Q(
        kind__in=[IdentityKind.TELEGRAM, IdentityKind.SOCIAL], value=query.strip()
    )
    phone = normalise_phone(text)
    if len(phone.lstrip("+")) >= 5 and not any(character.isalpha() for character in text):
        # Typed without the "+", a number may still be an international one.
        identities |= Q(kind=IdentityKind.PHONE, value__in={phone, "+" + phone.lstrip("+")})
    conditions.append(Q(pk__in=Identity.objects.filter(identities).values("customer_id")))
    organizations = Organization.objects.alias(sort_name=Lower("name")).filter(prefix_match("sort_name", key))
    # The ids themselves, not a subquery: the planner would otherwise walk every customer to test it.
    organization_ids = list(organizations.order_by().values_list("pk", flat=True)[:ORGANIZATION_MATCHES])
    if organization_ids:
        conditions.append(Q(organization_id__in=organization_ids))
    return conditions


def customer_page(
    *, query: str = "", filters: CustomerFilters = CustomerFilters(), after=None, before=None
) -> Page:
    customers = (
        listed_customers(filters)
        .annotate(sort_name=Lower("name"))
        .alias(email_lower=Lower("email"))
        .select_related("organization")
        .prefetch_related("tags")
    )
    page = keyset_page(customers, customer_search_conditions(query), after=after, before=before)
    _add_open_ticket_counts(page.rows)
    return page


def _add_open_ticket_counts(customers: list[Customer]) -> None:
    """Each customer's number of unsolved tickets, for the whole page in one query."""
    counts = dict(
        Ticket.objects.filter(requester__in=customers, status__in=UNSOLVED)
        .order_by()
        .values_list("requester_id")
        .annotate(count=Count("pk"))
    )
    for customer in customers:
        customer.open_tickets = counts.get(customer.pk, 0)


# --- Organizations.


def organization_for_user(user: User, pk: int, *, queryset: QuerySet | None = None) -> Organization:
    """The organization `pk` for a desk page; 404 for anyone who is not desk staff, or no such one."""
    if not user.is_authenticated or not user.is_agent:
        raise Http404
    queryset = queryset if queryset is not None else Organization.objects.all()
    found = queryset.filter(pk=pk).first()
    if found is None:
        raise Http404
    return found


def organization_page(*, query: str = "", after=None, before=None) -> Page:
    """Organizations by name; a query matches the start of the name, or a domain exactly."""
    organizations = (
        Organization.objects.annotate(sort_name=Lower("name"))
        .select_related("account_manager")
        .prefetch_related("domains")
    )
    words = " ".join(query.split())
    conditions = []
    if words:
        conditions.append(prefix_match("sort_name", db_lower(words)))
        domain = words.lower().rpartition("@")[2]
        if "." in domain:
            owners = OrganizationDomain.objects.filter(domain=domain).values("organization_id")
            conditions.append(Q(pk__in=owners))
    page = keyset_page(organizations, conditions, after=after, before=before)
    counts = dict(
        Customer.objects.filter(organization__in=page.rows, merged_into__isnull=True, erased_at__isnull=True)
        .order_by()
        .values_list("organization_id")
        .annotate(count=Count("pk"))
    )
    for organization in page.rows:
        organization.customer_count = counts.get(organization.pk, 0)
    return page


def organization_tickets(user: User, organization: Organization, *, after: str | None = None):
    """The organization's tickets the user may see, newest first, a keyset page at a time."""
    from tickets.selectors import page_after

    tickets = Ticket.objects.visible_to(user).filter(organization=organization).order_by("-created_at", "-id")
    return page_after(tickets, after)
