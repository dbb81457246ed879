"""Fixed-window rate limits in the cache, shared by the anonymous ways in (the contact form, chat,
portal sign-up and sign-in links) and by costly actions (data downloads)."""

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest


def client_address(request: HttpRequest) -> str:
    """The visitor's address: REMOTE_ADDR, or behind a proxy the header it sets (CLIENT_IP_HEADER,
    e.g. HTTP_X_REAL_IP); only the first address of a list counts."""
    value = request.META.get(settings.CLIENT_IP_HEADER) or request.META.get("REMOTE_ADDR", "")
    return value.split(",")[0].strip()


def limit_exceeded(key: str, *, rate: int, window: int) -> bool:
    """Count one more request under `key`; True when the window already held `rate` of them."""
    cache.add(key, 0, window)
    try:
        return cache.incr(key) > rate
    except ValueError:  # the key expired between add and incr
        cache.set(key, 1, window)
        return False
