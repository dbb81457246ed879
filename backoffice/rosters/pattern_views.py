"""A team's weekly shift patterns at /backoffice/rosters/teams/<id>/patterns/: list, add, end, delete.

Everyone who sees the team's week grid sees its patterns; supervisors and admins change them (see
access.py). Forms post with htmx and get the list back (`rosters/_patterns.html`); without JavaScript
they post and are redirected to the page."""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from backoffice.models import Team
from backoffice.rosters import selectors, services
from backoffice.rosters.access import VIEWERS, pattern_for_user, team_for_user
from backoffice.rosters.forms import PatternEndForm, PatternForm, add_service_errors
from helpdesk.access import role_required

viewers_required = role_required(*VIEWERS)


def _members(team: Team) -> list:
    return list(team.members.filter(is_active=True).order_by("full_name", "pk"))


def _render(
    request: HttpRequest, team: Team, *, form: PatternForm | None = None, error: str = "", status: int = 200
) -> HttpResponse:
    today = timezone.localdate()
    if form is None:
        initial = {"valid_from": today, "time_zone": settings.TIME_ZONE}
        form = PatternForm(members=_members(team), initial=initial)
    context = {
        "team": team,
        "patterns": selectors.team_patterns(team),
        "can_manage": services.can_manage_rosters(request.user),
        "form": form,
        "error": error,
        "today": today,
        "week": services.week_monday(today),
    }
    if request.htmx:
        return render(request, "rosters/_patterns.html", context)
    return render(request, "rosters/patterns.html", context, status=status)


def _done(request: HttpRequest, team: Team, message: str) -> HttpResponse:
    if request.htmx:
        return _render(request, team)
    messages.success(request, message)
    return redirect("backoffice:rosters:patterns", team.pk)


@viewers_required
def pattern_list(request: HttpRequest, pk: int) -> HttpResponse:
    team = team_for_user(request.user, pk, write=request.method == "POST")
    if request.method != "POST":
        return _render(request, team)
    members = _members(team)
    form = PatternForm(request.POST, members=members)
    if form.is_valid():
        data = form.cleaned_data
        agent_pk = data.pop("agent")
        agent = next(member for member in members if member.pk == agent_pk)
        try:
            services.shift_pattern_create(agent=agent, team=team, by=request.user, **data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return _done(request, team, _("Weekly pattern added."))
    return _render(request, team, form=form, status=400)


@viewers_required
@require_POST
def pattern_end(request: HttpRequest, pk: int, pattern_pk: int) -> HttpResponse:
    pattern = pattern_for_user(request.user, pk, pattern_pk)
    form = PatternEndForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(form.errors["until"])
        services.shift_pattern_end(pattern=pattern, until=form.cleaned_data["until"], by=request.user)
    except ValidationError as error:
        return _render(request, pattern.team, error=" ".join(error.messages), status=400)
    return _done(request, pattern.team, _("Weekly pattern ended."))


@viewers_required
@require_POST
def pattern_delete(request: HttpRequest, pk: int, pattern_pk: int) -> HttpResponse:
    pattern = pattern_for_user(request.user, pk, pattern_pk)
    services.shift_pattern_delete(pattern=pattern, by=request.user)
    return _done(request, pattern.team, _("Weekly pattern deleted."))
