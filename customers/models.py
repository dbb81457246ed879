"""Customers and organizations: who the tickets are from (the 360° view and identities build on this)."""

from django.conf import settings
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Organization(models.Model):
    name = models.CharField(_("name"), max_length=200)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("organization")
        verbose_name_plural = _("organizations")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


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
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("customer")
        verbose_name_plural = _("customers")
        indexes = [models.Index(Lower("email"), name="customer_email_ci_idx")]

    def __str__(self) -> str:
        return self.name or self.email

    @property
    def first_name(self) -> str:
        return self.name.split(" ")[0] if self.name else ""


class IdentityKind(models.TextChoices):
    TELEGRAM = "telegram", _("Telegram")
    SOCIAL = "social", _("Messaging handle")


class Identity(models.Model):
    """How a customer is known on a messaging channel: a Telegram user id, or a handle on a
    generic webhook channel ("<account>:<sender id>"). The pair (kind, value) names one customer,
    so a person who writes again is recognised. Email and phone are the customer's own fields."""

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
