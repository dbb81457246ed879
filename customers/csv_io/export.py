"""CSV exports of customers and organizations, written as the rows are read (a million customers never
sit in memory): UTF-8 with a byte-order mark, so that Excel shows Ą, Ž and Ö as they are."""

import csv
import re
from collections.abc import Iterable, Iterator

from django.db.models import QuerySet
from django.utils import timezone

from customers.csv_io.reader import FORMULA_STARTS
from customers.models import Customer, Organization

CUSTOMER_COLUMNS = [
    "id",
    "name",
    "email",
    "phone",
    "language",
    "time_zone",
    "organization",
    "vip",
    "tags",
    "created",
]
ORGANIZATION_COLUMNS = ["name", "domains", "support_tier", "account_manager_email", "notes"]
# Rows read from the database per round trip, and written out per chunk of the response.
CHUNK = 1000
# "+370 612 34567" starts like a formula but is a phone number: left as it is.
PHONE_LIKE = re.compile(r"^\+?[\d ()./-]+$")


class _Line:
    """A file for csv.writer that hands back what it is given: each row as a string."""

    def write(self, value: str) -> str:
        return value


def escape(value: str) -> str:
    """A cell a spreadsheet would run as a formula ("=HYPERLINK(…)") gets a leading apostrophe."""
    if value.startswith(FORMULA_STARTS) and not PHONE_LIKE.match(value):
        return "'" + value
    return value


def _csv(header: list[str], rows: Iterable[list[str]], delimiter: str) -> Iterator[bytes]:
    writer = csv.writer(_Line(), delimiter=delimiter)
    yield ("\ufeff" + writer.writerow(header)).encode()
    chunk = []
    for row in rows:
        chunk.append(writer.writerow([escape(str(cell)) for cell in row]))
        if len(chunk) == CHUNK:
            yield "".join(chunk).encode()
            chunk = []
    if chunk:
        yield "".join(chunk).encode()


def customer_row(customer: Customer) -> list[str]:
    return [
        str(customer.pk),
        customer.name,
        customer.email,
        customer.phone,
        customer.language,
        customer.time_zone,
        customer.organization.name if customer.organization else "",
        "yes" if customer.vip else "no",
        ", ".join(tag.name for tag in customer.tags.all()),
        timezone.localtime(customer.created_at).isoformat(timespec="seconds"),
    ]


def customers_csv(customers: QuerySet, *, delimiter: str = ",") -> Iterator[bytes]:
    rows = (
        customers.select_related("organization")
        .prefetch_related("tags")
        .order_by("pk")
        .iterator(chunk_size=CHUNK)
    )
    return _csv(CUSTOMER_COLUMNS, map(customer_row, rows), delimiter)


def organization_row(organization: Organization) -> list[str]:
    return [
        organization.name,
        ", ".join(sorted(domain.domain for domain in organization.domains.all())),
        organization.support_tier,
        organization.account_manager.email if organization.account_manager else "",
        organization.notes,
    ]


def organizations_csv(organizations: QuerySet, *, delimiter: str = ",") -> Iterator[bytes]:
    rows = (
        organizations.select_related("account_manager")
        .prefetch_related("domains")
        .order_by("pk")
        .iterator(chunk_size=CHUNK)
    )
    return _csv(ORGANIZATION_COLUMNS, map(organization_row, rows), delimiter)
