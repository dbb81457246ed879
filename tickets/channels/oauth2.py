"""OAuth 2.0 access tokens for XOAUTH2 sign-in to IMAP (Microsoft 365, Google Workspace and the like).

An admin registers the helpdesk with the provider once and stores the client id and secret and a
refresh token on the IMAP source; each poll exchanges the refresh token for a short-lived access
token (RFC 6749, section 6), cached until shortly before it expires.
"""

import json
import urllib.error
import urllib.parse
import urllib.request

from django.conf import settings
from django.core.cache import cache

from tickets.models import ImapSource

# Ask for a new access token this long before the provider says the old one expires.
EXPIRY_MARGIN_SECONDS = 60


class OAuthError(Exception):
    """The provider refused or could not be reached: treated like any failure to sign in."""


def oauth2_access_token(source: ImapSource) -> str:
    key = f"imap-oauth2-token:{source.pk}:{source.oauth2_client_id}"
    token = cache.get(key)
    if token:
        return token
    if not (source.oauth2_token_url and source.oauth2_refresh_token):
        raise OAuthError("The OAuth 2.0 token URL and refresh token are not set.")
    answer = _token_request(
        source.oauth2_token_url,
        {
            "grant_type": "refresh_token",
            "refresh_token": source.oauth2_refresh_token,
            "client_id": source.oauth2_client_id,
            "client_secret": source.oauth2_client_secret,
        },
    )
    token = answer.get("access_token")
    if not isinstance(token, str) or not token:
        raise OAuthError(f"The token response has no access_token: {sorted(answer)}")
    # Some providers (Microsoft) rotate refresh tokens: keep the newest, or the next refresh fails.
    rotated = answer.get("refresh_token")
    if isinstance(rotated, str) and rotated and rotated != source.oauth2_refresh_token:
        ImapSource.objects.filter(pk=source.pk).update(oauth2_refresh_token=rotated)
        source.oauth2_refresh_token = rotated
    expires_in = answer.get("expires_in")
    lifetime = int(expires_in) if str(expires_in).isdigit() else 3600
    if lifetime > EXPIRY_MARGIN_SECONDS:
        cache.set(key, token, lifetime - EXPIRY_MARGIN_SECONDS)
    return token


def _token_request(url: str, fields: dict) -> dict:
    if urllib.parse.urlsplit(url).scheme not in ("https", "http"):
        raise OAuthError("The token URL must be an https:// address.")
    data = urllib.parse.urlencode(fields).encode()
    request = urllib.request.Request(url, data=data, headers={"Accept": "application/json"})  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=settings.IMAP_TIMEOUT_SECONDS) as response:  # noqa: S310
            body = response.read(1_000_000)
    except urllib.error.HTTPError as error:
        detail = error.read(2000).decode("utf-8", "replace")
        raise OAuthError(f"The token endpoint answered {error.code}: {detail}") from error
    except (urllib.error.URLError, OSError) as error:
        raise OAuthError(f"The token endpoint could not be reached: {error}") from error
    try:
        answer = json.loads(body)
    except ValueError as error:
        raise OAuthError("The token endpoint did not answer JSON.") from error
    if not isinstance(answer, dict):
        raise OAuthError("The token endpoint did not answer a JSON object.")
    return answer
