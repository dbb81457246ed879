"""Inbound channel endpoints for other systems (hosted mail providers post raw MIME here)."""

import hashlib
import hmac

from django.conf import settings
from django.db import DatabaseError
from django.http import HttpRequest, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from tickets.channels.email_in import receive_email
from tickets.models import InboundStatus, Mailbox


def signature_valid(secret: str, body: bytes, header: str) -> bool:
    """`X-Helpdesk-Signature: sha256=<hex HMAC-SHA256 of the body with the mailbox's secret>`."""
    expected = "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    return bool(secret) and hmac.compare_digest(expected, header or "")


@csrf_exempt  # authenticated by the HMAC signature instead of a session
@require_POST
def email_inbound(request: HttpRequest, mailbox: str) -> JsonResponse:
    target = Mailbox.objects.filter(name=mailbox, active=True).first()
    if target is None or not target.webhook_secret:
        return JsonResponse({"error": "unknown mailbox"}, status=404)
    if len(request.body) > settings.EMAIL_INBOUND_MAX_BYTES:
        return JsonResponse({"error": "too large"}, status=413)
    if not signature_valid(
        target.webhook_secret, request.body, request.headers.get("X-Helpdesk-Signature", "")
    ):
        return JsonResponse({"error": "bad signature"}, status=403)
    try:
        receipt = receive_email(raw=request.body, mailbox=target)
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
