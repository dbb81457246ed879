"""Automatic assignment: a ticket of a team goes to one of the team's agents who is on shift now, has
the skills it requires (set by rules), speaks the ticket's language and is under their capacity
(backoffice/rosters' `available_agents`); the least loaded wins, the one assigned longest ago
breaks a tie (round robin). Nobody fits: the ticket waits in its team's queue, and
`tickets_route_waiting` tries again when a shift starts, an agent frees capacity or comes back
(beat every minute, and after every change).

Waiting tickets are taken VIP customers first, then the higher support tier, then the higher
priority, then the oldest. Every decision is written on the ticket with its reason.

Locks are always taken team first, then tickets, so routers of one team never deadlock and never
hand out the same capacity twice.
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, datetime

from django.db import transaction
from django.db.models import Case, Exists, IntegerField, OuterRef, QuerySet, Subquery, Value, When
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from backoffice.models import Team
from backoffice.rosters.models import AgentProfile, Shift
from backoffice.rosters.selectors import available_agents
from helpdesk.models import User
from tickets.models import UNSOLVED, AssignmentTurn, Priority, Ticket
from tickets.services.core import activity_record, ticket_update

WAITING_BATCH = 100
LONG_AGO = datetime.min.replace(tzinfo=UTC)


@dataclass(frozen=True)
class Decision:
    agent: User | None
    reason: str


def _rank(field: str, order: list[str]) -> Case:
    return Case(
        *[When(**{field: value}, then=Value(rank)) for rank, value in enumerate(order)],
        default=Value(0),
        output_field=IntegerField(),
    )


def waiting_tickets(team: Team) -> QuerySet:
    """The team's unassigned open tickets in the order routing takes them."""
    return (
        Ticket.objects.filter(team=team, assignee__isnull=True, status__in=UNSOLVED, merged_into__isnull=True)
        .annotate(
            tier_rank=_rank("requester__organization__support_tier", ["standard", "business", "enterprise"]),
            priority_rank=_rank("priority", [Priority.LOW, Priority.NORMAL, Priority.HIGH, Priority.URGENT]),
        )
        .order_by("-requester__vip", "-tier_rank", "-priority_rank", "created_at", "id")
    )


class Pool:
    """The team's available agents, read once and kept current while a batch is assigned."""

    def __init__(self, team: Team, now: datetime) -> None:
        self.team = team
        self.now = now
        self.agents = available_agents(team, now=now)
        self.turns = dict(
            AssignmentTurn.objects.filter(team=team).values_list("agent_id", "last_assigned_at")
        )
        self.skills: dict[int, set[str]] = defaultdict(set)
        for user_id, skill in AgentProfile.skills.through.objects.filter(
            agentprofile__user__in=[agent.pk for agent in self.agents]
        ).values_list("agentprofile__user_id", "skill__name"):
            self.skills[user_id].add(skill)

    def choose(self, ticket: Ticket) -> Decision:
        needed = set(ticket.required_skills.values_list("name", flat=True))
        fitting = [
            agent
            for agent in self.agents
            if agent.open_tickets < agent.max_open_tickets
            and (not ticket.language or ticket.language in agent.agent_profile.languages)
            and needed <= self.skills[agent.pk]
        ]
        if not fitting:
            return Decision(None, self._why_nobody(ticket, needed))
        least = min(agent.open_tickets for agent in fitting)
        tied = [agent for agent in fitting if agent.open_tickets == least]
        agent = min(tied, key=lambda user: (self.turns.get(user.pk) or LONG_AGO, user.pk))
        return Decision(agent, self._why(agent, ticket, needed))

    def took(self, agent: User) -> None:
        agent.open_tickets += 1
        self.turns[agent.pk] = self.now
        # One upsert, not a locked read and an insert or update.
        AssignmentTurn.objects.bulk_create(
            [AssignmentTurn(team=self.team, agent=agent, last_assigned_at=self.now)],
            update_conflicts=True,
            unique_fields=["team", "agent"],
            update_fields=["last_assigned_at"],
        )

    def _why(self, agent: User, ticket: Ticket, needed: set[str]) -> str:
        parts = []
        until = (
            Shift.objects.filter(agent=agent, team=self.team)
            .at(self.now)
            .order_by("-end")
            .values_list("end", flat=True)
            .first()
        )
        if until is not None:
            parts.append(
                _("on shift until %(time)s") % {"time": formats.time_format(timezone.localtime(until))}
            )
        if ticket.language:
            parts.append(_("speaks %(language)s") % {"language": ticket.language})
        if needed:
            parts.append(_("knows %(skills)s") % {"skills": ", ".join(sorted(needed))})
        parts.append(_("%(open)s/%(max)s open") % {"open": agent.open_tickets, "max": agent.max_open_tickets})
        return _("assigned to %(name)s: %(why)s") % {
            "name": agent.full_name or agent.email,
            "why": ", ".join(parts),
        }

    def _why_nobody(self, ticket: Ticket, needed: set[str]) -> str:
        if not self.agents:
            return _("waits in %(team)s: nobody is on shift with free capacity") % {"team": self.team}
        if ticket.language and not any(ticket.language in a.agent_profile.languages for a in self.agents):
            return _("waits in %(team)s: nobody on shift speaks %(language)s") % {
                "team": self.team,
                "language": ticket.language,
            }
        if needed and not any(needed <= self.skills[agent.pk] for agent in self.agents):
            return _("waits in %(team)s: nobody on shift knows %(skills)s") % {
                "team": self.team,
                "skills": ", ".join(sorted(needed)),
            }
        return _("waits in %(team)s: every agent on shift is at capacity") % {"team": self.team}


def _assign(ticket: Ticket, pool: Pool) -> Decision:
    decision = pool.choose(ticket)
    if decision.agent is not None:
        ticket_update(ticket=ticket, by=None, changes={"assignee": decision.agent}, reason=decision.reason)
        pool.took(decision.agent)
        if ticket.waiting_for_agent_since is not None:
            Ticket.objects.filter(pk=ticket.pk).update(waiting_for_agent_since=None)
    elif ticket.waiting_for_agent_since is None:
        # Said once, when the wait begins: the minute-by-minute retries add nothing to the timeline.
        activity_record(ticket=ticket, actor=None, field="routing", new="waiting", reason=decision.reason)
        Ticket.objects.filter(pk=ticket.pk).update(waiting_for_agent_since=pool.now)
    return decision


# No savepoint: it runs inside a handler's transaction, and an error fails the handler as a whole.
@transaction.atomic(savepoint=False)
def ticket_route(*, ticket_id: int, now: datetime) -> Decision | None:
    """Assign one ticket if it has a team, no assignee and is open; None when there is nothing to do."""
    team = (
        Team.objects.select_for_update()
        .filter(pk=Subquery(Ticket.objects.filter(pk=ticket_id).values("team_id")))
        .first()
    )
    if team is None:
        return None
    ticket = (
        Ticket.objects.select_for_update(of=("self",))
        .select_related("requester")
        .filter(pk=ticket_id, team=team, assignee__isnull=True, status__in=UNSOLVED, merged_into__isnull=True)
        .first()
    )
    if ticket is None:
        return None
    return _assign(ticket, Pool(team, now))


@transaction.atomic
def tickets_route_waiting(*, team_id: int, now: datetime, limit: int = WAITING_BATCH) -> int:
    """Assign the team's waiting tickets, best first, while agents fit; returns how many were assigned."""
    team = Team.objects.select_for_update().filter(pk=team_id).first()
    if team is None:
        return 0
    pool = Pool(team, now)
    if not pool.agents:
        return 0
    assigned = 0
    for ticket in waiting_tickets(team).select_for_update(of=("self",), skip_locked=True)[:limit]:
        if _assign(ticket, pool).agent is not None:
            assigned += 1
        if all(agent.open_tickets >= agent.max_open_tickets for agent in pool.agents):
            break
    return assigned


def teams_with_waiting_tickets() -> list[int]:
    """Teams with an unassigned open ticket: one indexed probe per team, not a scan of the tickets."""
    waiting = Ticket.objects.filter(team=OuterRef("pk"), assignee__isnull=True, status__in=UNSOLVED)
    return list(Team.objects.filter(Exists(waiting)).values_list("pk", flat=True))
