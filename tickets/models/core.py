"""Tickets, their conversation (messages, attachments) and their history (activity)."""

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Status(models.TextChoices):
    NEW = "new", _("New")
    OPEN = "open", _("Open")
    PENDING = "pending", _("Pending")
    ON_HOLD = "on_hold", _("On hold")
    SOLVED = "solved", _("Solved")
    CLOSED = "closed", _("Closed")


UNSOLVED = (Status.NEW, Status.OPEN, Status.PENDING, Status.ON_HOLD)
# Which status may follow which. Closed is final; solved reopens to open.
TRANSITIONS: dict[str, set[str]] = {
    Status.NEW: {Status.OPEN, Status.PENDING, Status.ON_HOLD, Status.SOLVED, Status.CLOSED},
    Status.OPEN: {Status.PENDING, Status.ON_HOLD, Status.SOLVED, Status.CLOSED},
    Status.PENDING: {Status.OPEN, Status.ON_HOLD, Status.SOLVED, Status.CLOSED},
    Status.ON_HOLD: {Status.OPEN, Status.PENDING, Status.SOLVED, Status.CLOSED},
    Status.SOLVED: {Status.OPEN, Status.CLOSED},
    Status.CLOSED: set(),
}


class Priority(models.TextChoices):
    LOW = "low", _("Low")
    NORMAL = "normal", _("Normal")
    HIGH = "high", _("High")
    URGENT = "urgent", _("Urgent")


class TicketType(models.TextChoices):
    QUESTION = "question", _("Question")
    INCIDENT = "incident", _("Incident")
    PROBLEM = "problem", _("Problem")
    TASK = "task", _("Task")
    COMPLAINT = "complaint", _("Complaint")


class Channel(models.TextChoices):
    EMAIL = "email", _("Email")
    WEB = "web", _("Web portal")
    CHAT = "chat", _("Chat")
    PHONE = "phone", _("Phone")
    SOCIAL = "social", _("Social")
    API = "api", _("API")
    INTERNAL = "internal", _("Agent")


class Tag(models.Model):
    name = models.CharField(_("name"), max_length=50, unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


def user_team_ids(user) -> list[int]:
    """The ids of the user's teams, read once per request (cached on the user object)."""
    if not hasattr(user, "_team_ids"):
        user._team_ids = list(user.teams.values_list("id", flat=True))
    return user._team_ids


class TicketQuerySet(models.QuerySet):
    def unsolved(self) -> "TicketQuerySet":
        return self.filter(status__in=UNSOLVED)

    def assigned_to(self, user) -> "TicketQuerySet":
        return self.filter(assignee=user)

    def unassigned(self) -> "TicketQuerySet":
        return self.filter(assignee__isnull=True)

    def for_teams(self, team_ids) -> "TicketQuerySet":
        return self.filter(team_id__in=team_ids)

    def visible_to(self, user) -> "TicketQuerySet":
        """What an agent may see: their teams' tickets, tickets without a team, their own."""
        if not user.is_authenticated or not user.is_agent:
            return self.none()
        if user.role != "agent" or settings.TICKETS_AGENTS_SEE_ALL:
            return self
        return self.filter(Q(team_id__in=user_team_ids(user)) | Q(team__isnull=True) | Q(assignee=user))


class Ticket(models.Model):
    subject = models.CharField(_("subject"), max_length=250)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.NEW)
    priority = models.CharField(
        _("priority"), max_length=10, choices=Priority.choices, default=Priority.NORMAL
    )
    type = models.CharField(_("type"), max_length=10, choices=TicketType.choices, default=TicketType.QUESTION)
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices, default=Channel.WEB)
    requester = models.ForeignKey(
        "customers.Customer", verbose_name=_("requester"), on_delete=models.PROTECT, related_name="tickets"
    )
    organization = models.ForeignKey(
        "customers.Organization",
        verbose_name=_("organization"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="tickets",
    )
    team = models.ForeignKey(
        "backoffice.Team",
        verbose_name=_("team"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="tickets",
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assignee"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assigned_tickets",
    )
    followers = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="followed_tickets")
    ccs = models.ManyToManyField("customers.Customer", blank=True, related_name="cc_tickets")
    tags = models.ManyToManyField(Tag, blank=True, related_name="tickets")
    related = models.ManyToManyField("self", blank=True, symmetrical=True)
    merged_into = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="merged_tickets"
    )
    language = models.CharField(_("language"), max_length=10, blank=True)
    due_at = models.DateTimeField(_("due"), null=True, blank=True)
    # The mailbox an email ticket came in on: replies are sent from it.
    mailbox = models.ForeignKey(
        "tickets.Mailbox",
        verbose_name=_("mailbox"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="tickets",
    )

    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    first_response_at = models.DateTimeField(null=True, blank=True)
    solved_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    # SLA deadlines, filled by the SLA engine; beat selects `deadline <= now + warning` through these indexes.
    first_response_due_at = models.DateTimeField(null=True, blank=True, db_index=True)
    next_response_due_at = models.DateTimeField(null=True, blank=True, db_index=True)
    resolution_due_at = models.DateTimeField(null=True, blank=True, db_index=True)
    # The SLA engine's bookkeeping (tickets/sla/): the policy that matched, since when the clocks are
    # paused and how many (business) minutes pauses took so far, since when a customer message waits
    # for an answer, and when the sweep must next look at this ticket (a warning or a deadline).
    sla_policy = models.ForeignKey(
        "tickets.SlaPolicy", null=True, blank=True, on_delete=models.SET_NULL, related_name="tickets"
    )
    sla_paused_at = models.DateTimeField(null=True, blank=True)
    sla_paused_minutes = models.PositiveIntegerField(default=0)
    awaiting_reply_since = models.DateTimeField(null=True, blank=True)
    sla_next_check_at = models.DateTimeField(null=True, blank=True)
    # When the status last changed: time-based rules count from here ("pending for 3 days").
    status_changed_at = models.DateTimeField(default=timezone.now)
    # Skills an agent needs to be assigned the ticket (set by rules; routing reads them).
    required_skills = models.ManyToManyField("rosters.Skill", blank=True, related_name="+")
    # Set while routing found no agent for the ticket (it waits in its team's queue), cleared on assignment.
    waiting_for_agent_since = models.DateTimeField(null=True, blank=True)
    # The earliest running deadline, for views sorted by time to breach.
    sla_due_at = models.DateTimeField(_("next SLA deadline"), null=True, blank=True)
    # The newest public message: a reply written before it was seen is a collision.
    last_public_message_id = models.BigIntegerField(null=True, blank=True)
    # Values of the admins' custom fields (tickets/models/fields.py), by key; null when none were given.
    custom_fields = models.JSONField(_("details"), null=True, blank=True)
    # PostgreSQL full-text over subject, requester and messages (see tickets/search.py).
    search_vector = SearchVectorField(null=True, editable=False)

    objects = TicketQuerySet.as_manager()

    class Meta:
        verbose_name = _("ticket")
        verbose_name_plural = _("tickets")
        indexes = [
            # The queues: each list is an index range scan in its sort order.
            models.Index(fields=["status", "-updated_at", "-id"], name="ticket_status_updated_idx"),
            models.Index(fields=["assignee", "status", "-updated_at", "-id"], name="ticket_assignee_idx"),
            # "My open tickets": one range in list order, whatever mix of unsolved statuses.
            models.Index(
                fields=["assignee", "-updated_at", "-id"],
                name="ticket_assignee_open_idx",
                condition=Q(status__in=UNSOLVED),
            ),
            models.Index(fields=["team", "status", "-updated_at", "-id"], name="ticket_team_idx"),
            models.Index(fields=["-updated_at", "-id"], name="ticket_updated_idx"),
            models.Index(fields=["-created_at", "-id"], name="ticket_created_idx"),
            models.Index(fields=["requester", "-created_at"], name="ticket_requester_idx"),
            models.Index(fields=["organization", "-created_at", "-id"], name="ticket_organization_idx"),
            models.Index(
                fields=["-solved_at", "-id"], name="ticket_solved_idx", condition=Q(status="solved")
            ),
            # The SLA sweep reads only what is due: a range scan over the tickets with a next check.
            models.Index(
                fields=["sla_next_check_at"],
                name="ticket_sla_check_idx",
                condition=Q(sla_next_check_at__isnull=False),
            ),
            models.Index(fields=["status", "status_changed_at"], name="ticket_status_changed_idx"),
            models.Index(
                fields=["sla_due_at", "id"], name="ticket_sla_due_idx", condition=Q(sla_due_at__isnull=False)
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.subject}"

    def get_absolute_url(self) -> str:
        return reverse("desk:ticket", args=[self.pk])

    def get_portal_url(self) -> str:
        return reverse("portal:request", args=[self.pk])

    @property
    def number(self) -> int:
        return self.pk

    @property
    def is_unsolved(self) -> bool:
        return self.status in UNSOLVED

    def can_become(self, status: str) -> bool:
        return status == self.status or status in TRANSITIONS[self.status]


class AuthorKind(models.TextChoices):
    CUSTOMER = "customer", _("Customer")
    AGENT = "agent", _("Agent")
    SYSTEM = "system", _("System")


class Message(models.Model):
    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="messages")
    author_kind = models.CharField(max_length=10, choices=AuthorKind.choices)
    author_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    author_customer = models.ForeignKey(
        "customers.Customer", null=True, blank=True, on_delete=models.SET_NULL, related_name="messages"
    )
    incoming = models.BooleanField(default=False, help_text="From outside (customer) rather than from us.")
    public = models.BooleanField(default=True, help_text="A public reply, or an internal note when false.")
    body_html = models.TextField(help_text="Sanitised HTML.")
    body_text = models.TextField()
    channel = models.CharField(max_length=10, choices=Channel.choices, default=Channel.INTERNAL)
    channel_message_id = models.CharField(max_length=250, blank=True, db_index=True)
    metadata = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["ticket", "created_at", "id"], name="message_ticket_idx")]
        constraints = [
            # One incoming email is one message, whichever of our mailboxes it reached, however often.
            models.UniqueConstraint(
                fields=["channel_message_id"],
                condition=Q(incoming=True, channel="email") & ~Q(channel_message_id=""),
                name="message_incoming_email_once",
            ),
            # A provider's retried webhook (ids are "<account>:<provider's id>") is filed once.
            models.UniqueConstraint(
                fields=["channel_message_id"],
                condition=Q(incoming=True, channel="social") & ~Q(channel_message_id=""),
                name="message_incoming_social_once",
            ),
        ]

    def __str__(self) -> str:
        return f"message {self.pk} on #{self.ticket_id}"

    @property
    def author_name(self) -> str:
        author = self.author_user or self.author_customer
        return str(author) if author else str(_("System"))


def attachment_path(instance: "Attachment", filename: str) -> str:
    # Stored under a random name: the original filename is kept in the row, never trusted on disk.
    return f"attachments/{timezone.now():%Y/%m}/{instance.token}"


class Attachment(models.Model):
    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="attachments")
    token = models.CharField(max_length=32, unique=True)
    file = models.FileField(upload_to=attachment_path, max_length=200)
    filename = models.CharField(max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField()

    def __str__(self) -> str:
        return self.filename


class Activity(models.Model):
    """One change to a ticket: what changed, from what to what, who did it and why."""

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="activities")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    field = models.CharField(max_length=50)
    old = models.CharField(max_length=250, blank=True)
    new = models.CharField(max_length=250, blank=True)
    reason = models.CharField(max_length=250, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name_plural = "activities"
        indexes = [models.Index(fields=["ticket", "created_at", "id"], name="activity_ticket_idx")]

    def __str__(self) -> str:
        return f"{self.field}: {self.old} → {self.new}"


class Macro(models.Model):
    """A canned reply with placeholders, which can also set fields. Personal when it has an owner."""

    name = models.CharField(_("name"), max_length=100)
    body = models.TextField(_("reply"), blank=True, help_text=_("Placeholders: {{ ticket.number }}, …"))
    set_status = models.CharField(_("set status"), max_length=10, choices=Status.choices, blank=True)
    set_priority = models.CharField(_("set priority"), max_length=10, choices=Priority.choices, blank=True)
    set_type = models.CharField(_("set type"), max_length=10, choices=TicketType.choices, blank=True)
    add_tags = models.CharField(_("add tags"), max_length=250, blank=True, help_text=_("Comma-separated."))
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="macros",
        help_text=_("Empty for a macro shared with every agent."),
    )

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class SavedView(models.Model):
    """A named list of tickets built from filters; personal, or shared with every agent."""

    name = models.CharField(_("name"), max_length=100)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="saved_views")
    shared = models.BooleanField(_("shared with all agents"), default=False)
    filters = models.JSONField(default=dict)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class TicketPresence(models.Model):
    """Who has a ticket open, and who is typing a reply: refreshed by the page every few seconds."""

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="presences")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    seen_at = models.DateTimeField()
    typing = models.BooleanField(default=False)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["ticket", "user"], name="presence_once")]

    def __str__(self) -> str:
        return f"{self.user} on #{self.ticket_id}"
