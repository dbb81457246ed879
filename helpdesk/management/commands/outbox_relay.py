"""Publish committed outbox events to Celery, continuously (or once, with --once).

Runs beside the web server and workers (see Procfile). When the broker is down it logs,
backs off and tries again: the events wait in the table and nothing is lost.
"""

import logging
import signal
import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from helpdesk.outbox import outbox_relay_batch

log = logging.getLogger("helpdesk.outbox.relay")
MAX_BACKOFF_SECONDS = 10.0


class Command(BaseCommand):
    help = "Publish committed outbox events to the Celery broker."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--once", action="store_true", help="Publish what is pending now, then exit.")

    def handle(self, *args, once: bool = False, **options) -> None:
        if once:
            self._publish_pending()
            return
        self.stopping = False
        signal.signal(signal.SIGTERM, self._stop)
        signal.signal(signal.SIGINT, self._stop)
        log.info("Outbox relay started (broker %s).", _redact(settings.CELERY_BROKER_URL))
        backoff = settings.OUTBOX_POLL_SECONDS
        while not self.stopping:
            try:
                published = outbox_relay_batch()
            except Exception as exc:  # broker or database away: wait and retry, rows stay pending
                log.warning(
                    "Outbox relay could not publish (%s: %s); retrying in %.1fs.",
                    type(exc).__name__,
                    exc,
                    backoff,
                )
                time.sleep(backoff)
                backoff = min(backoff * 2, MAX_BACKOFF_SECONDS)
                continue
            backoff = settings.OUTBOX_POLL_SECONDS
            if published < settings.OUTBOX_BATCH_SIZE:
                # Caught up: wait for more rather than publishing them one transaction at a time.
                time.sleep(settings.OUTBOX_POLL_SECONDS)

    def _publish_pending(self) -> None:
        total = 0
        while True:
            try:
                published = outbox_relay_batch()
            except Exception as exc:  # reported to the caller as a failed run; rows stay pending
                raise CommandError(f"Could not publish outbox events: {type(exc).__name__}: {exc}") from exc
            total += published
            if published == 0:
                break
        self.stdout.write(f"Published {total} outbox event(s).")

    def _stop(self, signum, frame) -> None:
        self.stopping = True


def _redact(url: str) -> str:
    # Never print a broker password into the logs.
    if "@" in url:
        scheme, rest = url.split("://", 1)
        return f"{scheme}://***@{rest.split('@', 1)[1]}"
    return url
