"""Live chat: the widget's conversations, kept as tickets (DESIGN.md, "In").

A visitor starts a chat with their name, email address and first message: that finds or creates the
customer by the address and always opens a NEW ticket (the address is not verified, so a chat must
never land on the tickets of whoever owns it). The widget holds a random token for that one chat; we
keep only its hash. Every chat line is a public Message with channel=chat; agents answer from the
ticket page, and the widget polls for their replies.

A chat nobody answers within CHAT_UNANSWERED_MINUTES, or whose visitor left without an answer,
continues by email (chat_email.py); outside CHAT_HOURS a chat starts as an email conversation.
"""

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from customers.services import customer_find_or_create
from helpdesk.lib.hours import is_open, parse_weekly_hours
from tickets.channels.chat_email import (
    agent_first_name,
    chat_continue_by_email,
    default_mailbox,
    ticket_switch_to_email,
)
from tickets.channels.receive import receive_message
from tickets.models import Channel, ChatSession, ChatStatus, Message, Ticket

# The longest chat line a visitor may send (an email can carry more).
MESSAGE_MAX_CHARS = 5000
# The most lines one poll returns; the next poll continues after the last of them.
POLL_LIMIT = 200
# visitor_seen_at is written at most this often (the widget polls every second).
SEEN_PRECISION = timedelta(seconds=5)
# The desk shows the visitor as online when they polled this recently.
ONLINE_WITHIN = timedelta(seconds=10)
# A visitor not seen for this long has left the site (the widget polls while their page is open).
VISITOR_GONE = timedelta(minutes=5)


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def chat_hours_open(*, now: datetime | None = None) -> bool:
    """Whether agents take chats now: CHAT_HOURS (in TIME_ZONE) when set; else the business calendar
    of the team that takes chats (or the default calendar), holidays included; else always."""
    now = now or timezone.now()
    if settings.CHAT_HOURS:
        return is_open(parse_weekly_hours(settings.CHAT_HOURS), timezone.localtime(now))
    from backoffice.rosters.business_hours import business_minutes_between  # rosters reads tickets
    from backoffice.rosters.selectors import calendar_for_team

    mailbox = default_mailbox()
    calendar = calendar_for_team(mailbox.team if mailbox else None)
    if calendar is None or not calendar.hours.exists():
        return True
    return business_minutes_between(calendar, now, now + timedelta(minutes=1)) > 0


def _clean_body(body: str) -> str:
    body = (body or "").strip()
    if not body:
        raise ValidationError({"message": _("Write a message first.")})
    if len(body) > MESSAGE_MAX_CHARS:
        raise ValidationError(
            {
                "message": _("A message can be at most %(limit)d characters long.")
                % {"limit": MESSAGE_MAX_CHARS}
            }
        )
    return body


@transaction.atomic
def chat_start(
    *, name: str, email: str, body: str, page_url: str = "", language: str = "", now: datetime | None = None
) -> tuple[ChatSession, str]:
    """Open a chat: a new chat ticket for the customer with this address, and its session.

    Returns the session and the visitor's token (shown once; we keep its hash). Outside chat
    hours the chat starts as an email conversation: agents will answer by email."""
    now = now or timezone.now()
    body = _clean_body(body)
    if not name.strip():
        raise ValidationError({"name": _("Tell us your name.")})
    customer = customer_find_or_create(email=email, name=name, language=language)
    # Chats go to the team of the mailbox they continue on by email, if nobody answers in time.
    mailbox = default_mailbox()
    message = receive_message(
        channel=Channel.CHAT, customer=customer, body=body, team=mailbox.team if mailbox else None
    )
    open_now = chat_hours_open(now=now)
    token = secrets.token_urlsafe(32)
    session = ChatSession.objects.create(
        ticket=message.ticket,
        customer=customer,
        token_hash=_token_hash(token),
        status=ChatStatus.OPEN if open_now else ChatStatus.EMAIL,
        page_url=page_url[:500],
        started_at=now,
        waiting_since=now if open_now else None,
        visitor_seen_at=now,
    )
    if not open_now:
        ticket_switch_to_email(ticket=message.ticket, reason=_("outside chat hours"), now=now)
    return session, token


def chat_session_for_token(token: str) -> ChatSession | None:
    """The chat this token opens, with its ticket; None for a wrong or missing token."""
    if not token or len(token) > 100:
        return None
    return ChatSession.objects.select_related("ticket").filter(token_hash=_token_hash(token)).first()


def _locked(session_id: int) -> ChatSession | None:
    return (
        ChatSession.objects.select_for_update(of=("self",))
        .select_related("ticket", "customer")
        .filter(pk=session_id)
        .first()
    )


@transaction.atomic
def chat_send(*, session: ChatSession, body: str, now: datetime | None = None) -> Message:
    """The visitor's next line. Starts the unanswered clock unless it is already running."""
    now = now or timezone.now()
    body = _clean_body(body)
    session = _locked(session.pk)  # serialised with the escalation, which may be closing this chat
    if session is None or session.status != ChatStatus.OPEN:
        raise ValidationError({"message": _("This chat has ended.")})
    message = receive_message(
        channel=Channel.CHAT, customer=session.customer, body=body, ticket=session.ticket
    )
    # Writing on a closed ticket opens a follow-up ticket: the chat goes on there.
    ChatSession.objects.filter(pk=session.pk).update(
        ticket=message.ticket, waiting_since=Coalesce("waiting_since", now), visitor_seen_at=now
    )
    return message


def chat_answered(*, ticket: Ticket) -> None:
    """An agent replied publicly on this ticket: its chat no longer waits (called by ticket_reply)."""
    ChatSession.objects.filter(ticket=ticket, waiting_since__isnull=False).update(waiting_since=None)


def chat_seen(*, session: ChatSession, now: datetime | None = None) -> None:
    """The visitor is still here (each poll); written at most every SEEN_PRECISION."""
    now = now or timezone.now()
    if now - session.visitor_seen_at >= SEEN_PRECISION:
        ChatSession.objects.filter(pk=session.pk).update(visitor_seen_at=now)
        session.visitor_seen_at = now


@transaction.atomic
def chat_end(*, session: ChatSession, now: datetime | None = None) -> ChatSession:
    """The visitor ends the chat. With a line still unanswered it continues by email; either way
    the ticket's later replies go out by email."""
    session = _locked(session.pk) or session
    if session.status == ChatStatus.OPEN:
        if session.waiting_since:
            chat_continue_by_email(
                session=session, reason=_("the visitor ended the chat before an answer"), now=now
            )
        else:
            _end(session, reason=_("the visitor ended the chat"), now=now or timezone.now())
    session.refresh_from_db(fields=["status"])
    return session


def _end(session: ChatSession, *, reason: str, now: datetime) -> None:
    ChatSession.objects.filter(pk=session.pk).update(status=ChatStatus.ENDED, waiting_since=None)
    ticket_switch_to_email(ticket=session.ticket, reason=reason, now=now)


def chat_messages(*, session: ChatSession, after: int = 0) -> list[Message]:
    """The chat lines after message id `after`, oldest first: public chat messages only, never
    internal notes. Most polls find nothing new and cost no query beyond the session's own."""
    if (session.ticket.last_public_message_id or 0) <= after:
        return []
    return list(
        Message.objects.filter(ticket_id=session.ticket_id, public=True, channel=Channel.CHAT, id__gt=after)
        .select_related("author_user")
        .only("id", "incoming", "body_text", "created_at", "author_user__full_name", "author_user__email")
        .order_by("created_at", "id")[:POLL_LIMIT]
    )


def chat_message_json(message: Message) -> dict:
    """A chat line as the widget shows it."""
    return {
        "id": message.pk,
        "from": "visitor" if message.incoming else "agent",
        "author": "" if message.incoming else agent_first_name(message.author_user),
        "text": message.body_text,
        "at": message.created_at.isoformat(),
    }


# --- Escalation: run every minute by beat (tickets.tasks.chat_escalate).


def chat_escalate_due(*, now: datetime | None = None) -> int:
    """Settle every open chat whose time is up; returns how many changed. Idempotent: each chat is
    decided under its row lock, and only an open chat changes."""
    now = now or timezone.now()
    # Waiting chats are few, found through the waiting_since index; left chats are open ones.
    waiting = ChatSession.objects.filter(waiting_since__lte=now)
    left = ChatSession.objects.filter(status=ChatStatus.OPEN, visitor_seen_at__lte=now - VISITOR_GONE)
    due = waiting.filter(
        Q(waiting_since__lte=now - timedelta(minutes=settings.CHAT_UNANSWERED_MINUTES))
        | Q(visitor_seen_at__lte=now - VISITOR_GONE)
    )
    ids = set(due.values_list("pk", flat=True)) | set(left.values_list("pk", flat=True))
    return sum(_settle(session_id, now=now) for session_id in sorted(ids))


@transaction.atomic
def _settle(session_id: int, *, now: datetime) -> bool:
    session = _locked(session_id)
    if session is None or session.status != ChatStatus.OPEN:
        return False
    minutes = settings.CHAT_UNANSWERED_MINUTES
    gone = session.visitor_seen_at <= now - VISITOR_GONE
    if session.waiting_since and session.waiting_since <= now - timedelta(minutes=minutes):
        reason = ngettext(
            "nobody answered the chat within %(minutes)d minute",
            "nobody answered the chat within %(minutes)d minutes",
            minutes,
        ) % {"minutes": minutes}
    elif gone and (session.waiting_since or _missed_reply(session)):
        reason = _("the visitor left before reading an answer")
    elif gone:
        _end(session, reason=_("the visitor left the chat"), now=now)
        return True
    else:
        return False
    return chat_continue_by_email(session=session, reason=reason, now=now)


def _missed_reply(session: ChatSession) -> bool:
    """Whether an agent wrote after the visitor's last poll (so they never saw it)."""
    return Message.objects.filter(
        ticket_id=session.ticket_id,
        public=True,
        incoming=False,
        channel=Channel.CHAT,
        created_at__gt=session.visitor_seen_at,
    ).exists()


# --- The desk's side: the "Live chat" indicator on the ticket page.


@dataclass(frozen=True)
class LiveChat:
    session: ChatSession
    visitor_online: bool


def chat_live(ticket: Ticket, *, now: datetime | None = None) -> LiveChat | None:
    """The open chat of this ticket, if any (no query for tickets of other channels)."""
    if ticket.channel != Channel.CHAT:
        return None
    session = ChatSession.objects.filter(ticket=ticket, status=ChatStatus.OPEN).first()
    if session is None:
        return None
    return LiveChat(session, session.visitor_seen_at >= (now or timezone.now()) - ONLINE_WITHIN)
