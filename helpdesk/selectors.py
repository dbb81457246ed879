"""Reads that span the project: the state of the background machinery, for supervisors."""

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count, Min

from helpdesk.models import Heartbeat, OutboxEvent


@dataclass(frozen=True)
class SystemStatus:
    outbox_pending: int
    outbox_oldest_pending: datetime | None
    worker_seen_at: datetime | None


def system_status() -> SystemStatus:
    pending = OutboxEvent.objects.pending().aggregate(count=Count("id"), oldest=Min("created_at"))
    worker = Heartbeat.objects.filter(name="beat+worker").values_list("seen_at", flat=True).first()
    return SystemStatus(
        outbox_pending=pending["count"], outbox_oldest_pending=pending["oldest"], worker_seen_at=worker
    )
