"""IMAP polling of a mailbox: how to log in, and where the last poll got to."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ImapSecurity(models.TextChoices):
    SSL = "ssl", _("SSL/TLS (port 993)")
    STARTTLS = "starttls", _("STARTTLS (port 143)")
    NONE = "none", _("None (a local server only)")


class ImapAuth(models.TextChoices):
    PASSWORD = "password", _("Password")
    XOAUTH2 = "xoauth2", _("OAuth 2.0 (XOAUTH2)")


class ImapSource(models.Model):
    """A mailbox fetched from an IMAP server.

    We remember the folder's UIDVALIDITY and the highest UID filed, rather than trusting the \\Seen
    flag: mail that someone read in their mail client is still fetched. A message is flagged (or
    moved) only after its ticket is committed, so a crash in between re-reads it, and the
    Message-ID constraint drops the second copy."""

    mailbox = models.OneToOneField(
        "tickets.Mailbox", verbose_name=_("mailbox"), on_delete=models.CASCADE, related_name="imap"
    )
    host = models.CharField(_("IMAP server"), max_length=200)
    port = models.PositiveIntegerField(_("port"), default=993)
    security = models.CharField(_("security"), max_length=10, choices=ImapSecurity.choices, default="ssl")
    username = models.CharField(_("user name"), max_length=200)
    auth = models.CharField(_("sign-in"), max_length=10, choices=ImapAuth.choices, default="password")
    password = models.CharField(_("password"), max_length=200, blank=True)
    oauth2_token_url = models.URLField(_("OAuth 2.0 token URL"), blank=True)
    oauth2_client_id = models.CharField(_("OAuth 2.0 client ID"), max_length=200, blank=True)
    oauth2_client_secret = models.CharField(_("OAuth 2.0 client secret"), max_length=200, blank=True)
    oauth2_refresh_token = models.TextField(_("OAuth 2.0 refresh token"), blank=True)
    folder = models.CharField(_("folder"), max_length=200, default="INBOX")
    move_to = models.CharField(
        _("move filed mail to"),
        max_length=200,
        blank=True,
        help_text=_("A folder on the server; when empty, filed mail is only flagged and stays."),
    )
    active = models.BooleanField(_("active"), default=True)

    # Where the last poll got to (written by the poller, read-only in the admin).
    uidvalidity = models.BigIntegerField(null=True, blank=True)
    last_uid = models.BigIntegerField(default=0)
    last_success_at = models.DateTimeField(_("last fetched"), null=True, blank=True)
    failing_since = models.DateTimeField(_("failing since"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    alerted_at = models.DateTimeField(_("admins alerted"), null=True, blank=True)
    # One poll at a time: a worker takes the lease with a conditional UPDATE, so two workers (or a
    # slow poll and the next minute's) never file the same folder at once; an expired lease is free.
    lease_until = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("IMAP source")
        verbose_name_plural = _("IMAP sources")

    def __str__(self) -> str:
        return f"{self.username}@{self.host}/{self.folder}"
