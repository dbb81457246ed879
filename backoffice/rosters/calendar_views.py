"""Business-calendar pages at /backoffice/rosters/calendars/: the list, the calendar's settings, and its
editor (weekly hours, closed days, extra open days) with public holidays and a two-week preview.

The editor's forms post with htmx and get the editor back (`rosters/_calendar.html`); without
JavaScript they post and are redirected to the page. Who may do what is in access.py."""

from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.forms import Form
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from backoffice.rosters import selectors, services
from backoffice.rosters.access import VIEWERS, calendar_for_user, require_configurer
from backoffice.rosters.forms import (
    CalendarForm,
    ClosedDayForm,
    ExtraOpenDayForm,
    WeeklyHoursForm,
    add_service_errors,
)
from backoffice.rosters.models import BusinessCalendar, ClosedDay, ExtraOpenDay, WeeklyHours
from helpdesk.access import role_required

viewers_required = role_required(*VIEWERS)
EDITOR_FORMS = {"hours_form": WeeklyHoursForm, "closed_form": ClosedDayForm, "open_form": ExtraOpenDayForm}


@viewers_required
def calendar_list(request: HttpRequest) -> HttpResponse:
    require_configurer(request.user)
    return render(request, "rosters/calendars.html", {"calendars": selectors.calendar_list()})


@viewers_required
def calendar_new(request: HttpRequest) -> HttpResponse:
    require_configurer(request.user)
    form = CalendarForm(request.POST or None, initial={"time_zone": settings.TIME_ZONE})
    if request.method == "POST" and form.is_valid():
        try:
            calendar = services.calendar_create(by=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Calendar created; now add its opening hours."))
            return redirect("backoffice:rosters:calendar", calendar.pk)
    status = 400 if form.errors else 200
    return render(request, "rosters/calendar_new.html", {"form": form}, status=status)


def _settings_form(calendar: BusinessCalendar, data=None) -> CalendarForm:
    initial = {
        "name": calendar.name,
        "time_zone": calendar.time_zone,
        "team": calendar.team_id,
        "is_default": calendar.is_default,
        "holiday_country": calendar.holiday_country,
    }
    return CalendarForm(data, initial=initial)


def _render(
    request: HttpRequest,
    calendar: BusinessCalendar,
    *,
    settings_form: CalendarForm | None = None,
    status: int = 200,
    **forms: Form,
) -> HttpResponse:
    context = {
        "calendar": calendar,
        "page": selectors.calendar_page(calendar, timezone.now()),
        "settings_form": settings_form or _settings_form(calendar),
        **{name: forms.get(name) or form_class() for name, form_class in EDITOR_FORMS.items()},
    }
    if request.htmx:
        return render(request, "rosters/_calendar.html", context)
    return render(request, "rosters/calendar.html", context, status=status)


@viewers_required
def calendar_detail(request: HttpRequest, pk: int) -> HttpResponse:
    calendar = calendar_for_user(request.user, pk)
    if request.method != "POST":
        return _render(request, calendar)
    form = _settings_form(calendar, request.POST)
    if form.is_valid():
        try:
            services.calendar_update(calendar=calendar, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Calendar saved."))
            return redirect("backoffice:rosters:calendar", calendar.pk)
    # The failed save may have changed the instance in memory: show the stored calendar.
    calendar = calendar_for_user(request.user, pk)
    return _render(request, calendar, settings_form=form, status=400)


Write = Callable[[BusinessCalendar, dict], object]


def _editor_post(request: HttpRequest, pk: int, form_name: str, write: Write, done: str) -> HttpResponse:
    """Parse one of the editor's forms, call the service, and show the editor again."""
    calendar = calendar_for_user(request.user, pk)
    form = EDITOR_FORMS[form_name](request.POST)
    if form.is_valid():
        try:
            write(calendar, form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            if request.htmx:
                return _render(request, calendar)
            messages.success(request, done)
            return redirect(reverse("backoffice:rosters:calendar", args=[calendar.pk]) + "#editor")
    return _render(request, calendar, status=400, **{form_name: form})


def _after_remove(request: HttpRequest, calendar: BusinessCalendar, done: str) -> HttpResponse:
    if request.htmx:
        return _render(request, calendar)
    messages.success(request, done)
    return redirect(reverse("backoffice:rosters:calendar", args=[calendar.pk]) + "#editor")


@viewers_required
@require_POST
def hours_add(request: HttpRequest, pk: int) -> HttpResponse:
    return _editor_post(
        request,
        pk,
        "hours_form",
        lambda calendar, data: services.calendar_hours_add(calendar=calendar, by=request.user, **data),
        _("Opening hours added."),
    )


@viewers_required
@require_POST
def hours_remove(request: HttpRequest, pk: int, hours_pk: int) -> HttpResponse:
    calendar = calendar_for_user(request.user, pk)
    hours = get_object_or_404(WeeklyHours, pk=hours_pk, calendar=calendar)
    services.calendar_hours_remove(hours=hours, by=request.user)
    return _after_remove(request, calendar, _("Opening hours removed."))


@viewers_required
@require_POST
def closed_day_add(request: HttpRequest, pk: int) -> HttpResponse:
    return _editor_post(
        request,
        pk,
        "closed_form",
        lambda calendar, data: services.calendar_closed_day_add(
            calendar=calendar, day=data["date"], name=data["name"], by=request.user
        ),
        _("Closed day added."),
    )


@viewers_required
@require_POST
def closed_day_remove(request: HttpRequest, pk: int, day_pk: int) -> HttpResponse:
    calendar = calendar_for_user(request.user, pk)
    closed_day = get_object_or_404(ClosedDay, pk=day_pk, calendar=calendar)
    services.calendar_closed_day_remove(closed_day=closed_day, by=request.user)
    return _after_remove(request, calendar, _("Closed day removed."))


@viewers_required
@require_POST
def open_day_add(request: HttpRequest, pk: int) -> HttpResponse:
    return _editor_post(
        request,
        pk,
        "open_form",
        lambda calendar, data: services.calendar_open_day_add(
            calendar=calendar,
            day=data["date"],
            opens=data["opens"],
            closes=data["closes"],
            overnight=data["overnight"],
            name=data["name"],
            by=request.user,
        ),
        _("Extra open day added."),
    )


@viewers_required
@require_POST
def open_day_remove(request: HttpRequest, pk: int, day_pk: int) -> HttpResponse:
    calendar = calendar_for_user(request.user, pk)
    open_day = get_object_or_404(ExtraOpenDay, pk=day_pk, calendar=calendar)
    services.calendar_open_day_remove(open_day=open_day, by=request.user)
    return _after_remove(request, calendar, _("Extra open day removed."))
