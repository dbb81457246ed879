"""Social in: a provider's webhook update becomes the customer's message on their conversation.

The sender is found by their identity on the channel (a Telegram user id, "<account>:<sender id>"
for the generic webhook), or created with it. Their message continues their newest unsolved social
ticket in the same chat of the same account, else opens a ticket for the account's team. A provider
that retries (it does, after any timeout) repeats the message's key: the unique constraint on
`channel_message_id` ("<account>:<key>") decides, so the same message is filed once even when two
deliveries race. An edited Telegram message is filed as a new message marked "[edited]": the
conversation keeps what the customer first wrote, and the agent sees what changed.
"""

from collections.abc import Mapping
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef
from django.utils.translation import gettext as _

from customers.models import Customer
from customers.services import customer_find_or_create_by_identity
from tickets.channels.receive import receive_message
from tickets.channels.social.providers import IncomingMessage, SocialProvider, provider_for
from tickets.models import UNSOLVED, Channel, Message, SocialAccount, Ticket

SUBJECT_LENGTH = 80


class NotAuthentic(Exception):
    """The request does not carry the account's secret or signature."""


@dataclass(frozen=True)
class SocialReceipt:
    messages: list[Message]
    duplicates: int = 0
    ignored: str = ""

    def as_json(self) -> dict:
        return {
            "messages": [{"message": message.pk, "ticket": message.ticket_id} for message in self.messages],
            "duplicates": self.duplicates,
            "ignored": self.ignored,
        }


def social_receive(*, account: SocialAccount, body: bytes, headers: Mapping[str, str]) -> SocialReceipt:
    """Check and file one webhook request. Raises NotAuthentic, BadUpdate (nothing is stored
    then), or DatabaseError (a temporary failure: the provider should retry)."""
    provider = provider_for(account)
    if not provider.authentic(account, body, headers):
        raise NotAuthentic
    update = provider.parse_update(body)
    filed, duplicates = [], 0
    with transaction.atomic():
        for incoming in update.messages:
            message, duplicate = _file(account, provider, incoming)
            filed.append(message)
            duplicates += duplicate
    return SocialReceipt(messages=filed, duplicates=duplicates, ignored=update.ignored)


def _file(
    account: SocialAccount, provider: SocialProvider, incoming: IncomingMessage
) -> tuple[Message, bool]:
    key = f"{account.name}:{incoming.key}"
    first = _filed(key)
    if first is not None:
        return first, True
    customer = customer_find_or_create_by_identity(
        kind=provider.identity_kind,
        value=provider.identity_value(account, incoming.sender_id),
        name=incoming.name,
        display=incoming.handle or incoming.name,
    )
    body = f"[{_('edited')}]\n{incoming.text}" if incoming.edited else incoming.text
    try:
        # A savepoint: if a concurrent delivery of this update commits first, its ticket and
        # message stand and everything this one wrote (a second ticket, say) is undone.
        with transaction.atomic():
            message = receive_message(
                channel=Channel.SOCIAL,
                customer=customer,
                body=body,
                subject=_subject(incoming, customer),
                metadata={"social": _metadata(account, incoming)},
                channel_message_id=key,
                ticket=_open_conversation(account, customer, incoming.chat_id),
                team=account.team,
            )
    except IntegrityError:
        first = _filed(key)
        if first is None:
            raise  # some other constraint: not a duplicate
        return first, True
    return message, False


def _filed(key: str) -> Message | None:
    return Message.objects.filter(channel=Channel.SOCIAL, incoming=True, channel_message_id=key).first()


def _open_conversation(account: SocialAccount, customer: Customer, chat_id: str) -> Ticket | None:
    """The customer's newest unsolved ticket in this chat of this account (not their email tickets,
    and not another chat's: the reply goes where the conversation is)."""
    in_this_chat = Message.objects.filter(
        ticket=OuterRef("pk"),
        incoming=True,
        channel=Channel.SOCIAL,
        metadata__social__account=account.name,
        metadata__social__chat_id=chat_id,
    )
    return (
        Ticket.objects.filter(requester=customer, channel=Channel.SOCIAL, status__in=UNSOLVED)
        .filter(Exists(in_this_chat))
        .order_by("-updated_at")
        .first()
    )


def _subject(incoming: IncomingMessage, customer: Customer) -> str:
    first_line = next((line.strip() for line in incoming.text.splitlines() if line.strip()), "")
    if len(first_line) > SUBJECT_LENGTH:
        first_line = first_line[: SUBJECT_LENGTH - 1].rstrip() + "…"
    return first_line or _("Message from %(name)s") % {"name": customer.name}


def _metadata(account: SocialAccount, incoming: IncomingMessage) -> dict:
    """What a reply needs (account, chat, recipient) and what the agent may want to know."""
    return {
        "account": account.name,
        "kind": account.kind,
        "chat_id": incoming.chat_id,
        "sender_id": incoming.sender_id,
        "message_id": incoming.message_id,
        "handle": incoming.handle,
        "edited": incoming.edited,
    }
