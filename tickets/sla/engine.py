"""The SLA engine: which policy a ticket falls under, its deadlines kept in columns, and the sweep
that fires each warning and breach once.

`sla_recompute` runs (on the `sla` queue) after every event that can move a deadline; it is
idempotent and reads the ticket as it is now, so events handled late or out of order do no harm.
`sla_sweep` runs every few seconds from beat and reads only the tickets whose `sla_next_check_at`
has come, through a partial index, locking them with SKIP LOCKED so two sweeps share the work.
"""

from datetime import datetime

from django.db import transaction
from django.utils.translation import gettext as _

from backoffice.rosters.business_hours import Schedule
from backoffice.rosters.selectors import calendar_for_team
from customers.models import SupportTier
from helpdesk.outbox import outbox_publish
from tickets.models import AuthorKind, Message, Priority, SlaEvent, SlaEventKind, SlaPolicy, Ticket
from tickets.services.core import activity_record, ticket_update
from tickets.sla.clock import Clock, Deadline, deadlines, next_check

TIER_ORDER = [SupportTier.STANDARD, SupportTier.BUSINESS, SupportTier.ENTERPRISE]
PRIORITY_ORDER = [Priority.LOW, Priority.NORMAL, Priority.HIGH, Priority.URGENT]
SWEEP_BATCH = 200
LIVE_SUBSCRIPTIONS = ("trial", "active", "past_due")


def support_tier_of(ticket: Ticket) -> str:
    """The highest of the organization's tier and the tiers of the account's live plans."""
    from backoffice.billing.models import AccountOwned, Subscription

    requester = ticket.requester
    tiers = {requester.organization.support_tier} if requester.organization_id else set()
    tiers |= set(
        Subscription.objects.filter(AccountOwned.account_of(requester), status__in=LIVE_SUBSCRIPTIONS)
        .values_list("plan__support_tier", flat=True)
        .distinct()
    )
    return max(tiers, key=TIER_ORDER.index, default=SupportTier.STANDARD)


def policy_matches(policy: SlaPolicy, ticket: Ticket, tier: str, organization_ids: set[int]) -> bool:
    return (
        (not policy.priorities or ticket.priority in policy.priorities)
        and (not policy.support_tiers or tier in policy.support_tiers)
        and (not policy.channels or ticket.channel in policy.channels)
        and (not policy.types or ticket.type in policy.types)
        and (not organization_ids or ticket.requester.organization_id in organization_ids)
    )


# The ticket fields an SLA deadline depends on (besides messages and the customer's tier).
SLA_FIELDS = frozenset({"status", "priority", "type", "team", "channel"})


def sla_policy_for(ticket: Ticket) -> SlaPolicy | None:
    """The first active policy, by position, whose conditions all match the ticket."""
    policies = list(SlaPolicy.objects.filter(active=True).prefetch_related("organizations"))
    if not policies:
        return None
    tier = support_tier_of(ticket)
    for policy in policies:
        if policy_matches(
            policy, ticket, tier, {organization.pk for organization in policy.organizations.all()}
        ):
            return policy
    return None


class Clocks:
    """The clock of each policy and team, built once per recompute or sweep batch (a calendar's
    schedule takes three queries)."""

    def __init__(self) -> None:
        self._schedules: dict[int, Schedule] = {}
        self._team_calendars: dict[int | None, object] = {}

    def for_ticket(self, ticket: Ticket, policy: SlaPolicy) -> Clock:
        if not policy.business_hours:
            return Clock(None)
        if ticket.team_id not in self._team_calendars:
            self._team_calendars[ticket.team_id] = calendar_for_team(ticket.team)
        calendar = policy.calendar or self._team_calendars[ticket.team_id]
        if calendar is None:
            return Clock(None)
        if calendar.pk not in self._schedules:
            self._schedules[calendar.pk] = calendar.schedule()
        schedule = self._schedules[calendar.pk]
        if schedule.week_minutes == 0 and not schedule.extra:
            return Clock(None)  # a calendar with no opening hours would never reach a deadline
        return Clock(schedule)


def _awaiting_reply_since(ticket: Ticket) -> datetime | None:
    """The first customer message after the last public agent reply, when there is one."""
    messages = Message.objects.filter(ticket=ticket)
    last_answer = (
        messages.filter(author_kind=AuthorKind.AGENT, public=True)
        .order_by("-created_at")
        .values_list("created_at", flat=True)
        .first()
    )
    waiting = messages.filter(author_kind=AuthorKind.CUSTOMER)
    if last_answer is not None:
        waiting = waiting.filter(created_at__gt=last_answer)
    return waiting.order_by("created_at").values_list("created_at", flat=True).first()


def _fired(ticket: Ticket) -> set[tuple[str, str, datetime]]:
    return set(SlaEvent.objects.filter(ticket=ticket).values_list("metric", "kind", "due_at"))


def _fired_by_ticket(tickets: list[Ticket]) -> dict[int, set[tuple[str, str, datetime]]]:
    """What fired already, for a whole sweep batch in one query."""
    fired: dict[int, set] = {ticket.pk: set() for ticket in tickets}
    rows = SlaEvent.objects.filter(ticket__in=tickets).values_list("ticket_id", "metric", "kind", "due_at")
    for ticket_id, metric, kind, due_at in rows:
        fired[ticket_id].add((metric, kind, due_at))
    return fired


def _store(ticket: Ticket, running: dict[str, Deadline], fired: set) -> None:
    ticket.first_response_due_at = getattr(running.get("first_response"), "due_at", None)
    ticket.next_response_due_at = getattr(running.get("next_response"), "due_at", None)
    ticket.resolution_due_at = getattr(running.get("resolution"), "due_at", None)
    ticket.sla_due_at = min((deadline.due_at for deadline in running.values()), default=None)
    ticket.sla_next_check_at = next_check(running, fired)
    ticket.save(
        update_fields=[
            "sla_policy",
            "sla_paused_at",
            "sla_paused_minutes",
            "awaiting_reply_since",
            "first_response_due_at",
            "next_response_due_at",
            "resolution_due_at",
            "sla_due_at",
            "sla_next_check_at",
        ]
    )


@transaction.atomic
def sla_recompute(*, ticket_id: int, now: datetime) -> Ticket | None:
    """Match the policy again, follow pauses, and store the deadlines and the next check."""
    ticket = (
        Ticket.objects.select_for_update(of=("self",))
        .select_related("requester__organization", "team")
        .filter(pk=ticket_id)
        .first()
    )
    if ticket is None:
        return None
    policy = sla_policy_for(ticket) if ticket.is_unsolved else ticket.sla_policy
    ticket.sla_policy = policy
    clock = Clocks().for_ticket(ticket, policy) if policy else Clock(None)
    paused_now = policy is not None and ticket.status in policy.pause_statuses
    if paused_now and ticket.sla_paused_at is None:
        ticket.sla_paused_at = now
    elif not paused_now and ticket.sla_paused_at is not None:
        ticket.sla_paused_minutes += clock.between(ticket.sla_paused_at, now)
        ticket.sla_paused_at = None
    ticket.awaiting_reply_since = _awaiting_reply_since(ticket)
    _store(ticket, deadlines(ticket, policy, clock), _fired(ticket))
    return ticket


def sla_sweep(*, now: datetime, batch: int = SWEEP_BATCH) -> int:
    """Fire every warning and breach that has come; returns how many fired. Each batch is its own
    transaction; a ticket locked by a recompute or another sweep is skipped and seen next time."""
    fired_total = 0
    while True:
        with transaction.atomic():
            due = list(
                Ticket.objects.select_for_update(skip_locked=True, of=("self",))
                .filter(sla_next_check_at__lte=now)
                .select_related("sla_policy", "team", "requester")
                .order_by("sla_next_check_at")[:batch]
            )
            clocks, fired = Clocks(), _fired_by_ticket(due)
            for ticket in due:
                fired_total += _check(ticket, now, clocks, fired[ticket.pk])
            Ticket.objects.bulk_update(due, ["sla_next_check_at"])
        if len(due) < batch:
            return fired_total


def _check(ticket: Ticket, now: datetime, clocks: Clocks, fired: set) -> int:
    """Fire what has come for one ticket and set its next check (saved by the caller, in bulk)."""
    policy = ticket.sla_policy
    clock = clocks.for_ticket(ticket, policy) if policy else Clock(None)
    running = deadlines(ticket, policy, clock)
    count = 0
    for deadline in running.values():
        if now >= deadline.warn_at and (deadline.metric, SlaEventKind.WARNING, deadline.due_at) not in fired:
            count += _fire(ticket, policy, deadline, SlaEventKind.WARNING, now, fired)
        if now >= deadline.due_at and (deadline.metric, SlaEventKind.BREACH, deadline.due_at) not in fired:
            count += _fire(ticket, policy, deadline, SlaEventKind.BREACH, now, fired)
    ticket.sla_next_check_at = next_check(running, fired)
    return count


def _fire(ticket: Ticket, policy: SlaPolicy, deadline: Deadline, kind: str, now: datetime, fired: set) -> int:
    _event, created = SlaEvent.objects.get_or_create(
        ticket=ticket,
        metric=deadline.metric,
        kind=kind,
        due_at=deadline.due_at,
        defaults={"fired_at": now, "policy": policy},
    )
    fired.add((deadline.metric, kind, deadline.due_at))
    if not created:
        return 0
    activity_record(ticket=ticket, actor=None, field="sla", old=kind, new=deadline.metric, at=now)
    outbox_publish(
        name=f"sla.{kind}",
        payload={"ticket_id": ticket.pk, "metric": deadline.metric, "due_at": deadline.due_at.isoformat()},
    )
    if kind == SlaEventKind.BREACH:
        _escalate(ticket, policy)
    return 1


def _escalate(ticket: Ticket, policy: SlaPolicy) -> None:
    changes = {}
    if policy.raise_priority_on_breach and ticket.priority != Priority.URGENT:
        changes["priority"] = PRIORITY_ORDER[PRIORITY_ORDER.index(ticket.priority) + 1]
    target = policy.reassign_on_breach_to
    if target is not None and target.is_active and ticket.assignee_id != target.pk:
        changes["assignee"] = target
    if changes:
        ticket_update(ticket=ticket, by=None, changes=changes, reason=_("SLA breached"))
