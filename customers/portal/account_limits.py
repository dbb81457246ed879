"""Limits on the portal's anonymous account requests (sign-up, sign-in links) and on data downloads.

Each request is counted per client address and, once the form names one, per email address: the first
stops one machine trying many addresses, the second many machines flooding one inbox. Fixed windows in
the cache, PORTAL_ACCOUNT_RATE requests per PORTAL_ACCOUNT_WINDOW seconds, as the contact form does.
"""

import hashlib

from django.conf import settings
from django.http import HttpRequest

from helpdesk.lib.limits import client_address, limit_exceeded


def _exceeded(key: str) -> bool:
    return limit_exceeded(key, rate=settings.PORTAL_ACCOUNT_RATE, window=settings.PORTAL_ACCOUNT_WINDOW)


def too_many_from_client(request: HttpRequest, scope: str) -> bool:
    return _exceeded(f"portal-account:{scope}:address:{client_address(request)}")


def too_many_for_email(email: str, scope: str) -> bool:
    # Hashed: addresses are personal data and may hold characters a cache key should not.
    digest = hashlib.sha256(email.strip().lower().encode()).hexdigest()
    return _exceeded(f"portal-account:{scope}:email:{digest}")


def too_many_for_user(user_id: int, scope: str) -> bool:
    return _exceeded(f"portal-account:{scope}:user:{user_id}")
