"""Inbound channel endpoints for other systems (hosted mail providers post raw MIME here, Twilio
posts call status callbacks)."""

import base64
import hashlib
import hmac
import time

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import DatabaseError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from tickets.channels.email_in import receive_email
from tickets.channels.phone import call_log_from_twilio
from tickets.models import InboundStatus, Mailbox

# A signed request older (or newer) than this is refused, so a captured one cannot be replayed later.
SIGNATURE_MAX_AGE_SECONDS = 300


def signature_valid(
    secret: str, body: bytes, header: str, timestamp: str, *, now: float | None = None
) -> bool:
    """`X-Helpdesk-Timestamp: <unix seconds>` and `X-Helpdesk-Signature: sha256=<hex HMAC-SHA256 of
    "<timestamp>." + body, keyed with the mailbox's secret>`, the timestamp within five minutes."""
    if not secret or not timestamp.isascii() or not timestamp.isdigit() or len(timestamp) > 12:
        return False
    if abs((now or time.time()) - int(timestamp)) > SIGNATURE_MAX_AGE_SECONDS:
        return False
    signed = timestamp.encode() + b"." + body
    expected = "sha256=" + hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, header or "")


@csrf_exempt  # authenticated by the HMAC signature instead of a session
@require_POST
def email_inbound(request: HttpRequest, mailbox: str) -> JsonResponse:
    target = Mailbox.objects.filter(name=mailbox, active=True).first()
    if target is None or not target.webhook_secret:
        return JsonResponse({"error": "unknown mailbox"}, status=404)
    # Read the stream ourselves: request.body stops at DATA_UPLOAD_MAX_MEMORY_SIZE, below our limit.
    limit = settings.EMAIL_INBOUND_MAX_BYTES
    declared = request.META.get("CONTENT_LENGTH") or "0"
    if not declared.isdigit() or int(declared) > limit:
        return JsonResponse({"error": "too large"}, status=413)
    raw = request.read(limit + 1)
    if len(raw) > limit:
        return JsonResponse({"error": "too large"}, status=413)
    signature = request.headers.get("X-Helpdesk-Signature", "")
    if not signature_valid(
        target.webhook_secret, raw, signature, request.headers.get("X-Helpdesk-Timestamp", "")
    ):
        return JsonResponse({"error": "bad or expired signature"}, status=403)
    try:
        receipt = receive_email(raw=raw, mailbox=target)
    except DatabaseError:
        return JsonResponse({"error": "temporary failure, retry"}, status=503)
    inbound = receipt.inbound
    body = {
        "inbound": inbound.pk,
        "status": inbound.status,
        "ticket": inbound.ticket_id,
        "duplicate": receipt.duplicate,
    }
    if inbound.status == InboundStatus.QUARANTINED:
        return JsonResponse(body | {"error": inbound.reason}, status=422)
    return JsonResponse(body, status=202)


def twilio_signature_valid(auth_token: str, url: str, params: dict[str, list[str]], header: str) -> bool:
    """Twilio's `X-Twilio-Signature`: base64 HMAC-SHA1, keyed by the auth token, of the full URL followed
    by every POST parameter sorted by name, each name immediately followed by its value (values of a
    repeated name sorted too, as Twilio's own validator does)."""
    payload = url + "".join(name + value for name in sorted(params) for value in sorted(set(params[name])))
    digest = hmac.new(auth_token.encode(), payload.encode(), hashlib.sha1).digest()
    return bool(auth_token) and hmac.compare_digest(base64.b64encode(digest).decode(), header or "")


EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response/>'


@csrf_exempt  # authenticated by Twilio's signature instead of a session
@require_POST
def twilio_voice(request: HttpRequest) -> HttpResponse:
    """Twilio's Voice status callback: a finished call is logged on the caller's ticket."""
    if not settings.TWILIO_AUTH_TOKEN:
        return JsonResponse({"error": "not configured"}, status=404)
    params = dict(request.POST.lists())
    if not twilio_signature_valid(
        settings.TWILIO_AUTH_TOKEN,
        request.build_absolute_uri(),
        params,
        request.headers.get("X-Twilio-Signature", ""),
    ):
        return JsonResponse({"error": "bad signature"}, status=403)
    try:
        call_log_from_twilio(request.POST.dict())
    except ValidationError as error:
        return JsonResponse({"error": " ".join(error.messages)}, status=400)
    except DatabaseError:
        return JsonResponse({"error": "temporary failure, retry"}, status=503)
    return HttpResponse(EMPTY_TWIML, content_type="text/xml")
