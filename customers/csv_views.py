"""CSV export and import of customers and organizations: supervisors and admins only."""

from collections.abc import Iterator

from django.conf import settings
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone

from customers.csv_io import customers_csv, import_customers, import_organizations, organizations_csv
from customers.list_forms import CustomerFilterForm, ImportForm
from customers.lists import listed_customers
from customers.models import Organization
from customers.organizations import ORGANIZATION_EDITORS
from helpdesk.access import role_required
from tickets.views.queues import desk_context

importer_required = role_required(*ORGANIZATION_EDITORS)
# Errors listed on the page; the count says how many more there were (the command prints them all).
ERRORS_SHOWN = 1000


def _download(rows: Iterator[bytes], name: str) -> StreamingHttpResponse:
    response = StreamingHttpResponse(rows, content_type="text/csv; charset=utf-8")
    stamp = timezone.localdate().isoformat()
    response["Content-Disposition"] = f'attachment; filename="{name}-{stamp}.csv"'
    return response


def _delimiter(request: HttpRequest) -> str:
    """Commas, or semicolons for Excel where the decimal mark is a comma (?delimiter=semicolon)."""
    return ";" if request.GET.get("delimiter") == "semicolon" else ","


@importer_required
def customers_export(request: HttpRequest) -> StreamingHttpResponse:
    """Every listed customer matching the list's filters (organization, VIP, open tickets, tag)."""
    customers = listed_customers(CustomerFilterForm(request.GET).filters())
    return _download(customers_csv(customers, delimiter=_delimiter(request)), "customers")


@importer_required
def organizations_export(request: HttpRequest) -> StreamingHttpResponse:
    return _download(
        organizations_csv(Organization.objects.all(), delimiter=_delimiter(request)), "organizations"
    )


@importer_required
def customers_import(request: HttpRequest) -> HttpResponse:
    form = ImportForm(request.POST or None, request.FILES or None)
    report = None
    if request.method == "POST" and form.is_valid():
        data, limit = form.cleaned_data["file"].read(), settings.CUSTOMERS_IMPORT_MAX_ROWS
        if form.cleaned_data["kind"] == "organizations":
            report = import_organizations(data=data, by=request.user, max_rows=limit)
        else:
            create = form.cleaned_data["create_organizations"]
            report = import_customers(data=data, by=request.user, create_organizations=create, max_rows=limit)
    context = {
        "form": form,
        "report": report,
        "errors_shown": report.errors[:ERRORS_SHOWN] if report else [],
        "errors_hidden": max(len(report.errors) - ERRORS_SHOWN, 0) if report else 0,
    }
    return render(request, "customers/lists/import.html", context | desk_context(request, "customers"))
