"""Writes of the rosters: shifts, week generation from the patterns, and time off."""

from datetime import date, datetime, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from backoffice.models import Team
from backoffice.rosters.models import AgentProfile, Shift, ShiftPattern, TimeOff, TimeOffStatus
from backoffice.rosters.services.permissions import can_manage_rosters
from backoffice.rosters.services.permissions import require_manager as _require_manager
from helpdesk.models import DESK_ROLES, Role, User


def lock_agent(agent: User) -> None:
    """Serialise roster writes per agent: the overlap check below holds under this row lock (a
    PostgreSQL exclusion constraint would need btree_gist; the lock works on SQLite too)."""
    profile, _created = AgentProfile.objects.get_or_create(user=agent)
    AgentProfile.objects.select_for_update().filter(pk=profile.pk).first()


def require_team_member(agent: User, team: Team) -> None:
    if agent.role not in DESK_ROLES:
        raise ValidationError({"agent": _("Only agents, supervisors and admins can have shifts.")})
    if not team.members.filter(pk=agent.pk).exists():
        raise ValidationError(
            {
                "agent": _("%(agent)s is not a member of %(team)s.")
                % {"agent": agent.get_short_name(), "team": team.name}
            }
        )


def _check_span(start: datetime, end: datetime) -> None:
    if timezone.is_naive(start) or timezone.is_naive(end):
        raise ValidationError(_("Times must include a time zone."))
    if end <= start:
        raise ValidationError({"end": _("The end must be after the start.")})
    if end - start > timedelta(hours=24):
        raise ValidationError({"end": _("A shift lasts at most 24 hours.")})


def _refuse_overlap(*, agent: User, start: datetime, end: datetime) -> None:
    clash = Shift.objects.filter(agent=agent).overlapping(start, end).select_related("team").first()
    if clash is not None:
        local = timezone.localtime(clash.start)
        raise ValidationError(
            _("%(agent)s already has a shift then (%(when)s, %(team)s).")
            % {
                "agent": agent.get_short_name(),
                "when": date_format(local, "SHORT_DATETIME_FORMAT"),
                "team": clash.team.name,
            }
        )


@transaction.atomic
def shift_create(
    *,
    agent: User,
    team: Team,
    start: datetime,
    end: datetime,
    by: User | None,
    pattern: ShiftPattern | None = None,
) -> Shift:
    """A single shift; refused with a clear error when it overlaps another of the agent's shifts."""
    _require_manager(by)
    require_team_member(agent, team)
    _check_span(start, end)
    lock_agent(agent)
    _refuse_overlap(agent=agent, start=start, end=end)
    return Shift.objects.create(agent=agent, team=team, start=start, end=end, pattern=pattern, created_by=by)


@transaction.atomic
def shift_delete(*, shift: Shift, by: User | None) -> None:
    _require_manager(by)
    shift.delete()


def week_monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


@transaction.atomic
def roster_generate_week(*, team: Team, week_start: date, by: User | None) -> tuple[list[Shift], list[str]]:
    """Turn the team's patterns into concrete shifts for the week from `week_start` (a Monday).

    Idempotent: a pattern's shift for a day is created once (unique on pattern + start). A pattern day
    that would overlap an existing shift is skipped and reported, not forced."""
    _require_manager(by)
    week_start = week_monday(week_start)
    created, skipped = [], []
    patterns = ShiftPattern.objects.filter(team=team).select_related("agent").order_by("agent_id", "weekday")
    for pattern in patterns:
        day = week_start + timedelta(days=pattern.weekday)
        if not pattern.applies_on(day):
            continue
        start, end = pattern.span_on(day)
        if Shift.objects.filter(pattern=pattern, start=start).exists():
            continue
        # Approved time off wins over the pattern (else regenerating would undo the approval).
        if TimeOff.objects.approved().filter(agent=pattern.agent, start__lt=end, end__gt=start).exists():
            continue
        try:
            with transaction.atomic():
                created.append(
                    shift_create(agent=pattern.agent, team=team, start=start, end=end, by=by, pattern=pattern)
                )
        except ValidationError as error:
            skipped.append(f"{pattern}: {' '.join(error.messages)}")
    return created, skipped


@transaction.atomic
def time_off_request(*, agent: User, start: datetime, end: datetime, reason: str, by: User) -> TimeOff:
    """Agents ask for themselves; supervisors and admins may file a request for anyone."""
    if by.pk != agent.pk and not can_manage_rosters(by):
        raise PermissionDenied(_("You can only request time off for yourself."))
    if timezone.is_naive(start) or timezone.is_naive(end):
        raise ValidationError(_("Times must include a time zone."))
    if end <= start:
        raise ValidationError({"end": _("The end must be after the start.")})
    if end - start > timedelta(days=366):
        raise ValidationError({"end": _("Time off lasts at most a year per request.")})
    return TimeOff.objects.create(agent=agent, start=start, end=end, reason=reason.strip()[:200])


@transaction.atomic
def time_off_decide(*, time_off: TimeOff, approve: bool, by: User, now: datetime) -> TimeOff:
    """Approve or reject a pending request. Approving deletes the agent's shifts that overlap it, so
    the week grid shows the gap honestly (a supervisor then fills it); on_shift_now also ignores
    anyone on approved time off, should a shift be added later."""
    _require_manager(by)
    time_off = TimeOff.objects.select_for_update().get(pk=time_off.pk)
    if time_off.status != TimeOffStatus.REQUESTED:
        raise ValidationError(_("This request has already been decided."))
    if by.pk == time_off.agent_id and by.role != Role.ADMIN:
        raise PermissionDenied(_("Someone else must decide your own time off."))
    time_off.status = TimeOffStatus.APPROVED if approve else TimeOffStatus.REJECTED
    time_off.decided_by = by
    time_off.decided_at = now
    time_off.save(update_fields=["status", "decided_by", "decided_at"])
    if approve:
        Shift.objects.filter(agent_id=time_off.agent_id).overlapping(time_off.start, time_off.end).delete()
    return time_off
