"""GDPR erasure (right to erasure, Art. 17): the person goes, the statistics stay.

Removed: the profile (name, contact details, notes, language, time zone, tags), identities, the
consent history, the portal login's identity (deactivated, address replaced), the words and files
of the messages in scope (see scope.py: their own messages, and staff and system messages on the
tickets they asked), the personal parts of those messages' metadata (addresses, names, numbers,
provider ids, call recordings), the raw emails behind them, the subjects of the tickets they asked,
history entries that quote any of it, chat page addresses, and the search index's copy of it all.

Kept, so that every report still adds up: the customer row (renamed "Erased customer #id"), every
ticket and message row with its status, channel, timestamps, SLA columns, team, assignee,
organization and tags; other customers' messages; the audit log. Consent rows are deleted rather
than kept as "withdrawn": with no address left, nothing can be sent to the person anyway, and the
erasure's audit entry records how many there were.

Files are deleted only after the transaction commits: a rollback must not lose anyone's files.
"""

import logging

from django.contrib.auth.hashers import make_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _

from customers.gdpr.scope import CustomerScope, customer_scope, ensure_admin
from customers.models import Consent, Customer, Identity
from helpdesk.models import OutboxEvent, User
from helpdesk.outbox import outbox_publish
from helpdesk.services import audit_record
from tickets import search
from tickets.models import Activity, Attachment, ChatSession, InboundEmail, Message, Ticket

log = logging.getLogger(__name__)
BATCH = 500
# What stays of a message's metadata: delivery and call facts that statistics read. Everything
# else (from/to/cc, names, phone numbers, chat and sender ids, recording URLs, errors) goes.
KEPT_METADATA = {"via", "auto_reply", "auto_submitted", "bounce", "bounced"}
KEPT_NESTED_METADATA = {
    "call": {"direction", "status", "duration_seconds", "duration_minutes", "outcome"},
    "social": {"account", "kind", "status", "attempts", "sent_at", "edited"},
    "email": {"status", "attempts", "sent_at"},
    "chat": {"transcript"},
}
# Shorter strings would match too much history that is not about this person.
MIN_QUOTED_LENGTH = 3


def placeholder() -> str:
    return _("[erased]")


def scrub_metadata(metadata: dict) -> dict:
    kept = {
        key: value for key, value in metadata.items() if key in KEPT_METADATA and not isinstance(value, dict)
    }
    for key, allowed in KEPT_NESTED_METADATA.items():
        if isinstance(metadata.get(key), dict):
            kept[key] = {name: value for name, value in metadata[key].items() if name in allowed}
    kept["erased"] = True
    return kept


@transaction.atomic
def customer_erase(*, customer: Customer, by: User, reason: str) -> dict[str, int]:
    """Erase the customer (and the duplicates merged into them); returns what was erased, by kind.

    Refused for a customer erased already, or merged into another (erase that one)."""
    ensure_admin(by)
    reason = " ".join((reason or "").split())
    if not reason:
        raise ValidationError({"reason": _("Say why this customer is erased; the reason is audited.")})
    customer = Customer.objects.select_for_update().get(pk=customer.pk)
    if customer.erased_at:
        raise ValidationError(
            _("Customer #%(id)s was already erased on %(date)s.")
            % {"id": customer.pk, "date": timezone.localtime(customer.erased_at).strftime("%Y-%m-%d %H:%M")},
            code="already_erased",
        )
    if customer.merged_into_id:
        raise ValidationError(
            _("Customer #%(id)s was merged into customer #%(target)s: erase that customer instead.")
            % {"id": customer.pk, "target": customer.merged_into_id},
            code="merged",
        )
    scope = customer_scope(customer)
    list(Customer.objects.select_for_update().filter(pk__in=scope.customer_ids))
    quoted = _personal_strings(scope)
    files: list[tuple] = []
    counts = {
        "customers": len(scope.people),
        "tickets": len(scope.requested),
        "cc_tickets": len(scope.copied),
    }
    counts["messages"] = _erase_messages(scope, files, counts)
    Ticket.objects.filter(pk__in=scope.requested).update(subject=placeholder())
    counts["history_entries"] = _erase_history(scope, quoted)
    _erase_subject_events(scope)
    counts["chats"] = ChatSession.objects.filter(customer__in=scope.customer_ids).update(page_url="")
    counts["identities"] = Identity.objects.filter(customer__in=scope.customer_ids).delete()[0]
    counts["consents"] = Consent.objects.filter(customer__in=scope.customer_ids).delete()[0]
    counts["portal_logins"] = _erase_logins(scope)
    now = timezone.now()
    for person in scope.people:
        person.tags.clear()
        Customer.objects.filter(pk=person.pk).update(
            name=_("Erased customer #%(id)s") % {"id": person.pk},
            email="",
            phone="",
            notes="",
            language="",
            time_zone="",
            vip=False,
            organization_manager=False,
            erased_at=now,
        )
    # The requester's name and address and every message's words are in each ticket's vector.
    for ticket in Ticket.objects.filter(pk__in=scope.ticket_ids).select_related("requester"):
        search.index_ticket(ticket)
    audit_record(
        actor=by,
        action="customer.erased",
        target=customer,
        summary=f"Erased customer #{customer.pk}",
        reason=reason,
        erased_customers=scope.customer_ids,
        **counts,
    )
    outbox_publish(name="customer.erased", payload={"customer_id": customer.pk})
    transaction.on_commit(lambda: _delete_files(files))
    return counts


def erase_preview(customer: Customer) -> dict[str, int]:
    """What an erasure of `customer` would touch, for the confirmation page (nothing is written)."""
    scope = customer_scope(customer)
    messages = Message.objects.filter(scope.erased_messages())
    return {
        "customers": len(scope.people),
        "tickets": len(scope.requested),
        "cc_tickets": len(scope.copied),
        "messages": messages.count(),
        "attachments": Attachment.objects.filter(message__in=messages).count(),
        "identities": Identity.objects.filter(customer__in=scope.customer_ids).count(),
        "consents": Consent.objects.filter(customer__in=scope.customer_ids).count(),
    }


def _personal_strings(scope: CustomerScope) -> set[str]:
    """What identifies the person, to find it quoted in ticket history."""
    values = set()
    for person in scope.people:
        values |= {person.name, person.email, person.phone}
        values |= {v for pair in person.identities.values_list("value", "display") for v in pair}
        if person.user:
            values |= {person.user.email, person.user.full_name}
    return {value for value in values if value and len(value) >= MIN_QUOTED_LENGTH}


def _erase_messages(scope: CustomerScope, files: list[tuple], counts: dict) -> int:
    ids = list(Message.objects.filter(scope.erased_messages()).order_by("pk").values_list("pk", flat=True))
    body_text, body_html = placeholder(), format_html("<p>{}</p>", placeholder())
    for start in range(0, len(ids), BATCH):
        rows = list(Message.objects.filter(pk__in=ids[start : start + BATCH]).only("pk", "metadata"))
        for message in rows:
            message.body_text, message.body_html = body_text, body_html
            message.metadata = scrub_metadata(message.metadata or {})
        Message.objects.bulk_update(rows, ["body_text", "body_html", "metadata"])
    attachments = Attachment.objects.filter(message__in=ids)
    storage = Attachment._meta.get_field("file").storage
    files += [(storage, name) for name in attachments.values_list("file", flat=True) if name]
    counts["attachments"] = attachments.delete()[0]
    # The raw emails behind those messages; the rows stay (their status is delivery history).
    inbound = InboundEmail.objects.filter(
        Q(ticket_message__in=ids) | Q(ticket__in=scope.requested, ticket_message__isnull=True)
    )
    storage = InboundEmail._meta.get_field("raw").storage
    files += [(storage, name) for name in inbound.values_list("raw", flat=True) if name]
    counts["raw_emails"] = inbound.exclude(raw="").count()
    inbound.update(raw="", size=0, reason=_("The raw email was erased with its sender's personal data."))
    return len(ids)


def _erase_history(scope: CustomerScope, quoted: set[str]) -> int:
    """Subject changes on the tickets they asked, and any history entry that quotes them."""
    marker = placeholder()
    quotes = Q()
    for value in quoted:
        quotes |= Q(old__icontains=value) | Q(new__icontains=value) | Q(reason__icontains=value)
    entries = Activity.objects.filter(Q(ticket__in=scope.requested, field="subject") | quotes)
    rows = list(entries.filter(ticket__in=scope.ticket_ids))
    for entry in rows:
        erase_all = entry.field == "subject" and entry.ticket_id in scope.requested
        for name in ("old", "new", "reason"):
            value = getattr(entry, name)
            if value and (erase_all or any(quote.lower() in value.lower() for quote in quoted)):
                setattr(entry, name, marker)
    Activity.objects.bulk_update(rows, ["old", "new", "reason"], batch_size=BATCH)
    return len(rows)


def _erase_subject_events(scope: CustomerScope) -> None:
    """Subject changes travel in `ticket.updated` events, which the outbox keeps after publishing."""
    events = OutboxEvent.objects.filter(
        name="ticket.updated",
        payload__ticket_id__in=list(scope.requested),
        payload__changes__has_key="subject",
    )
    rows = list(events)
    for event in rows:
        event.payload["changes"]["subject"] = [placeholder(), placeholder()]
    OutboxEvent.objects.bulk_update(rows, ["payload"], batch_size=BATCH)


def _erase_logins(scope: CustomerScope) -> int:
    users = list(User.objects.filter(pk__in=scope.user_ids))
    for user in users:
        user.email = f"erased-{user.pk}@erased.invalid"
        user.full_name = ""
        user.language = ""
        user.is_active = False
        user.password = make_password(None)  # unusable: no one signs in as them again
        user.save(update_fields=["email", "full_name", "language", "is_active", "password"])
    return len(users)


def _delete_files(files: list[tuple]) -> None:
    # After the commit the erasure stands; a file that cannot go is logged for an operator, and
    # the others are still deleted.
    for storage, name in files:
        try:
            storage.delete(name)
        except OSError:
            log.exception("GDPR erasure: could not delete %s.", name)
