"""The admin of what the fan-out sends: notifications (failures visible with their error), and the
webhook subscriptions of integrations with their delivery log."""

from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from tickets.models import Notification, WebhookDelivery, WebhookSubscription
from tickets.models.notifications import WEBHOOK_EVENTS
from tickets.notifications.webhooks import TargetRefused, check_target

CHECKBOXES = forms.CheckboxSelectMultiple


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    """Deliveries, to see what went out and what failed (and why); written by the fan-out only."""

    list_display = ("created_at", "recipient", "channel", "kind", "status", "attempts", "last_error")
    list_filter = ("status", "channel", "kind")
    search_fields = ("recipient__email", "text")
    raw_id_fields = ("recipient", "ticket")

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


class WebhookSubscriptionForm(forms.ModelForm):
    url = forms.URLField(label=_("URL"), max_length=500, assume_scheme="https")
    events = forms.MultipleChoiceField(
        label=_("events"), choices=[(name, name) for name in WEBHOOK_EVENTS], widget=CHECKBOXES
    )

    class Meta:
        model = WebhookSubscription
        fields = ["name", "url", "events", "active"]

    def clean_url(self) -> str:
        url = self.cleaned_data["url"]
        try:
            check_target(url)
        except TargetRefused as refused:
            raise forms.ValidationError(str(refused)) from refused
        return url


@admin.register(WebhookSubscription)
class WebhookSubscriptionAdmin(admin.ModelAdmin):
    form = WebhookSubscriptionForm
    list_display = ("name", "url", "active", "failures", "disabled_at")
    readonly_fields = ("secret", "failures", "disabled_at")

    def get_fields(self, request, obj=None):
        return ["name", "url", "events", "active", *(("secret", "failures", "disabled_at") if obj else ())]


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(admin.ModelAdmin):
    list_display = (
        "created_at",
        "subscription",
        "event_name",
        "status",
        "attempts",
        "response_status",
        "last_error",
    )
    list_filter = ("status", "event_name", "subscription")

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
