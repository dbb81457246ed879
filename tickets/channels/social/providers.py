"""Messaging providers behind one interface: whether a webhook request is genuine, what its update
says, and how a reply is posted back.

    provider = provider_for(account)
    provider.authentic(account, body, headers)      # the provider's secret, or our HMAC signature
    provider.parse_update(body)                     # -> Update(messages=[IncomingMessage, ...])
    provider.send_reply(account, chat_id=…, recipient_id=…, text=…, reply_key=…)  # -> provider's id

Telegram follows the Bot API (https://core.telegram.org/bots/api#update, #sendmessage); the generic
webhook is our own signed JSON format, described in README.md.
"""

import hmac
import json
import urllib.error
import urllib.request
from collections.abc import Mapping
from dataclasses import dataclass, field

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from customers.models import IdentityKind
from helpdesk.lib.signing import signature_valid, signed_headers
from tickets.models import SocialAccount, SocialKind

# Ids and text from outside end up in our columns: the ids in "<account>:<id>" (250 characters).
MAX_ID_LENGTH = 150
MAX_TEXT_LENGTH = 20_000
# A provider's answer to a reply is a few hundred bytes; never read an endless one.
MAX_RESPONSE_BYTES = 64 * 1024


class BadUpdate(ValueError):
    """The request is not an update we can read (malformed JSON, a missing or mistyped field)."""


class SendError(Exception):
    """A reply could not be posted. `permanent`: retrying cannot help (the customer blocked the bot,
    the chat is gone, the account is misconfigured). `retry_after`: seconds the provider asked for."""

    def __init__(self, message: str, *, permanent: bool = False, retry_after: int | None = None):
        super().__init__(message)
        self.permanent = permanent
        self.retry_after = retry_after


@dataclass(frozen=True)
class IncomingMessage:
    key: str  # unique within the account and the same on every delivery of the update
    sender_id: str
    chat_id: str  # where replies go: the chat (Telegram) or the conversation (generic)
    text: str
    name: str = ""
    handle: str = ""
    message_id: str = ""
    edited: bool = False


@dataclass(frozen=True)
class Update:
    messages: list[IncomingMessage] = field(default_factory=list)
    ignored: str = ""  # why nothing was filed, for the response and the logs


class SocialProvider:
    identity_kind: str
    max_text_length: int

    def authentic(self, account: SocialAccount, body: bytes, headers: Mapping[str, str]) -> bool:
        raise NotImplementedError

    def parse_update(self, body: bytes) -> Update:
        raise NotImplementedError

    def identity_value(self, account: SocialAccount, sender_id: str) -> str:
        raise NotImplementedError

    def send_reply(
        self, account: SocialAccount, *, chat_id: str, recipient_id: str, text: str, reply_key: str
    ) -> str:
        raise NotImplementedError


# What a Telegram message carries besides text, noted in the ticket (the files are not fetched).
MEDIA_LABELS = {
    "photo": gettext_lazy("photo"),
    "video": gettext_lazy("video"),
    "animation": gettext_lazy("animation"),
    "audio": gettext_lazy("audio"),
    "voice": gettext_lazy("voice message"),
    "video_note": gettext_lazy("video message"),
    "document": gettext_lazy("document"),
    "sticker": gettext_lazy("sticker"),
    "location": gettext_lazy("location"),
    "venue": gettext_lazy("venue"),
    "contact": gettext_lazy("contact"),
    "poll": gettext_lazy("poll"),
}
# Telegram sets `document` beside `animation`, and `location` beside `venue`: note each thing once.
SHADOWED_BY = {"document": "animation", "location": "venue"}


def _media_notes(message: dict) -> list[str]:
    notes = []
    for name, label in MEDIA_LABELS.items():
        if name not in message or SHADOWED_BY.get(name) in message:
            continue
        value = message[name] if isinstance(message[name], dict) else {}
        if name == "document" and _str(value, "file_name"):
            label = _("document: %(name)s") % {"name": _str(value, "file_name")}
        elif name == "sticker" and _str(value, "emoji"):
            label = _("sticker %(emoji)s") % {"emoji": _str(value, "emoji")}
        notes.append(f"[{label}]")
    return notes


class TelegramProvider(SocialProvider):
    identity_kind = IdentityKind.TELEGRAM
    max_text_length = 4096  # sendMessage's limit

    def authentic(self, account: SocialAccount, body: bytes, headers: Mapping[str, str]) -> bool:
        # setWebhook's secret_token comes back in this header on every update.
        given = headers.get("X-Telegram-Bot-Api-Secret-Token", "")
        return bool(account.secret) and hmac.compare_digest(given.encode(), account.secret.encode())

    def parse_update(self, body: bytes) -> Update:
        update = _json_object(body)
        if not _is_int(update.get("update_id")):
            raise BadUpdate(_("update_id must be a number."))
        kind = next((kind for kind in ("message", "edited_message") if kind in update), None)
        if kind is None:
            # my_chat_member, callback_query and the rest: acknowledged so Telegram does not resend them.
            others = ", ".join(sorted(key for key in update if key != "update_id")[:3]) or "-"
            return Update(ignored=_("Not a message (%(kind)s).") % {"kind": others})
        message = update[kind]
        if not isinstance(message, dict) or not _is_int(message.get("message_id")):
            raise BadUpdate(_("%(kind)s.message_id must be a number.") % {"kind": kind})
        chat = message.get("chat")
        if not isinstance(chat, dict) or not _is_int(chat.get("id")):
            raise BadUpdate(_("%(kind)s.chat.id must be a number.") % {"kind": kind})
        sender = message.get("from")
        if not isinstance(sender, dict) or not _is_int(sender.get("id")):
            return Update(ignored=_("The message has no sender."))  # e.g. a channel post
        if sender.get("is_bot") is True:
            return Update(ignored=_("The message is from a bot."))  # bots answering bots would loop
        text = message.get("text", message.get("caption", ""))
        if not isinstance(text, str):
            raise BadUpdate(_("%(kind)s.text must be a string.") % {"kind": kind})
        notes = _media_notes(message)
        text = "\n".join([*notes, text.strip()]).strip()
        if not text:
            return Update(ignored=_("The message has no text (a service message)."))
        key = f"{chat['id']}:{message['message_id']}"
        if kind == "edited_message":
            # Each edit is a message of its own; Telegram retries an edit with the same edit_date.
            key += f":edited:{message.get('edit_date') if _is_int(message.get('edit_date')) else 0}"
        name = " ".join(part for part in (_str(sender, "first_name"), _str(sender, "last_name")) if part)
        username = _str(sender, "username")
        return Update(
            messages=[
                IncomingMessage(
                    key=key,
                    sender_id=str(sender["id"]),
                    chat_id=str(chat["id"]),
                    text=text,
                    name=name,
                    handle=f"@{username}" if username else "",
                    message_id=str(message["message_id"]),
                    edited=kind == "edited_message",
                )
            ]
        )

    def identity_value(self, account: SocialAccount, sender_id: str) -> str:
        return sender_id  # Telegram user ids are the same for every bot

    def send_reply(
        self, account: SocialAccount, *, chat_id: str, recipient_id: str, text: str, reply_key: str
    ) -> str:
        chat = int(chat_id) if chat_id.lstrip("-").isdigit() else chat_id
        result = self.call(account, "sendMessage", {"chat_id": chat, "text": text})
        return str(result.get("message_id", "")) if isinstance(result, dict) else ""

    def call(self, account: SocialAccount, method: str, payload: dict):
        """One Bot API call; its `result`, or SendError with Telegram's description."""
        if not account.bot_token:
            raise SendError(_("The account has no bot token."), permanent=True)
        url = f"{settings.TELEGRAM_API_BASE.rstrip('/')}/bot{account.bot_token}/{method}"
        status, answer = post_json(url, json.dumps(payload).encode())
        if answer.get("ok") is True:
            return answer.get("result")
        description = str(answer.get("description") or f"HTTP {status}")[:300]
        parameters = answer.get("parameters") if isinstance(answer.get("parameters"), dict) else {}
        if status == 429:
            retry_after = parameters.get("retry_after")
            raise SendError(
                f"Telegram: {description}", retry_after=retry_after if _is_int(retry_after) else None
            )
        # 400 (chat not found), 401/404 (bad token), 403 (blocked by the user): the same again would fail.
        raise SendError(f"Telegram: {description}", permanent=status in (400, 401, 403, 404))


class WebhookProvider(SocialProvider):
    """Our own format for any other messaging system, signed both ways like the email webhook."""

    identity_kind = IdentityKind.SOCIAL
    max_text_length = MAX_TEXT_LENGTH

    def authentic(self, account: SocialAccount, body: bytes, headers: Mapping[str, str]) -> bool:
        return signature_valid(
            account.secret,
            body,
            headers.get("X-Helpdesk-Signature", ""),
            headers.get("X-Helpdesk-Timestamp", ""),
        )

    def parse_update(self, body: bytes) -> Update:
        data = _json_object(body)
        sender = data.get("sender") if isinstance(data.get("sender"), dict) else {}
        message = data.get("message") if isinstance(data.get("message"), dict) else {}
        ids = {"sender.id": sender.get("id"), "message.id": message.get("id")}
        errors = [path for path, value in ids.items() if _plain_id(value) is None]
        text = message.get("text")
        if not isinstance(text, str) or not text.strip():
            errors.append("message.text")
        conversation = data.get("conversation_id")
        if conversation is not None and _plain_id(conversation) is None:
            errors.append("conversation_id")
        if errors:
            raise BadUpdate(_("Missing or invalid fields: %(fields)s.") % {"fields": ", ".join(errors)})
        if len(text) > MAX_TEXT_LENGTH:
            raise BadUpdate(_("message.text is longer than %(max)d characters.") % {"max": MAX_TEXT_LENGTH})
        sender_id = _plain_id(sender["id"])
        return Update(
            messages=[
                IncomingMessage(
                    key=_plain_id(message["id"]),
                    sender_id=sender_id,
                    chat_id=_plain_id(conversation) if conversation is not None else sender_id,
                    text=text.strip(),
                    name=_str(sender, "name"),
                    handle=_str(sender, "handle"),
                    message_id=_plain_id(message["id"]),
                )
            ]
        )

    def identity_value(self, account: SocialAccount, sender_id: str) -> str:
        return f"{account.name}:{sender_id}"  # a handle means something only on its own channel

    def send_reply(
        self, account: SocialAccount, *, chat_id: str, recipient_id: str, text: str, reply_key: str
    ) -> str:
        if not account.reply_url:
            raise SendError(_("The account has no reply URL."), permanent=True)
        payload = {
            "conversation_id": chat_id,
            "recipient": {"id": recipient_id},
            # The same id on every retry, so the receiver can drop a repeat.
            "message": {"id": reply_key, "text": text},
        }
        body = json.dumps(payload, ensure_ascii=False).encode()
        status, answer = post_json(account.reply_url, body, signed_headers(account.secret, body))
        if 200 <= status < 300:
            return str(answer.get("id", ""))[:MAX_ID_LENGTH]
        raise SendError(
            _("The reply URL answered HTTP %(status)d.") % {"status": status},
            # A redirect or a refusal would be the same again; a timeout or an outage may pass.
            permanent=300 <= status < 500 and status not in (408, 425, 429),
        )


PROVIDERS: dict[str, SocialProvider] = {
    SocialKind.TELEGRAM: TelegramProvider(),
    SocialKind.WEBHOOK: WebhookProvider(),
}


def provider_for(account: SocialAccount) -> SocialProvider:
    return PROVIDERS[account.kind]


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """urllib would follow a redirect of our POST as a GET without the body: answer the 3xx instead."""

    def redirect_request(self, *args, **kwargs) -> None:
        return None


_opener = urllib.request.build_opener(_NoRedirect)


def post_json(url: str, body: bytes, headers: dict[str, str] | None = None) -> tuple[int, dict]:
    """POST a JSON body; the HTTP status and the JSON object answered ({} when it is not one).
    A network failure raises SendError (worth retrying)."""
    if not url.startswith(("https://", "http://")):
        raise SendError(_("Only http and https addresses can be called."), permanent=True)
    request = urllib.request.Request(  # noqa: S310 - the scheme is checked above
        url, data=body, method="POST", headers={"Content-Type": "application/json", **(headers or {})}
    )
    try:
        with _opener.open(request, timeout=settings.SOCIAL_SEND_TIMEOUT_SECONDS) as response:
            status, raw = response.status, response.read(MAX_RESPONSE_BYTES)
    except urllib.error.HTTPError as error:
        with error:
            status, raw = error.code, error.read(MAX_RESPONSE_BYTES)
    except (urllib.error.URLError, OSError) as error:
        reason = getattr(error, "reason", error)  # never the URL: a Telegram URL holds the bot token
        raise SendError(_("Could not reach the provider: %(reason)s") % {"reason": reason}) from None
    try:
        answer = json.loads(raw)
    except ValueError:
        answer = {}
    return status, answer if isinstance(answer, dict) else {}


def _json_object(body: bytes) -> dict:
    try:
        data = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        raise BadUpdate(_("The body is not valid JSON.")) from None
    if not isinstance(data, dict):
        raise BadUpdate(_("The body must be a JSON object."))
    return data


def _is_int(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _plain_id(value) -> str | None:
    """An id as a non-empty string of at most MAX_ID_LENGTH characters, from a string or a number."""
    if _is_int(value):
        return str(value)
    if isinstance(value, str) and value.strip() and len(value.strip()) <= MAX_ID_LENGTH:
        return value.strip()
    return None


def _str(data: dict, name: str) -> str:
    """An optional string field of someone else's JSON, clipped; anything else counts as absent."""
    value = data.get(name)
    return value.strip()[:200] if isinstance(value, str) else ""
