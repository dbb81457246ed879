from django import forms
from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from tickets.channels.email_in import reprocess_quarantined
from tickets.channels.imap import imap_poll
from tickets.models import ImapSource, InboundEmail, InboundStatus, Macro, Mailbox, SavedView, Tag


@admin.register(Mailbox)
class MailboxAdmin(admin.ModelAdmin):
    list_display = ["name", "address", "team", "active"]
    list_filter = ["active"]


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
