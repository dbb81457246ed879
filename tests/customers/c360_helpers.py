"""Small helpers for the tests of the 360° view (fixtures stay in the test modules)."""

import re

from django.urls import reverse

HTMX = {"HX-Request": "true"}


def customer_url(customer, name: str = "desk:customer") -> str:
    return reverse(name, args=[customer.pk])


def identity_url(identity, action: str) -> str:
    return reverse(f"desk:customer_identity_{action}", args=[identity.customer_id, identity.pk])


def htmx(target: str) -> dict[str, str]:
    """The headers htmx sends when it swaps the element with this id."""
    return {**HTMX, "HX-Target": target}


def page_text(response) -> str:
    """The page's text without tags and with whitespace collapsed, as a reader sees it."""
    html = response.content.decode()
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return " ".join(re.sub(r"<[^>]+>", " ", html).replace("&nbsp;", " ").split())
