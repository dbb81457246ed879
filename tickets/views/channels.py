"""Inbound channel endpoints for other systems (hosted mail providers post raw MIME here, Twilio
posts call status callbacks, Telegram and other messaging systems post messages)."""

import base64
import hashlib
import hmac

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import DatabaseError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from helpdesk.lib.signing import signature_valid
from tickets.channels.email_in import receive_email
from tickets.channels.phone import call_log_from_twilio
from tickets.channels.social import BadUpdate, NotAuthentic, social_receive
from tickets.models import InboundStatus, Mailbox, SocialAccount


def _read_within(request: HttpRequest, limit: int) -> bytes | None:
    """The request's body, or None when it is over `limit` bytes. Read from the stream: request.body
    stops at DATA_UPLOAD_MAX_MEMORY_SIZE, which may be below the limit."""
    declared = request.META.get("CONTENT_LENGTH") or "0"
    if not declared.isdigit() or int(declared) > limit:
        return None
    raw = request.read(limit + 1)
    return None if len(raw) > limit else raw


@csrf_exempt  # authenticated by the HMAC signature instead of a session
@require_POST
def email_inbound(request: HttpRequest, mailbox: str) -> JsonResponse:
    target = Mailbox.objects.filter(name=mailbox, active=True).first()
    if target is None or not target.webhook_secret:
        return JsonResponse({"error": "unknown mailbox"}, status=404)
    raw = _read_within(request, settings.EMAIL_INBOUND_MAX_BYTES)
    if raw is None:
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


@csrf_exempt  # authenticated by the provider's secret token or our HMAC signature instead of a session
@require_POST
def social_inbound(request: HttpRequest, account: str) -> JsonResponse:
    """A Telegram update or a generic webhook message for the social account `account`."""
    try:
        target = SocialAccount.objects.filter(name=account, active=True).first()
        if target is None:
            return JsonResponse({"error": "unknown account"}, status=404)
        body = _read_within(request, settings.SOCIAL_INBOUND_MAX_BYTES)
        if body is None:
            return JsonResponse({"error": "too large"}, status=413)
        receipt = social_receive(account=target, body=body, headers=request.headers)
    except NotAuthentic:
        return JsonResponse({"error": "bad secret or signature"}, status=403)
    except (BadUpdate, ValidationError) as error:
        message = str(error) if isinstance(error, BadUpdate) else " ".join(error.messages)
        return JsonResponse({"error": message}, status=400)
    except DatabaseError:
        return JsonResponse({"error": "temporary failure, retry"}, status=503)
    return JsonResponse(receipt.as_json())
