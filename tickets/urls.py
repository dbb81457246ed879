from django.urls import path

from customers import csv_views, gdpr_views, list_views, merge_views, profile_views
from tickets import views
from tickets.notifications import views as notification_views
from tickets.rules import views as rule_views

app_name = "desk"
urlpatterns = [
    path("", views.desk_home, name="home"),
    path("views/new/", views.saved_view_create, name="saved_view_create"),
    path("views/saved-<int:pk>/delete/", views.saved_view_delete, name="saved_view_delete"),
    path("views/<slug:key>/", views.queue, name="queue"),
    path("search/", views.search, name="search"),
    path("notifications/", notification_views.notifications_inbox, name="notifications"),
    path("notifications/bell/", notification_views.notifications_bell, name="notifications_bell"),
    path("notifications/read/", notification_views.notifications_read_all, name="notifications_read_all"),
    path("notifications/settings/", notification_views.notification_settings, name="notification_settings"),
    path("notifications/<int:pk>/", notification_views.notification_open, name="notification_open"),
    path("rules/", rule_views.rule_list, name="rules"),
    path("rules/new/", rule_views.rule_edit, name="rule_new"),
    path("rules/<int:pk>/", rule_views.rule_edit, name="rule_edit"),
    path("rules/<int:pk>/move/", rule_views.rule_reorder, name="rule_move"),
    path("rules/<int:pk>/toggle/", rule_views.rule_toggle, name="rule_toggle"),
    path("rules/<int:pk>/preview/", rule_views.rule_preview, name="rule_preview"),
    path("bulk/", views.tickets_bulk, name="bulk"),
    path("tickets/new/", views.ticket_new, name="ticket_new"),
    path("tickets/<int:pk>/", views.ticket_detail, name="ticket"),
    path("tickets/<int:pk>/preview/", views.ticket_preview, name="ticket_preview"),
    path("tickets/<int:pk>/presence/", views.ticket_presence, name="ticket_presence"),
    path("tickets/<int:pk>/chat/", views.ticket_chat, name="ticket_chat"),
    path("tickets/<int:pk>/reply/", views.ticket_reply, name="ticket_reply"),
    path("tickets/<int:pk>/fields/", views.ticket_fields, name="ticket_fields"),
    path("tickets/<int:pk>/tags/", views.ticket_tags, name="ticket_tags"),
    path("tickets/<int:pk>/assign-me/", views.ticket_assign_me, name="ticket_assign_me"),
    path("tickets/<int:pk>/follow/", views.ticket_follow, name="ticket_follow"),
    path("tickets/<int:pk>/merge/", views.ticket_merge, name="ticket_merge"),
    path("tickets/<int:pk>/link/", views.ticket_link, name="ticket_link"),
    path("tickets/<int:pk>/macro/", views.ticket_macro, name="ticket_macro"),
    path("tickets/<int:pk>/call/", views.ticket_call, name="ticket_call"),
    path("messages/<int:pk>/split/", views.ticket_split, name="message_split"),
    path("attachments/<str:token>/", views.attachment_download, name="attachment"),
    path("attachments/<str:token>/image/", views.attachment_image, name="attachment_image"),
    # Customer and organization lists, organization pages, CSV (customers/list_views.py, csv_views.py).
    path("customers/", list_views.customer_list, name="customers"),
    path("customers/export.csv", csv_views.customers_export, name="customers_export"),
    path("customers/import/", csv_views.customers_import, name="customers_import"),
    path("organizations/", list_views.organization_list, name="organizations"),
    path("organizations/new/", list_views.organization_new, name="organization_new"),
    path("organizations/export.csv", csv_views.organizations_export, name="organizations_export"),
    path("organizations/<int:pk>/", list_views.organization_detail, name="organization"),
    path("organizations/<int:pk>/edit/", list_views.organization_edit, name="organization_edit"),
    path("organizations/<int:pk>/notes/", list_views.organization_notes, name="organization_notes"),
    path(
        "organizations/<int:pk>/domains/", list_views.organization_domain_new, name="organization_domain_add"
    ),
    path(
        "organizations/<int:pk>/domains/<int:domain_pk>/delete/",
        list_views.organization_domain_delete,
        name="organization_domain_delete",
    ),
    # The 360° view of a customer (customers/profile_views.py, customers/merge_views.py).
    path("customers/<int:pk>/", profile_views.customer_detail, name="customer"),
    path("customers/<int:pk>/profile/", profile_views.customer_profile, name="customer_profile"),
    path("customers/<int:pk>/notes/", profile_views.customer_notes, name="customer_notes"),
    path("customers/<int:pk>/tags/", profile_views.customer_tags, name="customer_tags"),
    path("customers/<int:pk>/consent/", profile_views.customer_consent, name="customer_consent"),
    path("customers/<int:pk>/identities/", profile_views.identity_add, name="customer_identity_add"),
    path(
        "customers/<int:pk>/identities/<int:identity_pk>/remove/",
        profile_views.identity_remove,
        name="customer_identity_remove",
    ),
    path(
        "customers/<int:pk>/identities/<int:identity_pk>/verify/",
        profile_views.identity_verify,
        name="customer_identity_verify",
    ),
    path("customers/<int:pk>/merge/", merge_views.merge, name="customer_merge"),
    path("customers/merges/<int:pk>/undo/", merge_views.merge_undo, name="customer_merge_undo"),
    path("customers/<int:pk>/export/", gdpr_views.customer_export_download, name="customer_export"),
    path("customers/<int:pk>/erase/", gdpr_views.customer_erase_confirm, name="customer_erase"),
]
