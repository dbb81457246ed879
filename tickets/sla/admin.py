"""The admin of SLA policies (configuration, per DESIGN.md) and the read-only record of what fired."""

from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from customers.models import SupportTier
from tickets.models import Channel, Priority, SlaEvent, SlaPolicy, Status, TicketType

CHECKBOXES = forms.CheckboxSelectMultiple


class SlaPolicyForm(forms.ModelForm):
    # The JSON lists of the model, edited as checkboxes; none ticked means "any".
    priorities = forms.MultipleChoiceField(
        label=_("priorities"), choices=Priority.choices, required=False, widget=CHECKBOXES
    )
    support_tiers = forms.MultipleChoiceField(
        label=_("support tiers"), choices=SupportTier.choices, required=False, widget=CHECKBOXES
    )
    channels = forms.MultipleChoiceField(
        label=_("channels"), choices=Channel.choices, required=False, widget=CHECKBOXES
    )
    types = forms.MultipleChoiceField(
        label=_("types"), choices=TicketType.choices, required=False, widget=CHECKBOXES
    )
    pause_statuses = forms.MultipleChoiceField(
        label=_("paused while"),
        choices=[(Status.PENDING, Status.PENDING.label), (Status.ON_HOLD, Status.ON_HOLD.label)],
        required=False,
        widget=CHECKBOXES,
    )

    class Meta:
        model = SlaPolicy
        fields = [
            "name",
            "position",
            "active",
            "priorities",
            "support_tiers",
            "channels",
            "types",
            "organizations",
            "first_response_minutes",
            "next_response_minutes",
            "resolution_minutes",
            "business_hours",
            "calendar",
            "warning_percent",
            "pause_statuses",
            "raise_priority_on_breach",
            "reassign_on_breach_to",
        ]

    def clean(self):
        cleaned = super().clean()
        targets = ("first_response_minutes", "next_response_minutes", "resolution_minutes")
        if not any(cleaned.get(target) for target in targets):
            raise forms.ValidationError(_("Set at least one target."))
        return cleaned


@admin.register(SlaPolicy)
class SlaPolicyAdmin(admin.ModelAdmin):
    form = SlaPolicyForm
    list_display = (
        "name",
        "position",
        "active",
        "first_response_minutes",
        "next_response_minutes",
        "resolution_minutes",
        "business_hours",
    )
    list_editable = ("position", "active")
    filter_horizontal = ("organizations",)
    fieldsets = (
        (None, {"fields": ("name", "position", "active")}),
        (_("Applies to"), {"fields": ("priorities", "support_tiers", "channels", "types", "organizations")}),
        (
            _("Targets"),
            {
                "fields": (
                    "first_response_minutes",
                    "next_response_minutes",
                    "resolution_minutes",
                    "business_hours",
                    "calendar",
                    "warning_percent",
                    "pause_statuses",
                )
            },
        ),
        (_("On breach"), {"fields": ("raise_priority_on_breach", "reassign_on_breach_to")}),
    )


@admin.register(SlaEvent)
class SlaEventAdmin(admin.ModelAdmin):
    list_display = ("ticket", "kind", "metric", "due_at", "fired_at", "policy")
    list_filter = ("kind", "metric")
    raw_id_fields = ("ticket",)

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
