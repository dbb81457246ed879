"""The self-service portal at /portal/."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from helpdesk.access import customer_required


@customer_required
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "customers/portal_home.html")
