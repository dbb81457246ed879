"""GDPR actions on one customer, for admins: download the export, and erase (after confirming)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from customers.gdpr import customer_erase, customer_export, customer_for_gdpr, erase_preview
from customers.gdpr.forms import EraseForm
from helpdesk.access import role_required
from helpdesk.models import Role
from tickets.views.queues import desk_context

admin_required = role_required(Role.ADMIN)


@admin_required
@require_POST
def customer_export_download(request: HttpRequest, pk: int) -> FileResponse:
    customer = customer_for_gdpr(request.user, pk)
    archive = customer_export(customer=customer, by=request.user)
    return export_response(archive, f"customer-{customer.pk}-data-{timezone.localdate():%Y-%m-%d}.zip")


def export_response(archive, filename: str) -> FileResponse:
    """A GDPR export as a download (the desk's for admins, the portal's for the customer)."""
    response = FileResponse(archive, as_attachment=True, filename=filename, content_type="application/zip")
    # Personal data: never kept by a browser or proxy cache.
    response["Cache-Control"] = "no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@admin_required
def customer_erase_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    """GET: what erasure removes and keeps, and the form; POST: erase, back to the customer's page."""
    customer = customer_for_gdpr(request.user, pk)
    form = EraseForm(request.POST if request.method == "POST" else None, customer=customer)
    if form.is_bound and form.is_valid() and not customer.erased_at:
        try:
            counts = customer_erase(customer=customer, by=request.user, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            form.add_error(None, error.messages)
        else:
            messages.success(
                request,
                _(
                    "Customer #%(id)s was erased: %(messages)d messages and %(attachments)d files removed; "
                    "%(tickets)d tickets kept for statistics."
                )
                % {
                    "id": customer.pk,
                    "messages": counts["messages"],
                    "attachments": counts["attachments"],
                    "tickets": counts["tickets"],
                },
            )
            return redirect(customer)
    context = desk_context(request, "") | {
        "customer": customer,
        "form": form,
        "preview": None if customer.erased_at else erase_preview(customer),
    }
    return render(request, "customers/gdpr_erase.html", context, status=400 if form.is_bound else 200)
