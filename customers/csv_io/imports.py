"""CSV imports of customers and organizations, with a report of every row that was refused and why.

Each row is written in its own transaction (a savepoint): a bad row changes nothing, good rows are kept,
and a file of 100,000 rows never holds one long transaction. Problems with the file itself (not UTF-8,
no header, unknown columns) refuse it before any row is written. An empty cell leaves the field as it
is, so a file with a few columns updates only those."""

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import DataError, IntegrityError, transaction
from django.utils.translation import gettext as _

from customers.csv_io.export import CUSTOMER_COLUMNS, ORGANIZATION_COLUMNS
from customers.csv_io.reader import Table, read_table
from customers.models import TIME_ZONES, Customer, IdentityKind, Organization, SupportTier
from customers.organizations import (
    ORGANIZATION_EDITORS,
    normalise_domain,
    organization_by_name,
    organization_create,
    organization_domain_add,
    organization_update,
)
from customers.services import (
    customer_by_identity,
    customer_create,
    customer_update,
    identity_add,
    normalise_phone,
    organization_for_address,
)
from helpdesk.models import DESK_ROLES, User

# Header names accepted besides the exported ones (as other tools and people write them).
CUSTOMER_HEADERS = {column: column for column in CUSTOMER_COLUMNS} | {
    "email_address": "email",
    "e_mail": "email",
    "phone_number": "phone",
    "timezone": "time_zone",
    "company": "organization",
    "created_at": "created",
}
ORGANIZATION_HEADERS = {column: column for column in ORGANIZATION_COLUMNS} | {
    "domain": "domains",
    "tier": "support_tier",
    "account_manager": "account_manager_email",
}
YES = {"yes", "y", "true", "1", "taip", "jā", "ja", "kyllä", "k", "tak", "t"}
NO = {"no", "n", "false", "0", "ne", "nē", "ei", "e", "nie"}
TIME_ZONES_BY_KEY = {zone.lower(): zone for zone in TIME_ZONES}


@dataclass(frozen=True)
class RowError:
    line: int
    message: str


@dataclass
class ImportReport:
    created: int = 0
    updated: int = 0
    errors: list[RowError] = field(default_factory=list)
    file_error: str = ""  # the file was refused, or stopped being readable part way

    @property
    def imported(self) -> int:
        return self.created + self.updated


def ensure_can_import(by: User) -> None:
    if by.role not in ORGANIZATION_EDITORS:
        raise PermissionDenied(_("Only supervisors and admins may import and export customers."))


def import_customers(
    *, data: bytes, by: User, create_organizations: bool = False, max_rows: int | None = None
) -> ImportReport:
    """Customers from CSV: one found by their email address (else by phone number, when the row has no
    address) is updated, anyone else is created. An address or number that is another customer's is
    reported, never moved."""
    ensure_can_import(by)

    def import_row(row: dict[str, str]) -> bool:
        return _customer_row(row, by=by, create_organizations=create_organizations)

    return _run(data, import_row, known=CUSTOMER_HEADERS, one_of={"email", "phone"}, max_rows=max_rows)


def import_organizations(*, data: bytes, by: User, max_rows: int | None = None) -> ImportReport:
    """Organizations from CSV, found by name (in any case) and updated, or created. Domains are added;
    an import never removes one."""
    ensure_can_import(by)

    def import_row(row: dict[str, str]) -> bool:
        return _organization_row(row, by=by)

    return _run(data, import_row, known=ORGANIZATION_HEADERS, required={"name"}, max_rows=max_rows)


def _run(data: bytes, import_row: Callable[[dict], bool], **table_rules) -> ImportReport:
    report = ImportReport()
    try:
        table: Table = read_table(data, **table_rules)
        for line, row in table.rows():
            if isinstance(row, ValidationError):
                report.errors.append(RowError(line, " ".join(row.messages)))
                continue
            try:
                with transaction.atomic():
                    created = import_row(row)
            except ValidationError as error:
                report.errors.append(RowError(line, " ".join(error.messages)))
            except (DataError, IntegrityError) as error:  # a value the database refused, a concurrent write
                report.errors.append(RowError(line, _("Could not be saved: %(error)s") % {"error": error}))
            else:
                report.created += created
                report.updated += not created
    except ValidationError as error:
        report.file_error = " ".join(error.messages)
    return report


# --- Customers.


def _customer_row(row: dict[str, str], *, by: User, create_organizations: bool) -> bool:
    email, phone = _email(row.get("email", "")), _phone(row.get("phone", ""))
    if not email and not phone:
        raise ValidationError(_("Give the customer's email address or phone number."))
    changes = _customer_changes(row, by=by, create_organizations=create_organizations)
    if email:
        customer = customer_by_identity(IdentityKind.EMAIL, email)
    else:
        customer = customer_by_identity(IdentityKind.PHONE, phone)
    if customer is None:
        tags = changes.pop("tags", None)
        if "organization" not in changes and email:
            changes["organization"] = organization_for_address(email)
        customer = customer_create(name=changes.pop("name", ""), email=email, phone=phone, **changes)
        if tags:
            customer_update(customer=customer, by=by, tags=tags)
        return True
    if phone:
        # Refused (and the whole row with it) when the number is another customer's.
        identity_add(customer=customer, kind=IdentityKind.PHONE, value=phone, by=by)
        if customer.phone != phone:
            Customer.objects.filter(pk=customer.pk).update(phone=phone)
            customer.phone = phone
    if changes:
        customer_update(customer=customer, by=by, **changes)
    return False


def _email(value: str) -> str:
    if not value:
        return ""
    try:
        validate_email(value)
    except ValidationError:
        raise ValidationError(
            _("“%(value)s” is not a valid email address.") % {"value": value[:254]}
        ) from None
    return value.lower()


def _phone(value: str) -> str:
    if not value:
        return ""
    phone = normalise_phone(value)
    if not 6 <= len(phone.lstrip("+")) <= 15 or any(character.isalpha() for character in value):
        raise ValidationError(_("“%(value)s” is not a phone number.") % {"value": value[:50]})
    return phone


def _customer_changes(row: dict[str, str], *, by: User, create_organizations: bool) -> dict:
    changes: dict = {}
    if row.get("name"):
        if len(row["name"]) > 200:
            raise ValidationError(_("The name is longer than 200 characters."))
        changes["name"] = row["name"]
    if row.get("language"):
        changes["language"] = _language(row["language"])
    if row.get("time_zone"):
        zone = TIME_ZONES_BY_KEY.get(row["time_zone"].lower())
        if zone is None:
            raise ValidationError(
                _("Unknown time zone “%(value)s”; write it as Europe/Vilnius.")
                % {"value": row["time_zone"][:64]}
            )
        changes["time_zone"] = zone
    if row.get("vip"):
        changes["vip"] = _yes_no(row["vip"])
    if row.get("organization"):
        changes["organization"] = _organization(row["organization"], by=by, create=create_organizations)
    if row.get("tags"):
        tags = [" ".join(tag.split()) for tag in row["tags"].split(",") if tag.strip()]
        if any(len(tag) > 50 for tag in tags):
            raise ValidationError(_("A tag is longer than 50 characters."))
        changes["tags"] = tags
    return changes


def _language(value: str) -> str:
    codes = {code: code for code, _name in settings.LANGUAGES}
    names = {str(name).lower(): code for code, name in settings.LANGUAGES}
    code = codes.get(value.lower()) or names.get(value.lower())
    if code is None:
        raise ValidationError(
            _("Unknown language “%(value)s”; use one of %(codes)s.")
            % {"value": value[:20], "codes": ", ".join(codes)}
        )
    return code


def _yes_no(value: str) -> bool:
    if value.lower() in YES:
        return True
    if value.lower() in NO:
        return False
    raise ValidationError(_("VIP must be yes or no, not “%(value)s”.") % {"value": value[:20]})


def _organization(name: str, *, by: User, create: bool) -> Organization:
    organization = organization_by_name(name)
    if organization is not None:
        return organization
    if create:
        return organization_create(name=name, by=by)
    raise ValidationError(
        _(
            "There is no organization called “%(name)s”. Import the organizations first, or tick "
            "“Create missing organizations”."
        )
        % {"name": name[:200]}
    )


# --- Organizations.


def _organization_row(row: dict[str, str], *, by: User) -> bool:
    name = " ".join(row.get("name", "").split())
    if not name:
        raise ValidationError(_("Give the organization's name."))
    fields: dict = {}
    if row.get("support_tier"):
        fields["support_tier"] = _tier(row["support_tier"])
    if row.get("account_manager_email"):
        fields["account_manager"] = _account_manager(row["account_manager_email"])
    if row.get("notes"):
        fields["notes"] = row["notes"]
    domains = [normalise_domain(domain) for domain in re.split(r"[\s,;]+", row.get("domains", "")) if domain]
    organization = organization_by_name(name)
    created = organization is None
    if created:
        organization = organization_create(name=name, by=by, **fields)
    elif fields:
        organization_update(organization=organization, by=by, **fields)
    for domain in domains:
        organization_domain_add(organization=organization, domain=domain, by=by)
    return created


def _tier(value: str) -> str:
    tiers = {tier: tier for tier in SupportTier.values} | {
        str(label).lower(): tier for tier, label in SupportTier.choices
    }
    tier = tiers.get(value.lower())
    if tier is None:
        raise ValidationError(
            _("Unknown support tier “%(value)s”; use one of %(tiers)s.")
            % {"value": value[:30], "tiers": ", ".join(SupportTier.values)}
        )
    return tier


def _account_manager(email: str) -> User:
    user = User.objects.filter(email__iexact=email, is_active=True).first()
    if user is None or user.role not in DESK_ROLES:
        raise ValidationError(
            _("“%(email)s” is not an agent, supervisor or admin of this helpdesk.") % {"email": email[:254]}
        )
    return user
