"""Merging, splitting, linking and bulk changes."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from helpdesk.models import User
from helpdesk.outbox import outbox_publish
from tickets import search
from tickets.access import ensure_can_work
from tickets.models import AuthorKind, Message, Status, Ticket


@transaction.atomic
def ticket_merge(*, source: Ticket, target: Ticket, by: User | None) -> Ticket:
    """Move `source`'s messages, followers, CCs, tags and links into `target`; close `source`
    with a pointer to `target`. Only tickets of one requester can be merged."""
    from tickets.services.core import activity_record

    ensure_can_work(by, source)
    ensure_can_work(by, target)
    # Lock both rows in id order, so that A→B and B→A at the same moment cannot deadlock.
    locked = {
        t.pk: t
        for t in Ticket.objects.select_for_update().filter(pk__in=[source.pk, target.pk]).order_by("pk")
    }
    source, target = locked[source.pk], locked[target.pk]
    if source.pk == target.pk:
        raise ValidationError(_("A ticket cannot be merged into itself."))
    if source.requester_id != target.requester_id:
        raise ValidationError(_("Only tickets of the same requester can be merged."))
    if Status.CLOSED in (source.status, target.status):
        raise ValidationError(_("Closed tickets cannot be merged."))
    moved = Message.objects.filter(ticket=source).update(ticket=target)
    target.followers.add(*source.followers.all())
    target.ccs.add(*source.ccs.all())
    target.tags.add(*source.tags.all())
    target.related.add(*source.related.exclude(pk=target.pk))
    now = timezone.now()
    last_public = target.messages.filter(public=True).order_by("-id").values_list("id", flat=True).first()
    Ticket.objects.filter(pk=target.pk).update(updated_at=now, last_public_message_id=last_public)
    Ticket.objects.filter(pk=source.pk).update(
        status=Status.CLOSED,
        status_changed_at=now,
        merged_into=target,
        closed_at=now,
        solved_at=source.solved_at or now,
        updated_at=now,
    )
    for ticket in (source, target):
        search.index_ticket(ticket)
    activity_record(ticket=source, actor=by, field="merged_into", new=f"#{target.pk}")
    activity_record(
        ticket=target,
        actor=by,
        field="merged_from",
        new=f"#{source.pk}",
        reason=_("%(count)s messages moved") % {"count": moved},
    )
    outbox_publish(name="ticket.merged", payload={"source_id": source.pk, "target_id": target.pk})
    target.refresh_from_db()
    return target


@transaction.atomic
def ticket_split(*, message: Message, by: User | None) -> Ticket:
    """Move one customer message into a new ticket of the same requester."""
    from tickets.services.core import activity_record, ticket_create

    ensure_can_work(by, message.ticket)
    source = Ticket.objects.select_for_update().get(pk=message.ticket_id)
    if source.status == Status.CLOSED:
        raise ValidationError(_("A closed ticket cannot be split."))
    if message.author_kind != AuthorKind.CUSTOMER:
        raise ValidationError(_("Only a customer's message can be split off into a new ticket."))
    if source.messages.count() < 2:
        raise ValidationError(_("A ticket with one message cannot be split."))
    new = ticket_create(
        requester=source.requester,
        subject=source.subject,
        channel=source.channel,
        by=by,
        priority=source.priority,
        type=source.type,
        team=source.team,
        language=source.language,
    )
    Message.objects.filter(pk=message.pk).update(ticket=new)
    new.related.add(source)
    for ticket in (source, new):
        last_public = ticket.messages.filter(public=True).order_by("-id").values_list("id", flat=True).first()
        Ticket.objects.filter(pk=ticket.pk).update(last_public_message_id=last_public)
    for ticket in (source, new):
        search.index_ticket(ticket)
    activity_record(ticket=source, actor=by, field="split_to", new=f"#{new.pk}")
    activity_record(ticket=new, actor=by, field="split_from", new=f"#{source.pk}")
    outbox_publish(name="ticket.split", payload={"source_id": source.pk, "ticket_id": new.pk})
    return new


@transaction.atomic
def ticket_link(*, ticket: Ticket, other: Ticket, by: User | None) -> None:
    from tickets.services.core import activity_record

    ensure_can_work(by, ticket)
    ensure_can_work(by, other)
    if ticket.pk == other.pk:
        raise ValidationError(_("A ticket cannot be linked to itself."))
    ticket.related.add(other)
    activity_record(ticket=ticket, actor=by, field="related", new=f"#{other.pk}")
    activity_record(ticket=other, actor=by, field="related", new=f"#{ticket.pk}")


def ticket_bulk_update(*, tickets: list[Ticket], by: User, changes: dict, tags: list[str] = ()) -> dict:
    """Apply one change to many tickets, each in its own transaction: a ticket that refuses
    (say, a closed one) is reported and the others still change."""
    from tickets.services.core import ticket_set_tags, ticket_update

    done, failed = [], {}
    for ticket in tickets:
        try:
            with transaction.atomic():
                if changes:
                    ticket_update(ticket=ticket, by=by, changes=changes, reason=_("bulk update"))
                if tags:
                    ticket_set_tags(ticket=ticket, by=by, add=tags)
            done.append(ticket.pk)
        except ValidationError as error:
            failed[ticket.pk] = "; ".join(error.messages)
        except PermissionDenied as error:
            failed[ticket.pk] = str(error)
    return {"done": done, "failed": failed}
