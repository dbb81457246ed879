"""Customers and organizations: who the tickets are from, how we know them on each channel
(identities), what they agreed to (consent), and the record of merged duplicates."""

import zoneinfo

from django.conf import settings
from django.db import models
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

TIME_ZONES = sorted(zoneinfo.available_timezones() - {"localtime", "Factory"})


class SupportTier(models.TextChoices):
    STANDARD = "standard", _("Standard")
    BUSINESS = "business", _("Business")
    ENTERPRISE = "enterprise", _("Enterprise")


class Organization(models.Model):
    """An institutional customer: its people share an account manager, a support tier and notes."""

    name = models.CharField(_("name"), max_length=200)
    account_manager = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("account manager"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="managed_organizations",
        limit_choices_to={"role__in": ["agent", "supervisor", "admin"]},
    )
    # What SLA policies and routing read (until the back office's plans set it).
    support_tier = models.CharField(
        _("support tier"), max_length=12, choices=SupportTier.choices, default=SupportTier.STANDARD
    )
    notes = models.TextField(_("shared notes"), blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("organization")
        verbose_name_plural = _("organizations")
        ordering = ["name"]
        indexes = [models.Index(Lower("name"), name="organization_name_ci_idx")]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("desk:organization", args=[self.pk])


class OrganizationDomain(models.Model):
    """New customers whose email address is at this domain join the organization by themselves."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="domains")
    domain = models.CharField(_("domain"), max_length=253, unique=True, help_text=_("e.g. example.lt"))

    class Meta:
        verbose_name = _("domain")
        verbose_name_plural = _("domains")

    def __str__(self) -> str:
        return self.domain


class Customer(models.Model):
    """A person who asks for help; may or may not have a portal login (`user`)."""

    name = models.CharField(_("name"), max_length=200)
    email = models.EmailField(_("email address"), blank=True)
    # In international form (+37061234567): how the phone channel recognises a caller.
    phone = models.CharField(_("phone number"), max_length=32, blank=True, db_index=True)
    language = models.CharField(
        _("preferred language"), max_length=10, choices=settings.LANGUAGES, blank=True
    )
    organization = models.ForeignKey(
        Organization,
        verbose_name=_("organization"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="customers",
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="customer"
    )
    time_zone = models.CharField(
        _("time zone"), max_length=64, blank=True, choices=[(zone, zone) for zone in TIME_ZONES]
    )
    notes = models.TextField(_("notes"), blank=True)
    tags = models.ManyToManyField("tickets.Tag", verbose_name=_("tags"), blank=True, related_name="customers")
    vip = models.BooleanField(_("VIP"), default=False)
    # May see all of the organization's tickets in the portal.
    organization_manager = models.BooleanField(_("organization manager"), default=False)
    # Set on the duplicate when it is merged into another customer (kept, so the merge can be undone).
    merged_into = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="merged_from"
    )
    # Set when the customer was erased (GDPR): the row stays so that ticket statistics add up.
    erased_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("customer")
        verbose_name_plural = _("customers")
        indexes = [
            models.Index(Lower("email"), name="customer_email_ci_idx"),
            models.Index(Lower("name"), "id", name="customer_name_ci_idx"),
            # An organization's page lists its customers by name, in pages.
            models.Index("organization", Lower("name"), "id", name="customer_org_name_idx"),
        ]

    def __str__(self) -> str:
        return self.name or self.email

    def get_absolute_url(self) -> str:
        return reverse("desk:customer", args=[self.pk])

    @property
    def first_name(self) -> str:
        return self.name.split(" ")[0] if self.name else ""


class IdentityKind(models.TextChoices):
    EMAIL = "email", _("Email address")
    PHONE = "phone", _("Phone number")
    TELEGRAM = "telegram", _("Telegram")
    SOCIAL = "social", _("Messaging handle")


def normalise_identity(kind: str, value: str) -> str:
    """Email addresses compare in lower case, phone numbers in international form."""
    value = (value or "").strip()
    if kind == IdentityKind.EMAIL:
        return value.lower()
    if kind == IdentityKind.PHONE:
        digits = "".join(character for character in value if character.isdigit())
        if not digits:
            return ""
        start = value.lstrip("(")
        if start.startswith("00"):
            digits = digits[2:]
        return f"+{digits}" if start.startswith(("+", "00")) else digits
    return value


class Identity(models.Model):
    """How a customer is known on a channel: an email address, a phone number, a Telegram user id,
    or a handle on a generic webhook channel ("<account>:<sender id>"). The pair (kind, value)
    names one customer, so a person who writes again, on any channel, is recognised."""

    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="identities")
    kind = models.CharField(_("kind"), max_length=10, choices=IdentityKind.choices)
    value = models.CharField(_("identifier"), max_length=250)
    display = models.CharField(_("shown as"), max_length=250, blank=True, help_text=_("@handle or name."))
    verified = models.BooleanField(_("verified"), default=False)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("identity")
        verbose_name_plural = _("identities")
        constraints = [models.UniqueConstraint(fields=["kind", "value"], name="identity_once")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.display or self.value}"


class ConsentPurpose(models.TextChoices):
    MARKETING = "marketing", _("Marketing messages")
    PROCESSING = "processing", _("Processing of personal data")
    CALL_RECORDING = "call_recording", _("Recording of calls")
    SURVEYS = "surveys", _("Satisfaction surveys by email")


class ConsentSource(models.TextChoices):
    PORTAL = "portal", _("Portal")
    EMAIL = "email", _("Email")
    PHONE = "phone", _("Phone call")
    CHAT = "chat", _("Chat")
    PAPER = "paper", _("Signed form")
    AGENT = "agent", _("Recorded by an agent")


class Consent(models.Model):
    """One decision of the customer about one purpose. Rows are only added, never changed: the
    newest per purpose is what holds now, and the rest is the history of when and how."""

    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="consents")
    purpose = models.CharField(_("purpose"), max_length=20, choices=ConsentPurpose.choices)
    granted = models.BooleanField(_("granted"))
    source = models.CharField(_("how"), max_length=10, choices=ConsentSource.choices)
    note = models.CharField(_("note"), max_length=250, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(_("when"), default=timezone.now)

    class Meta:
        verbose_name = _("consent")
        verbose_name_plural = _("consents")
        indexes = [models.Index(fields=["customer", "purpose", "-recorded_at"], name="consent_latest_idx")]

    def __str__(self) -> str:
        return f"{self.get_purpose_display()}: {self.granted}"


class CustomerMerge(models.Model):
    """A duplicate (`source`) merged into `target`: what moved, so that the merge can be undone."""

    source = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="merges_as_source")
    target = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="merges_as_target")
    merged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    merged_at = models.DateTimeField(default=timezone.now)
    # {"tickets": [ids], "ccs": [ticket ids], "messages": [ids], "identities": [ids], ...}
    moved = models.JSONField(default=dict)
    undone_at = models.DateTimeField(null=True, blank=True)
    undone_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("customer merge")
        verbose_name_plural = _("customer merges")

    def __str__(self) -> str:
        return f"{self.source_id} → {self.target_id}"
