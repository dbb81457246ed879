"""Forms of the roster pages; they only parse input, the services decide."""

from datetime import date, datetime, timedelta

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from backoffice.models import Team
from backoffice.rosters.models import TIME_ZONES, HolidayCountry, Skill, Weekday
from helpdesk.models import User


class ShiftForm(forms.Form):
    agent = forms.TypedChoiceField(label=_("Agent"), coerce=int)
    day = forms.DateField(label=_("Day"), widget=forms.Select)
    start_time = forms.TimeField(label=_("From"), widget=forms.TimeInput(attrs={"type": "time"}))
    end_time = forms.TimeField(label=_("To"), widget=forms.TimeInput(attrs={"type": "time"}))
    repeat = forms.BooleanField(label=_("Repeat every week"), required=False)

    def __init__(self, *args, members, days: list[date], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["agent"].choices = [(m.pk, m.get_full_name() or m.email) for m in members]
        self.fields["day"].widget.choices = [(d.isoformat(), date_format(d, "D j M")) for d in days]
        self.days = days

    def clean_day(self) -> date:
        day = self.cleaned_data["day"]
        if day not in self.days:
            raise forms.ValidationError(_("Pick a day of this week."))
        return day

    def span(self) -> tuple[datetime, datetime]:
        """Wall-clock times in the current zone; an end not after the start means the next day."""
        tz = timezone.get_current_timezone()
        data = self.cleaned_data
        end_day = data["day"] if data["end_time"] > data["start_time"] else data["day"] + timedelta(days=1)
        return (
            datetime.combine(data["day"], data["start_time"], tzinfo=tz),
            datetime.combine(end_day, data["end_time"], tzinfo=tz),
        )


class TimeOffForm(forms.Form):
    start = forms.DateTimeField(label=_("From"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))
    end = forms.DateTimeField(label=_("Until"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))
    reason = forms.CharField(label=_("Reason"), max_length=200, required=False)


def add_service_errors(form: forms.Form, error: ValidationError) -> None:
    """Show a service's ValidationError on the form: on its field when the form has one, else on top."""
    if hasattr(error, "error_dict"):
        for field, errors in error.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)


def _time_field(label) -> forms.TimeField:
    return forms.TimeField(label=label, widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"))


def _date_field(label, *, required: bool = True) -> forms.DateField:
    return forms.DateField(label=label, required=required, widget=forms.DateInput(attrs={"type": "date"}))


class CalendarForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100)
    time_zone = forms.ChoiceField(label=_("Time zone"), choices=TIME_ZONES)
    team = forms.ModelChoiceField(
        label=_("Team"),
        queryset=Team.objects.order_by("name"),
        required=False,
        empty_label=_("No team"),
        help_text=_("Tickets of this team count their SLA in this calendar's hours."),
    )
    is_default = forms.BooleanField(
        label=_("Default calendar"),
        required=False,
        help_text=_("Used by teams without a calendar of their own. Only one calendar can be the default."),
    )
    holiday_country = forms.ChoiceField(
        label=_("Public holidays of"), choices=HolidayCountry.choices, required=False
    )


class WeeklyHoursForm(forms.Form):
    prefix = "hours"  # the calendar page holds three editor forms: keep their ids apart
    weekdays = forms.TypedMultipleChoiceField(
        label=_("Days"),
        choices=Weekday.choices,
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Pick at least one day.")},
    )
    opens = _time_field(_("Opens"))
    closes = _time_field(_("Closes"))
    overnight = forms.BooleanField(label=_("Ends the next day"), required=False)


class ClosedDayForm(forms.Form):
    prefix = "closed"
    date = _date_field(_("Date"))
    name = forms.CharField(label=_("Name"), max_length=100, required=False)


class ExtraOpenDayForm(forms.Form):
    prefix = "open"
    date = _date_field(_("Date"))
    opens = _time_field(_("Opens"))
    closes = _time_field(_("Closes"))
    overnight = forms.BooleanField(label=_("Ends the next day"), required=False)
    name = forms.CharField(label=_("Name"), max_length=100, required=False)


class NameForm(forms.Form):
    """A skill's or a team's name."""

    name = forms.CharField(label=_("Name"), max_length=80)


class TeamForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100)
    lead = forms.ModelChoiceField(label=_("Lead"), queryset=User.objects.none(), required=False)

    def __init__(self, *args, team: Team, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["lead"].queryset = team.members.order_by("full_name", "pk")
        self.fields["lead"].label_from_instance = lambda user: user.get_full_name() or user.email
        self.fields["lead"].empty_label = _("No lead")


class AgentProfileForm(forms.Form):
    teams = forms.ModelMultipleChoiceField(
        label=_("Teams"),
        queryset=Team.objects.order_by("name"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    skills = forms.ModelMultipleChoiceField(
        label=_("Skills"),
        queryset=Skill.objects.order_by("name"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    languages = forms.MultipleChoiceField(
        label=_("Languages"), choices=settings.LANGUAGES, required=False, widget=forms.CheckboxSelectMultiple
    )
    max_open_tickets = forms.IntegerField(label=_("Max concurrent tickets"), min_value=0, max_value=500)
    time_zone = forms.ChoiceField(label=_("Working time zone"), choices=TIME_ZONES)
    goodwill_limit = forms.DecimalField(
        label=_("Goodwill credit limit"), required=False, max_digits=12, decimal_places=2, min_value=0
    )
    assignment_paused = forms.BooleanField(label=_("Auto-assignment paused"), required=False)

    def __init__(self, *args, default_limit: str, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["goodwill_limit"].help_text = _(
            "The largest goodwill credit given without a supervisor's approval; empty means the default "
            "(%(limit)s)."
        ) % {"limit": default_limit}


class PatternForm(forms.Form):
    agent = forms.TypedChoiceField(label=_("Agent"), coerce=int)
    weekday = forms.TypedChoiceField(label=_("Weekday"), choices=Weekday.choices, coerce=int)
    start_time = _time_field(_("From"))
    end_time = _time_field(_("To"))
    valid_from = _date_field(_("Valid from"))
    valid_until = _date_field(_("Valid until"), required=False)
    time_zone = forms.ChoiceField(label=_("Time zone"), choices=TIME_ZONES)

    def __init__(self, *args, members, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["agent"].choices = [(m.pk, m.get_full_name() or m.email) for m in members]
        self.fields["valid_until"].help_text = _("Empty: no end.")


class PatternEndForm(forms.Form):
    prefix = "end"
    until = _date_field(_("Last day"))
