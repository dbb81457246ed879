"""GDPR export (right of access, Art. 15, and portability, Art. 20): one zip with everything we hold
about a customer, readable by people and machines.

    customer.json                             profile, portal login, identities, consent history,
                                              organization, tags, merged duplicates, merges, chats
    tickets.json                              their tickets, each with its messages (see scope.py)
    attachments/<ticket>/<message>/<filename> every file of those messages
    emails/<inbound id>.eml                   every email they sent us, as it arrived

Internal notes are part of the export on the tickets they asked: they are personal data about the
customer too, and staff are told so (README). The zip is built in a temporary file that spills to
disk, so a customer with thousands of messages does not have to fit in memory.
"""

import json
import logging
import os
import re
import shutil
import tempfile
import zipfile
from collections import defaultdict
from collections.abc import Iterator
from typing import IO

from django.core.exceptions import SuspiciousFileOperation
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.db.models import Prefetch
from django.utils import timezone
from django.utils.text import get_valid_filename

from customers.gdpr.scope import CustomerScope, customer_scope, ensure_admin
from customers.models import Customer, CustomerMerge
from helpdesk.models import Role, User
from helpdesk.services import audit_record
from tickets.models import Attachment, InboundEmail, Message, Ticket

log = logging.getLogger(__name__)
FORMAT = "helpdesk-gdpr-export/1"
# Tickets read per round: a few queries per batch, never one per row, never all rows at once.
BATCH = 200
# Up to this size the zip stays in memory; beyond it, in a temporary file on disk.
SPOOL_BYTES = 8 * 1024 * 1024


def customer_export(*, customer: Customer, by: User) -> IO[bytes]:
    """The customer's data as a zip in a temporary file, positioned at its start; the caller closes it.

    Audited with what it held. Admins may export anyone; a customer only themselves, in the portal
    (PermissionDenied otherwise, even for other staff)."""
    own = by.role == Role.CUSTOMER and customer.user_id == by.pk
    if not own:
        ensure_admin(by)
    scope = customer_scope(customer)
    archive = tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES)  # noqa: SIM115 - returned open
    try:
        with zipfile.ZipFile(archive, "w", compression=zipfile.ZIP_DEFLATED) as zipped:
            counts = _ExportWriter(zipped, scope).write()
    except BaseException:
        archive.close()
        raise
    summary = (
        f"Customer #{customer.pk} downloaded their own data in the portal"
        if own
        else f"Exported the personal data of customer #{customer.pk}"
    )
    with transaction.atomic():
        audit_record(
            actor=by,
            action="customer.exported",
            target=customer,
            summary=summary,
            **({"via": "portal"} if own else {}),
            **counts,
        )
    archive.seek(0)
    return archive


def _dump(data) -> bytes:
    return json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2).encode()


def safe_filename(name: str, fallback: str) -> str:
    """A file name that is safe inside a zip on any system: no folders, no leading dots, no
    characters a file system would choke on; letters of every alphabet are kept."""
    name = re.sub(r"[\x00-\x1f\x7f]", "", name.replace("\\", "/").rsplit("/", 1)[-1]).strip()
    try:
        name = get_valid_filename(name).lstrip(".")
    except SuspiciousFileOperation:
        name = ""
    if len(name) > 120:
        stem, extension = os.path.splitext(name)
        name = stem[: 120 - len(extension[:20])] + extension[:20]
    return name or fallback


class _ExportWriter:
    def __init__(self, zipped: zipfile.ZipFile, scope: CustomerScope) -> None:
        self.zipped, self.scope = zipped, scope
        self.counts = {"tickets": 0, "messages": 0, "attachments": 0, "emails": 0, "missing_files": 0}

    def write(self) -> dict[str, int]:
        self.zipped.writestr("customer.json", _dump(self._customer()))
        # Written ticket by ticket, so the JSON is never whole in memory; into a file of its own,
        # since the zip takes one entry at a time and the files are copied in meanwhile.
        with tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES) as entry:
            entry.write(b"[")
            for number, ticket in enumerate(self._tickets()):
                entry.write(b"," if number else b"")
                entry.write(b"\n" + _dump(ticket))
            entry.write(b"\n]\n")
            entry.seek(0)
            with self.zipped.open("tickets.json", "w") as target:
                shutil.copyfileobj(entry, target, 1024 * 1024)
        return self.counts

    def _customer(self) -> dict:
        customer, *duplicates = self.scope.people
        ids = self.scope.customer_ids
        merges = CustomerMerge.objects.filter(source__in=ids) | CustomerMerge.objects.filter(target__in=ids)
        return {
            "format": FORMAT,
            "exported_at": timezone.now(),
            "customer": _profile(customer),
            "identities": [
                {
                    "kind": identity.kind,
                    "value": identity.value,
                    "display": identity.display,
                    "verified": identity.verified,
                    "created_at": identity.created_at,
                }
                for person in self.scope.people
                for identity in person.identities.order_by("pk")
            ],
            # The whole history, oldest first: what they decided, when and how.
            "consents": [
                {
                    "purpose": consent.purpose,
                    "granted": consent.granted,
                    "source": consent.source,
                    "note": consent.note,
                    "recorded_at": consent.recorded_at,
                    "recorded_by": str(consent.recorded_by) if consent.recorded_by else None,
                }
                for person in self.scope.people
                for consent in person.consents.select_related("recorded_by").order_by("recorded_at", "pk")
            ],
            "merged_duplicates": [_profile(duplicate) for duplicate in duplicates],
            "merges": [
                {
                    "duplicate": merge.source_id,
                    "merged_into": merge.target_id,
                    "merged_at": merge.merged_at,
                    "undone_at": merge.undone_at,
                }
                for merge in merges.distinct().order_by("merged_at", "pk")
            ],
            "chats": [
                {
                    "ticket": chat.ticket_id,
                    "status": chat.status,
                    "page_url": chat.page_url,
                    "started_at": chat.started_at,
                }
                for person in self.scope.people
                for chat in person.chats.order_by("started_at", "pk")
            ],
        }

    def _tickets(self) -> Iterator[dict]:
        ids = self.scope.ticket_ids
        for start in range(0, len(ids), BATCH):
            batch = ids[start : start + BATCH]
            tickets = (
                Ticket.objects.filter(pk__in=batch)
                .select_related("organization", "team")
                .prefetch_related("tags")
                .order_by("pk")
            )
            messages = defaultdict(list)
            for message in self._messages(batch):
                messages[message.ticket_id].append(message)
            for ticket in tickets:
                self.counts["tickets"] += 1
                yield self._ticket(ticket, messages[ticket.pk])

    def _messages(self, ticket_ids: list[int]) -> list[Message]:
        own = set(
            Message.objects.filter(self.scope.own_messages(), ticket_id__in=ticket_ids).values_list(
                "pk", flat=True
            )
        )
        messages = list(
            Message.objects.filter(self.scope.exported_messages(), ticket_id__in=ticket_ids)
            .select_related("author_user", "author_customer")
            .prefetch_related(Prefetch("attachments", queryset=Attachment.objects.order_by("pk")))
            .order_by("ticket_id", "created_at", "pk")
        )
        # The raw emails they sent: the messages they wrote that came in by email.
        emails = defaultdict(list)
        for inbound in InboundEmail.objects.filter(ticket_message__in=own).exclude(raw="").order_by("pk"):
            emails[inbound.ticket_message_id].append(inbound)
        for message in messages:
            message.export_emails = emails[message.pk]
        return messages

    def _ticket(self, ticket: Ticket, messages: list[Message]) -> dict:
        if ticket.pk in self.scope.requested:
            role = "requester"
        elif ticket.pk in self.scope.copied:
            role = "cc"
        else:
            role = "participant"
        return {
            "id": ticket.pk,
            "your_role": role,
            "subject": ticket.subject,
            "status": ticket.status,
            "priority": ticket.priority,
            "type": ticket.type,
            "channel": ticket.channel,
            "language": ticket.language,
            "organization": ticket.organization.name if ticket.organization else None,
            "team": ticket.team.name if ticket.team else None,
            "tags": sorted(tag.name for tag in ticket.tags.all()),
            "created_at": ticket.created_at,
            "updated_at": ticket.updated_at,
            "first_response_at": ticket.first_response_at,
            "solved_at": ticket.solved_at,
            "closed_at": ticket.closed_at,
            "messages": [self._message(message) for message in messages],
        }

    def _message(self, message: Message) -> dict:
        self.counts["messages"] += 1
        folder = f"attachments/{message.ticket_id}/{message.pk}"
        used: set[str] = set()
        attachments = []
        for attachment in message.attachments.all():
            name = safe_filename(attachment.filename, f"attachment-{attachment.pk}")
            if name in used:
                name = f"{attachment.pk}-{name}"
            used.add(name)
            path = f"{folder}/{name}"
            stored = self._copy(attachment.file, path)
            attachments.append(
                {
                    "filename": attachment.filename,
                    "content_type": attachment.content_type,
                    "size": attachment.size,
                    "path": path if stored else None,
                }
            )
            self.counts["attachments"] += stored
        emails = []
        for inbound in message.export_emails:
            path = f"emails/{inbound.pk}.eml"
            if self._copy(inbound.raw, path):
                emails.append({"path": path, "received_at": inbound.received_at})
                self.counts["emails"] += 1
        return {
            "id": message.pk,
            "created_at": message.created_at,
            "author": {"kind": message.author_kind, "name": message.author_name},
            "internal_note": not message.public,
            "incoming": message.incoming,
            "channel": message.channel,
            "body_text": message.body_text,
            "body_html": message.body_html,
            "metadata": message.metadata,
            "attachments": attachments,
            "raw_emails": emails,
        }

    def _copy(self, stored_file, path: str) -> bool:
        """Stream a stored file into the zip; a file lost from storage is noted, not fatal."""
        try:
            if not stored_file.name:
                raise FileNotFoundError(path)
            with stored_file.open("rb") as source, self.zipped.open(path, "w") as target:
                shutil.copyfileobj(source, target, 1024 * 1024)
        except FileNotFoundError:
            log.warning("GDPR export: %s is missing from storage (%s).", stored_file.name, path)
            self.counts["missing_files"] += 1
            return False
        return True


def _profile(customer: Customer) -> dict:
    user = customer.user
    return {
        "id": customer.pk,
        "name": customer.name,
        "email": customer.email,
        "phone": customer.phone,
        "language": customer.language,
        "time_zone": customer.time_zone,
        "notes": customer.notes,
        "vip": customer.vip,
        "organization": customer.organization.name if customer.organization else None,
        "organization_manager": customer.organization_manager,
        "tags": sorted(customer.tags.values_list("name", flat=True)),
        "created_at": customer.created_at,
        "erased_at": customer.erased_at,
        "portal_login": (
            {
                "email": user.email,
                "full_name": user.full_name,
                "language": user.language,
                "active": user.is_active,
                "date_joined": user.date_joined,
                "last_login": user.last_login,
            }
            if user
            else None
        ),
    }
