"""Email out: an agent's public reply on an email ticket, sent from the ticket's mailbox; and on a
web ticket (the portal, the contact form), sent with a link to the request in the portal.

    email_deliver(message_id=message.pk)    # from the Celery task tickets.tasks.email_deliver

The reply's Message-ID is made once and committed on `message.channel_message_id` before the first
attempt: the customer's answer names it in In-Reply-To, which is how it finds its ticket again, and a
retry after a send that did reach the server repeats the same id, so mail clients fold the duplicate.
The outcome is kept in `message.metadata["email"]` and shown under the message on the ticket page.
"""

import re
from email.utils import formataddr, make_msgid, parseaddr

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.core.mail.utils import DNS_NAME
from django.db import transaction
from django.utils import timezone, translation
from django.utils.html import escape
from django.utils.translation import gettext as _

from tickets.channels.delivery import delivery_record_failure, message_for_delivery
from tickets.models import Channel, Message, Ticket

# The channels whose customers hear of our replies by email.
EMAILED_CHANNELS = (Channel.EMAIL, Channel.WEB)
# How many earlier Message-IDs go into References: enough to thread, short enough for any server.
REFERENCES_MAX = 20
REPLY_PREFIX = re.compile(r"^\s*re\s*:", re.IGNORECASE)
# A plain HTML document around the sanitised body: no inline style (mail clients and our CSP alike).
HTML_DOCUMENT = (
    '<!DOCTYPE html>\n<html lang="{lang}">\n<head>\n<meta charset="utf-8">\n<title>{title}</title>\n'
    "</head>\n<body>\n{body}\n</body>\n</html>\n"
)


def email_reply_message(message: Message) -> EmailMultiAlternatives:
    """The email for a public agent reply on an email ticket, threaded onto the conversation.

    Uses `message.channel_message_id` as the Message-ID, making one when it is empty (set on the
    instance only: the caller stores it before sending, as `email_deliver` does)."""
    ticket = message.ticket
    if not message.channel_message_id:
        message.channel_message_id = new_message_id(ticket)
    headers = {"Message-ID": _bracketed(message.channel_message_id), "X-Helpdesk-Ticket": str(ticket.pk)}
    earlier = (
        Message.objects.filter(ticket=ticket, public=True, id__lt=message.pk)
        # Only real Message-IDs (ours, an email's): not "twilio:…" or the content hashes of id-less mail.
        .filter(channel_message_id__contains="@")
        .order_by("-created_at", "-id")
    )
    replied_to = earlier.filter(incoming=True).values_list("channel_message_id", flat=True).first()
    if replied_to:
        headers["In-Reply-To"] = _bracketed(replied_to)
    references = list(earlier.values_list("channel_message_id", flat=True)[:REFERENCES_MAX])
    if references:
        headers["References"] = " ".join(_bracketed(ref) for ref in reversed(references))
    automatic = bool(message.metadata.get("auto_reply"))
    if automatic:
        # RFC 3834: answered by a machine, so other machines must not answer it; and to the sender only.
        headers.update({"Auto-Submitted": "auto-replied", "X-Auto-Response-Suppress": "All"})
    # Otherwise no Auto-Submitted header: a person wrote it, and auto-responders answer it as usual.
    subject = reply_subject(ticket)
    body_text, body_html = message.body_text, message.body_html
    if ticket.channel == Channel.WEB:
        link = _portal_link(ticket)
        body_text = f"{body_text}\n\n-- \n{link}"
        body_html = f"{body_html}\n<hr>\n<p>{escape(link)}</p>"
    email = EmailMultiAlternatives(
        subject=subject,
        body=body_text,
        from_email=_sender(ticket),
        to=[_address(ticket.requester)],
        cc=[] if automatic else _cc_addresses(ticket),
        headers=headers,
    )
    document = HTML_DOCUMENT.format(
        lang=escape(ticket.language or settings.LANGUAGE_CODE), title=escape(subject), body=body_html
    )
    email.attach_alternative(document, "text/html")
    for attachment in message.attachments.all():
        with attachment.file.open("rb") as handle:
            email.attach(attachment.filename, handle.read(), attachment.content_type)
    return email


def _portal_link(ticket: Ticket) -> str:
    url = settings.SITE_URL.rstrip("/") + ticket.get_portal_url()
    with translation.override(ticket.language or ticket.requester.language or settings.LANGUAGE_CODE):
        return _("Reply to this email, or follow your request in our portal: %(url)s") % {"url": url}


def reply_subject(ticket: Ticket) -> str:
    """ "Re: <subject> [#<pk>]", without a second "Re:" or token when the subject already has them."""
    subject = " ".join(ticket.subject.split())  # a folded subject must not smuggle in a line break
    if not REPLY_PREFIX.match(subject):
        subject = f"Re: {subject}"
    token = f"[#{ticket.pk}]"
    if token not in subject:
        subject = f"{subject} {token}"
    return subject


def email_deliver(*, message_id: int, final_attempt: bool = False) -> str:
    """Send a public agent reply to the ticket's requester and CCs; return "sent" or "skipped".

    Idempotent: a message already sent is not sent again, and two deliveries of the same message
    at once are serialised by a row lock held across the send. A failed send is recorded as
    "retrying" (or "failed" on the `final_attempt`) in a transaction of its own, which must not
    be inside the caller's, and the error is raised again so that Celery retries."""
    message = message_for_delivery(message_id)
    if message is None or _skip(message):
        return "skipped"
    if message.metadata.get("email", {}).get("status") == "sent":
        return "sent"
    if not message.channel_message_id:
        # Committed before any attempt, so that every attempt sends the same Message-ID.
        Message.objects.filter(pk=message.pk, channel_message_id="").update(
            channel_message_id=new_message_id(message.ticket)
        )
    attempts = 0
    try:
        with transaction.atomic():
            message = message_for_delivery(message_id, lock=True)
            if message is None or _skip(message):
                return "skipped"
            state = message.metadata.get("email", {})
            if state.get("status") == "sent":
                return "sent"  # another worker sent it while we waited for the lock
            attempts = state.get("attempts", 0) + 1
            email_reply_message(message).send()
            message.metadata = {
                **message.metadata,
                "email": {
                    "status": "sent",
                    "sent_at": timezone.now().isoformat(),
                    "attempts": attempts,
                    "message_id": message.channel_message_id,
                },
            }
            message.save(update_fields=["metadata"])
            return "sent"
    except Exception as exc:
        delivery_record_failure(
            message_id,
            key="email",
            attempts=attempts,
            final=final_attempt,
            error=f"{type(exc).__name__}: {exc}",
        )
        raise


def _skip(message: Message) -> bool:
    """Whether this message is not ours to email: a note, a customer's message, a non-email ticket."""
    ticket = message.ticket
    return (
        not message.public
        or message.incoming
        or ticket.channel not in EMAILED_CHANNELS
        or not ticket.requester.email
    )


def _sender(ticket: Ticket) -> str:
    mailbox = ticket.mailbox
    if mailbox is None:
        return settings.DEFAULT_FROM_EMAIL
    return formataddr((mailbox.from_name or _site_name(), mailbox.address))


def _site_name() -> str:
    return parseaddr(settings.DEFAULT_FROM_EMAIL)[0] or "Helpdesk"


def _sender_domain(ticket: Ticket) -> str:
    address = ticket.mailbox.address if ticket.mailbox else parseaddr(settings.DEFAULT_FROM_EMAIL)[1]
    return address.rpartition("@")[2] or str(DNS_NAME)


def _cc_addresses(ticket: Ticket) -> list[str]:
    skip = {ticket.requester.email.lower()}
    if ticket.mailbox:
        skip.add(ticket.mailbox.address.lower())  # never copy ourselves: it would come back as a loop
    addresses = []
    for address in ticket.ccs.exclude(email="").order_by("id").values_list("email", flat=True):
        if address.lower() not in skip:
            skip.add(address.lower())
            addresses.append(address)
    return addresses


def _address(customer) -> str:
    """ "Rūta Jankauskienė <ruta@example.lt>", or the bare address when we know no name."""
    if customer.name and customer.name != customer.email:
        return formataddr((customer.name, customer.email))
    return customer.email


def new_message_id(ticket) -> str:
    """A fresh Message-ID, stored as every Message-ID is: without its angle brackets."""
    return make_msgid(domain=_sender_domain(ticket)).strip("<>")


def _bracketed(message_id: str) -> str:
    return f"<{message_id.strip().strip('<>')}>"
