"""The project's own models: the user and their role, the transactional outbox and the audit log."""

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    CUSTOMER = "customer", _("Customer")
    AGENT = "agent", _("Agent")
    SUPERVISOR = "supervisor", _("Supervisor")
    BACKOFFICE = "backoffice", _("Back office")
    ADMIN = "admin", _("Administrator")


# Roles that work tickets at /desk/ and may be assigned them.
DESK_ROLES = frozenset({Role.AGENT, Role.SUPERVISOR, Role.ADMIN})
BACKOFFICE_ROLES = frozenset({Role.BACKOFFICE, Role.ADMIN})
# Where each role lands after signing in.
ROLE_HOME = {
    Role.CUSTOMER: "portal:home",
    Role.AGENT: "desk:home",
    Role.SUPERVISOR: "desk:home",
    Role.BACKOFFICE: "backoffice:home",
    Role.ADMIN: "desk:home",
}


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email: str, password: str | None, **fields) -> "User":
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **fields) -> "User":
        fields.setdefault("role", Role.CUSTOMER)
        return self._create_user(email, password, **fields)

    def create_superuser(self, email: str, password: str | None = None, **fields) -> "User":
        fields.update(role=Role.ADMIN, is_staff=True, is_superuser=True)
        return self._create_user(email, password, **fields)

    def get_by_natural_key(self, username: str) -> "User":
        # Sign-in is case-insensitive on the email address.
        return self.get(email__iexact=username)


class User(AbstractBaseUser, PermissionsMixin):
    """Everyone who signs in: customers in the portal and staff in the desk and back office."""

    email = models.EmailField(_("email address"), unique=True)
    full_name = models.CharField(_("full name"), max_length=150)
    role = models.CharField(
        _("role"), max_length=20, choices=Role.choices, default=Role.CUSTOMER, db_index=True
    )
    language = models.CharField(
        _("preferred language"), max_length=10, choices=settings.LANGUAGES, blank=True, default=""
    )
    is_active = models.BooleanField(_("active"), default=True)
    is_staff = models.BooleanField(
        _("admin site access"), default=False, help_text=_("Whether the user may sign in to /admin/.")
    )
    date_joined = models.DateTimeField(_("date joined"), default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [models.UniqueConstraint(Lower("email"), name="user_email_ci_unique")]

    def __str__(self) -> str:
        return self.full_name or self.email

    def get_full_name(self) -> str:
        return self.full_name

    def get_short_name(self) -> str:
        return self.full_name.split(" ")[0] if self.full_name else self.email

    @property
    def is_agent(self) -> bool:
        """May work tickets in the desk (agents, supervisors, admins)."""
        return self.role in DESK_ROLES

    @property
    def is_customer(self) -> bool:
        return self.role == Role.CUSTOMER

    def home_url(self) -> str:
        return reverse(ROLE_HOME[Role(self.role)])


class OutboxEventQuerySet(models.QuerySet):
    def pending(self) -> "OutboxEventQuerySet":
        return self.filter(published_at__isnull=True)


class OutboxEvent(models.Model):
    """A domain event, written in the same transaction as the change it describes.

    The relay (helpdesk.outbox.outbox_relay_batch) publishes committed rows to Celery and sets
    published_at only after the broker took them; handlers run once per event (OutboxHandled).
    """

    name = models.CharField(max_length=100)
    payload = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    published_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)

    objects = OutboxEventQuerySet.as_manager()

    class Meta:
        indexes = [
            # The relay's only query: keeps its cost proportional to what is pending.
            models.Index(
                fields=["id"], condition=models.Q(published_at__isnull=True), name="outbox_pending_idx"
            ),
            models.Index(fields=["published_at"], name="outbox_published_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.name} #{self.pk}"


class OutboxHandled(models.Model):
    """One row per (event, handler) that ran to completion: the idempotency key of consumers."""

    event = models.ForeignKey(OutboxEvent, on_delete=models.CASCADE, related_name="handled")
    handler = models.CharField(max_length=200)
    handled_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["event", "handler"], name="outbox_handled_once")]

    def __str__(self) -> str:
        return f"{self.handler} handled {self.event_id}"


class Heartbeat(models.Model):
    """When a background process last proved it was alive (shown by /health/)."""

    name = models.CharField(max_length=50, unique=True)
    seen_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.name} at {self.seen_at:%Y-%m-%d %H:%M:%S}"


class AuditEntry(models.Model):
    """Who did what to whom, for the actions that must answer to an auditor (customer merges,
    GDPR exports and erasures). Rows are only ever added."""

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    action = models.CharField(max_length=50)
    target_type = models.CharField(max_length=50)
    target_id = models.CharField(max_length=50)
    summary = models.CharField(max_length=250)
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit log")
        indexes = [models.Index(fields=["target_type", "target_id", "-created_at"], name="audit_target_idx")]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.action} {self.target_type} {self.target_id}"
