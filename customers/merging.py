"""Merging a duplicate customer into the real one, and undoing it.

Everything of the duplicate (`source`) moves to `target`: tickets it asked, tickets it was copied
on, its messages, identities, consents, chats, tags and portal login; empty profile fields of the
target are filled from it. The duplicate stays, marked `merged_into`, and the CustomerMerge row
lists every id that moved, so an undo moves exactly those back (anything that arrived for the
target since stays with it). Both are audited and published as events.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from customers.models import Consent, Customer, CustomerMerge, Identity
from customers.services import ensure_can_edit_identities
from helpdesk.models import User
from helpdesk.outbox import outbox_publish
from helpdesk.services import audit_record
from tickets import search
from tickets.models import ChatSession, Message, Ticket

# Profile fields a merge fills on the target when the target has none.
FILLED_FIELDS = ("email", "phone", "organization_id", "language", "time_zone", "notes")
# (model, customer field) moved wholesale, recorded by id.
MOVED_ROWS = {
    "tickets": (Ticket, "requester"),
    "messages": (Message, "author_customer"),
    "identities": (Identity, "customer"),
    "consents": (Consent, "customer"),
    "chats": (ChatSession, "customer"),
}


def _locked_pair(first: Customer, second: Customer) -> tuple[Customer, Customer]:
    rows = Customer.objects.select_for_update().filter(pk__in=[first.pk, second.pk]).in_bulk()
    return rows[first.pk], rows[second.pk]


@transaction.atomic
def customer_merge(*, source: Customer, target: Customer, by: User) -> CustomerMerge:
    ensure_can_edit_identities(by)
    if source.pk == target.pk:
        raise ValidationError(_("A customer cannot be merged into itself."))
    source, target = _locked_pair(source, target)
    if source.merged_into_id or target.merged_into_id:
        raise ValidationError(_("One of these customers was already merged into another."))
    if source.erased_at or target.erased_at:
        raise ValidationError(_("An erased customer cannot be merged."))
    if source.user_id and target.user_id:
        raise ValidationError(_("Both customers have a portal login; one of them must be removed first."))
    moved = {}
    for key, (model, field) in MOVED_ROWS.items():
        rows = model.objects.filter(**{field: source})
        moved[key] = list(rows.values_list("pk", flat=True))
        rows.update(**{field: target})
    moved["ccs"] = _move_ccs(source, target)
    moved["tags"] = [tag.pk for tag in source.tags.exclude(pk__in=target.tags.all())]
    target.tags.add(*moved["tags"])
    moved["filled"] = {name: getattr(target, name) for name in FILLED_FIELDS if not getattr(target, name)}
    for name in moved["filled"]:
        setattr(target, name, getattr(source, name))
    if source.user_id:
        moved["user"] = source.user_id
        target.user_id, source.user_id = source.user_id, None
    source.merged_into = target
    source.save(update_fields=["merged_into", "user"])
    target.save(update_fields=["email", "phone", "organization", "language", "time_zone", "notes", "user"])
    merge = CustomerMerge.objects.create(source=source, target=target, merged_by=by, moved=moved)
    _reindex(moved["tickets"])
    audit_record(
        actor=by,
        action="customer.merged",
        target=target,
        summary=f"Merged customer #{source.pk} ({source.name}) into #{target.pk} ({target.name})",
        merge_id=merge.pk,
        moved={key: len(value) for key, value in moved.items() if isinstance(value, list)},
    )
    outbox_publish(name="customer.merged", payload={"source_id": source.pk, "target_id": target.pk})
    return merge


def _move_ccs(source: Customer, target: Customer) -> dict[str, list[int]]:
    """Tickets the source was copied on: the target is copied instead (recording which ones it was
    already on, so that an undo leaves those alone)."""
    ticket_ids = list(source.cc_tickets.values_list("pk", flat=True))
    already = list(target.cc_tickets.filter(pk__in=ticket_ids).values_list("pk", flat=True))
    source.cc_tickets.clear()
    target.cc_tickets.add(*[pk for pk in ticket_ids if pk not in already])
    return {"tickets": ticket_ids, "target_already": already}


@transaction.atomic
def customer_merge_undo(*, merge: CustomerMerge, by: User) -> CustomerMerge:
    ensure_can_edit_identities(by)
    merge = CustomerMerge.objects.select_for_update().get(pk=merge.pk)
    if merge.undone_at:
        raise ValidationError(_("This merge was already undone."))
    source, target = _locked_pair(merge.source, merge.target)
    if source.erased_at or target.erased_at:
        # Erasure took both rows' data; an undo would hand anonymous leftovers back and forth.
        raise ValidationError(_("This merge cannot be undone: the customer was erased."))
    moved = merge.moved
    for key, (model, field) in MOVED_ROWS.items():
        model.objects.filter(pk__in=moved.get(key, []), **{field: target}).update(**{field: source})
    ccs = moved.get("ccs", {})
    target.cc_tickets.remove(
        *[pk for pk in ccs.get("tickets", []) if pk not in ccs.get("target_already", [])]
    )
    source.cc_tickets.add(*ccs.get("tickets", []))
    target.tags.remove(*moved.get("tags", []))
    for name, value in moved.get("filled", {}).items():
        setattr(target, name, value)
    if moved.get("user") and target.user_id == moved["user"]:
        target.user_id, source.user_id = None, moved["user"]
        target.save(update_fields=["user"])  # the login is unique: free it before the source takes it
    source.merged_into = None
    target.save(update_fields=["email", "phone", "organization", "language", "time_zone", "notes", "user"])
    source.save(update_fields=["merged_into", "user"])
    merge.undone_at, merge.undone_by = timezone.now(), by
    merge.save(update_fields=["undone_at", "undone_by"])
    _reindex(moved.get("tickets", []))
    audit_record(
        actor=by,
        action="customer.merge_undone",
        target=target,
        summary=f"Undid the merge of customer #{source.pk} into #{target.pk}",
        merge_id=merge.pk,
    )
    outbox_publish(name="customer.merge_undone", payload={"source_id": source.pk, "target_id": target.pk})
    return merge


def _reindex(ticket_ids: list[int]) -> None:
    # The requester's name and email are part of each ticket's search vector.
    for ticket in Ticket.objects.filter(pk__in=ticket_ids).select_related("requester"):
        search.index_ticket(ticket)
