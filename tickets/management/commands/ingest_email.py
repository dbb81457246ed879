"""Deliver RFC 822 emails from files or standard input, for a mail server's pipe.

    | python manage.py ingest_email --mailbox support        (Postfix: a pipe transport)

Exit codes follow sysexits.h, as mail delivery agents do: 0 delivered (a duplicate too),
65 the email could not be read (it is kept in quarantine), 67 no such mailbox, and 75 a
temporary failure (the database is away, say): the mail server keeps the email and retries.
"""

import sys

from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError

from tickets.channels.email_in import mailbox_for, receive_email
from tickets.models import InboundStatus

EX_DATAERR, EX_NOUSER, EX_TEMPFAIL = 65, 67, 75


class Command(BaseCommand):
    help = "Deliver RFC 822 emails from files or standard input into the helpdesk."

    def add_arguments(self, parser) -> None:
        parser.add_argument("files", nargs="*", help="Files with one raw email each; standard input if none.")
        parser.add_argument("--mailbox", help="The mailbox (its name or address) the email was sent to.")

    def handle(self, *args, files: list[str], mailbox: str | None = None, **options) -> None:
        try:
            target = mailbox_for(mailbox)
        except LookupError:
            raise CommandError(f"No active mailbox called {mailbox!r}.", returncode=EX_NOUSER) from None
        sources = files or ["-"]
        worst = 0
        for source in sources:
            raw = sys.stdin.buffer.read() if source == "-" else self._read(source)
            if not raw.strip():
                self.stderr.write(f"{source}: empty input, nothing delivered.")
                worst = max(worst, EX_DATAERR)
                continue
            try:
                receipt = receive_email(raw=raw, mailbox=target)
            except DatabaseError as error:
                raise CommandError(
                    f"{source}: temporary failure, try again: {error}", returncode=EX_TEMPFAIL
                ) from error
            inbound = receipt.inbound
            if inbound.status == InboundStatus.QUARANTINED:
                self.stderr.write(f"{source}: quarantined (#{inbound.pk}): {inbound.reason}")
                worst = max(worst, EX_DATAERR)
            else:
                what = "duplicate of" if receipt.duplicate else inbound.get_status_display().lower() + ":"
                ticket = f" ticket #{inbound.ticket_id}" if inbound.ticket_id else ""
                self.stdout.write(f"{source}: {what}{ticket} (inbound #{inbound.pk})")
        if worst:
            raise CommandError("Some input could not be delivered.", returncode=worst)

    def _read(self, path: str) -> bytes:
        try:
            with open(path, "rb") as handle:
                return handle.read()
        except OSError as error:
            raise CommandError(f"{path}: {error.strerror}", returncode=EX_DATAERR) from error
