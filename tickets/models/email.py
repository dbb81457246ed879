"""The email channel: our mailboxes, and every email that reached us, kept raw."""

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Mailbox(models.Model):
    """An address customers write to. Mail reaches it through the `ingest_email` pipe, the inbound
    webhook or IMAP polling; replies to its tickets are sent from its address."""

    name = models.SlugField(
        _("name"), max_length=50, unique=True, help_text=_("Used by ingest_email --mailbox.")
    )
    address = models.EmailField(_("address"), unique=True)
    from_name = models.CharField(_("sender name"), max_length=100, blank=True)
    team = models.ForeignKey(
        "backoffice.Team",
        verbose_name=_("team for new tickets"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
    )
    webhook_secret = models.CharField(
        _("webhook secret"),
        max_length=100,
        blank=True,
        help_text=_("Signs raw MIME posted to the inbound webhook."),
    )
    auto_reply = models.BooleanField(
        _("acknowledge new tickets"),
        default=False,
        help_text=_("Answer each new email ticket with an automatic reply that gives its number."),
    )
    auto_reply_text = models.TextField(
        _("acknowledgement text"),
        blank=True,
        help_text=_("Leave empty for the standard text in the customer's language."),
    )
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("mailbox")
        verbose_name_plural = _("mailboxes")
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} <{self.address}>"


class InboundStatus(models.TextChoices):
    TICKET = "ticket", _("Opened a ticket")
    REPLY = "reply", _("Added to a ticket")
    DUPLICATE = "duplicate", _("Duplicate, dropped")
    LOOP = "loop", _("Our own mail, dropped")
    BOUNCE = "bounce", _("Bounce, noted on its ticket")
    QUARANTINED = "quarantined", _("Quarantined")


def raw_email_path(instance: "InboundEmail", filename: str) -> str:
    return f"inbound/{timezone.now():%Y/%m/%d}/{filename}"


class InboundEmail(models.Model):
    """One email as received, with its raw bytes and what became of it.

    (mailbox, message_id) is unique: the same email delivered twice, even at the same moment by
    two processes, is stored once; the second delivery finds the first and is dropped."""

    mailbox = models.ForeignKey(
        Mailbox, null=True, blank=True, on_delete=models.SET_NULL, related_name="inbound"
    )
    message_id = models.CharField(max_length=250, blank=True)
    raw = models.FileField(upload_to=raw_email_path, max_length=200)
    size = models.PositiveIntegerField()
    received_at = models.DateTimeField(default=timezone.now)
    status = models.CharField(max_length=12, choices=InboundStatus.choices)
    reason = models.TextField(blank=True)
    ticket = models.ForeignKey(
        "tickets.Ticket", null=True, blank=True, on_delete=models.SET_NULL, related_name="inbound_emails"
    )
    ticket_message = models.ForeignKey(
        "tickets.Message", null=True, blank=True, on_delete=models.SET_NULL, related_name="inbound_emails"
    )

    class Meta:
        verbose_name = _("inbound email")
        verbose_name_plural = _("inbound emails")
        constraints = [
            models.UniqueConstraint(
                fields=["mailbox", "message_id"], condition=~Q(message_id=""), name="inbound_email_once"
            )
        ]
        indexes = [models.Index(fields=["status", "-received_at"], name="inbound_status_idx")]

    def __str__(self) -> str:
        return f"{self.message_id or 'no Message-ID'} ({self.get_status_display()})"
