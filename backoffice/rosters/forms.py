"""Forms of the roster pages; they only parse input, the services decide."""

from datetime import date, datetime, timedelta

from django import forms
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _


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
