"""The customer's callback emails (booked, moved, cancelled, reminder), in their language with the time
in their time zone; booked and moved ones carry an .ics file for their calendar."""

from datetime import UTC, datetime
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tickets.callbacks.slots import customer_zone
from tickets.models import Callback

SUBJECTS = {
    "booked": gettext_lazy("Your callback is booked"),
    "moved": gettext_lazy("Your callback has moved"),
    "cancelled": gettext_lazy("Your callback is cancelled"),
    "reminder": gettext_lazy("Reminder: we will call you soon"),
}


def when_text(moment: datetime, tz: ZoneInfo) -> str:
    """The time as the reader's language writes it, with the zone named."""
    return f"{formats.date_format(moment.astimezone(tz), 'DATETIME_FORMAT')} ({tz.key})"


def _ics_text(value: str) -> str:
    for plain, escaped in (("\\", "\\\\"), (";", "\\;"), (",", "\\,"), ("\r\n", "\\n"), ("\n", "\\n")):
        value = value.replace(plain, escaped)
    return value


def _fold(line: str) -> str:
    """RFC 5545 lines are at most 75 octets; longer ones continue on lines starting with a space."""
    parts, current = [], ""
    for char in line:
        if len(current.encode()) + len(char.encode()) > 75:
            parts.append(current)
            current = " "
        current += char
    parts.append(current)
    return "\r\n".join(parts)


def _stamp(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def callback_ics(callback: Callback, *, cancelled: bool = False) -> str:
    """A one-event calendar (or its cancellation); the UID is the callback's id at this site."""
    host = urlsplit(settings.SITE_URL).hostname or "helpdesk"
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//Helpdesk//Callbacks//EN",
        f"METHOD:{'CANCEL' if cancelled else 'PUBLISH'}",
        "BEGIN:VEVENT",
        f"UID:callback-{callback.pk}@{host}",
        f"DTSTAMP:{_stamp(timezone.now())}",
        f"DTSTART:{_stamp(callback.starts_at)}",
        f"DTEND:{_stamp(callback.ends_at)}",
        f"SEQUENCE:{1 if cancelled else 0}",
        f"STATUS:{'CANCELLED' if cancelled else 'CONFIRMED'}",
        f"SUMMARY:{_ics_text(_('Callback: {topic}').format(topic=callback.topic))}",
        f"DESCRIPTION:{_ics_text(_('We will call you on {phone}.').format(phone=callback.phone))}",
        "END:VEVENT",
        "END:VCALENDAR",
    ]
    return "\r\n".join(_fold(line) for line in lines) + "\r\n"


def callback_email_send(*, callback: Callback, kind: str, previous: Callback | None = None) -> bool:
    """Email the customer about their callback; False when they have no address."""
    customer = callback.customer
    if not customer.email:
        return False
    tz = customer_zone(customer)
    with translation.override(customer.language or callback.language or settings.LANGUAGE_CODE):
        context = {
            "customer": customer,
            "callback": callback,
            "when": when_text(callback.starts_at, tz),
            "previous_when": when_text(previous.starts_at, tz) if previous else "",
            "url": settings.SITE_URL.rstrip("/") + reverse("portal:callbacks"),
        }
        message = EmailMessage(
            subject=str(SUBJECTS[kind]),
            body=render_to_string(f"portal/emails/callback_{kind}.txt", context),
            to=[customer.email],
        )
        if kind in ("booked", "moved"):
            message.attach("callback.ics", callback_ics(callback), "text/calendar")
        if previous is not None:
            message.attach("callback-cancelled.ics", callback_ics(previous, cancelled=True), "text/calendar")
        if kind == "cancelled":
            message.attach("callback.ics", callback_ics(callback, cancelled=True), "text/calendar")
    message.send()
    return True
