"""How an outgoing message fared on its channel, kept in `message.metadata[<channel>]` and shown
under the message on the ticket page (templates/tickets/_delivery.html). Email and social replies
share this: a row lock serialises two deliveries of one message, and a failure is recorded in a
transaction of its own so that it survives the caller's rollback."""

from django.db import transaction

from tickets.models import Message


def message_for_delivery(message_id: int, *, lock: bool = False) -> Message | None:
    messages = Message.objects.select_related("ticket__mailbox", "ticket__requester")
    if lock:
        messages = messages.select_for_update(no_key=True, of=("self",))
    return messages.filter(pk=message_id).first()


def delivery_record_failure(
    message_id: int, *, key: str, attempts: int, final: bool, error: str, extra: dict | None = None
) -> None:
    """Mark the message "retrying", or "failed" when this was the last attempt; never undo a "sent"."""
    with transaction.atomic():
        message = Message.objects.select_for_update(no_key=True).filter(pk=message_id).first()
        if message is None:
            return
        state = message.metadata.get(key, {})
        if state.get("status") == "sent":
            return
        message.metadata = {
            **message.metadata,
            key: {
                **state,
                **(extra or {}),
                "status": "failed" if final else "retrying",
                # Failed before the attempt was counted (e.g. the database): count it now.
                "attempts": attempts or state.get("attempts", 0) + 1,
                "error": error[:500],
            },
        }
        message.save(update_fields=["metadata"])
