"""Roster pages at /backoffice/rosters/: the team week grid, time off, staffing (calendars, people and
patterns have their own modules beside this one).

htmx forms post and get the grid back; without JavaScript they post and are redirected to the page.
Who may do what is in access.py."""

from datetime import date, timedelta

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from backoffice.rosters import selectors, services
from backoffice.rosters.access import VIEWERS, team_for_user, visible_teams
from backoffice.rosters.forms import ShiftForm, TimeOffForm
from backoffice.rosters.models import Shift, TimeOff, TimeOffStatus
from helpdesk.access import role_required

viewers_required = role_required(*VIEWERS)


def _week_start(request: HttpRequest) -> date:
    raw = request.GET.get("start") or request.POST.get("week", "")
    today = timezone.localdate()
    if raw:
        try:
            return services.week_monday(date.fromisoformat(raw))
        except ValueError:
            messages.error(
                request, _("“%(value)s” is not a date (YYYY-MM-DD); showing this week.") % {"value": raw}
            )
    return services.week_monday(today)


def _week_url(team, week_start: date) -> str:
    return f"{reverse('backoffice:rosters:week', args=[team.pk])}?start={week_start.isoformat()}"


def _week_context(request: HttpRequest, team, week_start: date, form: ShiftForm | None = None) -> dict:
    now = timezone.now()
    grid = selectors.team_week(team, week_start, now)
    members = [row["agent"] for row in grid.rows]
    return {
        "team": team,
        "grid": grid,
        "week_start": week_start,
        "previous_week": week_start - timedelta(days=7),
        "next_week": week_start + timedelta(days=7),
        "can_manage": services.can_manage_rosters(request.user),
        "form": form or ShiftForm(members=members, days=grid.days),
        "now": now,
    }


def _render_week(request: HttpRequest, team, week_start: date, form=None, status: int = 200) -> HttpResponse:
    context = _week_context(request, team, week_start, form)
    template = "rosters/_grid.html" if request.htmx else "rosters/week.html"
    return render(request, template, context, status=200 if request.htmx else status)


@viewers_required
def index(request: HttpRequest) -> HttpResponse:
    context = {
        "teams": visible_teams(request.user),
        "week": services.week_monday(timezone.localdate()),
        "can_configure": services.can_configure_rosters(request.user),
    }
    return render(request, "rosters/index.html", context)


@viewers_required
def week(request: HttpRequest, pk: int) -> HttpResponse:
    team = team_for_user(request.user, pk)
    return _render_week(request, team, _week_start(request))


@viewers_required
@require_POST
def shift_add(request: HttpRequest, pk: int) -> HttpResponse:
    team = team_for_user(request.user, pk, write=True)
    week_start = _week_start(request)
    members = list(team.members.filter(is_active=True))
    form = ShiftForm(request.POST, members=members, days=[week_start + timedelta(days=i) for i in range(7)])
    if form.is_valid():
        agent = next(m for m in members if m.pk == form.cleaned_data["agent"])
        start, end = form.span()
        try:
            # One transaction: a shift refused for an overlap must not leave its new pattern behind.
            with transaction.atomic():
                pattern = None
                if form.cleaned_data["repeat"]:
                    pattern = services.shift_pattern_create(
                        agent=agent,
                        team=team,
                        weekday=start.weekday(),
                        start_time=form.cleaned_data["start_time"],
                        end_time=form.cleaned_data["end_time"],
                        valid_from=start.date(),
                        by=request.user,
                        time_zone=timezone.get_current_timezone_name(),
                    )
                services.shift_create(
                    agent=agent, team=team, start=start, end=end, by=request.user, pattern=pattern
                )
        except ValidationError as error:
            form.add_error(None, error.messages)
        else:
            if not request.htmx:
                messages.success(request, _("Shift added."))
                return redirect(_week_url(team, week_start))
            return _render_week(request, team, week_start)
    return _render_week(request, team, week_start, form=form, status=400)


@viewers_required
@require_POST
def shift_remove(request: HttpRequest, pk: int, shift_pk: int) -> HttpResponse:
    team = team_for_user(request.user, pk, write=True)
    shift = get_object_or_404(Shift, pk=shift_pk, team=team)
    week_start = services.week_monday(timezone.localtime(shift.start).date())
    services.shift_delete(shift=shift, by=request.user)
    if request.htmx:
        return _render_week(request, team, week_start)
    messages.success(request, _("Shift removed."))
    return redirect(_week_url(team, week_start))


@viewers_required
@require_POST
def copy_patterns(request: HttpRequest, pk: int) -> HttpResponse:
    team = team_for_user(request.user, pk, write=True)
    week_start = _week_start(request)
    created, skipped = services.roster_generate_week(team=team, week_start=week_start, by=request.user)
    messages.success(request, _("%(count)s shifts added from the weekly patterns.") % {"count": len(created)})
    for problem in skipped:
        messages.warning(request, problem)
    return redirect(_week_url(team, week_start))


@viewers_required
def staffing(request: HttpRequest, pk: int) -> HttpResponse:
    team = team_for_user(request.user, pk)
    week_start = _week_start(request)
    ratio = settings.ROSTER_TICKETS_PER_AGENT_HOUR
    rows = selectors.staffing(team, week_start, timezone.now(), ratio)
    days = [week_start + timedelta(days=i) for i in range(7)]
    context = {
        "team": team,
        "rows": rows,
        "days": days,
        "week_start": week_start,
        "ratio": ratio,
        "previous_week": week_start - timedelta(days=7),
        "next_week": week_start + timedelta(days=7),
    }
    return render(request, "rosters/staffing.html", context)


@viewers_required
def time_off_list(request: HttpRequest) -> HttpResponse:
    form = TimeOffForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.time_off_request(agent=request.user, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error.messages)
        else:
            messages.success(request, _("Time off requested."))
            return redirect("backoffice:rosters:time_off")
    manager = services.can_manage_rosters(request.user)
    requests = TimeOff.objects.select_related("agent", "decided_by").order_by("-start")
    if not manager:
        requests = requests.filter(agent=request.user)
    context = {
        "form": form,
        "can_manage": manager,
        "pending": requests.filter(status=TimeOffStatus.REQUESTED)[:200],
        "decided": requests.exclude(status=TimeOffStatus.REQUESTED)[:50],
    }
    return render(request, "rosters/time_off.html", context, status=400 if form.errors else 200)


@viewers_required
@require_POST
def time_off_decision(request: HttpRequest, time_off_pk: int) -> HttpResponse:
    if not services.can_manage_rosters(request.user):
        raise PermissionDenied
    time_off = get_object_or_404(TimeOff, pk=time_off_pk)
    approve = request.POST.get("decision") == "approve"
    try:
        services.time_off_decide(time_off=time_off, approve=approve, by=request.user, now=timezone.now())
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Time off approved.") if approve else _("Time off rejected."))
    return redirect("backoffice:rosters:time_off")
