"""The conversation: replies, internal notes, customer replies, attachments and reply collisions."""

import secrets
from datetime import datetime
from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext as _

from customers.models import Customer
from helpdesk.lib.html import html_to_text, sanitize_html, text_to_html
from helpdesk.models import User
from helpdesk.outbox import outbox_publish
from tickets import search
from tickets.access import ensure_can_work
from tickets.models import Attachment, AuthorKind, Channel, Message, Status, Ticket

# Never accepted, whatever the content: programs and scripts that a click could run.
FORBIDDEN_EXTENSIONS = {
    "exe",
    "com",
    "bat",
    "cmd",
    "scr",
    "pif",
    "msi",
    "msp",
    "dll",
    "cpl",
    "jar",
    "js",
    "jse",
    "vbs",
    "vbe",
    "wsf",
    "wsh",
    "ps1",
    "psm1",
    "sh",
    "app",
    "apk",
    "hta",
    "lnk",
    "reg",
}
# Programs recognised by their first bytes, in case they come renamed (Windows PE, ELF, Mach-O).
FORBIDDEN_MAGIC = (b"MZ", b"\x7fELF", b"\xcf\xfa\xed\xfe", b"\xfe\xed\xfa\xcf")


class ReplyCollision(Exception):
    """Someone else replied publicly after the agent opened the ticket; show them those replies first."""

    def __init__(self, messages: list[Message]):
        super().__init__(_("Someone else replied to this ticket while you were writing."))
        self.messages = messages


def validate_attachments(files: list) -> None:
    errors = []
    for upload in files:
        name = PurePath(upload.name or "").name
        # Windows drops trailing dots and spaces when it saves a file: "run.bat. " becomes run.bat.
        bare = name.rstrip(". ")
        extension = bare.rsplit(".", 1)[-1].lower() if "." in bare else ""
        if upload.size > settings.ATTACHMENT_MAX_BYTES:
            errors.append(
                _("%(name)s is too large (%(size)s; the limit is %(limit)s).")
                % {
                    "name": name,
                    "size": filesizeformat(upload.size),
                    "limit": filesizeformat(settings.ATTACHMENT_MAX_BYTES),
                }
            )
            continue
        head = upload.read(8)
        upload.seek(0)
        if extension in FORBIDDEN_EXTENSIONS or head.startswith(FORBIDDEN_MAGIC):
            errors.append(_("%(name)s is a program or script, which cannot be attached.") % {"name": name})
    if errors:
        raise ValidationError({"attachments": errors})


def message_add(
    *,
    ticket: Ticket,
    body: str = "",
    body_html: str | None = None,
    author_user: User | None = None,
    author_customer: Customer | None = None,
    public: bool = True,
    channel: str = Channel.INTERNAL,
    attachments: list | None = None,
    channel_message_id: str = "",
    metadata: dict | None = None,
    now: datetime | None = None,
) -> Message:
    """Store one message with its attachments (the callers decide what it does to the ticket)."""
    now = now or timezone.now()
    clean_html = sanitize_html(body_html) if body_html else text_to_html(body)
    text = html_to_text(clean_html) if body_html else body.strip()
    attachments = attachments or []
    if not text and not attachments:
        raise ValidationError({"body": _("The message is empty.")})
    validate_attachments(attachments)
    if author_user is not None and author_user.is_agent:
        author_kind = AuthorKind.AGENT
    elif author_user is not None or author_customer is not None:
        author_kind = AuthorKind.CUSTOMER
    else:
        author_kind = AuthorKind.SYSTEM
    message = Message.objects.create(
        ticket=ticket,
        author_kind=author_kind,
        author_user=author_user,
        author_customer=author_customer,
        incoming=author_customer is not None,
        public=public,
        body_html=clean_html,
        body_text=text,
        channel=channel,
        channel_message_id=channel_message_id,
        metadata=metadata or {},
        created_at=now,
    )
    for upload in attachments:
        attachment = Attachment(
            message=message,
            token=secrets.token_hex(16),
            filename=PurePath(upload.name or "attachment").name[:255],
            content_type=(getattr(upload, "content_type", "") or "application/octet-stream")[:100],
            size=upload.size,
        )
        attachment.file.save(attachment.token, upload, save=False)
        attachment.save()
    search.index_message(message)
    fields = ["updated_at"]
    ticket.updated_at = now
    if public:
        ticket.last_public_message_id = message.pk
        fields.append("last_public_message_id")
    Ticket.objects.filter(pk=ticket.pk).update(**{field: getattr(ticket, field) for field in fields})
    return message


@transaction.atomic
def ticket_reply(
    *,
    ticket: Ticket,
    by: User,
    body: str,
    attachments: list | None = None,
    status: str | None = None,
    seen_message_id: int | None = None,
    force: bool = False,
) -> Message:
    """A public reply by an agent. Refused with ReplyCollision when another public message arrived
    after `seen_message_id` (the newest one the agent saw), unless `force`."""
    from tickets.services.core import ticket_update

    ensure_can_work(by, ticket)
    # Row lock: two agents replying at once are serialised, and the second sees the first's reply.
    ticket = Ticket.objects.select_for_update().get(pk=ticket.pk)
    if ticket.status == Status.CLOSED:
        raise ValidationError({"body": _("This ticket is closed; open a follow-up ticket instead.")})
    newer = _public_messages_since(ticket, seen_message_id, exclude_author=by)
    if newer and not force:
        raise ReplyCollision(newer)
    message = message_add(
        ticket=ticket, body=body, author_user=by, public=True, channel=ticket.channel, attachments=attachments
    )
    if ticket.first_response_at is None:
        Ticket.objects.filter(pk=ticket.pk).update(first_response_at=message.created_at)
    if ticket.channel == Channel.CHAT:
        from tickets.channels.chat import chat_answered

        chat_answered(ticket=ticket)  # stops the chat's unanswered clock
    new_status = status or (Status.OPEN if ticket.status == Status.NEW else None)
    if new_status and new_status != ticket.status:
        ticket_update(ticket=ticket, by=by, changes={"status": new_status})
    outbox_publish(name="ticket.replied", payload={"ticket_id": ticket.pk, "message_id": message.pk})
    return message


def _public_messages_since(
    ticket: Ticket, seen_message_id: int | None, *, exclude_author: User
) -> list[Message]:
    if seen_message_id is None or not ticket.last_public_message_id:
        return []
    if ticket.last_public_message_id <= seen_message_id:
        return []
    return list(
        ticket.messages.filter(public=True, id__gt=seen_message_id)
        .exclude(author_user=exclude_author)
        .select_related("author_user", "author_customer")
        .order_by("id")
    )


@transaction.atomic
def ticket_add_note(*, ticket: Ticket, by: User, body: str, attachments: list | None = None) -> Message:
    """An internal note: agents see it, customers never do."""
    ensure_can_work(by, ticket)
    message = message_add(ticket=ticket, body=body, author_user=by, public=False, attachments=attachments)
    outbox_publish(name="ticket.noted", payload={"ticket_id": ticket.pk, "message_id": message.pk})
    return message


@transaction.atomic
def ticket_customer_reply(
    *,
    ticket: Ticket,
    customer: Customer,
    body: str = "",
    body_html: str | None = None,
    channel: str = Channel.WEB,
    attachments: list | None = None,
    channel_message_id: str = "",
) -> Message:
    """A reply from the customer. It reopens a solved or pending ticket; on a closed ticket
    it opens a follow-up ticket linked to the old one, since closed is final."""
    from tickets.services.core import activity_record, ticket_create

    ticket = Ticket.objects.select_for_update().get(pk=ticket.pk)
    target = ticket
    if ticket.status == Status.CLOSED:
        # The reply is added as a message of its own (not as ticket_create's body), so that an empty
        # reply is refused, an attachment-only one keeps its files, and the channel message id is kept.
        target = ticket_create(
            requester=customer, subject=ticket.subject, channel=channel, language=ticket.language
        )
        target.related.add(ticket)
    message = message_add(
        ticket=target,
        body=body,
        body_html=body_html,
        author_customer=customer,
        public=True,
        channel=channel,
        attachments=attachments,
        channel_message_id=channel_message_id,
    )
    if target is not ticket:
        return message  # the follow-up announced itself as ticket.created
    if ticket.status in (Status.SOLVED, Status.PENDING):
        old = ticket.status
        Ticket.objects.filter(pk=ticket.pk).update(
            status=Status.OPEN, solved_at=None, status_changed_at=timezone.now()
        )
        activity_record(
            ticket=ticket, actor=None, field="status", old=old, new=Status.OPEN, reason=_("customer replied")
        )
    outbox_publish(name="ticket.customer_replied", payload={"ticket_id": ticket.pk, "message_id": message.pk})
    return message
