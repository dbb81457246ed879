"""Signing up, signing in by link, and the customer's account (see customers/portal/accounts.py)."""

urlpatterns: list = []
