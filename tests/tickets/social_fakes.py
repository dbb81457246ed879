"""Documented payloads of the social channels, and a stand-in for a provider's HTTP API.

The updates copy the shape of the Bot API's Update object (https://core.telegram.org/bots/api#update);
the stand-in answers as sendMessage and setWebhook are documented to ({"ok": true, "result": …} or
{"ok": false, "error_code": …, "description": …}). It is the only thing the social tests fake: the
provider is outside the machine.
"""

import copy
import json
import threading
import time
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from helpdesk.lib.signing import signed_headers
from tests.tickets.helpers import send_json

BOT_TOKEN = "123456:ABC-DEF1234ghIkl-zyx57W2v1u123ew11"
SECRET = "telegram-secret_token-0123456789"
WEBHOOK_SECRET = "generic-webhook-hmac-key"
RUTA = {
    "id": 111111111,
    "is_bot": False,
    "first_name": "Rūta",
    "last_name": "Jankauskienė",
    "username": "ruta_j",
    "language_code": "lt",
}
RUTA_CHAT = {
    "id": 111111111,
    "first_name": "Rūta",
    "last_name": "Jankauskienė",
    "username": "ruta_j",
    "type": "private",
}


def telegram_update(
    update_id: int = 10000,
    *,
    text: str | None = "Sveiki, neveikia mano užsakymas.",
    message_id: int = 1365,
    kind: str = "message",
    sender: dict | None = None,
    chat: dict | None = None,
    **fields,
) -> dict:
    """An Update carrying a Message from Rūta in her private chat with the bot, as Telegram posts it."""
    message = {
        "message_id": message_id,
        "from": copy.deepcopy(sender or RUTA),
        "chat": copy.deepcopy(chat or RUTA_CHAT),
        "date": 1735725600,
        **fields,
    }
    if text is not None:
        message["text"] = text
    if kind == "edited_message":
        message.setdefault("edit_date", 1735725900)
    return {"update_id": update_id, kind: message}


def post_update(client, account, update, *, secret: str | None = SECRET):
    body = update if isinstance(update, bytes) else json.dumps(update).encode()
    headers = {} if secret is None else {"X-Telegram-Bot-Api-Secret-Token": secret}
    return client.post(
        f"/channels/social/{account.name}/", body, content_type="application/json", headers=headers
    )


def webhook_message(
    message_id: str = "m-1", *, text: str = "Labas, kur mano siunta?", sender_id="u-42", **fields
) -> dict:
    """A message in the generic webhook's format (README.md, "Social and messaging")."""
    return {
        "sender": {"id": sender_id, "name": "Jānis Bērziņš", "handle": "@janis"},
        "message": {"id": message_id, "text": text},
        **fields,
    }


def post_signed(client, account, payload, *, secret: str = WEBHOOK_SECRET, now: float | None = None):
    body = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
    return client.post(
        f"/channels/social/{account.name}/",
        body,
        content_type="application/json",
        headers=signed_headers(secret, body, now=now),
    )


@dataclass
class Recorded:
    path: str
    headers: dict
    body: bytes

    @property
    def json(self) -> dict:
        return json.loads(self.body)


class FakeProviderApi:
    """A real HTTP server on 127.0.0.1 that records every POST and answers the next queued
    (status, payload), or else Telegram's documented success for the method called."""

    def __init__(self) -> None:
        self.requests: list[Recorded] = []
        self.answers: list[tuple[int, dict]] = []
        self._next_id = 2000
        self._lock = threading.Lock()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"

    def __enter__(self) -> "FakeProviderApi":
        # A short poll interval: shutdown() waits for the loop to notice.
        threading.Thread(target=self.server.serve_forever, args=(0.02,), daemon=True).start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()

    def fail(self, status: int, description: str, times: int = 1, **parameters) -> None:
        """Queue Telegram's documented error answer `times` times."""
        answer = {"ok": False, "error_code": status, "description": description}
        if parameters:
            answer["parameters"] = parameters
        self.answers += [(status, answer)] * times

    def _answer(self, recorded: Recorded) -> tuple[int, dict]:
        with self._lock:
            if self.answers:
                return self.answers.pop(0)
            if recorded.path.endswith("/setWebhook"):
                return 200, {"ok": True, "result": True, "description": "Webhook was set"}
            self._next_id += 1
            sent = recorded.json
            message = {
                "message_id": self._next_id,
                "from": {"id": 123456, "is_bot": True, "first_name": "Support", "username": "support_bot"},
                "chat": {"id": sent.get("chat_id"), "type": "private"},
                "date": int(time.time()),
                "text": sent.get("text"),
            }
            return 200, {"ok": True, "result": message}

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                recorded = Recorded(path=self.path, headers=dict(self.headers), body=body)
                fake.requests.append(recorded)
                send_json(self, *fake._answer(recorded))

            def log_message(self, *args) -> None:
                pass

        return Handler
