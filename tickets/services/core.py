"""Creating tickets and changing their fields, each change with its activity row and outbox event."""

from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from backoffice.models import Team
from customers.models import Customer
from helpdesk.models import User
from helpdesk.outbox import outbox_publish
from tickets import search
from tickets.access import ensure_can_work
from tickets.models import Activity, Channel, Priority, Status, Tag, Ticket, TicketType

# Fields that ticket_update may change, with how to show a value in the activity log.
EDITABLE_FIELDS = ("subject", "status", "priority", "type", "team", "assignee", "language", "due_at")
CHOICES = {"status": Status, "priority": Priority, "type": TicketType}


def activity_record(
    *,
    ticket: Ticket,
    actor: User | None,
    field: str,
    old="",
    new="",
    reason: str = "",
    at: datetime | None = None,
) -> Activity:
    return Activity.objects.create(
        ticket=ticket,
        actor=actor,
        field=field,
        old=_display(old),
        new=_display(new),
        reason=reason[:250],
        created_at=at or timezone.now(),
    )


def _display(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.isoformat(timespec="minutes")
    return str(value)[:250]


@transaction.atomic
def ticket_create(
    *,
    requester: Customer,
    subject: str,
    body: str = "",
    body_html: str | None = None,
    channel: str = Channel.WEB,
    by: User | None = None,
    priority: str = Priority.NORMAL,
    type: str = TicketType.QUESTION,
    team: Team | None = None,
    assignee: User | None = None,
    tags: list[str] | None = None,
    language: str = "",
    attachments: list | None = None,
    channel_message_id: str = "",
    mailbox=None,
    custom_fields: dict | None = None,
    now: datetime | None = None,
) -> Ticket:
    """Open a ticket for `requester` with its first message (from the customer, or from agent `by`)."""
    from tickets.services.conversation import message_add

    now = now or timezone.now()
    subject = subject.strip()
    if not subject:
        raise ValidationError({"subject": _("A ticket needs a subject.")})
    if assignee is not None and not assignee.is_agent:
        raise ValidationError({"assignee": _("Only agents can be assigned tickets.")})
    ticket = Ticket.objects.create(
        subject=subject[:250],
        requester=requester,
        organization=requester.organization,
        channel=channel,
        priority=priority,
        type=type,
        team=team,
        assignee=assignee,
        language=language or requester.language,
        mailbox=mailbox,
        custom_fields=custom_fields or None,
        created_at=now,
        updated_at=now,
    )
    if tags:
        # by=None: creating the ticket is the permission; an agent may file it for a team they are not in.
        ticket_set_tags(ticket=ticket, add=tags, by=None, record=False)
    if body.strip() or body_html:
        message_add(
            ticket=ticket,
            body=body,
            body_html=body_html,
            author_user=by,
            author_customer=None if by else requester,
            public=True,
            channel=channel,
            attachments=attachments,
            channel_message_id=channel_message_id,
            now=now,
        )
    search.index_ticket(ticket)
    activity_record(ticket=ticket, actor=by, field="created", new=channel, at=now)
    outbox_publish(name="ticket.created", payload={"ticket_id": ticket.pk, "channel": channel})
    return ticket


class StaleEdit(ValidationError):
    """Someone else changed these fields after the caller read them; nothing was written."""

    def __init__(self, fields: list[str]):
        super().__init__(_("Someone else changed this ticket meanwhile."))
        self.fields = fields


@transaction.atomic
def ticket_update(
    *, ticket: Ticket, by: User | None, changes: dict, reason: str = "", expected: dict | None = None
) -> Ticket:
    """Change any of EDITABLE_FIELDS; validates all first, so a bad value changes nothing.

    `expected` holds the values the caller saw (team and assignee as ids): if any differs from the
    ticket now, StaleEdit is raised. It is checked under the row lock, so of two agents saving the
    same field at the same moment, the second is told instead of silently overwriting the first."""
    ensure_can_work(by, ticket)
    ticket = Ticket.objects.select_for_update().get(pk=ticket.pk)
    stale = [field for field, value in (expected or {}).items() if _comparable(ticket, field) != value]
    if stale:
        raise StaleEdit(stale)
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValidationError({field: _("This field cannot be changed here.") for field in unknown})
    _validate_changes(ticket, changes)
    changed = {}
    now = timezone.now()
    for field, new in changes.items():
        old = getattr(ticket, field)
        if old == new:
            continue
        setattr(ticket, field, new)
        changed[field] = (old, new)
        activity_record(ticket=ticket, actor=by, field=field, old=old, new=new, reason=reason)
    if not changed:
        return ticket
    if "status" in changed:
        _stamp_status(ticket, now)
    ticket.updated_at = now
    ticket.save()
    if "subject" in changed:
        search.index_ticket(ticket)
    outbox_publish(
        name="ticket.updated",
        payload={
            "ticket_id": ticket.pk,
            # None: the system (rules, routing, SLA escalation); rules run only on people's changes.
            "by": by.pk if by else None,
            "changes": {f: [_display(o), _display(n)] for f, (o, n) in changed.items()},
        },
    )
    return ticket


def _comparable(ticket: Ticket, field: str):
    if field in ("team", "assignee"):
        return getattr(ticket, f"{field}_id")
    value = getattr(ticket, field)
    # Forms show times to the second; compare at that precision.
    return value.replace(microsecond=0) if isinstance(value, datetime) else value


def _validate_changes(ticket: Ticket, changes: dict) -> None:
    errors = {}
    for field, choices in CHOICES.items():
        if field in changes and changes[field] not in choices.values:
            errors[field] = _("Unknown value: %(value)s.") % {"value": changes[field]}
    status = changes.get("status")
    if status in Status.values and not ticket.can_become(status):
        if ticket.status == Status.CLOSED:
            errors["status"] = _("A closed ticket cannot be changed.")
        else:
            errors["status"] = _("A ticket cannot go from %(old)s to %(new)s.") % {
                "old": ticket.get_status_display(),
                "new": Status(status).label,
            }
    assignee = changes.get("assignee")
    if assignee is not None and (not assignee.is_agent or not assignee.is_active):
        errors["assignee"] = _("Only active agents can be assigned tickets.")
    if "subject" in changes and not str(changes["subject"]).strip():
        errors["subject"] = _("A ticket needs a subject.")
    if ticket.status == Status.CLOSED and changes and "status" not in errors:
        errors["status"] = _("A closed ticket cannot be changed.")
    if errors:
        raise ValidationError(errors)


def _stamp_status(ticket: Ticket, now: datetime) -> None:
    ticket.status_changed_at = now
    if ticket.status == Status.SOLVED:
        ticket.solved_at = now
    elif ticket.status == Status.CLOSED:
        ticket.closed_at = now
        ticket.solved_at = ticket.solved_at or now
    else:
        ticket.solved_at = None


def ticket_assign(*, ticket: Ticket, agent: User | None, by: User | None, reason: str = "") -> Ticket:
    """Assign (or unassign) a ticket; `reason` is shown on the ticket's timeline."""
    return ticket_update(ticket=ticket, by=by, changes={"assignee": agent}, reason=reason)


@transaction.atomic
def ticket_set_tags(
    *, ticket: Ticket, by: User | None, add: list[str] = (), remove: list[str] = (), record: bool = True
) -> Ticket:
    ensure_can_work(by, ticket)
    add_names = {_tag_name(name) for name in add} - {""}
    remove_names = {_tag_name(name) for name in remove} - {""}
    if ticket.status == Status.CLOSED and (add_names or remove_names):
        # As in ticket_update: closed is final, tags included.
        raise ValidationError({"status": _("A closed ticket cannot be changed.")})
    too_long = [name for name in add_names if len(name) > 50]
    if too_long:
        raise ValidationError({"tags": _("A tag can be at most 50 characters long.")})
    current = set(ticket.tags.values_list("name", flat=True))
    to_add = add_names - current
    to_remove = remove_names & current
    if to_add:
        Tag.objects.bulk_create([Tag(name=name) for name in to_add], ignore_conflicts=True)
        ticket.tags.add(*Tag.objects.filter(name__in=to_add))
    if to_remove:
        ticket.tags.remove(*Tag.objects.filter(name__in=to_remove))
    if record and (to_add or to_remove):
        activity_record(
            ticket=ticket,
            actor=by,
            field="tags",
            old=", ".join(sorted(current)),
            new=", ".join(sorted((current | to_add) - to_remove)),
        )
        Ticket.objects.filter(pk=ticket.pk).update(updated_at=timezone.now())
        outbox_publish(
            name="ticket.updated",
            payload={"ticket_id": ticket.pk, "changes": {"tags": [sorted(to_remove), sorted(to_add)]}},
        )
    return ticket


def _tag_name(name: str) -> str:
    return "-".join(name.strip().lower().split())
