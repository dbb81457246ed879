"""Outbox handlers of the tickets app (autodiscovered; see helpdesk/outbox.py)."""

from django.db import transaction
from django.utils import timezone

from helpdesk.models import OutboxEvent
from helpdesk.outbox import outbox_handler
from tickets.callbacks.emails import callback_email_send
from tickets.callbacks.services import callback_mark_done
from tickets.channels.auto_reply import acknowledge_new_ticket
from tickets.channels.email_out import EMAILED_CHANNELS
from tickets.channels.social import social_reply_queue
from tickets.models import Callback, Channel, RuleTrigger, Status, Ticket
from tickets.models.notifications import WEBHOOK_EVENTS
from tickets.notifications.fanout import EMAIL_CHUNK, notifications_fan_out
from tickets.notifications.webhooks import webhook_deliveries_create
from tickets.routing.assignment import ticket_route, tickets_route_waiting
from tickets.rules.engine import rules_run
from tickets.satisfaction import satisfaction_offer
from tickets.sla.engine import SLA_FIELDS, sla_recompute
from tickets.tasks import (
    email_deliver_task,
    notification_emails_task,
    satisfaction_survey_send_task,
    social_deliver_task,
    webhook_deliver_task,
)


@outbox_handler("ticket.replied", "ticket.auto_replied", queue="notify")
def email_reply_enqueue(event: OutboxEvent) -> None:
    """An agent's reply on an email or web ticket goes out by email, from a task that retries on its own."""
    if Ticket.objects.filter(pk=event.payload["ticket_id"], channel__in=EMAILED_CHANNELS).exists():
        # Enqueued inside the handler's transaction, not on commit: if the broker refuses, the handler
        # fails and runs again, rather than being marked done with no email on its way. A double
        # enqueue (the commit failing after this) is harmless: the task sends a message at most once.
        email_deliver_task.apply_async(args=[event.payload["message_id"]], queue="notify")


@outbox_handler("ticket.replied", "ticket.auto_replied", queue="notify")
def social_reply_enqueue(event: OutboxEvent) -> None:
    """An agent's reply on a social ticket goes back to the customer's chat, from a task that retries."""
    if Ticket.objects.filter(pk=event.payload["ticket_id"], channel=Channel.SOCIAL).exists():
        social_reply_queue(message_id=event.payload["message_id"])
        # Enqueued inside the handler's transaction, as for email (see above).
        social_deliver_task.apply_async(args=[event.payload["message_id"]], queue="notify")


@outbox_handler("chat.continued_by_email", queue="notify")
def chat_transcript_enqueue(event: OutboxEvent) -> None:
    """A chat that continues by email sends the visitor its transcript, like an agent's email reply."""
    email_deliver_task.apply_async(args=[event.payload["message_id"]], queue="notify")


@outbox_handler(
    "ticket.created", queue="notify", when=lambda payload: payload.get("channel") == Channel.EMAIL
)
def email_acknowledgement_enqueue(event: OutboxEvent) -> None:
    """A new email ticket is acknowledged when its mailbox says so (tickets/channels/auto_reply.py)."""
    acknowledgement = acknowledge_new_ticket(event.payload["ticket_id"])
    if acknowledgement is not None:
        email_deliver_task.apply_async(args=[acknowledgement.pk], queue="notify")


# Everything that can move an SLA deadline: a new ticket, a reply either way, a change of priority,
# type, team or status, a merge or split. The recompute reads the ticket as it is now (idempotent).
@outbox_handler(
    "ticket.created",
    "ticket.replied",
    "ticket.customer_replied",
    "ticket.call_logged",
    "ticket.updated",
    "ticket.split",
    "ticket.merged",
    queue="sla",
    when=lambda payload: _moves_sla(payload.get("changes", {})),
)
def sla_recompute_on_change(event: OutboxEvent) -> None:
    for key in ("ticket_id", "source_id", "target_id"):
        if key in event.payload:
            sla_recompute(ticket_id=event.payload[key], now=event.created_at)


def _moves_sla(changes: dict) -> bool:
    """Policies match on priority, type, channel and the customer's tier; the clock follows the team's
    calendar and pauses on status: an update of other fields (routing's assignment) moves nothing.
    Events other than updates carry no changes and always recompute."""
    return not changes or bool(SLA_FIELDS & set(changes))


@outbox_handler("ticket.created", "ticket.split", queue="routing")
def route_new_ticket(event: OutboxEvent) -> None:
    """A new ticket meets the rules first (they may set its team, priority, skills), then goes to an
    agent of its team who fits, or waits in the team's queue."""
    now = timezone.now()
    rules_run(ticket_id=event.payload["ticket_id"], trigger=RuleTrigger.CREATED, occasion="created", now=now)
    ticket_route(ticket_id=event.payload["ticket_id"], now=now)


@outbox_handler("ticket.updated", queue="routing", when=lambda payload: not _assigned_by_the_system(payload))
def route_after_change(event: OutboxEvent) -> None:
    """A person's change runs the update rules (the system's own changes do not: no loops). A change
    may give the ticket a team or take its assignee away, and may free an agent's capacity (solved,
    reassigned): route the ticket, then whatever waits in its team."""
    ticket_id, changes = event.payload["ticket_id"], event.payload.get("changes", {})
    if event.payload.get("by") is not None:
        rules_run(
            ticket_id=ticket_id, trigger=RuleTrigger.UPDATED, occasion=f"event:{event.pk}", now=timezone.now()
        )
    ticket_route(ticket_id=ticket_id, now=timezone.now())
    if not _frees_capacity(changes):
        return
    team_id = Ticket.objects.filter(pk=ticket_id).values_list("team_id", flat=True).first()
    if team_id is not None:
        tickets_route_waiting(team_id=team_id, now=timezone.now())


def _assigned_by_the_system(payload: dict) -> bool:
    """Routing's (or a rule's) own assignment of an unassigned ticket: no rules run on it, there is
    nothing to route and nobody has more room than before."""
    changes = payload.get("changes", {})
    return (
        payload.get("by") is None
        and set(changes) == {"assignee"}
        and not changes["assignee"][0]
        and bool(changes["assignee"][1])
    )


def _frees_capacity(changes: dict) -> bool:
    """Solved or closed, taken from an agent, or moved to another team: an agent may have room now."""
    status = changes.get("status", ["", ""])[1]
    return (
        status in (Status.SOLVED, Status.CLOSED)
        or bool(changes.get("assignee", [""])[0])
        or "team" in changes
    )


@outbox_handler(
    "ticket.created",
    "ticket.updated",
    "ticket.customer_replied",
    "ticket.noted",
    "sla.warning",
    "sla.breach",
    "rule.notify",
    "csat.received",
    queue="notify",
)
def notify_staff(event: OutboxEvent) -> None:
    """Desk staff hear of the event in the desk and by email, as their preferences say. The emails
    are queued once this handler's rows are committed (a lost queueing is caught by the hourly job)."""
    ids = notifications_fan_out(event)
    for start in range(0, len(ids), EMAIL_CHUNK):
        chunk = ids[start : start + EMAIL_CHUNK]
        transaction.on_commit(
            lambda chunk=chunk: notification_emails_task.apply_async(args=[chunk], queue="notify")
        )


@outbox_handler(*WEBHOOK_EVENTS, queue="notify")
def webhooks_enqueue(event: OutboxEvent) -> None:
    """Integrations subscribed to the event get it, signed, from a task that retries on its own."""
    for delivery_id in webhook_deliveries_create(event):
        transaction.on_commit(
            lambda pk=delivery_id: webhook_deliver_task.apply_async(args=[pk], queue="notify")
        )


@outbox_handler("ticket.updated", queue="notify", when=lambda payload: _solved(payload.get("changes", {})))
def satisfaction_survey_offer(event: OutboxEvent) -> None:
    """A solved ticket's requester is asked how we did, once per ticket, by email."""
    rating = satisfaction_offer(ticket_id=event.payload["ticket_id"], now=event.created_at)
    if rating is not None:
        transaction.on_commit(
            lambda: satisfaction_survey_send_task.apply_async(args=[rating.pk], queue="notify")
        )


def _solved(changes: dict) -> bool:
    return changes.get("status", ["", ""])[1] == Status.SOLVED


@outbox_handler("ticket.updated", queue="default", when=lambda payload: _solved(payload.get("changes", {})))
def callback_done_on_solve(event: OutboxEvent) -> None:
    """Solving a callback's phone task marks the callback done in the customer's portal."""
    callback_mark_done(ticket_id=event.payload["ticket_id"])


@outbox_handler("callback.booked", "callback.moved", "callback.cancelled", queue="notify")
def callback_email(event: OutboxEvent) -> None:
    """The customer's confirmation, move or cancellation email; a failed send raises, and the worker
    tries again with backoff."""
    callbacks = Callback.objects.select_related("customer").in_bulk(
        [event.payload["callback_id"], event.payload.get("previous_id")]
    )
    callback = callbacks.get(event.payload["callback_id"])
    if callback is not None:
        kind = event.name.split(".", 1)[1]
        callback_email_send(
            callback=callback, kind=kind, previous=callbacks.get(event.payload.get("previous_id"))
        )
