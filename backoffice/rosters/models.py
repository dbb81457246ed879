"""Models of the back office's rosters: agent profiles and skills, shifts, shift patterns, time off
and business-hours calendars (see issue 6 and the README's "Back office: rosters" section)."""

from collections import defaultdict
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo, available_timezones

import holidays as holidays_lib
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from backoffice.models import Team
from backoffice.rosters.business_hours import Schedule

TIME_ZONES = sorted((name, name) for name in available_timezones())


class Weekday(models.IntegerChoices):
    MONDAY = 0, _("Monday")
    TUESDAY = 1, _("Tuesday")
    WEDNESDAY = 2, _("Wednesday")
    THURSDAY = 3, _("Thursday")
    FRIDAY = 4, _("Friday")
    SATURDAY = 5, _("Saturday")
    SUNDAY = 6, _("Sunday")


class HolidayCountry(models.TextChoices):
    NONE = "", _("No public holidays")
    LT = "LT", _("Lithuania")
    LV = "LV", _("Latvia")
    FI = "FI", _("Finland")
    PL = "PL", _("Poland")


class Skill(models.Model):
    name = models.CharField(_("name"), max_length=80, unique=True)

    class Meta:
        verbose_name = _("skill")
        verbose_name_plural = _("skills")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class AgentProfile(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="agent_profile",
    )
    skills = models.ManyToManyField(Skill, verbose_name=_("skills"), related_name="profiles", blank=True)
    # Language codes from settings.LANGUAGES, e.g. ["lt", "en"].
    languages = models.JSONField(_("languages"), default=list, blank=True)
    max_open_tickets = models.PositiveSmallIntegerField(_("max concurrent tickets"), default=8)
    time_zone = models.CharField(_("working time zone"), max_length=64, choices=TIME_ZONES, default="UTC")
    # Set by the agent or a supervisor; routing (a later issue) skips paused agents.
    assignment_paused = models.BooleanField(_("auto-assignment paused"), default=False)
    # The largest goodwill credit the agent may give without a supervisor's approval; empty means
    # settings.GOODWILL_DEFAULT_LIMIT.
    goodwill_limit = models.DecimalField(
        _("goodwill credit limit"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0"))],
    )

    class Meta:
        verbose_name = _("agent profile")
        verbose_name_plural = _("agent profiles")

    def __str__(self) -> str:
        return str(self.user)

    def clean(self) -> None:
        known = {code for code, _name in settings.LANGUAGES}
        unknown = [code for code in self.languages if code not in known]
        if unknown:
            raise ValidationError({"languages": _("Unknown language codes: %s") % ", ".join(unknown)})


class ShiftQuerySet(models.QuerySet):
    def overlapping(self, start: datetime, end: datetime) -> "ShiftQuerySet":
        return self.filter(start__lt=end, end__gt=start)

    def at(self, moment: datetime) -> "ShiftQuerySet":
        return self.filter(start__lte=moment, end__gt=moment)


class Shift(models.Model):
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("agent"), on_delete=models.CASCADE, related_name="shifts"
    )
    team = models.ForeignKey(Team, verbose_name=_("team"), on_delete=models.CASCADE, related_name="shifts")
    start = models.DateTimeField(_("start"))
    end = models.DateTimeField(_("end"))
    # Set when the shift was generated from a pattern: generation is idempotent per (pattern, start).
    pattern = models.ForeignKey(
        "ShiftPattern", verbose_name=_("pattern"), on_delete=models.SET_NULL, null=True, blank=True
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    objects = ShiftQuerySet.as_manager()

    class Meta:
        verbose_name = _("shift")
        verbose_name_plural = _("shifts")
        ordering = ["start", "agent_id"]
        indexes = [
            models.Index(fields=["team", "start"], name="shift_team_start_idx"),
            models.Index(fields=["agent", "start"], name="shift_agent_start_idx"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(end__gt=models.F("start")), name="shift_end_after_start"),
            models.UniqueConstraint(
                fields=["pattern", "start"],
                condition=Q(pattern__isnull=False),
                name="shift_pattern_start_unique",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.agent} {self.start:%Y-%m-%d %H:%M}–{self.end:%H:%M}"


class ShiftPattern(models.Model):
    """A weekly recurring shift: every `weekday` from `start_time` to `end_time` (wall clock in
    `time_zone`; an end not after the start crosses midnight), between `valid_from` and `valid_until`."""

    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("agent"),
        on_delete=models.CASCADE,
        related_name="shift_patterns",
    )
    team = models.ForeignKey(
        Team, verbose_name=_("team"), on_delete=models.CASCADE, related_name="shift_patterns"
    )
    weekday = models.PositiveSmallIntegerField(_("weekday"), choices=Weekday.choices)
    start_time = models.TimeField(_("start time"))
    end_time = models.TimeField(_("end time"))
    valid_from = models.DateField(_("valid from"))
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    time_zone = models.CharField(
        _("time zone"), max_length=64, choices=TIME_ZONES, default=settings.TIME_ZONE
    )

    class Meta:
        verbose_name = _("shift pattern")
        verbose_name_plural = _("shift patterns")
        ordering = ["agent_id", "weekday", "start_time"]

    def __str__(self) -> str:
        return f"{self.agent} {self.get_weekday_display()} {self.start_time:%H:%M}–{self.end_time:%H:%M}"

    def applies_on(self, day: date) -> bool:
        return (
            day.weekday() == self.weekday
            and day >= self.valid_from
            and (self.valid_until is None or day <= self.valid_until)
        )

    def span_on(self, day: date) -> tuple[datetime, datetime]:
        tz = ZoneInfo(self.time_zone)
        end_day = day if self.end_time > self.start_time else day + timedelta(days=1)
        return datetime.combine(day, self.start_time, tzinfo=tz), datetime.combine(
            end_day, self.end_time, tzinfo=tz
        )


class TimeOffStatus(models.TextChoices):
    REQUESTED = "requested", _("Requested")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")


class TimeOffQuerySet(models.QuerySet):
    def approved(self) -> "TimeOffQuerySet":
        return self.filter(status=TimeOffStatus.APPROVED)


class TimeOff(models.Model):
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("agent"), on_delete=models.CASCADE, related_name="time_off"
    )
    start = models.DateTimeField(_("start"))
    end = models.DateTimeField(_("end"))
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=TimeOffStatus.choices,
        default=TimeOffStatus.REQUESTED,
        db_index=True,
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = TimeOffQuerySet.as_manager()

    class Meta:
        verbose_name = _("time off")
        verbose_name_plural = _("time off")
        ordering = ["-start"]
        constraints = [
            models.CheckConstraint(condition=Q(end__gt=models.F("start")), name="time_off_end_after_start")
        ]

    def __str__(self) -> str:
        return f"{self.agent} {self.start:%Y-%m-%d}–{self.end:%Y-%m-%d}"


class BusinessCalendar(models.Model):
    """Opening hours, holidays and closed days in one zone. A team's calendar, else the default one."""

    name = models.CharField(_("name"), max_length=100)
    time_zone = models.CharField(
        _("time zone"), max_length=64, choices=TIME_ZONES, default=settings.TIME_ZONE
    )
    is_default = models.BooleanField(_("default calendar"), default=False)
    team = models.OneToOneField(
        Team, verbose_name=_("team"), on_delete=models.CASCADE, null=True, blank=True, related_name="calendar"
    )
    holiday_country = models.CharField(
        _("public holidays of"), max_length=2, choices=HolidayCountry.choices, blank=True
    )

    class Meta:
        verbose_name = _("business calendar")
        verbose_name_plural = _("business calendars")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["is_default"], condition=Q(is_default=True), name="one_default_calendar"
            )
        ]

    def __str__(self) -> str:
        return self.name

    def schedule(self) -> Schedule:
        """The calendar as the arithmetic in business_hours.py reads it (three queries)."""
        return self.schedule_of(
            hours=self.hours.all(),
            closed_dates=self.closed_days.values_list("date", flat=True),
            open_days=self.extra_open_days.all(),
        )

    def schedule_of(self, *, hours, closed_dates, open_days) -> Schedule:
        """The schedule from rows already loaded (a page that lists them reuses them)."""
        weekly: list[list[tuple[time, time]]] = [[] for _day in range(7)]
        for row in sorted(hours, key=lambda row: (row.weekday, row.opens)):
            weekly[row.weekday].append((row.opens, row.closes))
        extra: dict[date, list[tuple[time, time]]] = defaultdict(list)
        for row in sorted(open_days, key=lambda row: (row.date, row.opens)):
            extra[row.date].append((row.opens, row.closes))
        return Schedule(
            tz=ZoneInfo(self.time_zone),
            weekly=tuple(tuple(day) for day in weekly),
            closed=ClosedDays(self.holiday_country, frozenset(closed_dates)),
            extra={day: tuple(intervals) for day, intervals in extra.items()},
        )


class ClosedDays:
    """Public holidays of a country (years loaded on demand by `holidays`) plus custom closed days."""

    def __init__(self, country: str, custom: frozenset[date]) -> None:
        self.custom = custom
        self.public = holidays_lib.country_holidays(country) if country else None

    def __contains__(self, day: object) -> bool:
        return day in self.custom or (self.public is not None and day in self.public)

    def holiday_name(self, day: date) -> str:
        return self.public.get(day, "") if self.public is not None else ""


class WeeklyHours(models.Model):
    """One opening interval on a weekday; several rows make a split day. `closes` not after `opens`
    means the interval crosses midnight (00:00–00:00 is the whole day)."""

    calendar = models.ForeignKey(BusinessCalendar, on_delete=models.CASCADE, related_name="hours")
    weekday = models.PositiveSmallIntegerField(_("weekday"), choices=Weekday.choices)
    opens = models.TimeField(_("opens"))
    closes = models.TimeField(_("closes"))

    class Meta:
        verbose_name = _("opening hours")
        verbose_name_plural = _("opening hours")
        ordering = ["weekday", "opens"]

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {self.opens:%H:%M}–{self.closes:%H:%M}"


class ClosedDay(models.Model):
    calendar = models.ForeignKey(BusinessCalendar, on_delete=models.CASCADE, related_name="closed_days")
    date = models.DateField(_("date"))
    name = models.CharField(_("name"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("closed day")
        verbose_name_plural = _("closed days")
        ordering = ["date"]
        constraints = [models.UniqueConstraint(fields=["calendar", "date"], name="closed_day_unique")]

    def __str__(self) -> str:
        return f"{self.date} {self.name}"


class ExtraOpenDay(models.Model):
    """Opening hours of one date (one interval per row, several make a split day). They replace the
    weekday's hours and open the date even when it is a public holiday; a date is never both an extra
    open day and a custom closed day (the services refuse it)."""

    calendar = models.ForeignKey(BusinessCalendar, on_delete=models.CASCADE, related_name="extra_open_days")
    date = models.DateField(_("date"))
    opens = models.TimeField(_("opens"))
    closes = models.TimeField(_("closes"))
    name = models.CharField(_("name"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("extra open day")
        verbose_name_plural = _("extra open days")
        ordering = ["date", "opens"]
        constraints = [
            models.UniqueConstraint(fields=["calendar", "date", "opens"], name="extra_open_day_unique")
        ]

    def __str__(self) -> str:
        return f"{self.date} {self.opens:%H:%M}–{self.closes:%H:%M} {self.name}".strip()
