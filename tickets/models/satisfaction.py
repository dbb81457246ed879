"""What customers think: a CSAT rating per solved request (good or bad, with a comment) and the
periodic NPS question. Both feed the customer's 360° view and the dashboards."""

from django.core.validators import MaxValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class SatisfactionRating(models.Model):
    """One per ticket: offered when the ticket is solved (the survey email goes out once), answered
    when the customer rates it; they may change their answer, and the newest one holds."""

    ticket = models.OneToOneField("tickets.Ticket", on_delete=models.CASCADE, related_name="satisfaction")
    customer = models.ForeignKey("customers.Customer", on_delete=models.CASCADE, related_name="ratings")
    good = models.BooleanField(_("rating"), null=True, help_text=_("Empty while the survey is unanswered."))
    comment = models.TextField(_("comment"), max_length=2000, blank=True)
    offered_at = models.DateTimeField(default=timezone.now)
    emailed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(_("answered"), null=True, blank=True)

    class Meta:
        verbose_name = _("satisfaction rating")
        verbose_name_plural = _("satisfaction ratings")
        indexes = [models.Index(fields=["created_at"], name="csat_answered_idx")]

    def __str__(self) -> str:
        return f"#{self.ticket_id}: {self.get_answer_display()}"

    def get_answer_display(self) -> str:
        if self.good is None:
            return str(_("not answered"))
        return str(_("good") if self.good else _("bad"))


class NpsResponse(models.Model):
    """An answer to "how likely are you to recommend us?" (0-10); a dismissal has no score. Asked at
    most once per NPS_INTERVAL_DAYS per customer."""

    customer = models.ForeignKey("customers.Customer", on_delete=models.CASCADE, related_name="nps_responses")
    score = models.PositiveSmallIntegerField(
        _("score"), null=True, blank=True, validators=[MaxValueValidator(10)]
    )
    comment = models.TextField(_("comment"), max_length=2000, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("NPS response")
        verbose_name_plural = _("NPS responses")
        indexes = [models.Index(fields=["customer", "-created_at"], name="nps_customer_idx")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(score__isnull=True) | models.Q(score__lte=10), name="nps_score_0_to_10"
            )
        ]

    def __str__(self) -> str:
        return f"{self.customer_id}: {self.score if self.score is not None else '-'}"
