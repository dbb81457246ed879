from django.urls import path

from backoffice.rosters import calendar_views, pattern_views, people_views, views

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
    # Weekly shift patterns of a team.
    path("teams/<int:pk>/patterns/", pattern_views.pattern_list, name="patterns"),
    path("teams/<int:pk>/patterns/<int:pattern_pk>/end/", pattern_views.pattern_end, name="pattern_end"),
    path(
        "teams/<int:pk>/patterns/<int:pattern_pk>/delete/",
        pattern_views.pattern_delete,
        name="pattern_delete",
    ),
    # Business calendars.
    path("calendars/", calendar_views.calendar_list, name="calendars"),
    path("calendars/new/", calendar_views.calendar_new, name="calendar_new"),
    path("calendars/<int:pk>/", calendar_views.calendar_detail, name="calendar"),
    path("calendars/<int:pk>/hours/", calendar_views.hours_add, name="calendar_hours_add"),
    path(
        "calendars/<int:pk>/hours/<int:hours_pk>/delete/",
        calendar_views.hours_remove,
        name="calendar_hours_remove",
    ),
    path("calendars/<int:pk>/closed-days/", calendar_views.closed_day_add, name="calendar_closed_add"),
    path(
        "calendars/<int:pk>/closed-days/<int:day_pk>/delete/",
        calendar_views.closed_day_remove,
        name="calendar_closed_remove",
    ),
    path("calendars/<int:pk>/open-days/", calendar_views.open_day_add, name="calendar_open_add"),
    path(
        "calendars/<int:pk>/open-days/<int:day_pk>/delete/",
        calendar_views.open_day_remove,
        name="calendar_open_remove",
    ),
    # Skills, teams and agent profiles.
    path("skills/", people_views.skill_list, name="skills"),
    path("skills/<int:pk>/rename/", people_views.skill_rename, name="skill_rename"),
    path("skills/<int:pk>/delete/", people_views.skill_delete, name="skill_delete"),
    path("teams/", people_views.team_list, name="teams"),
    path("teams/<int:pk>/", people_views.team_edit, name="team_edit"),
    path("profiles/", people_views.profile_list, name="profiles"),
    path("profiles/me/", people_views.profile_me, name="profile_me"),
    path("profiles/<int:pk>/", people_views.profile_detail, name="profile"),
    path("profiles/<int:pk>/pause/", people_views.profile_pause, name="profile_pause"),
]
