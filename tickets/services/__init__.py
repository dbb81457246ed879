"""Every write to tickets goes through these functions (UI, API, email and Celery alike)."""

from tickets.services.conversation import (
    ReplyCollision,
    ticket_add_note,
    ticket_customer_reply,
    ticket_reply,
)
from tickets.services.core import (
    activity_record,
    ticket_assign,
    ticket_create,
    ticket_set_tags,
    ticket_update,
)
from tickets.services.macros import macro_apply, macro_render
from tickets.services.merging import ticket_bulk_update, ticket_link, ticket_merge, ticket_split
from tickets.services.presence import presence_others, presence_touch

__all__ = [
    "ReplyCollision",
    "activity_record",
    "macro_apply",
    "macro_render",
    "presence_others",
    "presence_touch",
    "ticket_add_note",
    "ticket_assign",
    "ticket_bulk_update",
    "ticket_create",
    "ticket_customer_reply",
    "ticket_link",
    "ticket_merge",
    "ticket_reply",
    "ticket_set_tags",
    "ticket_split",
    "ticket_update",
]
