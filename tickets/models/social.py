"""Social and messaging channels: accounts whose messages arrive by webhook."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class SocialKind(models.TextChoices):
    TELEGRAM = "telegram", _("Telegram bot")
    WEBHOOK = "webhook", _("Generic signed webhook")


class SocialAccount(models.Model):
    """One bot or messaging integration. Updates arrive at /channels/social/<name>/; agents'
    replies go back through the provider's API (Telegram) or to `reply_url` (generic)."""

    name = models.SlugField(_("name"), max_length=50, unique=True)
    kind = models.CharField(_("kind"), max_length=10, choices=SocialKind.choices)
    secret = models.CharField(
        _("webhook secret"),
        max_length=200,
        help_text=_("Telegram: the secret_token given to setWebhook. Generic: the HMAC key."),
    )
    bot_token = models.CharField(_("bot token"), max_length=200, blank=True)
    reply_url = models.URLField(_("reply URL"), blank=True, help_text=_("Generic webhook only."))
    team = models.ForeignKey(
        "backoffice.Team",
        verbose_name=_("team for new tickets"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
    )
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("social account")
        verbose_name_plural = _("social accounts")
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_kind_display()})"
