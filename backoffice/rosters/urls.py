from django.urls import path

from backoffice.rosters import views

app_name = "rosters"
urlpatterns = [
    path("", views.index, name="index"),
    path("teams/<int:pk>/week/", views.week, name="week"),
    path("teams/<int:pk>/shifts/", views.shift_add, name="shift_add"),
    path("teams/<int:pk>/shifts/<int:shift_pk>/delete/", views.shift_remove, name="shift_remove"),
    path("teams/<int:pk>/copy-patterns/", views.copy_patterns, name="copy_patterns"),
    path("teams/<int:pk>/staffing/", views.staffing, name="staffing"),
    path("time-off/", views.time_off_list, name="time_off"),
    path("time-off/<int:time_off_pk>/decide/", views.time_off_decision, name="time_off_decide"),
]
