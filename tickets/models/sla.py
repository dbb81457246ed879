"""SLA policies and the record of each SLA warning and breach (see tickets/sla/ and the README's
"SLA" section). The deadlines themselves are columns on the ticket."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _

from customers.models import SupportTier
from tickets.models.core import Channel, Priority, Status, TicketType


class SlaMetric(models.TextChoices):
    FIRST_RESPONSE = "first_response", _("First response")
    NEXT_RESPONSE = "next_response", _("Next response")
    RESOLUTION = "resolution", _("Resolution")


@deconstructible
class ChoiceListValidator:
    """A JSON list whose items are all among `allowed` (the conditions of a policy)."""

    def __init__(self, allowed) -> None:
        self.allowed = tuple(allowed)

    def __call__(self, values) -> None:
        if not isinstance(values, list) or any(value not in self.allowed for value in values):
            raise ValidationError(
                _("Choose from: %(choices)s.") % {"choices": ", ".join(self.allowed)}, code="invalid_choice"
            )

    def __eq__(self, other) -> bool:
        return isinstance(other, ChoiceListValidator) and self.allowed == other.allowed


class SlaPolicy(models.Model):
    """Targets for the tickets its conditions match; policies are tried by position, the first match
    wins. An empty condition matches anything."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    position = models.PositiveIntegerField(_("position"), default=0)
    active = models.BooleanField(_("active"), default=True)
    # Conditions.
    priorities = models.JSONField(
        _("priorities"), default=list, blank=True, validators=[ChoiceListValidator(Priority.values)]
    )
    support_tiers = models.JSONField(
        _("support tiers"), default=list, blank=True, validators=[ChoiceListValidator(SupportTier.values)]
    )
    channels = models.JSONField(
        _("channels"), default=list, blank=True, validators=[ChoiceListValidator(Channel.values)]
    )
    types = models.JSONField(
        _("types"), default=list, blank=True, validators=[ChoiceListValidator(TicketType.values)]
    )
    organizations = models.ManyToManyField(
        "customers.Organization", verbose_name=_("organizations"), blank=True, related_name="sla_policies"
    )
    # Targets in minutes (business minutes when `business_hours`); empty means no target.
    first_response_minutes = models.PositiveIntegerField(
        _("first response (minutes)"), null=True, blank=True, validators=[MinValueValidator(1)]
    )
    next_response_minutes = models.PositiveIntegerField(
        _("next response (minutes)"), null=True, blank=True, validators=[MinValueValidator(1)]
    )
    resolution_minutes = models.PositiveIntegerField(
        _("resolution (minutes)"), null=True, blank=True, validators=[MinValueValidator(1)]
    )
    business_hours = models.BooleanField(
        _("in business hours"),
        default=True,
        help_text=_("Count only the opening hours of the calendar (the team's, else the default one)."),
    )
    calendar = models.ForeignKey(
        "rosters.BusinessCalendar",
        verbose_name=_("calendar"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("Empty: the calendar of the ticket's team, else the default calendar."),
    )
    warning_percent = models.PositiveSmallIntegerField(
        _("warn at (percent of the target)"),
        default=75,
        validators=[MinValueValidator(1), MaxValueValidator(99)],
    )
    pause_statuses = models.JSONField(
        _("paused while"),
        default=list,
        blank=True,
        validators=[ChoiceListValidator(Status.values)],
        help_text=_("Statuses that stop the clocks, e.g. pending and on hold."),
    )
    # Escalation on breach (a warning and a breach always notify the team lead and supervisors).
    raise_priority_on_breach = models.BooleanField(_("raise the priority on breach"), default=False)
    reassign_on_breach_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reassign on breach to"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        limit_choices_to={"role__in": ["agent", "supervisor", "admin"]},
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("SLA policy")
        verbose_name_plural = _("SLA policies")
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.name

    def target(self, metric: str) -> int | None:
        return getattr(self, f"{metric}_minutes")


class SlaEventKind(models.TextChoices):
    WARNING = "warning", _("Warning")
    BREACH = "breach", _("Breach")


class SlaEvent(models.Model):
    """A warning or breach that fired: unique per deadline, so a sweep that runs twice, or two sweeps
    at once, fire it once."""

    ticket = models.ForeignKey("tickets.Ticket", on_delete=models.CASCADE, related_name="sla_events")
    metric = models.CharField(_("target"), max_length=16, choices=SlaMetric.choices)
    kind = models.CharField(_("kind"), max_length=8, choices=SlaEventKind.choices)
    due_at = models.DateTimeField(_("due"))
    fired_at = models.DateTimeField(_("fired at"), default=timezone.now)
    policy = models.ForeignKey(SlaPolicy, null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("SLA event")
        verbose_name_plural = _("SLA events")
        ordering = ["-fired_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["ticket", "metric", "kind", "due_at"], name="sla_event_once")
        ]
        indexes = [models.Index(fields=["kind", "-fired_at"], name="sla_event_kind_idx")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.get_metric_display()} · #{self.ticket_id}"
