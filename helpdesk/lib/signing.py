"""The helpdesk's webhook signature, both ways: checked on requests other systems send us (the email
and generic social webhooks), made on requests we send (replies to a generic social channel).

    X-Helpdesk-Timestamp: <unix seconds>
    X-Helpdesk-Signature: sha256=<hex HMAC-SHA256 of "<timestamp>." + body, keyed with the shared secret>
"""

import hashlib
import hmac
import time

# A signed request older (or newer) than this is refused, so a captured one cannot be replayed later.
SIGNATURE_MAX_AGE_SECONDS = 300


def signature(secret: str, body: bytes, timestamp: str) -> str:
    signed = timestamp.encode() + b"." + body
    return "sha256=" + hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()


def signature_valid(
    secret: str, body: bytes, header: str, timestamp: str, *, now: float | None = None
) -> bool:
    """Whether `header` signs `body` with `secret`, the timestamp within five minutes of `now`."""
    if not secret or not timestamp.isascii() or not timestamp.isdigit() or len(timestamp) > 12:
        return False
    if abs((now or time.time()) - int(timestamp)) > SIGNATURE_MAX_AGE_SECONDS:
        return False
    return hmac.compare_digest(signature(secret, body, timestamp), header or "")


def signed_headers(secret: str, body: bytes, *, now: float | None = None) -> dict[str, str]:
    """The two headers that sign `body` for a receiver that checks it as we do."""
    timestamp = str(int(now or time.time()))
    return {"X-Helpdesk-Timestamp": timestamp, "X-Helpdesk-Signature": signature(secret, body, timestamp)}
