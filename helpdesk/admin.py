from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from helpdesk.forms import UserChangeForm, UserCreationForm
from helpdesk.models import AuditEntry, Heartbeat, OutboxEvent, User
from helpdesk.services import user_set_role


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    form = UserChangeForm
    add_form = UserCreationForm
    ordering = ["email"]
    list_display = ["email", "full_name", "role", "language", "is_active", "last_login"]
    list_filter = ["role", "is_active", "language"]
    search_fields = ["email", "full_name"]
    readonly_fields = ["last_login", "date_joined"]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        (_("Profile"), {"fields": ["full_name", "language"]}),
        (_("Access"), {"fields": ["role", "is_active"]}),
        (_("Dates"), {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [
        (None, {"classes": ["wide"], "fields": ["email", "full_name", "role", "password1", "password2"]}),
    ]

    def save_model(self, request, obj, form, change) -> None:
        # The role decides groups and admin access: let the service keep them in step.
        super().save_model(request, obj, form, change)
        user_set_role(user=obj, role=obj.role)


@admin.register(OutboxEvent)
class OutboxEventAdmin(admin.ModelAdmin):
    list_display = ["id", "name", "created_at", "published_at", "attempts"]
    list_filter = ["name"]
    readonly_fields = ["name", "payload", "created_at", "published_at", "attempts", "last_error"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


admin.site.register(Heartbeat)


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    """Read-only: the audit log is written by the services and never edited."""

    list_display = ["created_at", "actor", "action", "target_type", "target_id", "summary"]
    list_filter = ["action", "target_type"]
    search_fields = ["summary", "target_id", "actor__email"]
    date_hierarchy = "created_at"

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
