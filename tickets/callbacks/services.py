"""Every write to callbacks: book, cancel, move, and the reminders job.

A booking is a Callback row and the agent's phone task, made together in one transaction; the emails
go out from the outbox once it commits. Which agent gets a slot is decided by the partial unique
constraint on (agent, starts_at) of booked callbacks, so two customers picking the same slot never
both get one agent.
"""

import logging
from datetime import datetime, time, timedelta
from smtplib import SMTPException
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count
from django.utils import translation
from django.utils.translation import gettext as _

from backoffice.models import Team
from customers.models import Customer
from customers.services import normalise_phone
from helpdesk.models import User
from helpdesk.outbox import outbox_publish
from tickets.callbacks.emails import callback_email_send, when_text
from tickets.callbacks.slots import customer_zone, slot_agents, slot_length
from tickets.models import UNSOLVED, Callback, CallbackStatus, Channel, Status, Ticket, TicketType
from tickets.services import ticket_create, ticket_update
from tickets.services.conversation import message_add

logger = logging.getLogger(__name__)

SLOT_CONSTRAINT = "callback_agent_slot_unique"
PHONE_CHARACTERS = set("0123456789+-(). /")
TOPIC_MAX = 200


def _clean_phone(phone: str) -> str:
    """International form; refuses letters and lengths no phone number has (E.164: up to 15 digits)."""
    if not phone.strip():
        raise ValidationError({"phone": _("Enter the phone number we should call.")})
    number = normalise_phone(phone)
    if set(phone.strip()) - PHONE_CHARACTERS or not 6 <= len(number.lstrip("+")) <= 15:
        raise ValidationError({"phone": _("Enter a valid phone number, like +370 612 34567.")})
    return number


def _clean_topic(topic: str) -> str:
    topic = " ".join(topic.split())
    if not topic:
        raise ValidationError({"topic": _("Tell us briefly what the call is about.")})
    if len(topic) > TOPIC_MAX:
        raise ValidationError({"topic": _("Please keep the topic short.")})
    return topic


def _least_busy_first(free: dict[int, int], starts_at: datetime) -> list[User]:
    """The free agents, fewest booked callbacks on that day (the desk's day) first, then by id."""
    desk = ZoneInfo(settings.TIME_ZONE)
    day = starts_at.astimezone(desk).date()
    day_start = datetime.combine(day, time.min, tzinfo=desk)
    day_end = datetime.combine(day + timedelta(days=1), time.min, tzinfo=desk)
    counts = dict(
        Callback.objects.booked()
        .filter(agent_id__in=free, starts_at__gte=day_start, starts_at__lt=day_end)
        .order_by()
        .values("agent_id")
        .annotate(count=Count("pk"))
        .values_list("agent_id", "count")
    )
    return sorted(User.objects.filter(pk__in=free), key=lambda user: (counts.get(user.pk, 0), user.pk))


def _is_slot_race(error: IntegrityError) -> bool:
    diag = getattr(error.__cause__, "diag", None)
    return getattr(diag, "constraint_name", None) == SLOT_CONSTRAINT


def _create(*, customer, agent, team, starts_at, phone, topic, language, now) -> Callback:
    callback = Callback.objects.create(
        customer=customer,
        agent=agent,
        team=team,
        language=language,
        starts_at=starts_at,
        ends_at=starts_at + slot_length(),
        phone=phone,
        topic=topic,
        created_at=now,
    )
    # The agent calls in this language (they speak it: that is why they were offered).
    with translation.override(language or settings.LANGUAGE_CODE):
        when = when_text(starts_at, customer_zone(customer))
        subject = _("Callback: {topic}").format(topic=topic)
        body = _("Call {name} back on {phone} at {when}.\nTopic: {topic}").format(
            name=customer.name or customer.email, phone=phone, when=when, topic=topic
        )
    ticket = ticket_create(
        requester=customer,
        subject=subject,
        body=body,
        channel=Channel.PHONE,
        type=TicketType.TASK,
        team=team,
        assignee=agent,
        language=language,
        by=None,
        now=now,
    )
    ticket = ticket_update(ticket=ticket, by=None, changes={"due_at": starts_at})
    callback.ticket = ticket
    callback.save(update_fields=["ticket"])
    return callback


def _book(*, customer: Customer, starts_at: datetime, phone: str, topic: str, language: str, now) -> Callback:
    phone, topic = _clean_phone(phone), _clean_topic(topic)
    if starts_at <= now:
        raise ValidationError({"starts_at": _("That time has passed, please choose another.")})
    # One booking at a time per customer, so the same slot is not booked twice by a double click.
    Customer.objects.select_for_update().filter(pk=customer.pk).first()
    if Callback.objects.booked().filter(customer=customer, starts_at=starts_at).exists():
        raise ValidationError({"starts_at": _("You already have a callback at that time.")})
    free = slot_agents(starts_at=starts_at, language=language, now=now, tz=customer_zone(customer))
    if not free:
        raise ValidationError({"starts_at": _("That time is not available, please choose another.")})
    teams = Team.objects.in_bulk(set(free.values()))
    for agent in _least_busy_first(free, starts_at):
        try:
            with transaction.atomic():
                return _create(
                    customer=customer,
                    agent=agent,
                    team=teams.get(free[agent.pk]),
                    starts_at=starts_at,
                    phone=phone,
                    topic=topic,
                    language=language,
                    now=now,
                )
        except IntegrityError as error:
            if not _is_slot_race(error):
                raise
            # Another customer took this agent's slot a moment ago: try the next free agent.
    raise ValidationError({"starts_at": _("That time was just taken, please choose another.")})


def _locked(callback: Callback, now: datetime) -> Callback:
    """The callback, locked, if it may still change: booked and not started."""
    callback = Callback.objects.select_for_update(of=("self",)).select_related("customer").get(pk=callback.pk)
    if callback.status != CallbackStatus.BOOKED:
        raise ValidationError(_("This callback is not booked any more."))
    if callback.starts_at <= now:
        raise ValidationError(_("This callback has already started, so it cannot be changed."))
    return callback


def _cancel(*, callback: Callback, now: datetime, note: str) -> Callback:
    """Cancel a locked callback and solve its task, with `note` for the agent."""
    callback.status = CallbackStatus.CANCELLED
    callback.save(update_fields=["status"])
    ticket = Ticket.objects.filter(pk=callback.ticket_id, status__in=UNSOLVED).first()
    if ticket is not None:
        message_add(ticket=ticket, body=note, public=False, now=now)
        ticket_update(ticket=ticket, by=None, changes={"status": Status.SOLVED}, reason=note)
    return callback


def _email_after_commit(callback: Callback, kind: str, previous: Callback | None = None) -> None:
    """The customer's email goes out from the outbox (tickets/handlers.py, queue notify): only if this
    commits, and retried by the worker while the mail server is away, never lost with the request."""
    outbox_publish(
        name=f"callback.{kind}",
        payload={"callback_id": callback.pk, "previous_id": previous.pk if previous else None},
    )


@transaction.atomic
def callback_book(
    *, customer: Customer, starts_at: datetime, phone: str, topic: str, language: str, now: datetime
) -> Callback:
    """Book the slot at `starts_at` with the least busy agent free then, and make their phone task.
    Re-checks the slot: it may have been taken since the customer saw it (ValidationError then)."""
    callback = _book(
        customer=customer, starts_at=starts_at, phone=phone, topic=topic, language=language, now=now
    )
    _email_after_commit(callback, "booked")
    return callback


@transaction.atomic
def callback_cancel(*, callback: Callback, now: datetime) -> Callback:
    """The customer cancels before the call starts; the agent's task is solved with a note."""
    callback = _locked(callback, now)
    with translation.override(callback.language or settings.LANGUAGE_CODE):
        note = _("The customer cancelled this callback in the portal.")
    _cancel(callback=callback, now=now, note=note)
    _email_after_commit(callback, "cancelled")
    return callback


@transaction.atomic
def callback_move(*, callback: Callback, starts_at: datetime, now: datetime) -> Callback:
    """Book the new slot and cancel the old one, both or neither; one email tells of the move."""
    old = _locked(callback, now)
    if starts_at == old.starts_at:
        raise ValidationError({"starts_at": _("Your callback is already at that time.")})
    new = _book(
        customer=old.customer,
        starts_at=starts_at,
        phone=old.phone,
        topic=old.topic,
        language=old.language,
        now=now,
    )
    with translation.override(old.language or settings.LANGUAGE_CODE):
        note = _("The customer moved this callback to task #{number}.").format(number=new.ticket_id)
    _cancel(callback=old, now=now, note=note)
    _email_after_commit(new, "moved", previous=old)
    return new


def callback_reminders_send(*, now: datetime) -> int:
    """Remind customers of callbacks starting within CALLBACK_REMINDER_MINUTES, once each: every
    callback is claimed under SKIP LOCKED and re-checked, so a second run at once sends nothing twice.
    A failed send leaves the callback for the next run. Returns how many were sent."""
    until = now + timedelta(minutes=settings.CALLBACK_REMINDER_MINUTES)
    due = Callback.objects.booked().filter(
        reminder_sent_at__isnull=True, starts_at__gt=now, starts_at__lte=until
    )
    sent = 0
    for pk in list(due.values_list("pk", flat=True)):
        with transaction.atomic():
            callback = (
                Callback.objects.select_for_update(skip_locked=True, of=("self",))
                .select_related("customer")
                .filter(pk=pk, status=CallbackStatus.BOOKED, reminder_sent_at__isnull=True)
                .first()
            )
            if callback is None:
                continue  # another run holds or has sent it
            try:
                sent += callback_email_send(callback=callback, kind="reminder")
            except (SMTPException, OSError):
                # One refused address must not hold up the others; this one is tried again next run.
                logger.warning("Callback %s: reminder not sent", pk, exc_info=True)
                continue
            callback.reminder_sent_at = now
            callback.save(update_fields=["reminder_sent_at"])
    return sent


def callback_mark_done(*, ticket_id: int) -> int:
    """The agent solved the callback's phone task: the call took place (a cancelled one stays so)."""
    return Callback.objects.booked().filter(ticket_id=ticket_id).update(status=CallbackStatus.DONE)
