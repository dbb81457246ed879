"""A chat that continues by email: nobody answered in time, the visitor left, or we were closed.

The ticket's channel becomes email (and its mailbox the default one), so that agents' later replies
go out by email through the usual path (tickets/handlers.py, email_out.py). The visitor is sent the
conversation so far, once: a public message on the ticket, delivered by email_deliver (which sends a
message at most once and threads it like any reply), so the ticket shows what the customer received.
"""

from datetime import datetime

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from helpdesk.outbox import outbox_publish
from tickets.models import Channel, ChatSession, ChatStatus, Mailbox, Message, Ticket
from tickets.services import activity_record
from tickets.services.conversation import message_add


def default_mailbox() -> Mailbox | None:
    """The mailbox chats continue from: the first active one (by creation)."""
    return Mailbox.objects.filter(active=True).order_by("pk").first()


def ticket_switch_to_email(*, ticket: Ticket, reason: str, now: datetime) -> None:
    """From now on, replies on `ticket` go to the customer by email."""
    if ticket.channel == Channel.EMAIL:
        return
    old = ticket.channel
    ticket.channel = Channel.EMAIL
    ticket.mailbox = ticket.mailbox or default_mailbox()
    Ticket.objects.filter(pk=ticket.pk).update(channel=ticket.channel, mailbox=ticket.mailbox, updated_at=now)
    activity_record(
        ticket=ticket, actor=None, field="channel", old=old, new=ticket.channel, reason=reason, at=now
    )
    outbox_publish(
        name="ticket.updated", payload={"ticket_id": ticket.pk, "changes": {"channel": [old, ticket.channel]}}
    )


@transaction.atomic
def chat_continue_by_email(*, session: ChatSession, reason: str, now: datetime | None = None) -> bool:
    """Turn an open chat into an email conversation and email the visitor the transcript.

    Idempotent: a chat that is no longer open is left alone (False), so the transcript goes out
    at most once however often this runs. `reason` is shown on the ticket's timeline."""
    now = now or timezone.now()
    session = (
        ChatSession.objects.select_for_update(of=("self",))
        .select_related("ticket", "customer")
        .filter(pk=session.pk, status=ChatStatus.OPEN)
        .first()
    )
    if session is None:
        return False
    ChatSession.objects.filter(pk=session.pk).update(status=ChatStatus.EMAIL, waiting_since=None)
    ticket_switch_to_email(ticket=session.ticket, reason=reason, now=now)
    if not session.customer.email:
        return True  # nobody to write to (a chat always has an address; an erased customer may not)
    message = message_add(
        ticket=session.ticket,
        body=chat_transcript(session),
        public=True,
        channel=Channel.EMAIL,
        metadata={"chat": {"transcript": True}},
        now=now,
    )
    # Delivered by the same task as an agent's email reply (see tickets/handlers.py).
    outbox_publish(
        name="chat.continued_by_email", payload={"ticket_id": session.ticket_id, "message_id": message.pk}
    )
    return True


def chat_transcript(session: ChatSession) -> str:
    """The email to the visitor: what happens next, then every chat line so far, in their language."""
    lines = (
        Message.objects.filter(ticket_id=session.ticket_id, public=True, channel=Channel.CHAT)
        .select_related("author_user")
        .order_by("created_at", "id")
    )
    customer = session.customer
    with translation.override(customer.language or session.ticket.language or settings.LANGUAGE_CODE):
        text = [
            _("Hello %(name)s,") % {"name": customer.name or customer.email},
            "",
            _(
                "Your chat with us continues by email: we will send our answers to this address, and you "
                "can simply reply to this email. Here is the conversation so far."
            ),
            "",
        ]
        for line in lines:
            who = customer.name if line.incoming else agent_first_name(line.author_user)
            when = timezone.localtime(line.created_at).strftime("%Y-%m-%d %H:%M")
            text.append(f"[{when}] {who}:\n{line.body_text}\n")
    return "\n".join(text)


def agent_first_name(user) -> str:
    """What a visitor sees of an agent: their first name."""
    return user.get_short_name() if user else _("Support")
