from django.contrib import admin

from customers.models import Identity


@admin.register(Identity)
class IdentityAdmin(admin.ModelAdmin):
    """How each customer is known on every channel: email addresses, phone numbers, messaging ids."""

    list_display = ["customer", "kind", "value", "display", "verified", "created_at"]
    list_filter = ["kind", "verified"]
    search_fields = ["value", "display", "customer__name", "customer__email"]
    list_select_related = ["customer"]
    raw_id_fields = ["customer"]
