"""The help center: the public knowledge base in the portal, and article suggestions."""

from django.urls import path

from customers.portal import help_views

urlpatterns = [
    path("", help_views.index, name="help"),
    path("search/", help_views.search, name="help_search"),
    path("suggest/", help_views.suggest, name="help_suggest"),
    path("category/<int:pk>/", help_views.category, name="help_category"),
    path("<str:language>/<str:slug>/", help_views.article, name="help_article"),
    path("<str:language>/<str:slug>/vote/", help_views.vote, name="help_vote"),
]
