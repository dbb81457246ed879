"""Fetch new mail from IMAP now (beat does it every minute; this is for setting up and for cron).

    python manage.py imap_poll [--mailbox NAME]

Exits 1 when a mailbox could not be fetched, so a cron job or a shell script notices.
"""

from django.core.management.base import BaseCommand, CommandError

from tickets.channels.imap import imap_poll
from tickets.models import ImapSource


class Command(BaseCommand):
    help = "Fetch new mail from the mailboxes that have an active IMAP source."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--mailbox", help="Only this mailbox (its name).")

    def handle(self, *args, mailbox: str | None = None, **options) -> None:
        sources = ImapSource.objects.filter(active=True, mailbox__active=True).select_related("mailbox")
        if mailbox:
            sources = sources.filter(mailbox__name=mailbox)
            if not sources:
                raise CommandError(f"No active IMAP source for a mailbox called {mailbox!r}.")
        failed = 0
        for source in sources:
            result = imap_poll(source)
            if result.error:
                failed += 1
                self.stderr.write(f"{source.mailbox.name}: failed: {result.error}")
            elif result.skipped:
                self.stdout.write(f"{source.mailbox.name}: skipped, another fetch is running")
            else:
                self.stdout.write(f"{source.mailbox.name}: {result.filed} new emails filed")
        if failed:
            raise CommandError(f"{failed} mailbox(es) could not be fetched.")
