"""The invoice page's edits: a draft's header and lines (lines by htmx, swapping the `#invoice-lines`
section; without JavaScript the same URLs work as plain pages and redirects), and applying account
credit to an open invoice."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from backoffice.billing import services
from backoffice.billing.forms import CreditApplyForm, InvoiceForm, InvoiceLineEditForm
from backoffice.billing.views import add_service_errors, invoice_for_user, invoice_page
from helpdesk.access import backoffice_required


def _lines_or_redirect(request: HttpRequest, pk: int, message: str) -> HttpResponse:
    """After a successful line edit: htmx gets the fresh lines section, a plain post a redirect."""
    if request.htmx:
        return invoice_page(request, invoice_for_user(request.user, pk))
    messages.success(request, message)
    return redirect("backoffice:billing:invoice", pk=pk)


@backoffice_required
def invoice_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """A draft's header: owner, currency, tax rate and payment terms."""
    invoice = invoice_for_user(request.user, pk)
    initial = {
        "customer_email": invoice.customer.email if invoice.customer_id else "",
        "organization_name": invoice.organization.name if invoice.organization_id else "",
        "currency": invoice.currency,
        "tax_rate": invoice.tax_rate,
        "payment_terms_days": invoice.payment_terms_days,
    }
    form = InvoiceForm(request.POST or None, initial=initial)
    if not invoice.is_draft:
        refused = _("Only a draft can be edited; an issued invoice is corrected by a credit note.")
        if request.method != "POST":
            messages.error(request, refused)
            return redirect(invoice)
        form.is_valid()  # errors are added to a cleaned form
        form.add_error(None, refused)
    elif request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.invoice_update(
                invoice=invoice,
                customer=data["customer"],
                organization=data["organization"],
                currency=data["currency"],
                tax_rate=data["tax_rate"],
                payment_terms_days=data["payment_terms_days"],
                by=request.user,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The draft is saved."))
            return redirect(invoice)
    status = 400 if form.errors else 200
    return render(request, "billing/invoice_edit.html", {"form": form, "invoice": invoice}, status=status)


@backoffice_required
def invoice_line_edit(request: HttpRequest, pk: int, line_id: int) -> HttpResponse:
    """GET: the lines with this one as a form; POST: save it (errors come back on the row)."""
    invoice = invoice_for_user(request.user, pk)
    line = next((line for line in invoice.lines.all() if line.pk == line_id), None)
    if request.method != "POST":
        initial = {}
        if line is not None:
            initial = {
                "description": line.description,
                "quantity": line.quantity.normalize(),
                "unit_price": line.unit_price,
                "tax_rate": line.tax_rate,
            }
        form = InvoiceLineEditForm(initial=initial, line_id=line_id)
        return invoice_page(request, invoice, edit_form=form, editing_line=line_id if line else None)
    form = InvoiceLineEditForm(request.POST, line_id=line_id)
    if form.is_valid():
        try:
            services.invoice_line_update(
                invoice=invoice, line_id=line_id, by=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return _lines_or_redirect(request, pk, _("The line is saved."))
    # htmx swaps only 2xx answers: the row comes back with its errors; a plain post gets a 400.
    return invoice_page(
        request,
        invoice_for_user(request.user, pk),
        200 if request.htmx else 400,
        edit_form=form,
        editing_line=line_id if line else None,
    )


@backoffice_required
@require_POST
def invoice_line_delete(request: HttpRequest, pk: int, line_id: int) -> HttpResponse:
    invoice = invoice_for_user(request.user, pk)
    try:
        services.invoice_line_delete(invoice=invoice, line_id=line_id, by=request.user)
    except ValidationError as error:
        if request.htmx:
            return invoice_page(request, invoice_for_user(request.user, pk))
        messages.error(request, " ".join(error.messages))
        return redirect(invoice)
    return _lines_or_redirect(request, pk, _("The line is deleted."))


@backoffice_required
@require_POST
def credit_apply(request: HttpRequest, pk: int) -> HttpResponse:
    form = CreditApplyForm(request.POST)
    invoice = invoice_for_user(request.user, pk)
    if form.is_valid():
        try:
            note = services.credit_apply(
                invoice=invoice,
                credit_id=form.cleaned_data["credit"],
                amount=form.cleaned_data["amount"],
                by=request.user,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                _("%(amount)s %(currency)s of account credit is applied.")
                % {"amount": note.amount, "currency": note.currency},
            )
            return redirect(invoice)
    return invoice_page(request, invoice_for_user(request.user, pk), 400, apply_form=form)
