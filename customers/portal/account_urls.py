"""Signing up, signing in by link, and the customer's account (signup_views.py, account_views.py)."""

from django.urls import path

from customers.portal import account_views, signup_views

urlpatterns = [
    path("signup/", signup_views.signup, name="signup"),
    path("signup/verify/<str:token>/", signup_views.signup_verify, name="signup_verify"),
    path("signin/link/", signup_views.signin_link_request, name="signin_link"),
    path("signin/link/<str:token>/", signup_views.signin_link_open, name="signin_link_open"),
    path("account/", account_views.account, name="account"),
    path("account/profile/", account_views.account_profile, name="account_profile"),
    path("account/consent/", account_views.account_consent, name="account_consent"),
    path("account/data/", account_views.account_data, name="account_data"),
]
