from django.urls import path

from backoffice.kb import reader_views, views

app_name = "kb"
urlpatterns = [
    # The editor (back-office staff and admins).
    path("", views.index, name="index"),
    path("new/", views.article_new, name="article_new"),
    path("categories/", views.categories, name="categories"),
    path("categories/<int:pk>/", views.category_edit, name="category_edit"),
    path("<int:pk>/", views.article_detail, name="article"),
    path("<int:pk>/reviewers/", views.article_reviewers, name="article_reviewers"),
    path("<int:pk>/<str:language>/edit/", views.translation_edit, name="translation_edit"),
    path("<int:pk>/<str:language>/status/", views.translation_status, name="translation_status"),
    path("<int:pk>/<str:language>/versions/", views.versions, name="versions"),
    path(
        "<int:pk>/<str:language>/versions/<int:number>/restore/",
        views.version_restore,
        name="version_restore",
    ),
    # Reading: anyone may open what they are allowed to see; agents have a list and a ticket search.
    path("read/<str:language>/<str:slug>/", reader_views.read, name="read"),
    path("read/<str:language>/<str:slug>/vote/", reader_views.vote, name="vote"),
    path("desk/", reader_views.desk_list, name="desk_list"),
    path("desk/tickets/<int:pk>/search/", reader_views.ticket_search, name="ticket_search"),
    path("desk/tickets/<int:pk>/use/", reader_views.ticket_use, name="ticket_use"),
    path("desk/tickets/<int:pk>/used/", reader_views.ticket_used, name="ticket_used"),
]
