from django.contrib import admin
from django.core.exceptions import ValidationError
from django.forms.models import BaseInlineFormSet
from django.utils.translation import gettext as _

from backoffice.models import Team
from backoffice.rosters.business_hours import overlapping_intervals
from backoffice.rosters.models import (
    AgentProfile,
    BusinessCalendar,
    ClosedDay,
    ExtraOpenDay,
    Shift,
    ShiftPattern,
    Skill,
    TimeOff,
    Weekday,
    WeeklyHours,
)


@admin.register(Skill)
class SkillAdmin(admin.ModelAdmin):
    search_fields = ["name"]


@admin.register(AgentProfile)
class AgentProfileAdmin(admin.ModelAdmin):
    list_display = ["user", "max_open_tickets", "time_zone", "assignment_paused"]
    list_filter = ["assignment_paused", "skills"]
    autocomplete_fields = ["user"]
    filter_horizontal = ["skills"]
    search_fields = ["user__email", "user__full_name"]


class WeeklyHoursFormSet(BaseInlineFormSet):
    def clean(self) -> None:
        super().clean()
        weekly: list[list] = [[] for _day in range(7)]
        for form in self.forms:
            data = getattr(form, "cleaned_data", None)
            if (
                data
                and not data.get("DELETE")
                and data.get("opens") is not None
                and data.get("closes") is not None
            ):
                weekly[data["weekday"]].append((data["opens"], data["closes"]))
        clashes = overlapping_intervals(weekly)
        if clashes:
            day1, first, day2, second = clashes[0]
            raise ValidationError(
                _("Opening hours overlap: %(first)s and %(second)s.")
                % {
                    "first": f"{Weekday(day1).label} {first[0]:%H:%M}–{first[1]:%H:%M}",
                    "second": f"{Weekday(day2).label} {second[0]:%H:%M}–{second[1]:%H:%M}",
                }
            )


class WeeklyHoursInline(admin.TabularInline):
    model = WeeklyHours
    formset = WeeklyHoursFormSet
    extra = 0


class ClosedDayInline(admin.TabularInline):
    model = ClosedDay
    extra = 0


class ExtraOpenDayInline(admin.TabularInline):
    model = ExtraOpenDay
    extra = 0


@admin.register(BusinessCalendar)
class BusinessCalendarAdmin(admin.ModelAdmin):
    list_display = ["name", "time_zone", "is_default", "team", "holiday_country"]
    inlines = [WeeklyHoursInline, ClosedDayInline, ExtraOpenDayInline]


@admin.register(Shift)
class ShiftAdmin(admin.ModelAdmin):
    list_display = ["agent", "team", "start", "end", "pattern"]
    list_filter = ["team"]
    date_hierarchy = "start"
    raw_id_fields = ["agent", "pattern", "created_by"]


@admin.register(ShiftPattern)
class ShiftPatternAdmin(admin.ModelAdmin):
    list_display = ["agent", "team", "weekday", "start_time", "end_time", "valid_from", "valid_until"]
    list_filter = ["team", "weekday"]
    raw_id_fields = ["agent"]


@admin.register(TimeOff)
class TimeOffAdmin(admin.ModelAdmin):
    list_display = ["agent", "start", "end", "status", "decided_by"]
    list_filter = ["status"]
    raw_id_fields = ["agent", "decided_by"]
    readonly_fields = ["decided_by", "decided_at"]


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    list_display = ["name", "lead"]
    filter_horizontal = ["members"]
    raw_id_fields = ["lead"]
