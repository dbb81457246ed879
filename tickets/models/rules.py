"""Automation rules: conditions on a ticket and actions taken when they all hold (tickets/rules/).

A rule runs when a ticket is created, when a person changes it, or on a schedule (time-based: "pending
for 72 hours"). Every firing is recorded; a rule fires once per ticket for creation, once per change
for updates, and once per stretch of time in a status for time-based rules.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from customers.models import SupportTier
from tickets.models.core import Channel, Priority, Status, TicketType
from tickets.models.sla import ChoiceListValidator

LANGUAGE_CODES = [code for code, _name in settings.LANGUAGES]


class RuleTrigger(models.TextChoices):
    CREATED = "created", _("A ticket is created")
    UPDATED = "updated", _("An agent changes a ticket")
    TIME = "time", _("Time passes (checked every minute)")


class YesNo(models.TextChoices):
    ANY = "", _("Either")
    YES = "yes", _("Yes")
    NO = "no", _("No")


class Rule(models.Model):
    name = models.CharField(_("name"), max_length=100, unique=True)
    position = models.PositiveIntegerField(_("position"), default=0)
    active = models.BooleanField(_("active"), default=True)
    trigger = models.CharField(_("runs when"), max_length=8, choices=RuleTrigger.choices)

    # Conditions: every one that is set must hold; lists match any of their values.
    channels = models.JSONField(
        _("channels"), default=list, blank=True, validators=[ChoiceListValidator(Channel.values)]
    )
    mailboxes = models.ManyToManyField(
        "tickets.Mailbox", verbose_name=_("mailboxes"), blank=True, related_name="+"
    )
    keywords = models.CharField(
        _("keywords"),
        max_length=300,
        blank=True,
        help_text=_("Comma-separated; any of them in the subject or the first message."),
    )
    languages = models.JSONField(
        _("languages"), default=list, blank=True, validators=[ChoiceListValidator(LANGUAGE_CODES)]
    )
    customer_tags = models.ManyToManyField(
        "tickets.Tag", verbose_name=_("customer tags"), blank=True, related_name="+"
    )
    organizations = models.ManyToManyField(
        "customers.Organization", verbose_name=_("organizations"), blank=True, related_name="+"
    )
    support_tiers = models.JSONField(
        _("support tiers"), default=list, blank=True, validators=[ChoiceListValidator(SupportTier.values)]
    )
    vip = models.CharField(_("VIP customer"), max_length=3, choices=YesNo.choices, blank=True)
    has_overdue_invoice = models.CharField(
        _("has an overdue invoice"), max_length=3, choices=YesNo.choices, blank=True
    )
    in_business_hours = models.CharField(
        _("within business hours"), max_length=3, choices=YesNo.choices, blank=True
    )
    statuses = models.JSONField(
        _("statuses"), default=list, blank=True, validators=[ChoiceListValidator(Status.values)]
    )
    priorities = models.JSONField(
        _("priorities"), default=list, blank=True, validators=[ChoiceListValidator(Priority.values)]
    )
    hours_in_status = models.PositiveIntegerField(
        _("hours in that status"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(24 * 365)],
        help_text=_("Time-based rules: how long the ticket has been in one of the statuses."),
    )

    # Actions.
    set_team = models.ForeignKey(
        "backoffice.Team",
        verbose_name=_("set team"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    set_priority = models.CharField(_("set priority"), max_length=10, choices=Priority.choices, blank=True)
    set_type = models.CharField(_("set type"), max_length=10, choices=TicketType.choices, blank=True)
    set_status = models.CharField(_("set status"), max_length=10, choices=Status.choices, blank=True)
    add_tags = models.CharField(_("add tags"), max_length=250, blank=True, help_text=_("Comma-separated."))
    assign_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assign to"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        limit_choices_to={"role__in": ["agent", "supervisor", "admin"]},
    )
    add_follower = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("add follower"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        limit_choices_to={"role__in": ["agent", "supervisor", "admin"]},
    )
    require_skills = models.ManyToManyField(
        "rosters.Skill", verbose_name=_("require skills"), blank=True, related_name="+"
    )
    reply_with = models.ForeignKey(
        "tickets.Macro",
        verbose_name=_("reply with macro"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("An automatic public reply (never to automatic mail, and at most once per ticket)."),
    )
    answer_with_articles = models.BooleanField(
        _("answer with knowledge base articles"),
        default=False,
        help_text=_(
            "An automatic reply with the best-matching public articles in the customer's language, and "
            "links to say whether one solved it."
        ),
    )
    notify = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("notify"),
        blank=True,
        related_name="+",
        limit_choices_to={"role__in": ["agent", "supervisor", "admin"]},
    )

    created_at = models.DateTimeField(default=timezone.now)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("rule")
        verbose_name_plural = _("rules")
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.trigger == RuleTrigger.TIME and (not self.hours_in_status or not self.statuses):
            raise ValidationError(
                {"hours_in_status": _("A time-based rule needs statuses and the hours spent in them.")}
            )
        if self.trigger != RuleTrigger.TIME and self.hours_in_status:
            raise ValidationError({"hours_in_status": _("Only time-based rules count hours in a status.")})


class RuleFiring(models.Model):
    """A rule fired on a ticket for one occasion (`occasion`: "created", an event id, or the moment the
    ticket entered its status): the unique constraint is what makes it fire once."""

    rule = models.ForeignKey(Rule, on_delete=models.CASCADE, related_name="firings")
    ticket = models.ForeignKey("tickets.Ticket", on_delete=models.CASCADE, related_name="rule_firings")
    occasion = models.CharField(max_length=40)
    fired_at = models.DateTimeField(default=timezone.now)
    changes = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("rule firing")
        verbose_name_plural = _("rule firings")
        ordering = ["-fired_at", "-pk"]
        constraints = [models.UniqueConstraint(fields=["rule", "ticket", "occasion"], name="rule_fires_once")]

    def __str__(self) -> str:
        return f"{self.rule} · #{self.ticket_id} · {self.occasion}"


class AnswerOutcome(models.TextChoices):
    WAITING = "", _("No answer yet")
    SOLVED = "solved", _("An article solved it")
    NEEDS_HELP = "needs_help", _("Still needs help")


class AnswerBotReply(models.Model):
    """The articles the answer bot sent on a ticket and what the customer said about them: solved
    ones are the deflections the dashboards count."""

    ticket = models.ForeignKey("tickets.Ticket", on_delete=models.CASCADE, related_name="answer_bot_replies")
    rule = models.ForeignKey(Rule, null=True, on_delete=models.SET_NULL, related_name="+")
    articles = models.JSONField(default=list)  # [{"id": translation id, "title": ...}]
    outcome = models.CharField(max_length=10, choices=AnswerOutcome.choices, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("answer bot reply")
        verbose_name_plural = _("answer bot replies")
        indexes = [models.Index(fields=["outcome", "decided_at"], name="answer_bot_outcome_idx")]

    def __str__(self) -> str:
        return f"#{self.ticket_id} {self.outcome or '-'}"
