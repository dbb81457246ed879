from django.urls import path

from tickets import views

app_name = "desk"
urlpatterns = [
    path("", views.desk_home, name="home"),
    path("views/new/", views.saved_view_create, name="saved_view_create"),
    path("views/saved-<int:pk>/delete/", views.saved_view_delete, name="saved_view_delete"),
    path("views/<slug:key>/", views.queue, name="queue"),
    path("search/", views.search, name="search"),
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
]
