"""The agent workspace at /desk/."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from helpdesk.access import desk_required
from helpdesk.models import Role
from helpdesk.selectors import system_status


@desk_required
def home(request: HttpRequest) -> HttpResponse:
    context = {"status": system_status() if request.user.role != Role.AGENT else None}
    return render(request, "tickets/desk_home.html", context)
