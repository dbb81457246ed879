"""Weekly shift patterns: add (refusing overlaps with the agent's other patterns), end and delete."""

from collections.abc import Iterator
from datetime import date, datetime, time, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from backoffice.models import Team
from backoffice.rosters.models import ShiftPattern
from backoffice.rosters.services.permissions import require_manager
from backoffice.rosters.services.shifts import lock_agent, require_team_member
from helpdesk.models import User

# Two patterns in different zones meet differently in summer and winter; a year of occurrences shows
# every combination, and after that the weeks repeat.
OVERLAP_HORIZON = timedelta(days=371)


def _occurrences(pattern: ShiftPattern, first: date, last: date) -> Iterator[tuple[datetime, datetime]]:
    day = first + timedelta(days=(pattern.weekday - first.weekday()) % 7)
    while day <= last:
        if pattern.applies_on(day):
            yield pattern.span_on(day)
        day += timedelta(days=7)


def _clash(candidate: ShiftPattern, other: ShiftPattern) -> bool:
    # A day either side: a night shift of the day before may run into the first day.
    first = max(candidate.valid_from, other.valid_from) - timedelta(days=1)
    ends = [day for day in (candidate.valid_until, other.valid_until) if day is not None]
    last = min([*ends, first + OVERLAP_HORIZON]) + timedelta(days=1)
    theirs = list(_occurrences(other, first, last))
    return any(
        start < their_end and their_start < end
        for start, end in _occurrences(candidate, first, last)
        for their_start, their_end in theirs
    )


def pattern_label(pattern: ShiftPattern) -> str:
    return f"{pattern.get_weekday_display()} {pattern.start_time:%H:%M}–{pattern.end_time:%H:%M}"


def _refuse_overlap(candidate: ShiftPattern) -> None:
    others = ShiftPattern.objects.filter(agent=candidate.agent).select_related("team")
    for other in others.exclude(pk=candidate.pk):
        if _clash(candidate, other):
            raise ValidationError(
                _("%(agent)s already has a weekly pattern then (%(pattern)s, %(team)s, from %(from)s).")
                % {
                    "agent": candidate.agent.get_short_name(),
                    "pattern": pattern_label(other),
                    "team": other.team.name,
                    "from": date_format(other.valid_from, "SHORT_DATE_FORMAT"),
                }
            )


@transaction.atomic
def shift_pattern_create(
    *,
    agent: User,
    team: Team,
    weekday: int,
    start_time: time,
    end_time: time,
    valid_from: date,
    valid_until: date | None = None,
    time_zone: str = "",
    by: User | None,
) -> ShiftPattern:
    """A weekly recurring shift (an end not after the start crosses midnight); refused with a clear
    error when it meets another of the agent's patterns in any team, checked under the agent's lock."""
    require_manager(by)
    require_team_member(agent, team)
    if valid_until is not None and valid_until < valid_from:
        raise ValidationError({"valid_until": _("The pattern must end on or after its first day.")})
    if start_time == end_time:
        raise ValidationError({"end_time": _("The end must differ from the start.")})
    pattern = ShiftPattern(
        agent=agent,
        team=team,
        weekday=weekday,
        start_time=start_time,
        end_time=end_time,
        valid_from=valid_from,
        valid_until=valid_until,
        time_zone=time_zone or timezone.get_default_timezone_name(),
    )
    pattern.full_clean()
    lock_agent(agent)
    _refuse_overlap(pattern)
    pattern.save()
    return pattern


@transaction.atomic
def shift_pattern_end(*, pattern: ShiftPattern, until: date, by: User | None) -> ShiftPattern:
    """Set the pattern's last day (`until`). Shifts already copied into weeks stay."""
    require_manager(by)
    if until < pattern.valid_from:
        raise ValidationError(
            {
                "until": _("The last day cannot be before the pattern's first day (%(first)s).")
                % {"first": date_format(pattern.valid_from, "SHORT_DATE_FORMAT")}
            }
        )
    pattern.valid_until = until
    # A later last day than before extends the pattern: it must not meet another one then.
    lock_agent(pattern.agent)
    _refuse_overlap(pattern)
    pattern.save(update_fields=["valid_until"])
    return pattern


@transaction.atomic
def shift_pattern_delete(*, pattern: ShiftPattern, by: User | None) -> None:
    """Delete the pattern; shifts copied from it stay in their weeks (their pattern link is cleared)."""
    require_manager(by)
    pattern.delete()
