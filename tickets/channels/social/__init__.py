"""Social and messaging channels: Telegram bots and a generic signed webhook (see README.md).

providers.py knows each provider's formats and API; inbound.py files updates as messages;
outbound.py posts agents' replies back.
"""

from tickets.channels.social.inbound import NotAuthentic, SocialReceipt, social_receive
from tickets.channels.social.outbound import social_deliver, social_reply_queue, split_text
from tickets.channels.social.providers import (
    BadUpdate,
    IncomingMessage,
    SendError,
    SocialProvider,
    TelegramProvider,
    Update,
    WebhookProvider,
    provider_for,
)

__all__ = [
    "BadUpdate",
    "IncomingMessage",
    "NotAuthentic",
    "SendError",
    "SocialProvider",
    "SocialReceipt",
    "TelegramProvider",
    "Update",
    "WebhookProvider",
    "provider_for",
    "social_deliver",
    "social_receive",
    "social_reply_queue",
    "split_text",
]
