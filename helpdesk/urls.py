from django.contrib import admin
from django.urls import include, path

from helpdesk import views
from tickets.rules import answer_views
from tickets.views import contact

admin.site.site_header = "Helpdesk administration"
admin.site.site_title = "Helpdesk"

urlpatterns = [
    path("", views.home, name="home"),
    path("accounts/login/", views.LoginView.as_view(), name="login"),
    path("accounts/", include("django.contrib.auth.urls")),
    path("i18n/setlang/", views.language_switch, name="set_language"),
    path("health/", views.health, name="health"),
    path("admin/", admin.site.urls),
    path("desk/", include("tickets.urls")),
    path("portal/", include("customers.urls")),
    path("backoffice/", include("backoffice.urls")),
    path("channels/", include("tickets.channel_urls")),
    path("contact/", contact.contact_form, name="contact"),
    path("chat/", include("tickets.chat_urls")),
    path("answers/<str:token>/", answer_views.answer_feedback, name="answer_feedback"),
]
