"""The agent workspace at /desk/: queues and search, the ticket page, and actions on tickets."""

from tickets.views.actions import (
    ticket_assign_me,
    ticket_call,
    ticket_fields,
    ticket_follow,
    ticket_link,
    ticket_macro,
    ticket_merge,
    ticket_reply,
    ticket_split,
    ticket_tags,
)
from tickets.views.queues import desk_home, queue, saved_view_create, saved_view_delete, search, tickets_bulk
from tickets.views.ticket_page import (
    attachment_download,
    attachment_image,
    ticket_chat,
    ticket_detail,
    ticket_new,
    ticket_presence,
    ticket_preview,
)

__all__ = [
    "attachment_download",
    "attachment_image",
    "desk_home",
    "queue",
    "saved_view_create",
    "saved_view_delete",
    "search",
    "ticket_assign_me",
    "ticket_call",
    "ticket_chat",
    "ticket_detail",
    "ticket_fields",
    "ticket_follow",
    "ticket_link",
    "ticket_macro",
    "ticket_merge",
    "ticket_new",
    "ticket_presence",
    "ticket_preview",
    "ticket_reply",
    "ticket_split",
    "ticket_tags",
    "tickets_bulk",
]
