"""Skills, teams and agent profiles at /backoffice/rosters/: what routing reads to pick an agent.

Back-office staff, supervisors and admins change them; an agent sees their own profile and pauses or
resumes their own auto-assignment (see access.py). The skills list and the pause button work with htmx
(the fragment is swapped in place) and without JavaScript (post and redirect)."""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from backoffice.rosters import selectors, services
from backoffice.rosters.access import (
    VIEWERS,
    profile_user_for,
    require_configurer,
    skill_for_user,
    team_to_configure,
)
from backoffice.rosters.forms import AgentProfileForm, NameForm, TeamForm, add_service_errors
from backoffice.rosters.models import AgentProfile
from helpdesk.access import role_required
from helpdesk.models import DESK_ROLES, User

viewers_required = role_required(*VIEWERS)


# --- Skills.


def _render_skills(request: HttpRequest, form: NameForm | None = None, error: str = "") -> HttpResponse:
    context = {"skills": selectors.skills_with_counts(), "form": form or NameForm(), "error": error}
    template = "rosters/_skills.html" if request.htmx else "rosters/skills.html"
    status = 400 if (error or (form is not None and form.errors)) and not request.htmx else 200
    return render(request, template, context, status=status)


def _skills_done(request: HttpRequest, done: str) -> HttpResponse:
    if request.htmx:
        return _render_skills(request)
    messages.success(request, done)
    return redirect("backoffice:rosters:skills")


@viewers_required
def skill_list(request: HttpRequest) -> HttpResponse:
    require_configurer(request.user)
    if request.method != "POST":
        return _render_skills(request)
    form = NameForm(request.POST)
    if form.is_valid():
        try:
            services.skill_create(name=form.cleaned_data["name"], by=request.user)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return _skills_done(request, _("Skill added."))
    return _render_skills(request, form=form)


@viewers_required
@require_POST
def skill_rename(request: HttpRequest, pk: int) -> HttpResponse:
    skill = skill_for_user(request.user, pk)
    form = NameForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(form.errors["name"])
        services.skill_rename(skill=skill, name=form.cleaned_data["name"], by=request.user)
    except ValidationError as error:
        return _render_skills(request, error=" ".join(error.messages))
    return _skills_done(request, _("Skill renamed."))


@viewers_required
@require_POST
def skill_delete(request: HttpRequest, pk: int) -> HttpResponse:
    skill = skill_for_user(request.user, pk)
    services.skill_delete(skill=skill, by=request.user)
    return _skills_done(request, _("Skill “%(name)s” deleted.") % {"name": skill.name})


# --- Teams.


@viewers_required
def team_list(request: HttpRequest) -> HttpResponse:
    require_configurer(request.user)
    form = NameForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            team = services.team_create(name=form.cleaned_data["name"], by=request.user)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Team created; add members on their profiles."))
            return redirect("backoffice:rosters:team_edit", team.pk)
    context = {"teams": selectors.teams_with_counts(), "form": form}
    return render(request, "rosters/teams.html", context, status=400 if form.errors else 200)


@viewers_required
def team_edit(request: HttpRequest, pk: int) -> HttpResponse:
    team = team_to_configure(request.user, pk)
    initial = {"name": team.name, "lead": team.lead_id}
    form = TeamForm(request.POST or None, team=team, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.team_update(team=team, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Team saved."))
            return redirect("backoffice:rosters:teams")
        team = team_to_configure(request.user, pk)  # the stored name, not the refused one
    members = team.members.order_by("full_name", "pk")
    context = {"team": team, "form": form, "members": members}
    return render(request, "rosters/team_edit.html", context, status=400 if form.errors else 200)


# --- Agent profiles.


@viewers_required
def profile_list(request: HttpRequest) -> HttpResponse:
    require_configurer(request.user)
    return render(request, "rosters/profiles.html", {"people": selectors.desk_profiles()})


@viewers_required
def profile_me(request: HttpRequest) -> HttpResponse:
    if request.user.role not in DESK_ROLES:
        if services.can_configure_rosters(request.user):
            return redirect("backoffice:rosters:profiles")
        raise Http404
    return redirect("backoffice:rosters:profile", request.user.pk)


def _profile_or_none(person: User) -> AgentProfile | None:
    return AgentProfile.objects.filter(user=person).prefetch_related("skills").first()


def _profile_form(person: User, profile: AgentProfile | None, data=None) -> AgentProfileForm:
    defaults = AgentProfile(user=person)  # the defaults a first edit starts from
    profile = profile or defaults
    initial = {
        "teams": [team.pk for team in person.teams.all()],
        "skills": [skill.pk for skill in profile.skills.all()] if profile.pk else [],
        "languages": profile.languages,
        "max_open_tickets": profile.max_open_tickets,
        "time_zone": profile.time_zone,
        "goodwill_limit": profile.goodwill_limit,
        "assignment_paused": profile.assignment_paused,
    }
    return AgentProfileForm(data, initial=initial, default_limit=settings.GOODWILL_DEFAULT_LIMIT)


@viewers_required
def profile_detail(request: HttpRequest, pk: int) -> HttpResponse:
    person = profile_user_for(request.user, pk, write=request.method == "POST")
    profile = _profile_or_none(person)
    can_edit = services.can_configure_rosters(request.user)
    form = _profile_form(person, profile, request.POST or None) if can_edit else None
    if form is not None and request.method == "POST" and form.is_valid():
        try:
            services.agent_profile_update(user=person, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Profile saved."))
            return redirect("backoffice:rosters:profile", person.pk)
    context = {
        "person": person,
        "profile": profile,
        "teams": person.teams.order_by("name"),
        "form": form,
        "default_limit": settings.GOODWILL_DEFAULT_LIMIT,
        "language_names": [
            name for code, name in settings.LANGUAGES if code in getattr(profile, "languages", [])
        ],
        "can_configure": can_edit,
    }
    status = 400 if form is not None and form.errors else 200
    return render(request, "rosters/profile.html", context, status=status)


@viewers_required
@require_POST
def profile_pause(request: HttpRequest, pk: int) -> HttpResponse:
    person = profile_user_for(request.user, pk)
    paused = request.POST.get("paused") == "1"
    profile = services.agent_profile_set_paused(user=person, paused=paused, by=request.user)
    if request.htmx:
        return render(request, "rosters/_pause.html", {"person": person, "profile": profile})
    messages.success(request, _("Auto-assignment paused.") if paused else _("Auto-assignment resumed."))
    return redirect("backoffice:rosters:profile", person.pk)
