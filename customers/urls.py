from django.urls import include, path

from customers import views

app_name = "portal"
urlpatterns = [
    path("", views.home, name="home"),
    path("", include("customers.portal.account_urls")),
    path("help/", include("customers.portal.help_urls")),
]
