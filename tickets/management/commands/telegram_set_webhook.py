"""Point a Telegram bot's webhook at this helpdesk (the Bot API's setWebhook), with the account's secret.

python manage.py telegram_set_webhook support-bot https://helpdesk.example.com
"""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.urls import reverse

from tickets.channels.social import SendError, TelegramProvider
from tickets.models import SocialAccount, SocialKind


class Command(BaseCommand):
    help = "Register this helpdesk as the webhook of a Telegram bot account (setWebhook with secret_token)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("account", help="The social account's name.")
        parser.add_argument(
            "base_url", nargs="?", default=settings.SITE_URL, help="The helpdesk's public https address."
        )

    def handle(self, *args, account: str, base_url: str, **options) -> None:
        target = SocialAccount.objects.filter(name=account, kind=SocialKind.TELEGRAM).first()
        if target is None:
            raise CommandError(f"No Telegram account called {account!r}.")
        url = base_url.rstrip("/") + reverse("channels:social_inbound", args=[target.name])
        payload = {
            "url": url,
            "secret_token": target.secret,
            # Only what we file; Telegram keeps the rest from us, so nothing is fetched in vain.
            "allowed_updates": ["message", "edited_message"],
        }
        try:
            TelegramProvider().call(target, "setWebhook", payload)
        except SendError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(f"Telegram now posts the updates of {target.name} to {url}")
