"""The chat widget's page (/chat/, framed by customer sites) and its JSON API (/chat/api/).

The API uses no cookies and so needs no CSRF token: a chat is reached only with the bearer token
that starting it returned (`Authorization: Bearer <token>`). Errors are JSON: {"error": "…"} and,
for a form, {"fields": {"email": ["…"]}}. A wrong or missing token gets the same 403 either way.
"""

import json
import logging
from collections.abc import Callable
from functools import wraps

from csp.decorators import csp_replace
from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from tickets.channels.chat import (
    MESSAGE_MAX_CHARS,
    chat_end,
    chat_hours_open,
    chat_message_json,
    chat_messages,
    chat_seen,
    chat_send,
    chat_session_for_token,
    chat_start,
)
from tickets.models import ChatSession
from tickets.views.contact import client_address, too_many_from_address

log = logging.getLogger(__name__)

# JSON bodies are small: a chat line is at most MESSAGE_MAX_CHARS characters.
BODY_MAX_BYTES = 64 * 1024
# A visitor's lines per minute (by address), against floods from a stolen or scripted token.
SEND_RATE = 30


class ChatStartForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Your name"), max_length=200)
    email = forms.EmailField(
        label=gettext_lazy("Your email address"),
        help_text=gettext_lazy("If we cannot answer right away, we reply by email."),
    )
    message = forms.CharField(
        label=gettext_lazy("How can we help?"),
        max_length=MESSAGE_MAX_CHARS,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    # The honeypot, as on the contact form: hidden from people, filled in by bots.
    website = forms.CharField(required=False, label=gettext_lazy("Leave this empty"))
    # The page of the customer's site the chat was opened on (without its query), for the agent.
    page_url = forms.CharField(required=False, max_length=2000)

    def clean_page_url(self) -> str:
        url = self.cleaned_data["page_url"].strip()
        return url[:500] if url.startswith(("https://", "http://")) else ""


# Strings chat.js shows, translated here (the script itself holds no English).
SCRIPT_STRINGS = {
    "you": gettext_lazy("You"),
    "waiting": gettext_lazy("Thanks! Someone from our team will be with you shortly."),
    "email": gettext_lazy("We will answer by email. You may close this window."),
    "ended": gettext_lazy("This chat has ended."),
    "offline": gettext_lazy("Cannot reach us. Trying again…"),
    "error": gettext_lazy("Something went wrong. Please try again."),
}


def embeddable(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """A page other sites may frame: those in CONTACT_FORM_FRAME_ANCESTORS (read per request)."""

    @wraps(view)
    @xframe_options_exempt
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        frame = csp_replace({"frame-ancestors": settings.CONTACT_FORM_FRAME_ANCESTORS})
        return frame(view)(request, *args, **kwargs)

    return wrapped


@embeddable
@require_GET
def chat_page(request: HttpRequest) -> HttpResponse:
    form = ChatStartForm(initial={"page_url": request.GET.get("page", "")[:500]})
    context = {"form": form, "open_now": chat_hours_open(), "strings": SCRIPT_STRINGS}
    return render(request, "tickets/chat.html", context)


@require_GET
def chat_demo(request: HttpRequest) -> HttpResponse:
    """A pretend customer site with the widget on it (development only)."""
    if not settings.DEBUG:
        raise Http404
    return render(request, "tickets/chat_demo.html")


def _error(message: str, status: int = 400, **extra) -> JsonResponse:
    return JsonResponse({"error": str(message), **extra}, status=status)


def _json_body(request: HttpRequest) -> dict | None:
    if len(request.body) > BODY_MAX_BYTES:
        return None
    try:
        data = json.loads(request.body or b"{}")
    except (ValueError, UnicodeDecodeError):
        return None
    return data if isinstance(data, dict) else None


def _session(request: HttpRequest) -> ChatSession | None:
    scheme, _space, token = request.headers.get("Authorization", "").partition(" ")
    return chat_session_for_token(token.strip()) if scheme.lower() == "bearer" else None


def _with_session(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Passes the chat of the request's token to `view`, or answers 403 revealing nothing."""

    @wraps(view)
    def wrapped(request: HttpRequest) -> HttpResponse:
        session = _session(request)
        if session is None:
            return _error(_("This chat is not available."), status=403)
        return view(request, session)

    return wrapped


def _field_errors(error: ValidationError) -> JsonResponse:
    fields = error.message_dict if hasattr(error, "error_dict") else {"message": error.messages}
    return _error(" ".join(sum(fields.values(), [])), fields=fields)


@require_GET
def api_widget(request: HttpRequest) -> JsonResponse:
    """What the launcher button on a customer's page says, in the visitor's language. Public and
    cookieless, so any site may read it."""
    open_now = chat_hours_open()
    response = JsonResponse(
        {
            "open": open_now,
            "label": _("Chat with us") if open_now else _("Leave us a message"),
            "close": _("Close the chat"),
            "title": _("Chat with support"),
        }
    )
    response["Access-Control-Allow-Origin"] = "*"
    patch_vary_headers(response, ["Accept-Language"])
    return response


@csrf_exempt
@require_POST
def api_start(request: HttpRequest) -> JsonResponse:
    data = _json_body(request)
    if data is None:
        return _error(_("Send a JSON object."))
    if too_many_from_address(request, scope="chat-start"):
        return _error(_("Too many chats from your address. Please try again in a few minutes."), status=429)
    form = ChatStartForm({key: str(value) for key, value in data.items() if value is not None})
    if not form.is_valid():
        fields = {name: [str(message) for message in messages] for name, messages in form.errors.items()}
        return _error(_("Please check the form."), fields=fields)
    cleaned = form.cleaned_data
    if cleaned["website"]:
        log.info("Chat: honeypot filled from %s, nothing started.", client_address(request))
        return JsonResponse({"token": "-", "status": "open", "messages": []}, status=201)
    try:
        session, token = chat_start(
            name=cleaned["name"],
            email=cleaned["email"],
            body=cleaned["message"],
            page_url=cleaned["page_url"],
            language=request.LANGUAGE_CODE,
        )
    except ValidationError as error:
        return _field_errors(error)
    lines = chat_messages(session=session)
    payload = {"token": token, "status": session.status, "messages": [chat_message_json(m) for m in lines]}
    return JsonResponse(payload, status=201)


@require_GET
@_with_session
def api_messages(request: HttpRequest, session: ChatSession) -> JsonResponse:
    """Polled every second by the widget: the chat's state and the lines after `after`."""
    after = request.GET.get("after", "0") or "0"
    if not (after.isascii() and after.isdigit() and len(after) < 19):
        return _error(_("`after` must be a message number."))
    chat_seen(session=session)
    lines = chat_messages(session=session, after=int(after))
    return JsonResponse({"status": session.status, "messages": [chat_message_json(m) for m in lines]})


@csrf_exempt
@require_POST
@_with_session
def api_send(request: HttpRequest, session: ChatSession) -> JsonResponse:
    data = _json_body(request)
    if data is None or not isinstance(data.get("message", ""), str):
        return _error(_("Send a JSON object with the message."))
    if too_many_from_address(request, scope="chat-send", rate=SEND_RATE, window=60):
        return _error(_("You are sending messages too fast. Please wait a moment."), status=429)
    try:
        message = chat_send(session=session, body=data.get("message", ""))
    except ValidationError as error:
        return _field_errors(error)
    return JsonResponse({"message": chat_message_json(message)}, status=201)


@csrf_exempt
@require_POST
@_with_session
def api_end(request: HttpRequest, session: ChatSession) -> JsonResponse:
    session = chat_end(session=session)
    return JsonResponse({"status": session.status})
