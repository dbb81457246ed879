import re
import secrets

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from tickets.channels.email_in import reprocess_quarantined
from tickets.channels.imap import imap_poll
from tickets.models import (
    ChatSession,
    ImapSource,
    InboundEmail,
    InboundStatus,
    Macro,
    Mailbox,
    SavedView,
    SocialAccount,
    SocialKind,
    Tag,
)
from tickets.models.fields import TicketField
from tickets.notifications import admin as notification_admin  # noqa: F401 (registers its models)
from tickets.sla import admin as sla_admin  # noqa: F401 (registers the SLA policies)


@admin.register(Mailbox)
class MailboxAdmin(admin.ModelAdmin):
    list_display = ["name", "address", "team", "auto_reply", "active"]
    list_filter = ["active", "auto_reply"]


class ImapSourceForm(forms.ModelForm):
    """Secrets are never sent back to the browser; leaving a secret field empty keeps the stored one."""

    SECRETS = ("password", "oauth2_client_secret", "oauth2_refresh_token")
    password = forms.CharField(label=_("password"), required=False, widget=forms.PasswordInput)
    oauth2_token_url = forms.URLField(label=_("OAuth 2.0 token URL"), required=False, assume_scheme="https")
    oauth2_client_secret = forms.CharField(
        label=_("OAuth 2.0 client secret"), required=False, widget=forms.PasswordInput
    )
    oauth2_refresh_token = forms.CharField(
        label=_("OAuth 2.0 refresh token"), required=False, widget=forms.PasswordInput
    )

    class Meta:
        model = ImapSource
        fields = ["mailbox", "host", "port", "security", "username", "auth", "password"]
        fields += ["oauth2_token_url", "oauth2_client_id", "oauth2_client_secret", "oauth2_refresh_token"]
        fields += ["folder", "move_to", "active"]

    def clean(self) -> dict:
        cleaned = super().clean()
        for name in self.SECRETS:
            if not cleaned.get(name) and self.instance.pk:
                cleaned[name] = getattr(self.instance, name)
        return cleaned


@admin.register(ImapSource)
class ImapSourceAdmin(admin.ModelAdmin):
    """Where each mailbox's mail is fetched from, and whether fetching works right now."""

    form = ImapSourceForm
    list_display = ["mailbox", "host", "username", "folder", "active", "last_success_at", "failing_since"]
    list_filter = ["active", "auth"]
    readonly_fields = [
        "uidvalidity",
        "last_uid",
        "last_success_at",
        "failing_since",
        "last_error",
        "alerted_at",
    ]
    actions = ["poll_now"]

    @admin.action(description=_("Fetch new mail now"))
    def poll_now(self, request, queryset) -> None:
        for source in queryset.select_related("mailbox"):
            result = imap_poll(source)
            if result.error:
                self.message_user(request, f"{source}: {result.error}", messages.ERROR)
            elif result.skipped:
                self.message_user(request, _("%s: a fetch is already running.") % source, messages.WARNING)
            else:
                self.message_user(
                    request,
                    _("%(source)s: %(count)d new emails filed.") % {"source": source, "count": result.filed},
                    messages.SUCCESS,
                )


@admin.register(InboundEmail)
class InboundEmailAdmin(admin.ModelAdmin):
    """Every email as received; quarantined ones can be downloaded, fixed upstream and re-processed."""

    list_display = ["received_at", "mailbox", "message_id", "status", "ticket", "reason"]
    list_filter = ["status", "mailbox"]
    search_fields = ["message_id", "reason"]
    readonly_fields = [f.name for f in InboundEmail._meta.fields]
    actions = ["reprocess"]

    def has_add_permission(self, request) -> bool:
        return False

    @admin.action(description=_("Re-process the selected quarantined emails"))
    def reprocess(self, request, queryset) -> None:
        for inbound in queryset.filter(status=InboundStatus.QUARANTINED):
            result = reprocess_quarantined(inbound)
            level = messages.ERROR if result.status == InboundStatus.QUARANTINED else messages.SUCCESS
            self.message_user(request, f"#{inbound.pk}: {result.get_status_display()} {result.reason}", level)


@admin.register(Macro)
class MacroAdmin(admin.ModelAdmin):
    list_display = ["name", "owner", "set_status", "set_priority"]
    search_fields = ["name", "body"]


admin.site.register(SavedView)
admin.site.register(Tag)


class SocialAccountForm(forms.ModelForm):
    """A Telegram account needs its bot token and a secret Telegram accepts; a generic one the URL
    that takes the replies."""

    TELEGRAM_SECRET = re.compile(r"^[A-Za-z0-9_-]{1,256}$")  # setWebhook's rule for secret_token
    reply_url = forms.URLField(
        label=_("reply URL"), required=False, assume_scheme="https", help_text=_("Generic webhook only.")
    )

    class Meta:
        model = SocialAccount
        fields = ["name", "kind", "secret", "bot_token", "reply_url", "team", "active"]

    def clean(self) -> dict:
        data = super().clean()
        if data.get("kind") == SocialKind.TELEGRAM:
            if not data.get("bot_token"):
                self.add_error("bot_token", _("A Telegram account needs its bot token."))
            if data.get("secret") and not self.TELEGRAM_SECRET.match(data["secret"]):
                self.add_error("secret", _("Telegram accepts only letters, digits, _ and - (up to 256)."))
        elif data.get("kind") == SocialKind.WEBHOOK and not data.get("reply_url"):
            self.add_error("reply_url", _("A generic webhook account needs the URL that takes replies."))
        return data


@admin.register(SocialAccount)
class SocialAccountAdmin(admin.ModelAdmin):
    form = SocialAccountForm
    list_display = ["name", "kind", "team", "active", "webhook_url"]
    list_filter = ["kind", "active", "team"]
    search_fields = ["name"]
    readonly_fields = ["webhook_url"]

    def get_changeform_initial_data(self, request) -> dict:
        # A strong secret that Telegram also accepts as setWebhook's secret_token.
        return {**super().get_changeform_initial_data(request), "secret": secrets.token_urlsafe(32)}

    @admin.display(description=_("webhook URL"))
    def webhook_url(self, account: SocialAccount) -> str:
        """Where the provider posts updates (Telegram: setWebhook's url)."""
        if account.pk is None:
            return "-"
        return settings.SITE_URL.rstrip("/") + reverse("channels:social_inbound", args=[account.name])


@admin.register(ChatSession)
class ChatSessionAdmin(admin.ModelAdmin):
    """Chats as the widget started them; the conversation itself is on the ticket."""

    list_display = ["ticket", "customer", "status", "started_at", "visitor_seen_at", "page_url"]
    list_filter = ["status"]
    readonly_fields = [f.name for f in ChatSession._meta.fields if f.name != "id"]
    exclude = ["token_hash"]

    def has_add_permission(self, request) -> bool:
        return False


@admin.register(TicketField)
class TicketFieldAdmin(admin.ModelAdmin):
    """Admins configure the custom fields; the model's clean() refuses malformed options and labels."""

    list_display = ("label", "key", "kind", "required", "in_portal", "active", "position")
    list_editable = ("position", "active")
    list_filter = ("kind", "in_portal", "active")
    prepopulated_fields = {"key": ("label",)}
