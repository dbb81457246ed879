from django.urls import include, path

from customers.portal import rating_views
from customers.portal import request_views as views

app_name = "portal"
urlpatterns = [
    path("", views.request_list, name="home"),
    path("requests/new/", views.request_new, name="request_new"),
    path("requests/<int:pk>/", views.request_detail, name="request"),
    path("requests/<int:pk>/expectations/", views.request_expectations, name="request_expectations"),
    path("requests/<int:pk>/reply/", views.request_reply, name="request_reply"),
    path("requests/<int:pk>/solve/", views.request_solve, name="request_solve"),
    path("requests/<int:pk>/cc/", views.request_cc, name="request_cc"),
    path("requests/<int:pk>/rate/", rating_views.request_rate, name="request_rate"),
    path("rate/<str:token>/", rating_views.rate, name="rate"),
    path("nps/", rating_views.nps, name="nps"),
    path("attachments/<str:token>/", views.attachment_download, name="attachment"),
    path("", include("customers.portal.account_urls")),
    path("help/", include("customers.portal.help_urls")),
    path("callbacks/", include("customers.portal.callback_urls")),
]
