"""Where a ticket's SLA deadlines fall, computed from the ticket and its policy (no writes here).

- First response: from the ticket's creation until the first public agent reply.
- Next response: from the first customer message that waits for an answer (after the last public
  agent reply) until the next public agent reply; it starts once the first response was given.
- Resolution: from creation until solved, stopped while the status is one of the policy's pause
  statuses (the minutes paused so far are added to the target). The response clocks keep running
  in those statuses: a customer who wrote still waits for an answer.

Minutes are business minutes of a calendar (the policy's, else the team's, else the default one)
when the policy counts business hours, and wall-clock minutes otherwise or without any calendar.
"""

import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from backoffice.rosters import business_hours
from backoffice.rosters.business_hours import Schedule
from tickets.models import SlaMetric, SlaPolicy, Ticket


class Clock:
    """Adds and measures minutes: a calendar's business minutes, or plain ones without a schedule."""

    def __init__(self, schedule: Schedule | None) -> None:
        self.schedule = schedule

    def add(self, start: datetime, minutes: int) -> datetime:
        if self.schedule is None:
            return start + timedelta(minutes=minutes)
        return business_hours.add_business_minutes(self.schedule, start, minutes)

    def between(self, start: datetime, end: datetime) -> int:
        if self.schedule is None:
            return max(0, int((end - start).total_seconds() // 60))
        return business_hours.business_minutes_between(self.schedule, start, end)


@dataclass(frozen=True)
class Deadline:
    metric: str
    warn_at: datetime
    due_at: datetime


def deadlines(ticket: Ticket, policy: SlaPolicy | None, clock: Clock) -> dict[str, Deadline]:
    """The running targets of the ticket under `policy`, by metric."""
    if policy is None or not ticket.is_unsolved:
        return {}
    starts: dict[str, tuple[datetime, int]] = {}  # metric: (start, minutes added for pauses)
    if ticket.first_response_at is None:
        starts[SlaMetric.FIRST_RESPONSE] = (ticket.created_at, 0)
    elif ticket.awaiting_reply_since is not None:
        starts[SlaMetric.NEXT_RESPONSE] = (ticket.awaiting_reply_since, 0)
    if ticket.sla_paused_at is None:
        starts[SlaMetric.RESOLUTION] = (ticket.created_at, ticket.sla_paused_minutes)
    result = {}
    for metric, (start, paused) in starts.items():
        target = policy.target(metric)
        if not target:
            continue
        warn_after = math.ceil(target * policy.warning_percent / 100)
        result[metric] = Deadline(
            metric, warn_at=clock.add(start, warn_after + paused), due_at=clock.add(start, target + paused)
        )
    return result


def next_check(running: dict[str, Deadline], fired: set[tuple[str, str, datetime]]) -> datetime | None:
    """The earliest warning or deadline that has not fired yet: when the sweep must look again."""
    pending = []
    for deadline in running.values():
        if (deadline.metric, "warning", deadline.due_at) not in fired:
            pending.append(deadline.warn_at)
        elif (deadline.metric, "breach", deadline.due_at) not in fired:
            pending.append(deadline.due_at)
    return min(pending, default=None)
