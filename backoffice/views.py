"""Back-office pages at /backoffice/."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from helpdesk.access import backoffice_required


@backoffice_required
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "backoffice/home.html")
