"""Email in: every way an email reaches us (the ingest_email pipe, the webhook, IMAP) ends here.

    receive_email(raw=bytes_from_the_mta, mailbox=mailbox)

One transaction stores the raw email, finds or creates the customer, threads the message onto
its ticket or opens a new one, and writes the outbox events. Nothing is silently dropped: a
duplicate finds the first delivery, our own mail coming back is recorded as a loop, a bounce is
noted on the ticket it bounced from, and an email we cannot read is quarantined with its reason.
"""

import dataclasses
import hashlib
import html
import logging
import re
import uuid
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import DatabaseError, DataError, IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext as _

from customers.models import Customer
from customers.services import customer_find_or_create
from helpdesk.lib.html import text_to_html
from helpdesk.models import DESK_ROLES, User
from tickets.channels.email_parse import EmailParseError, ParsedEmail, parse_email
from tickets.channels.email_text import trim_quoted
from tickets.models import Channel, InboundEmail, InboundStatus, Mailbox, Message, Ticket
from tickets.services import ticket_create, ticket_customer_reply
from tickets.services.conversation import message_add, validate_attachments

log = logging.getLogger(__name__)
TICKET_TOKEN = re.compile(r"\[#(\d{1,12})\]")


@dataclass(frozen=True)
class EmailReceipt:
    inbound: InboundEmail
    duplicate: bool = False


def receive_email(*, raw: bytes, mailbox: Mailbox | None = None) -> EmailReceipt:
    """File one raw RFC 822 email; see the module docstring for what becomes of it."""
    try:
        parsed = _fit_columns(parse_email(raw), raw)
    except EmailParseError as error:
        return EmailReceipt(_quarantine(raw, mailbox, str(error)))
    try:
        with transaction.atomic():
            inbound = _store(raw, mailbox, parsed.message_id)
            if inbound is None:
                first = InboundEmail.objects.get(mailbox=mailbox, message_id=parsed.message_id)
                return EmailReceipt(first, duplicate=True)
            try:
                with transaction.atomic():
                    _file(inbound, parsed, mailbox)
            except IntegrityError:
                _file_as_copy(inbound, parsed)
            inbound.save()
            return EmailReceipt(inbound, duplicate=inbound.status == InboundStatus.DUPLICATE)
    except ValidationError as error:
        # The email is readable but cannot become a message (say, nothing but refused files).
        return EmailReceipt(_quarantine(raw, mailbox, "; ".join(error.messages)))
    except DataError as error:  # a value our columns cannot hold: retrying would never help
        return EmailReceipt(_quarantine(raw, mailbox, f"Could not be stored: {error}"))
    except DatabaseError:
        raise  # a temporary failure: the caller tells the sender to try again
    except Exception as error:  # a bug must not lose the email: keep it for re-processing after the fix
        log.exception("Could not file an email for mailbox %s.", mailbox)
        return EmailReceipt(_quarantine(raw, mailbox, f"Could not be filed: {type(error).__name__}: {error}"))


def _fit_columns(parsed: ParsedEmail, raw: bytes) -> ParsedEmail:
    """Clip what the sender controls to what our columns hold; an email without a Message-ID gets
    one from its content, so that a retried or replayed delivery of the same bytes is stored once."""
    message_id = parsed.message_id[:250] or f"sha256:{hashlib.sha256(raw).hexdigest()}"
    if len(parsed.from_address) > 254:
        raise EmailParseError("The sender's address is longer than an email address can be.")
    return dataclasses.replace(
        parsed,
        message_id=message_id,
        from_name=parsed.from_name[:200],
        to=[address for address in parsed.to if len(address) <= 254],
        cc=[address for address in parsed.cc if len(address) <= 254],
        subject=parsed.subject[:250],
        in_reply_to=[value[:250] for value in parsed.in_reply_to],
        references=[value[:250] for value in parsed.references[-50:]],
    )


def _store(raw: bytes, mailbox: Mailbox | None, message_id: str) -> InboundEmail | None:
    """The row for this email, or None when (mailbox, Message-ID) is already stored.

    The unique constraint decides, so two deliveries at the same moment cannot both pass."""
    inbound = InboundEmail(
        mailbox=mailbox, message_id=message_id[:250], size=len(raw), status=InboundStatus.TICKET
    )
    inbound.raw.save(f"{uuid.uuid4().hex}.eml", ContentFile(raw), save=False)
    try:
        with transaction.atomic():
            inbound.save()
    except IntegrityError:
        inbound.raw.delete(save=False)
        return None
    return inbound


def _quarantine(raw: bytes, mailbox: Mailbox | None, reason: str) -> InboundEmail:
    log.warning("Quarantined an email for mailbox %s: %s", mailbox, reason)
    inbound = InboundEmail(
        mailbox=mailbox, size=len(raw), status=InboundStatus.QUARANTINED, reason=reason[:2000]
    )
    inbound.raw.save(f"{uuid.uuid4().hex}.eml", ContentFile(raw), save=False)
    inbound.save()
    return inbound


def _file(inbound: InboundEmail, parsed: ParsedEmail, mailbox: Mailbox | None) -> None:
    """Decide what the email is and record it on a ticket; sets inbound's status and links."""
    if parsed.message_id and _we_sent(parsed.message_id):
        inbound.status, inbound.reason = InboundStatus.LOOP, _("This is an email we sent ourselves.")
        return
    if parsed.is_bounce:
        _file_bounce(inbound, parsed)
        return
    if (
        parsed.message_id
        and Message.objects.filter(channel_message_id=parsed.message_id, incoming=True).exists()
    ):
        _file_as_copy(inbound, parsed)
        return
    if _file_staff_email(inbound, parsed, mailbox):
        return
    customer = customer_find_or_create(email=parsed.from_address, name=parsed.from_name)
    attachments, content_ids, refused = _attachments(parsed)
    # A subject alone is still a request ("Call me back"): file it with a line saying so.
    text = parsed.text if parsed.text.strip() or parsed.html or attachments else _("(The email had no text.)")
    ticket = thread_for(parsed, customer, mailbox)
    if ticket is None:
        ticket = ticket_create(
            requester=customer,
            subject=parsed.subject or _("(no subject)"),
            body=text,
            body_html=parsed.html or None,
            channel=Channel.EMAIL,
            team=mailbox.team if mailbox else None,
            attachments=attachments,
            channel_message_id=parsed.message_id,
            mailbox=mailbox,
        )
        message = ticket.messages.get()
        inbound.status = InboundStatus.TICKET
    else:
        message = ticket_customer_reply(
            ticket=ticket,
            customer=customer,
            body=text,
            body_html=parsed.html or None,
            channel=Channel.EMAIL,
            attachments=attachments,
            channel_message_id=parsed.message_id,
        )
        inbound.status = InboundStatus.REPLY
    if message.ticket.requester_id == customer.pk:
        # Only the requester decides who else hears about the ticket (From can be forged).
        _add_ccs(message.ticket, parsed, mailbox)
    metadata = {
        "from": parsed.from_address,
        "to": parsed.to,
        "cc": parsed.cc,
        "auto_submitted": parsed.auto_submitted,
    }
    if refused:
        metadata["refused_attachments"] = refused
        inbound.reason = "; ".join(refused)
    trimmed = trim_quoted(message.body_text)
    if trimmed.strip() and len(trimmed.strip()) < len(message.body_text.strip()):
        # Shown first on the ticket page; the full email stays in body_html, one click away.
        metadata["trimmed_html"] = text_to_html(trimmed)
    message.metadata = metadata
    message.body_html = _inline_images(message, content_ids)
    message.save(update_fields=["metadata", "body_html"])
    inbound.ticket, inbound.ticket_message = message.ticket, message


def _file_as_copy(inbound: InboundEmail, parsed: ParsedEmail) -> None:
    """The same email reached another of our mailboxes first: it is that ticket's message already."""
    first = Message.objects.filter(channel_message_id=parsed.message_id, incoming=True).first()
    inbound.status = InboundStatus.DUPLICATE
    inbound.reason = _("Already received through another mailbox.")
    inbound.ticket, inbound.ticket_message = (first.ticket, first) if first else (None, None)


def _we_sent(message_id: str) -> bool:
    return Message.objects.filter(channel_message_id=message_id, incoming=False).exists()


def _file_bounce(inbound: InboundEmail, parsed: ParsedEmail) -> None:
    """A delivery failure report: an internal note on the ticket of the email that bounced."""
    inbound.status = InboundStatus.BOUNCE
    original = (
        Message.objects.filter(channel_message_id=parsed.bounced_message_id, incoming=False)
        .select_related("ticket")
        .first()
        if parsed.bounced_message_id
        else None
    )
    if original is None:
        inbound.reason = _("A bounce for an email we do not know.")
        return
    note = message_add(
        ticket=original.ticket,
        body=_("Delivery failed: %(report)s") % {"report": (parsed.text or parsed.subject)[:2000]},
        public=False,
        channel=Channel.EMAIL,
        channel_message_id=parsed.message_id,
        metadata={"bounce": True, "bounced_message_id": parsed.bounced_message_id},
    )
    Message.objects.filter(pk=original.pk).update(metadata={**original.metadata, "bounced": True})
    inbound.ticket, inbound.ticket_message = original.ticket, note


def thread_for(parsed: ParsedEmail, customer: Customer, mailbox: Mailbox | None = None) -> Ticket | None:
    """The ticket this email continues: by the Message-IDs it answers, then by a [#123] token in the
    subject or a +123 in our mailbox's address. A match counts only when the sender takes part in
    that ticket (requester, CC, or the requester's organization); a stranger answering a forwarded
    email opens a ticket of their own. From cannot be verified, so it never grants more than that."""
    for pk in _candidates(parsed, mailbox):
        ticket = Ticket.objects.select_related("requester", "merged_into").filter(pk=pk).first()
        if ticket is not None and _takes_part(ticket, customer):
            return ticket.merged_into or ticket
    return None


def _candidates(parsed: ParsedEmail, mailbox: Mailbox | None) -> list[int]:
    """The tickets an email names, most telling first: those of the Message-IDs it answers, a [#123]
    token in its subject, a support+123@ address of our mailbox."""
    candidates = []
    ids = [*parsed.in_reply_to, *reversed(parsed.references)]
    if ids:
        known = (
            Message.objects.filter(channel_message_id__in=ids)
            .order_by("-id")
            .values_list("ticket_id", flat=True)
        )
        candidates.extend(known[:5])
    candidates.extend(int(number) for number in TICKET_TOKEN.findall(parsed.subject))
    if mailbox is not None:
        local, _at, domain = mailbox.address.partition("@")
        plus = re.compile(rf"^{re.escape(local)}\+(\d{{1,12}})@{re.escape(domain)}$", re.IGNORECASE)
        candidates.extend(
            int(match.group(1)) for address in parsed.to + parsed.cc if (match := plus.match(address))
        )
    return candidates


def _file_staff_email(inbound: InboundEmail, parsed: ParsedEmail, mailbox: Mailbox | None) -> bool:
    """An agent answering a notification from their mail client: on a ticket they may work, the email
    becomes an internal note saying who it claims to be from (From cannot be verified, so it never
    speaks to the customer as the agent); True when filed so."""
    agent = User.objects.filter(
        email__iexact=parsed.from_address, is_active=True, role__in=DESK_ROLES
    ).first()
    if agent is None:
        return False
    visible = Ticket.objects.visible_to(agent).select_related("merged_into")
    ticket = next(filter(None, (visible.filter(pk=pk).first() for pk in _candidates(parsed, mailbox))), None)
    if ticket is None:
        return False
    ticket = ticket.merged_into or ticket
    note = _(
        "Emailed by %(name)s <%(address)s> (the sender cannot be verified; "
        "reply from the desk to reach the customer):"
    ) % {"name": agent.full_name or agent.email, "address": parsed.from_address}
    message = message_add(
        ticket=ticket,
        body=f"{note}\n\n{parsed.text.strip() or parsed.subject}",
        public=False,
        channel=Channel.EMAIL,
        metadata={"from": parsed.from_address, "staff_email": True},
    )
    inbound.status, inbound.ticket, inbound.ticket_message = InboundStatus.REPLY, ticket, message
    return True


def _takes_part(ticket: Ticket, customer: Customer) -> bool:
    if ticket.requester_id == customer.pk or ticket.ccs.filter(pk=customer.pk).exists():
        return True
    return bool(ticket.organization_id and ticket.organization_id == customer.organization_id)


def _attachments(parsed: ParsedEmail) -> tuple[list, list[str], list[str]]:
    """The files to keep, the Content-ID of each ("" for none), and a reason for each one refused
    (the email itself is still filed)."""
    kept, content_ids, refused = [], [], []
    for part in parsed.attachments:
        upload = SimpleUploadedFile(part.filename, part.content, content_type=part.content_type)
        try:
            validate_attachments([upload])
        except ValidationError as error:
            refused.extend(error.messages)
            continue
        kept.append(upload)
        content_ids.append(part.content_id if part.inline else "")
    return kept, content_ids, refused


CID_SOURCE = re.compile(r'src="cid:([^"]*)"')


def _inline_images(message: Message, content_ids: list[str]) -> str:
    """Point the HTML's cid: images at the stored attachments; a cid: that matches none is dropped
    (the browser could not load it anyway)."""
    if "cid:" not in message.body_html:
        return message.body_html
    stored = message.attachments.order_by("id")
    # Attachments are stored in the order given, so they pair with content_ids one to one.
    tokens = {
        html.escape(cid): attachment.token for cid, attachment in zip(content_ids, stored, strict=True) if cid
    }

    def rewrite(match: re.Match) -> str:
        token = tokens.get(match.group(1))
        return f'src="{reverse("desk:attachment_image", args=[token])}"' if token else 'src=""'

    return CID_SOURCE.sub(rewrite, message.body_html)


def _add_ccs(ticket: Ticket, parsed: ParsedEmail, mailbox: Mailbox | None) -> None:
    ours = set(Mailbox.objects.values_list("address", flat=True))
    addresses = {a for a in parsed.cc + parsed.to if a not in ours and a != parsed.from_address}
    addresses -= {ticket.requester.email}
    addresses = {a for a in addresses if not re.match(r"^[^+@]+\+\d+@", a)}
    if not addresses:
        return
    for address in sorted(addresses)[:20]:
        ticket.ccs.add(customer_find_or_create(email=address))


def mailbox_for(name: str | None) -> Mailbox | None:
    """The active mailbox of that name; None for no name; LookupError for an unknown one."""
    if not name:
        return None
    mailbox = Mailbox.objects.filter(Q(name=name) | Q(address__iexact=name), active=True).first()
    if mailbox is None:
        raise LookupError(name)
    return mailbox


def reprocess_quarantined(inbound: InboundEmail) -> InboundEmail:
    """Try a quarantined email again (after a parser fix, say). On success the new record replaces
    the quarantined one; otherwise the quarantined record gets the new reason."""
    with inbound.raw.open("rb") as handle:
        raw = handle.read()
    receipt = receive_email(raw=raw, mailbox=inbound.mailbox)
    if receipt.inbound.status == InboundStatus.QUARANTINED:
        InboundEmail.objects.filter(pk=inbound.pk).update(reason=receipt.inbound.reason)
        receipt.inbound.raw.delete(save=False)
        receipt.inbound.delete()
        inbound.refresh_from_db()
        return inbound
    inbound.raw.delete(save=False)
    inbound.delete()
    return receipt.inbound
