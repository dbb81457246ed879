"""The tickets app's models: tickets and their conversation (core), and the channels (email, imap,
chat, social)."""

from tickets.models.chat import ChatSession, ChatStatus
from tickets.models.core import (
    TRANSITIONS,
    UNSOLVED,
    Activity,
    Attachment,
    AuthorKind,
    Channel,
    Macro,
    Message,
    Priority,
    SavedView,
    Status,
    Tag,
    Ticket,
    TicketPresence,
    TicketQuerySet,
    TicketType,
    attachment_path,
    user_team_ids,
)
from tickets.models.email import InboundEmail, InboundStatus, Mailbox
from tickets.models.imap import ImapAuth, ImapSecurity, ImapSource
from tickets.models.notifications import (
    DeliveryStatus,
    EmailMode,
    Notification,
    NotificationChannel,
    NotificationKind,
    NotificationPreference,
)
from tickets.models.routing import AssignmentTurn
from tickets.models.rules import Rule, RuleFiring, RuleTrigger, YesNo
from tickets.models.sla import SlaEvent, SlaEventKind, SlaMetric, SlaPolicy
from tickets.models.social import SocialAccount, SocialKind

__all__ = [
    "TRANSITIONS",
    "UNSOLVED",
    "Activity",
    "AssignmentTurn",
    "Attachment",
    "AuthorKind",
    "Channel",
    "ChatSession",
    "ChatStatus",
    "DeliveryStatus",
    "EmailMode",
    "ImapAuth",
    "ImapSecurity",
    "ImapSource",
    "InboundEmail",
    "InboundStatus",
    "Macro",
    "Mailbox",
    "Message",
    "Notification",
    "NotificationChannel",
    "NotificationKind",
    "NotificationPreference",
    "Priority",
    "Rule",
    "RuleFiring",
    "RuleTrigger",
    "SavedView",
    "SlaEvent",
    "SlaEventKind",
    "SlaMetric",
    "SlaPolicy",
    "SocialAccount",
    "SocialKind",
    "Status",
    "Tag",
    "Ticket",
    "TicketPresence",
    "TicketQuerySet",
    "TicketType",
    "YesNo",
    "attachment_path",
    "user_team_ids",
]
