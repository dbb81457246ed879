from django.urls import path

from tickets import views

app_name = "desk"
urlpatterns = [
    path("", views.home, name="home"),
]
