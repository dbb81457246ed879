"""Social out: an agent's public reply on a social ticket, posted back to the chat the customer wrote
from (the newest of their social messages on the ticket names the account and the chat).

    social_reply_queue(message_id=message.pk)      # from the outbox handler: shown as queued at once
    social_deliver(message_id=message.pk)          # from the Celery task tickets.tasks.social_deliver

The outcome is kept in `message.metadata["social"]` (queued, retrying, sent or failed, with the
error) and shown under the message on the ticket page, as for email. A message is posted at most
once: "sent" is checked under a row lock held across the call, so a redelivered or doubled task
finds it sent. A reply longer than the provider takes goes as several messages; the parts already
posted are remembered, so a retry sends only the rest. Attachments stay on the ticket (not sent).
"""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tickets.channels.delivery import delivery_record_failure, message_for_delivery
from tickets.channels.social.providers import SendError, provider_for
from tickets.models import Channel, Message, SocialAccount


def social_reply_queue(*, message_id: int) -> None:
    """Mark a reply as queued for sending, unless its delivery has begun already."""
    with transaction.atomic():
        message = Message.objects.select_for_update(no_key=True).filter(pk=message_id).first()
        if message is None or "social" in message.metadata:
            return
        message.metadata = {**message.metadata, "social": {"status": "queued", "attempts": 0}}
        message.save(update_fields=["metadata"])


def social_deliver(*, message_id: int, final_attempt: bool = False) -> str:
    """Post a public agent reply to the customer's chat; "sent", "skipped" or "failed".

    A permanent failure (SendError.permanent: blocked bot, no such chat, no conversation to answer)
    is recorded as "failed" and returned. Any other failure is recorded as "retrying" (or "failed"
    on the `final_attempt`) in a transaction of its own, outside the caller's, and raised again."""
    message = message_for_delivery(message_id)
    if message is None or _skip(message):
        return "skipped"
    if message.metadata.get("social", {}).get("status") == "sent":
        return "sent"
    attempts, progress = 0, None
    try:
        with transaction.atomic():
            message = message_for_delivery(message_id, lock=True)
            if message is None or _skip(message):
                return "skipped"
            state = message.metadata.get("social", {})
            if state.get("status") == "sent":
                return "sent"  # another worker sent it while we waited for the lock
            attempts = state.get("attempts", 0) + 1
            progress = {"parts_sent": state.get("parts_sent", 0), "ids": list(state.get("ids", []))}
            account, conversation = _conversation(message)
            parts = split_text(message.body_text, provider_for(account).max_text_length)
            if not parts:
                raise SendError(_("Only text can be sent on this channel."), permanent=True)
            _send_parts(message, parts, account, conversation, progress)
            message.metadata = {
                **message.metadata,
                "social": {
                    "status": "sent",
                    "sent_at": timezone.now().isoformat(),
                    "attempts": attempts,
                    "account": account.name,
                    "chat_id": conversation["chat_id"],
                    **progress,
                },
            }
            message.save(update_fields=["metadata"])
            return "sent"
    except Exception as error:
        permanent = isinstance(error, SendError) and error.permanent
        # SendError's text is written for the agent; anything else is a surprise, named as such.
        text = str(error) if isinstance(error, SendError) else f"{type(error).__name__}: {error}"
        delivery_record_failure(
            message_id,
            key="social",
            attempts=attempts,
            final=final_attempt or permanent,
            error=text,
            extra=progress,
        )
        if permanent:
            return "failed"
        raise


def _send_parts(
    message: Message, parts: list[str], account: SocialAccount, conversation: dict, progress: dict
) -> None:
    """Post the parts not posted yet, counting each in `progress` as soon as the provider took it."""
    provider = provider_for(account)
    for part in parts[progress["parts_sent"] :]:
        progress["ids"].append(
            provider.send_reply(
                account,
                chat_id=conversation["chat_id"],
                recipient_id=conversation.get("sender_id", ""),
                text=part,
                # The same key on every attempt at this part, so a receiver can drop a repeat.
                reply_key=f"helpdesk-{message.pk}-{progress['parts_sent']}",
            )
        )
        progress["parts_sent"] += 1


def split_text(text: str, limit: int) -> list[str]:
    """`text` in parts of at most `limit` characters, cut at a line break where there is one."""
    parts, text = [], text.strip()
    while len(text) > limit:
        cut = text.rfind("\n", 0, limit + 1)
        cut = cut if cut > 0 else limit
        parts.append(text[:cut].rstrip())
        text = text[cut:].lstrip()
    return [*parts, text] if text else parts


def _skip(message: Message) -> bool:
    """Whether this message is not ours to post: a note, a customer's message, a non-social ticket."""
    return not message.public or message.incoming or message.ticket.channel != Channel.SOCIAL


def _conversation(message: Message) -> tuple[SocialAccount, dict]:
    """The account and the chat of the customer's newest social message on the ticket."""
    latest = (
        Message.objects.filter(
            ticket_id=message.ticket_id,
            incoming=True,
            channel=Channel.SOCIAL,
            metadata__social__has_key="chat_id",
        )
        .order_by("-created_at", "-id")
        .values_list("metadata", flat=True)
        .first()
    )
    if latest is None:
        raise SendError(
            _("The customer has not written on a social channel: there is no chat to answer."), permanent=True
        )
    conversation = latest["social"]
    account = SocialAccount.objects.filter(name=conversation.get("account"), active=True).first()
    if account is None:
        raise SendError(
            _("The social account %(name)s is gone or switched off.") % {"name": conversation.get("account")},
            permanent=True,
        )
    return account, conversation
