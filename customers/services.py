"""Writes about customers: finding them by identity on any channel, their identities, profile and
consent. (Merging is in customers/merging.py, GDPR export and erasure in customers/gdpr.py.)"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from customers.models import (
    Consent,
    ConsentPurpose,
    ConsentSource,
    Customer,
    Identity,
    IdentityKind,
    Organization,
    OrganizationDomain,
    normalise_identity,
)
from helpdesk.models import Role, User

# Who may change how a customer is recognised (identities) and merge customers.
IDENTITY_EDITORS = frozenset({Role.SUPERVISOR, Role.ADMIN})


def normalise_phone(number: str) -> str:
    """+37061234567 from "+370 612 34567", "00370-612-34567" and the like; "" if there are no digits."""
    return normalise_identity(IdentityKind.PHONE, number)


def customer_by_identity(kind: str, value: str) -> Customer | None:
    value = normalise_identity(kind, value)
    identity = Identity.objects.select_related("customer").filter(kind=kind, value=value).first()
    return identity.customer if identity else None


def _add_contact_identities(customer: Customer) -> None:
    """The profile's email address and phone number are identities too (lookups go through them);
    one that already belongs to someone else stays theirs."""
    for kind, value in ((IdentityKind.EMAIL, customer.email), (IdentityKind.PHONE, customer.phone)):
        value = normalise_identity(kind, value)
        if value:
            Identity.objects.get_or_create(kind=kind, value=value, defaults={"customer": customer})


def _create_with_identity(kind: str, value: str, *, verified: bool = False, **fields) -> Customer:
    """A new customer known by (kind, value); when a concurrent first message created them a moment
    ago, that customer instead (the unique identity decides, not a check)."""
    try:
        with transaction.atomic():
            customer = Customer.objects.create(**fields)
            Identity.objects.create(customer=customer, kind=kind, value=value, verified=verified)
            _add_contact_identities(customer)
            return customer
    except IntegrityError:
        return Identity.objects.select_related("customer").get(kind=kind, value=value).customer


@transaction.atomic
def customer_create(*, name: str, email: str = "", phone: str = "", **fields) -> Customer:
    """A new customer (an agent's, an import's), with their address and number as identities;
    refused when either already belongs to someone else."""
    email, phone = normalise_identity(IdentityKind.EMAIL, email), normalise_phone(phone)
    _refuse_taken(IdentityKind.EMAIL, email, None)
    _refuse_taken(IdentityKind.PHONE, phone, None)
    customer = Customer.objects.create(
        name=name.strip()[:200] or email or phone, email=email, phone=phone, **fields
    )
    _add_contact_identities(customer)
    return customer


def organization_for_address(email: str) -> Organization | None:
    domain = email.rpartition("@")[2].lower()
    found = OrganizationDomain.objects.select_related("organization").filter(domain=domain).first()
    return found.organization if found else None


def customer_find_or_create(*, email: str, name: str = "", language: str = "") -> Customer:
    """The customer with this email address, created if we have never heard from them (joining the
    organization that owns the address's domain)."""
    email = normalise_identity(IdentityKind.EMAIL, email)
    if not email:
        raise ValidationError({"email": _("An email address is required.")})
    return customer_by_identity(IdentityKind.EMAIL, email) or _create_with_identity(
        IdentityKind.EMAIL,
        email,
        email=email,
        name=name.strip()[:200] or email,
        language=language,
        organization=organization_for_address(email),
    )


def customer_find_or_create_by_phone(*, phone: str, name: str = "") -> Customer:
    """The customer with this phone number, created if the number is new to us."""
    phone = normalise_phone(phone)
    if not phone:
        raise ValidationError({"phone": _("A phone number is required.")})
    return customer_by_identity(IdentityKind.PHONE, phone) or _create_with_identity(
        IdentityKind.PHONE, phone, phone=phone, name=name.strip()[:200] or phone
    )


def customer_find_or_create_by_identity(
    *, kind: str, value: str, name: str = "", display: str = ""
) -> Customer:
    """The customer known on a messaging channel as (kind, value), created with their identity if
    they are new; `display` (their @handle or name) is kept up to date, their name is not (an agent
    may have corrected it). The provider vouches for the id (a signed webhook): verified."""
    display = display.strip()[:250]
    identity = Identity.objects.select_related("customer").filter(kind=kind, value=value).first()
    if identity is None:
        customer = _create_with_identity(
            kind, value, verified=True, name=(name.strip() or display or value)[:200]
        )
        if display:
            Identity.objects.filter(kind=kind, value=value, display="").update(display=display)
        return customer
    if display and identity.display != display:
        Identity.objects.filter(pk=identity.pk).update(display=display)
    return identity.customer


def ensure_can_edit_identities(by: User) -> None:
    if by.role not in IDENTITY_EDITORS:
        raise PermissionDenied(_("Only supervisors and admins may change identities or merge customers."))


def _refuse_taken(kind: str, value: str, customer: Customer) -> None:
    """A clear refusal, naming the other customer and offering the merge, when (kind, value) is theirs."""
    owner = (
        Identity.objects.filter(kind=kind, value=value).exclude(customer=customer).select_related("customer")
    )
    other = owner.first()
    if other is not None:
        raise ValidationError(
            _("%(value)s already belongs to %(name)s (customer #%(id)s). Merge the two customers instead.")
            % {"value": value, "name": other.customer.name, "id": other.customer_id},
            code="duplicate_identity",
            params={"other": other.customer_id},
        )


@transaction.atomic
def identity_add(*, customer: Customer, kind: str, value: str, by: User, verified: bool = False) -> Identity:
    ensure_can_edit_identities(by)
    if kind not in IdentityKind.values:
        raise ValidationError({"kind": _("Choose what kind of identity this is.")})
    value = normalise_identity(kind, value)
    if not value:
        raise ValidationError({"value": _("Enter the address, number or handle.")})
    if kind == IdentityKind.EMAIL and ("@" not in value or " " in value or len(value) > 254):
        raise ValidationError({"value": _("Enter a valid email address.")})
    _refuse_taken(kind, value, customer)
    identity, _created = Identity.objects.get_or_create(
        kind=kind, value=value, defaults={"customer": customer, "verified": verified}
    )
    # The first address or number of its kind becomes the one we write to.
    field = {IdentityKind.EMAIL: "email", IdentityKind.PHONE: "phone"}.get(kind)
    if field and not getattr(customer, field):
        Customer.objects.filter(pk=customer.pk).update(**{field: value})
        setattr(customer, field, value)
    return identity


@transaction.atomic
def identity_remove(*, identity: Identity, by: User) -> None:
    ensure_can_edit_identities(by)
    customer = identity.customer
    field = {IdentityKind.EMAIL: "email", IdentityKind.PHONE: "phone"}.get(identity.kind)
    identity.delete()
    if field and normalise_identity(identity.kind, getattr(customer, field)) == identity.value:
        # The profile writes to the next identity of that kind, if there is one.
        following = customer.identities.filter(kind=identity.kind).order_by("pk").first()
        Customer.objects.filter(pk=customer.pk).update(**{field: following.value if following else ""})


def identity_set_verified(*, identity: Identity, verified: bool, by: User) -> Identity:
    ensure_can_edit_identities(by)
    identity.verified = verified
    identity.save(update_fields=["verified"])
    return identity


PROFILE_FIELDS = ("name", "language", "time_zone", "notes", "vip", "organization", "organization_manager")


@transaction.atomic
def customer_update(*, customer: Customer, by: User, **changes) -> Customer:
    """Change the profile (agents may); `tags` is a list of tag names."""
    from tickets.models import Tag  # tickets depends on customers, not the other way round at import

    unknown = set(changes) - set(PROFILE_FIELDS) - {"tags"}
    if unknown:
        raise ValidationError(_("These cannot be changed here: %(fields)s.") % {"fields": ", ".join(unknown)})
    if "name" in changes and not str(changes["name"]).strip():
        raise ValidationError({"name": _("A customer needs a name.")})
    for field in PROFILE_FIELDS:
        if field in changes:
            setattr(customer, field, changes[field])
    customer.full_clean(exclude=["email", "phone", "user", "merged_into"])
    customer.save()
    if "tags" in changes:
        names = {" ".join(name.split())[:50] for name in changes["tags"] if name.strip()}
        customer.tags.set([Tag.objects.get_or_create(name=name)[0] for name in sorted(names)])
    return customer


def consent_record(
    *, customer: Customer, purpose: str, granted: bool, source: str, by: User | None = None, note: str = ""
) -> Consent:
    if purpose not in ConsentPurpose.values:
        raise ValidationError({"purpose": _("Unknown purpose.")})
    if source not in ConsentSource.values:
        raise ValidationError({"source": _("Say how the customer told us.")})
    return Consent.objects.create(
        customer=customer,
        purpose=purpose,
        granted=bool(granted),
        source=source,
        note=note.strip()[:250],
        recorded_by=by,
        recorded_at=timezone.now(),
    )


def consent_state(customer: Customer) -> dict[str, Consent | None]:
    """The decision that holds now for each purpose (None: never asked)."""
    state: dict[str, Consent | None] = dict.fromkeys(ConsentPurpose.values)
    for consent in customer.consents.select_related("recorded_by").order_by("purpose", "-recorded_at", "-pk"):
        if state[consent.purpose] is None:
            state[consent.purpose] = consent
    return state


def _latest_consent(customer: Customer, purpose: str) -> Consent | None:
    return customer.consents.filter(purpose=purpose).order_by("-recorded_at", "-pk").first()


def consent_given(customer: Customer, purpose: str) -> bool:
    """Asked before anything that needs a yes (marketing messages): never asked counts as no."""
    consent = _latest_consent(customer, purpose)
    return bool(consent and consent.granted)


def consent_refused(customer: Customer, purpose: str) -> bool:
    """Asked before anything the customer may have said no to (keeping call recordings)."""
    consent = _latest_consent(customer, purpose)
    return bool(consent and not consent.granted)
