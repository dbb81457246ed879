"""Callbacks booked by customers in the portal: a slot of an agent's shift, kept as a phone task.

A slot can be booked once per agent: the partial unique constraint on (agent, starts_at) of booked
callbacks decides between two customers who pick the same slot at the same moment, not a check."""

from datetime import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class CallbackStatus(models.TextChoices):
    BOOKED = "booked", _("Booked")
    CANCELLED = "cancelled", _("Cancelled")
    DONE = "done", _("Done")


class CallbackQuerySet(models.QuerySet):
    def booked(self) -> "CallbackQuerySet":
        return self.filter(status=CallbackStatus.BOOKED)

    def overlapping(self, start: datetime, end: datetime) -> "CallbackQuerySet":
        return self.filter(starts_at__lt=end, ends_at__gt=start)


class Callback(models.Model):
    customer = models.ForeignKey(
        "customers.Customer", verbose_name=_("customer"), on_delete=models.CASCADE, related_name="callbacks"
    )
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("agent"), on_delete=models.CASCADE, related_name="callbacks"
    )
    team = models.ForeignKey(
        "backoffice.Team",
        verbose_name=_("team"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="callbacks",
    )
    language = models.CharField(_("language"), max_length=10, blank=True)
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    phone = models.CharField(_("phone number"), max_length=32)
    topic = models.CharField(_("topic"), max_length=200)
    # The phone task of the agent; empty only inside the booking transaction.
    ticket = models.ForeignKey(
        "tickets.Ticket",
        verbose_name=_("task"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="callbacks",
    )
    status = models.CharField(
        _("status"), max_length=10, choices=CallbackStatus.choices, default=CallbackStatus.BOOKED
    )
    reminder_sent_at = models.DateTimeField(_("reminder sent"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    objects = CallbackQuerySet.as_manager()

    class Meta:
        verbose_name = _("callback")
        verbose_name_plural = _("callbacks")
        ordering = ["starts_at", "pk"]
        indexes = [
            models.Index(fields=["customer", "starts_at"], name="callback_customer_idx"),
            # Slots and reminders read the booked ones of a window.
            models.Index(
                fields=["starts_at"], name="callback_booked_start_idx", condition=Q(status="booked")
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["agent", "starts_at"], condition=Q(status="booked"), name="callback_agent_slot_unique"
            ),
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="callback_end_after_start"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.customer_id} {self.starts_at:%Y-%m-%d %H:%M} {self.get_status_display()}"

    def can_change(self, now: datetime) -> bool:
        """Cancel and move are open until the call starts."""
        return self.status == CallbackStatus.BOOKED and self.starts_at > now
