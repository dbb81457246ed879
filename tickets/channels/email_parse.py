"""Inbound email parser: raw RFC 5322 bytes in, a ParsedEmail out. Pure: no database, no sanitising.

The HTML body is returned as sent; the caller sanitises it (helpdesk.lib.html.sanitize_html) before storing.
Only the standard library `email` package (policy.default) reads the MIME structure; header values are decoded
from their raw form here, so that unknown charsets and badly folded encoded words cannot crash the parse.
"""

import mimetypes
import re
from dataclasses import dataclass
from datetime import datetime
from email import policy
from email.message import Message
from email.parser import BytesParser
from email.utils import collapse_rfc2231_value, getaddresses, parseaddr

from tickets.channels.email_text import (
    clean_address,
    decode_bytes,
    decode_words,
    first_message_id,
    message_ids,
    one_line,
    parse_date,
    safe_filename,
    text_from_html,
    trim_quoted,
    unescape_raw,
    unflow,
)

__all__ = ["EmailParseError", "ParsedAttachment", "ParsedEmail", "parse_email", "trim_quoted"]

MESSAGE_TYPES = {"message/rfc822", "message/global"}
DELIVERY_STATUS_TYPES = {"message/delivery-status", "message/global-delivery-status"}
HEADERS_TYPES = {"text/rfc822-headers", "message/rfc822-headers", "message/global-headers"}
BULK_PRECEDENCE = {"bulk", "junk", "list", "auto_reply"}
# X-Auto-Response-Suppress asks auto-responders to stay silent. Exchange puts "All" on its own auto-replies,
# notification systems send "All", "OOF" or "AutoReply"; only those tokens count. "DR", "RN" and "NRN"
# (receipts) alone do not: ordinary mail from Outlook may carry them.
SUPPRESS_TOKENS = {"all", "oof", "autoreply"}
ENCODED = {"base64", "quoted-printable"}
REPORT_TYPES = {"delivery-status", "global-delivery-status"}
BOUNCE_SENDERS = {"mailer-daemon", "postmaster"}


class EmailParseError(ValueError):
    """The bytes are not an email we can read; str(error) is the reason, shown to admins."""


@dataclass(frozen=True)
class ParsedAttachment:
    filename: str  # decoded (RFC 2047 / RFC 2231, non-ASCII kept), a safe basename, never empty
    content_type: str  # e.g. "image/png"
    content: bytes
    content_id: str  # without <>, "" if none
    inline: bool  # has a Content-ID and is not "Content-Disposition: attachment" (an image of the HTML)


@dataclass(frozen=True)
class ParsedEmail:
    message_id: str  # without <> and whitespace, "" if missing
    in_reply_to: list[str]  # ids without <>
    references: list[str]  # ids without <>, in order
    from_name: str  # decoded display name ("" if none)
    from_address: str  # lower-cased address
    reply_to: str  # lower-cased address or ""
    to: list[str]  # lower-cased addresses
    cc: list[str]
    subject: str  # decoded, whitespace-normalised, "" if none
    date: datetime | None  # aware datetime, or None if missing or unparseable
    text: str  # the text/plain body, or derived from the HTML body if the mail is HTML-only
    html: str  # the HTML body as sent (NOT sanitised), "" if text-only
    attachments: list[ParsedAttachment]
    # Auto-Submitted other than "no"; Precedence bulk/junk/list/auto_reply; X-Autoreply or X-Autorespond(er)
    # not "no"; X-Auto-Response-Suppress with All, OOF or AutoReply; a List-Id; or the mail is a bounce.
    auto_submitted: bool
    # multipart/report with report-type=delivery-status, or a mailer-daemon/postmaster sender with a
    # message/delivery-status part anywhere in the mail.
    is_bounce: bool
    bounced_message_id: str  # Message-ID of the original found in the DSN, "" if none


@dataclass
class _Body:
    """What a walk over MIME parts collects."""

    text: list[str]
    html: list[str]
    attachments: list[ParsedAttachment]
    forwarded_text: list[str]


def parse_email(raw: bytes, *, max_bytes: int = 30 * 1024 * 1024) -> ParsedEmail:
    """Parse raw email bytes; EmailParseError if empty, larger than max_bytes, unreadable or without From."""
    raw = bytes(raw)
    if not raw.strip():
        raise EmailParseError("The email is empty.")
    if len(raw) > max_bytes:
        raise EmailParseError(f"The email is {len(raw)} bytes, larger than the limit of {max_bytes} bytes.")
    try:
        msg = BytesParser(policy=policy.default).parsebytes(raw.lstrip(b"\r\n"))
    except Exception as error:  # noqa: BLE001 - the parser is lenient; anything it raises means unreadable
        raise EmailParseError(f"The email could not be parsed: {error}") from error
    if not msg.keys():
        raise EmailParseError("This is not an email: it has no headers.")
    try:
        return _parsed(msg)
    except RecursionError as error:
        raise EmailParseError("The email's MIME parts are nested too deeply.") from error


def _parsed(msg: Message) -> ParsedEmail:
    from_name, from_address = _from(msg)
    body = _Body([], [], [], [])
    _walk(msg, body)
    html = "\n".join(h for h in body.html if h.strip()).strip()
    is_bounce = _is_bounce(msg, from_address)
    return ParsedEmail(
        message_id=first_message_id(_header(msg, "Message-ID")),
        in_reply_to=message_ids(_header(msg, "In-Reply-To")),
        references=message_ids(_header(msg, "References")),
        from_name=from_name,
        from_address=from_address,
        reply_to=next(iter(_addresses(msg, "Reply-To")), ""),
        to=_addresses(msg, "To"),
        cc=_addresses(msg, "Cc"),
        subject=_subject(msg),
        date=parse_date(_header(msg, "Date")),
        text=_body_text(body),
        html=html,
        attachments=body.attachments,
        auto_submitted=is_bounce or _is_auto_submitted(msg),
        is_bounce=is_bounce,
        bounced_message_id=_bounced_message_id(msg) if is_bounce else "",
    )


def _header(msg: Message, name: str) -> str:
    """The first raw value of a header, unfolded, with raw 8-bit bytes decoded; "" if missing."""
    values = _headers(msg, name)
    return values[0] if values else ""


def _headers(msg: Message, name: str) -> list[str]:
    name = name.lower()
    return [
        unescape_raw(re.sub(r"\r?\n(?=[ \t])", "", str(value))).strip()
        for key, value in msg.raw_items()
        if key.lower() == name
    ]


def _subject(msg: Message) -> str:
    return one_line(decode_words(_header(msg, "Subject")))


def _address_pairs(values: list[str]) -> list[tuple[str, str]]:
    try:
        return getaddresses(values)
    except Exception:  # noqa: BLE001 - unparseable address list
        return []


def _addresses(msg: Message, name: str) -> list[str]:
    found = (clean_address(address) for _name, address in _address_pairs(_headers(msg, name)))
    return list(dict.fromkeys(address for address in found if address))


def _from(msg: Message) -> tuple[str, str]:
    raw = _header(msg, "From")
    for name, address in [*_address_pairs([raw]), parseaddr(raw)] if raw else []:
        address = clean_address(address)
        if address:
            name = one_line(decode_words(name)).strip("\"' ")
            return ("" if name.lower() == address else name), address
    raise EmailParseError("The email has no usable From address." if raw else "The email has no From header.")


def _is_auto_submitted(msg: Message) -> bool:
    def value(name: str) -> str:
        return _header(msg, name).split(";")[0].strip().lower()

    if value("Auto-Submitted") not in ("", "no"):
        return True
    if value("Precedence") in BULK_PRECEDENCE:
        return True
    if any(
        value(name) not in ("", "no", "false", "0")
        for name in ("X-Autoreply", "X-Autorespond", "X-Autoresponder")
    ):
        return True
    suppress = {token.strip() for token in value("X-Auto-Response-Suppress").split(",")}
    return bool(suppress & SUPPRESS_TOKENS) or bool(_headers(msg, "List-Id"))


def _payload(part: Message) -> bytes:
    try:
        data = part.get_payload(decode=True)
    except Exception:  # noqa: BLE001 - broken transfer encoding: take what is there
        data = None
    if isinstance(data, bytes):
        return data
    raw = part.get_payload()
    return raw.encode("utf-8", "surrogateescape") if isinstance(raw, str) else b""


def _part_text(part: Message) -> str:
    text = decode_bytes(_payload(part), _param(part, "charset")).replace("\r\n", "\n").replace("\r", "\n")
    if part.get_content_type() == "text/plain" and _param(part, "format").lower() == "flowed":
        text = unflow(text, _param(part, "delsp").lower() == "yes")
    return text


def _param(part: Message, name: str) -> str:
    try:
        value = part.get_param(name, "")
    except Exception:  # noqa: BLE001 - malformed Content-Type
        return ""
    return collapse_rfc2231_value(value) if isinstance(value, tuple) else str(value or "")


def _quiet(read) -> str:
    """A header parameter read that malformed headers cannot break."""
    try:
        return read() or ""
    except Exception:  # noqa: BLE001
        return ""


def _content_id(part: Message) -> str:
    return first_message_id(_header(part, "Content-ID"))


def _walk(part: Message, body: _Body) -> None:
    maintype, ctype = part.get_content_maintype(), part.get_content_type()
    if maintype == "multipart":
        children = [child for child in (part.get_payload() or []) if isinstance(child, Message)]
        if ctype != "multipart/alternative":
            for child in children:
                _walk(child, body)
            return
        # Alternatives are in increasing order of preference: the first plain text, the last HTML.
        found = [_Body([], [], [], []) for _ in children]
        for child, sub in zip(children, found, strict=True):
            _walk(child, sub)
        body.text.extend(next((sub.text for sub in found if sub.text), []))
        body.html.extend(next((sub.html for sub in reversed(found) if sub.html), []))
        for sub in found:
            body.attachments.extend(sub.attachments)
            body.forwarded_text.extend(sub.forwarded_text)
        return
    if ctype in MESSAGE_TYPES:
        _forwarded(part, body)
        return
    if ctype in DELIVERY_STATUS_TYPES or ctype in HEADERS_TYPES:
        return  # read by _bounced_message_id; the report's human-readable part is the body
    disposition, filename = _quiet(part.get_content_disposition), _quiet(part.get_filename)
    if ctype in ("text/plain", "text/html") and disposition != "attachment" and not filename:
        (body.text if ctype == "text/plain" else body.html).append(_part_text(part))
        return
    content_id = _content_id(part)
    body.attachments.append(
        ParsedAttachment(
            filename=safe_filename(filename, _default_name(ctype)),
            content_type=ctype,
            content=_payload(part),
            content_id=content_id,
            inline=bool(content_id) and disposition != "attachment",
        )
    )


def _default_name(ctype: str) -> str:
    extension = mimetypes.guess_extension(ctype) if ctype != "application/octet-stream" else None
    return f"attachment{extension or ''}"


def _inner_message(part: Message) -> Message | None:
    payload = part.get_payload()
    if isinstance(payload, list) and payload and isinstance(payload[0], Message):
        if payload[0].keys() or _header(part, "Content-Transfer-Encoding").lower() not in ENCODED:
            return payload[0]
        encoded = Message()  # a base64 or quoted-printable message/rfc822 (not allowed, but sent)
        encoded["Content-Transfer-Encoding"] = _header(part, "Content-Transfer-Encoding")
        encoded.set_payload(payload[0].get_payload())
        part = encoded
    data = _payload(part).lstrip()  # text/rfc822-headers, or a base64 message/rfc822 the parser left as is
    return BytesParser(policy=policy.default).parsebytes(data) if data else None


def _forwarded(part: Message, body: _Body) -> None:
    inner = _inner_message(part)
    if inner is None:
        return
    subject = _subject(inner)
    name = subject or _quiet(part.get_filename).removesuffix(".eml") or "message"
    try:
        content = inner.as_bytes()
    except Exception:  # noqa: BLE001 - cannot be regenerated: keep the bytes as received
        content = _payload(part)
    body.attachments.append(
        ParsedAttachment(
            filename=safe_filename(re.sub(r"[/\\]", "-", name) + ".eml", "message.eml"),
            content_type=part.get_content_type(),
            content=content,
            content_id=_content_id(part),
            inline=False,
        )
    )
    inner_body = _Body([], [], [], [])
    _walk(inner, inner_body)
    body.forwarded_text.append(_body_text(inner_body))


def _body_text(body: _Body) -> str:
    """The text parts; else text derived from the HTML; else (no body at all) the forwarded mail's text."""
    text = "\n\n".join(t.strip("\n").rstrip() for t in body.text if t.strip())
    html = "\n".join(h for h in body.html if h.strip())
    if not text and html.strip():
        return text_from_html(html)
    return text or next(iter(body.forwarded_text), "")


def _parts(msg: Message):
    """Every part, also inside message/* parts."""
    yield msg
    payload = msg.get_payload()
    for child in payload if isinstance(payload, list) else []:
        if isinstance(child, Message):
            yield from _parts(child)


def _is_bounce(msg: Message, from_address: str) -> bool:
    if msg.get_content_type() == "multipart/report" and _param(msg, "report-type").lower() in REPORT_TYPES:
        return True
    from_daemon = from_address.split("@")[0] in BOUNCE_SENDERS
    return from_daemon and any(part.get_content_type() in DELIVERY_STATUS_TYPES for part in _parts(msg))


def _bounced_message_id(msg: Message) -> str:
    """The Message-ID of the returned original, from the report's message/rfc822 or text/rfc822-headers."""
    for part in _parts(msg):
        ctype = part.get_content_type()
        if ctype in MESSAGE_TYPES or ctype in HEADERS_TYPES:
            inner = _inner_message(part)
            found = first_message_id(_header(inner, "Message-ID")) if inner is not None else ""
            if found:
                return found
    return ""
