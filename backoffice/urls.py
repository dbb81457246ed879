from django.urls import include, path

from backoffice import views

app_name = "backoffice"
urlpatterns = [
    path("", views.home, name="home"),
    path("billing/", include("backoffice.billing.urls")),
    path("rosters/", include("backoffice.rosters.urls")),
    path("kb/", include("backoffice.kb.urls")),
]
