"""Billing in the Django admin: plans are configuration; invoices and payments are read-only here,
since every money change must go through the services (numbering, locking, events)."""

from django.contrib import admin

from backoffice.billing.models import Invoice, Plan, Subscription


@admin.register(Plan)
class PlanAdmin(admin.ModelAdmin):
    list_display = ["name", "price", "currency", "period", "support_tier", "kind", "active"]
    list_filter = ["active", "kind", "support_tier"]


@admin.register(Subscription)
class SubscriptionAdmin(admin.ModelAdmin):
    list_display = ["plan", "customer", "organization", "status", "renewal_date"]
    list_filter = ["status"]
    raw_id_fields = ["customer", "organization"]


@admin.register(Invoice)
class InvoiceAdmin(admin.ModelAdmin):
    list_display = ["__str__", "customer", "organization", "status", "due_date", "total", "balance"]
    list_filter = ["status"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
