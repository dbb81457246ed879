"""Booking a callback: the customer picks a free slot computed from the rosters."""

from django.urls import path

from customers.portal import callback_views as views

urlpatterns = [
    path("", views.callback_list, name="callbacks"),
    path("new/", views.callback_new, name="callback_new"),
    path("<int:pk>/cancel/", views.callback_cancel, name="callback_cancel"),
    path("<int:pk>/move/", views.callback_move, name="callback_move"),
]
