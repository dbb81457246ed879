"""Writes of business calendars: the calendar itself, weekly hours, closed days and extra open days.

The business-hours arithmetic assumes weekly hours never overlap; these services (and the admin's
formset) are where that is enforced, with errors that name the intervals."""

from datetime import date, time

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from backoffice.models import Team
from backoffice.rosters.business_hours import overlapping_intervals
from backoffice.rosters.models import BusinessCalendar, ClosedDay, ExtraOpenDay, Weekday, WeeklyHours
from backoffice.rosters.services.permissions import require_configurer
from helpdesk.models import User

MIDNIGHT = time(0)


def _hours(opens: time, closes: time) -> str:
    return f"{opens:%H:%M}–{closes:%H:%M}"


def _day(day: date) -> str:
    return date_format(day, "DATE_FORMAT")


def check_interval(opens: time, closes: time, *, overnight: bool) -> None:
    """Closing must come after opening; night hours (22:00–06:00) are asked for with `overnight`, and
    a closing time of 00:00 means midnight (09:00–00:00, and 00:00–00:00 is the whole day)."""
    if overnight and closes > opens:
        raise ValidationError(
            {"closes": _("Hours that end the next day close at or before the time they open (22:00–06:00).")}
        )
    if not overnight and closes <= opens and closes != MIDNIGHT:
        raise ValidationError(
            {
                "closes": _(
                    "The closing time must be after the opening time (tick “Ends the next day” for night "
                    "hours such as 22:00–06:00)."
                )
            }
        )


def _calendar_write(calendar: BusinessCalendar, *, team: Team | None, is_default: bool) -> BusinessCalendar:
    if team is not None and is_default:
        raise ValidationError(
            {"is_default": _("A team's calendar cannot also be the default; choose one or the other.")}
        )
    others = BusinessCalendar.objects.exclude(pk=calendar.pk)
    if is_default:
        current = others.filter(is_default=True).first()
        if current is not None:
            raise ValidationError(
                {
                    "is_default": _("“%(name)s” is already the default calendar; untick it there first.")
                    % {"name": current.name}
                }
            )
    if team is not None:
        taken = others.filter(team=team).first()
        if taken is not None:
            raise ValidationError(
                {
                    "team": _("%(team)s already has the calendar “%(name)s”.")
                    % {"team": team.name, "name": taken.name}
                }
            )
    calendar.full_clean(validate_unique=False, validate_constraints=False)
    try:
        with transaction.atomic():
            calendar.save()
    except IntegrityError:
        # Someone else made a default calendar or gave the team one between our check and the save.
        raise ValidationError(
            _("Another calendar was just made the default or given this team; reload and try again.")
        ) from None
    return calendar


@transaction.atomic
def calendar_create(
    *, name: str, time_zone: str, team: Team | None, is_default: bool, holiday_country: str, by: User | None
) -> BusinessCalendar:
    require_configurer(by)
    calendar = BusinessCalendar(
        name=name.strip(),
        time_zone=time_zone,
        team=team,
        is_default=is_default,
        holiday_country=holiday_country,
    )
    return _calendar_write(calendar, team=team, is_default=is_default)


@transaction.atomic
def calendar_update(
    *,
    calendar: BusinessCalendar,
    name: str,
    time_zone: str,
    team: Team | None,
    is_default: bool,
    holiday_country: str,
    by: User | None,
) -> BusinessCalendar:
    require_configurer(by)
    calendar.name = name.strip()
    calendar.time_zone = time_zone
    calendar.team = team
    calendar.is_default = is_default
    calendar.holiday_country = holiday_country
    return _calendar_write(calendar, team=team, is_default=is_default)


def _lock(calendar: BusinessCalendar) -> None:
    # Overlap checks read the calendar's other rows: one writer per calendar at a time.
    BusinessCalendar.objects.select_for_update().filter(pk=calendar.pk).first()


@transaction.atomic
def calendar_hours_add(
    *,
    calendar: BusinessCalendar,
    weekdays: list[int],
    opens: time,
    closes: time,
    overnight: bool = False,
    by: User | None,
) -> list[WeeklyHours]:
    """The same opening interval on each of `weekdays`; refused when it meets existing hours."""
    require_configurer(by)
    if not weekdays:
        raise ValidationError({"weekdays": _("Pick at least one day.")})
    check_interval(opens, closes, overnight=overnight)
    _lock(calendar)
    weekly: list[list[tuple[time, time]]] = [[] for _day in range(7)]
    for row in calendar.hours.all():
        weekly[row.weekday].append((row.opens, row.closes))
    for weekday in sorted(set(weekdays)):
        if (opens, closes) in weekly[weekday]:
            raise ValidationError(
                _("%(day)s already opens %(hours)s.")
                % {"day": Weekday(weekday).label, "hours": _hours(opens, closes)}
            )
        weekly[weekday].append((opens, closes))
    clashes = overlapping_intervals(weekly)
    if clashes:
        day1, first, day2, second = clashes[0]
        raise ValidationError(
            _("Opening hours overlap: %(first)s and %(second)s.")
            % {
                "first": f"{Weekday(day1).label} {_hours(*first)}",
                "second": f"{Weekday(day2).label} {_hours(*second)}",
            }
        )
    return WeeklyHours.objects.bulk_create(
        WeeklyHours(calendar=calendar, weekday=weekday, opens=opens, closes=closes)
        for weekday in sorted(set(weekdays))
    )


@transaction.atomic
def calendar_hours_remove(*, hours: WeeklyHours, by: User | None) -> None:
    require_configurer(by)
    hours.delete()


@transaction.atomic
def calendar_closed_day_add(
    *, calendar: BusinessCalendar, day: date, name: str = "", by: User | None
) -> ClosedDay:
    require_configurer(by)
    _lock(calendar)
    if calendar.closed_days.filter(date=day).exists():
        raise ValidationError({"date": _("%(day)s is already a closed day.") % {"day": _day(day)}})
    if calendar.extra_open_days.filter(date=day).exists():
        raise ValidationError(
            {"date": _("%(day)s is an extra open day; remove its hours first.") % {"day": _day(day)}}
        )
    return ClosedDay.objects.create(calendar=calendar, date=day, name=name.strip()[:100])


@transaction.atomic
def calendar_closed_day_remove(*, closed_day: ClosedDay, by: User | None) -> None:
    require_configurer(by)
    closed_day.delete()


def _minutes(opens: time, closes: time) -> tuple[int, int]:
    start = opens.hour * 60 + opens.minute
    end = closes.hour * 60 + closes.minute
    return start, end if end > start else end + 24 * 60


@transaction.atomic
def calendar_open_day_add(
    *,
    calendar: BusinessCalendar,
    day: date,
    opens: time,
    closes: time,
    overnight: bool = False,
    name: str = "",
    by: User | None,
) -> ExtraOpenDay:
    """Open `day` from `opens` to `closes` whatever its weekday's hours or public holiday say; several
    intervals on one date make a split day. A custom closed day on that date is refused (remove it)."""
    require_configurer(by)
    check_interval(opens, closes, overnight=overnight)
    _lock(calendar)
    if calendar.closed_days.filter(date=day).exists():
        raise ValidationError(
            {"date": _("%(day)s is a custom closed day; remove it first.") % {"day": _day(day)}}
        )
    start, end = _minutes(opens, closes)
    for other in calendar.extra_open_days.filter(date=day):
        other_start, other_end = _minutes(other.opens, other.closes)
        if start < other_end and other_start < end:
            raise ValidationError(
                _("The hours of %(day)s overlap: %(first)s and %(second)s.")
                % {
                    "day": _day(day),
                    "first": _hours(other.opens, other.closes),
                    "second": _hours(opens, closes),
                }
            )
    return ExtraOpenDay.objects.create(
        calendar=calendar, date=day, opens=opens, closes=closes, name=name.strip()[:100]
    )


@transaction.atomic
def calendar_open_day_remove(*, open_day: ExtraOpenDay, by: User | None) -> None:
    require_configurer(by)
    open_day.delete()
