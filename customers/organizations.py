"""Writes about organizations: their profile, shared notes and the email domains that auto-join new
customers.

Who may do what: the profile (name, account manager, support tier) and the domains decide SLA targets
and who joins the organization, so supervisors and admins change them; the shared notes are the team's
working knowledge about the account, so every desk user (agents too) may edit them."""

import re

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models.functions import Lower
from django.utils.translation import gettext as _

from customers.lists import db_lower
from customers.models import Organization, OrganizationDomain, SupportTier
from helpdesk.models import DESK_ROLES, Role, User

ORGANIZATION_EDITORS = frozenset({Role.SUPERVISOR, Role.ADMIN})
PROFILE_FIELDS = ("name", "account_manager", "support_tier", "notes")
# One DNS label: letters, digits and inner hyphens, at most 63 characters (after IDNA encoding).
LABEL = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)$")
# Everyone's mail provider: as an organization's domain it would pull in strangers by the thousand.
PUBLIC_MAIL_DOMAINS = frozenset(
    {
        "gmail.com", "googlemail.com", "outlook.com", "hotmail.com", "live.com", "msn.com", "yahoo.com",
        "icloud.com", "me.com", "aol.com", "proton.me", "protonmail.com", "gmx.com", "gmx.net", "gmx.de",
        "mail.ru", "yandex.ru", "inbox.lt", "one.lt", "inbox.lv", "wp.pl", "o2.pl", "onet.pl",
        "interia.pl", "suomi24.fi", "luukku.com",
    }
)  # fmt: skip


def can_edit_organizations(user: User) -> bool:
    return user.role in ORGANIZATION_EDITORS


def ensure_can_edit_organizations(by: User) -> None:
    if not can_edit_organizations(by):
        raise PermissionDenied(_("Only supervisors and admins may change organizations."))


def normalise_domain(value: str) -> str:
    """ "example.lt" from " @Example.LT. "; ValidationError unless it is a domain name."""
    domain = value.strip().lower().lstrip("@").rstrip(".")
    try:
        ascii_domain = domain.encode("idna").decode("ascii")
    except UnicodeError:
        ascii_domain = ""
    labels = ascii_domain.split(".")
    if (
        len(labels) < 2
        or len(ascii_domain) > 253
        or not all(LABEL.match(label) for label in labels)
        or labels[-1].isdigit()
    ):
        raise ValidationError(
            _("“%(value)s” is not a domain. Enter it as in an email address after the @, e.g. example.lt.")
            % {"value": value.strip()[:100]},
            code="invalid_domain",
        )
    if domain in PUBLIC_MAIL_DOMAINS:
        raise ValidationError(
            _("%(domain)s is a public email provider: its users are not one organization.")
            % {"domain": domain},
            code="public_domain",
        )
    return domain


def organization_by_name(name: str) -> Organization | None:
    """The organization with this name, in any case (through organization_name_ci_idx)."""
    name = " ".join(name.split())
    return (
        Organization.objects.alias(lower_name=Lower("name"))
        .filter(lower_name=db_lower(name))
        .order_by("pk")
        .first()
    )


def _validate_profile(organization: Organization) -> None:
    organization.name = " ".join(organization.name.split())
    if not organization.name:
        raise ValidationError({"name": _("An organization needs a name.")})
    manager = organization.account_manager
    if manager is not None and manager.role not in DESK_ROLES:
        raise ValidationError(
            {"account_manager": _("The account manager must be an agent, supervisor or admin.")}
        )
    if organization.support_tier not in SupportTier.values:
        raise ValidationError({"support_tier": _("Choose a support tier.")})
    organization.full_clean(exclude=["account_manager"])


@transaction.atomic
def organization_create(*, name: str, by: User, **fields) -> Organization:
    ensure_can_edit_organizations(by)
    unknown = set(fields) - set(PROFILE_FIELDS)
    if unknown:
        raise ValidationError(
            _("These cannot be set here: %(fields)s.") % {"fields": ", ".join(sorted(unknown))}
        )
    organization = Organization(name=name, **fields)
    _validate_profile(organization)
    if organization_by_name(organization.name) is not None:
        raise ValidationError(
            {"name": _("There is already an organization called %(name)s.") % {"name": organization.name}}
        )
    organization.save()
    return organization


@transaction.atomic
def organization_update(*, organization: Organization, by: User, **changes) -> Organization:
    """Change the profile (supervisors and admins) or only the shared notes (any desk user)."""
    unknown = set(changes) - set(PROFILE_FIELDS)
    if unknown:
        raise ValidationError(
            _("These cannot be changed here: %(fields)s.") % {"fields": ", ".join(sorted(unknown))}
        )
    if set(changes) == {"notes"}:
        if by.role not in DESK_ROLES:
            raise PermissionDenied(_("Only desk staff may edit an organization's notes."))
    else:
        ensure_can_edit_organizations(by)
    for field, value in changes.items():
        setattr(organization, field, value)
    _validate_profile(organization)
    other = organization_by_name(organization.name)
    if other is not None and other.pk != organization.pk:
        raise ValidationError(
            {"name": _("There is already an organization called %(name)s.") % {"name": organization.name}}
        )
    organization.save(update_fields=list(changes))
    return organization


@transaction.atomic
def organization_domain_add(*, organization: Organization, domain: str, by: User) -> OrganizationDomain:
    """New customers writing from this domain will join the organization; refused when the domain is
    another organization's (the unique index decides, not only the check)."""
    ensure_can_edit_organizations(by)
    domain = normalise_domain(domain)
    existing = OrganizationDomain.objects.select_related("organization").filter(domain=domain).first()
    if existing is not None and existing.organization_id == organization.pk:
        return existing
    if existing is None:
        try:
            with transaction.atomic():
                return OrganizationDomain.objects.create(organization=organization, domain=domain)
        except IntegrityError:
            existing = OrganizationDomain.objects.select_related("organization").get(domain=domain)
    raise ValidationError(
        _("%(domain)s already belongs to the organization %(name)s.")
        % {"domain": domain, "name": existing.organization.name},
        code="domain_taken",
    )


def organization_domain_remove(*, domain: OrganizationDomain, by: User) -> None:
    """Customers who joined through the domain stay; only new ones no longer join."""
    ensure_can_edit_organizations(by)
    domain.delete()
