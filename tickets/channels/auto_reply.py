"""The automatic "we received your request [#123]" for new email tickets, and what keeps it from
feeding a mail loop (RFC 3834).

No acknowledgement goes to mail that was itself automatic (Auto-Submitted, Precedence bulk/junk/list,
X-Autoreply, mailing lists), to addresses that never read their mail (no-reply, mailer-daemon,
postmaster, our own mailboxes), nor to a sender who already got AUTO_REPLY_MAX_PER_SENDER of them
within AUTO_REPLY_WINDOW_MINUTES: two auto-responders answering each other stop there. Ours carries
`Auto-Submitted: auto-replied`, so well-behaved responders do not answer it at all.
"""

import re
from datetime import timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import transaction
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from tickets.models import Channel, Mailbox, Message, Ticket
from tickets.services.conversation import message_add

UNREAD_ADDRESS = re.compile(
    r"^(no-?reply|do-?not-?reply|mailer-daemon|postmaster|bounces?)([+._-][^@]*)?@", re.IGNORECASE
)


@transaction.atomic
def acknowledge_new_ticket(ticket_id: int) -> Message | None:
    """Add the acknowledgement to a new email ticket (a public system message that email_deliver
    sends); None when the mailbox does not acknowledge or a loop guard says no (the reason is kept
    on the customer's message). Safe to call twice: a ticket is acknowledged once."""
    ticket = Ticket.objects.select_for_update(of=("self",)).select_related("mailbox", "requester")
    ticket = ticket.filter(pk=ticket_id, channel=Channel.EMAIL).first()
    if ticket is None or ticket.mailbox is None or not ticket.mailbox.auto_reply:
        return None
    first = ticket.messages.order_by("id").first()
    if first is None or Message.objects.filter(ticket=ticket, metadata__auto_reply=True).exists():
        return None
    refusal = auto_reply_refusal(ticket, first)
    if refusal:
        first.metadata = {**first.metadata, "auto_reply_skipped": refusal}
        first.save(update_fields=["metadata"])
        return None
    with translation.override(ticket.requester.language or ticket.language or settings.LANGUAGE_CODE):
        body = ticket.mailbox.auto_reply_text or _(
            "Hello,\n\nthank you for writing to us. Your request has the number %(number)s; we will "
            "answer it as soon as we can. To add anything, simply reply to this email.\n\n"
            "This is an automatic reply."
        ) % {"number": f"#{ticket.pk}"}
        expected = _expected_reply_line(ticket)
        if expected:
            body = f"{body}\n\n{expected}"
    return message_add(ticket=ticket, body=body, channel=Channel.EMAIL, metadata={"auto_reply": True})


def auto_reply_refusal(ticket: Ticket, first: Message) -> str:
    """Why an automatic reply to this ticket's requester would be wrong; "" when it is fine."""
    address = ticket.requester.email.lower()
    if not address:
        return "The requester has no email address."
    if first.metadata.get("auto_submitted"):
        return "The email was sent automatically (auto-reply, bulk or list mail)."
    if UNREAD_ADDRESS.match(address) or Mailbox.objects.filter(address__iexact=address).exists():
        return "The sender's address does not read replies."
    since = timezone.now() - timedelta(minutes=settings.AUTO_REPLY_WINDOW_MINUTES)
    recent = Message.objects.filter(
        ticket__requester=ticket.requester, metadata__auto_reply=True, created_at__gte=since
    )
    if recent.count() >= settings.AUTO_REPLY_MAX_PER_SENDER:
        return "The sender already got the most automatic replies allowed for now."
    return ""


def _expected_reply_line(ticket: Ticket) -> str:
    """ "We expect to answer by …", in the requester's time zone, from the forecast (sla/forecast.py)."""
    from tickets.sla.forecast import expected_first_reply

    forecast = expected_first_reply(ticket, now=timezone.now())
    if forecast is None:
        return ""
    zone = ZoneInfo(ticket.requester.time_zone) if ticket.requester.time_zone else None
    when = formats.date_format(timezone.localtime(forecast.at, zone), "SHORT_DATETIME_FORMAT")
    return _("We expect to answer by %(when)s.") % {"when": when}
