from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from tickets.channels.email_in import reprocess_quarantined
from tickets.models import InboundEmail, InboundStatus, Macro, Mailbox, SavedView, Tag


@admin.register(Mailbox)
class MailboxAdmin(admin.ModelAdmin):
    list_display = ["name", "address", "team", "active"]
    list_filter = ["active"]


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
