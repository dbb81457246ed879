"""Live chat: a conversation opened from the widget, kept as a ticket."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ChatStatus(models.TextChoices):
    OPEN = "open", _("Open")
    EMAIL = "email", _("Continued by email")
    ENDED = "ended", _("Ended")


class ChatSession(models.Model):
    """The widget's side of a chat ticket. The visitor holds a random token (we keep its hash)
    that lets them read and write this one conversation, and nothing else."""

    ticket = models.OneToOneField("tickets.Ticket", on_delete=models.CASCADE, related_name="chat")
    customer = models.ForeignKey("customers.Customer", on_delete=models.CASCADE, related_name="chats")
    token_hash = models.CharField(max_length=64, unique=True)
    status = models.CharField(max_length=10, choices=ChatStatus.choices, default=ChatStatus.OPEN)
    page_url = models.URLField(max_length=500, blank=True)
    started_at = models.DateTimeField(default=timezone.now)
    # Set when the visitor writes and cleared when an agent answers: the clock for "unanswered".
    waiting_since = models.DateTimeField(null=True, blank=True, db_index=True)
    visitor_seen_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("chat")
        verbose_name_plural = _("chats")
        # The minutely check for visitors who left reads open chats only.
        indexes = [
            models.Index(
                fields=["visitor_seen_at"], condition=models.Q(status="open"), name="chat_open_seen_idx"
            )
        ]

    def __str__(self) -> str:
        return f"chat on #{self.ticket_id}"
