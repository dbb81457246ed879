"""An outbox handler for the plumbing tests, loaded by workers through OUTBOX_HANDLER_MODULES.

It records each attempt and each completed effect as lines in files under payload["dir"],
so a test can count them from outside the worker; payload["sleep"] keeps it busy.
"""

import os
import time
from pathlib import Path

from helpdesk.models import OutboxEvent
from helpdesk.outbox import outbox_handler


@outbox_handler("test.effect", queue="routing")
def record_effect(event: OutboxEvent) -> None:
    directory = Path(event.payload["dir"])
    with open(directory / f"attempts-{event.pk}", "a") as attempts:
        attempts.write(f"{os.getpid()}\n")
    time.sleep(event.payload.get("sleep", 0))
    with open(directory / f"effects-{event.pk}", "a") as effects:
        effects.write("done\n")
