"""The one way a customer's message enters from any channel (DESIGN.md, "In").

Channels find the customer by their identity on that channel (email address, phone number,
handle) and call receive_message; email adds its own threading rules on top (email_in.py).
"""

from django.db import transaction

from customers.models import Customer
from tickets.models import UNSOLVED, Message, Ticket
from tickets.services import ticket_create, ticket_customer_reply


@transaction.atomic
def receive_message(
    *,
    channel: str,
    customer: Customer,
    body: str,
    subject: str = "",
    body_html: str | None = None,
    attachments: list | None = None,
    channel_message_id: str = "",
    metadata: dict | None = None,
    ticket: Ticket | None = None,
    continue_open: bool = False,
    team=None,
) -> Message:
    """Add the message to `ticket` (a conversation the channel already knows), else to the
    customer's newest unsolved ticket when `continue_open`, else to a new ticket."""
    if ticket is None and continue_open:
        ticket = (
            Ticket.objects.filter(requester=customer, status__in=UNSOLVED).order_by("-updated_at").first()
        )
    if ticket is None:
        ticket = ticket_create(
            requester=customer,
            subject=subject or body[:80],
            body=body,
            body_html=body_html,
            channel=channel,
            attachments=attachments,
            channel_message_id=channel_message_id,
            team=team,
        )
        message = ticket.messages.get()
    else:
        message = ticket_customer_reply(
            ticket=ticket,
            customer=customer,
            body=body,
            body_html=body_html,
            channel=channel,
            attachments=attachments,
            channel_message_id=channel_message_id,
        )
    if metadata:
        message.metadata = {**message.metadata, **metadata}
        message.save(update_fields=["metadata"])
    return message
