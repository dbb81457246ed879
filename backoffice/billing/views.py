"""Back-office billing pages: thin views that parse a form, call one service and redirect (or show
the form's errors, having changed nothing)."""

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from backoffice.billing import selectors, services
from backoffice.billing.forms import (
    CreditNoteForm,
    InvoiceFilterForm,
    InvoiceForm,
    InvoiceLineEditForm,
    InvoiceLineForm,
    PaymentForm,
    PlanForm,
    SubscriptionForm,
    TicketLinkForm,
)
from backoffice.billing.models import Invoice, Plan, Subscription
from backoffice.billing.money import invoice_amounts_of
from helpdesk.access import backoffice_required

LIST_LIMIT = 200  # newest first; older rows through the filters


def add_service_errors(form: forms.Form, error: ValidationError) -> None:
    """Show a service's ValidationError on the form: on its field when the form has one."""
    if hasattr(error, "error_dict"):
        for field, errors in error.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)


def invoice_for_user(user, pk: int) -> Invoice:
    """The invoice at a URL, for back-office staff (the decorator checked the role); 404 if none."""
    return get_object_or_404(selectors.invoice_with_details(pk))


# --- Plans


@backoffice_required
def plans(request: HttpRequest) -> HttpResponse:
    return render(request, "billing/plans.html", {"plans": selectors.plan_list()})


@backoffice_required
def plan_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    plan = get_object_or_404(Plan, pk=pk) if pk else None
    form = PlanForm(request.POST or None, instance=plan)
    if request.method == "POST" and form.is_valid():
        fields = {name: form.cleaned_data[name] for name in form.Meta.fields}
        try:
            if plan is None:
                services.plan_create(by=request.user, **fields)
            else:
                services.plan_update(plan=Plan.objects.get(pk=plan.pk), by=request.user, **fields)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The plan is saved."))
            return redirect("backoffice:billing:plans")
    status = 400 if form.errors else 200
    return render(request, "billing/plan_form.html", {"form": form, "plan": plan}, status=status)


# --- Subscriptions


@backoffice_required
def subscriptions(request: HttpRequest) -> HttpResponse:
    rows = selectors.subscription_list()[:LIST_LIMIT]
    return render(request, "billing/subscriptions.html", {"subscriptions": rows})


@backoffice_required
def subscription_new(request: HttpRequest) -> HttpResponse:
    form = SubscriptionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.subscription_create(
                plan=data["plan"],
                customer=data["customer"],
                organization=data["organization"],
                start_date=data["start_date"],
                status=data["status"],
                by=request.user,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The subscription is created."))
            return redirect("backoffice:billing:subscriptions")
    status = 400 if form.errors else 200
    return render(request, "billing/subscription_form.html", {"form": form}, status=status)


@backoffice_required
@require_POST
def subscription_invoice(request: HttpRequest, pk: int) -> HttpResponse:
    subscription = get_object_or_404(Subscription.objects.select_related("plan"), pk=pk)
    try:
        invoice = services.invoice_create_for_subscription(subscription=subscription, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        if request.POST.get("from") == "detail":
            return redirect("backoffice:billing:subscription", pk=pk)
        return redirect("backoffice:billing:subscriptions")
    messages.success(request, _("A draft invoice is ready: check it and issue it."))
    return redirect(invoice)


# --- Invoices


@backoffice_required
def invoices(request: HttpRequest) -> HttpResponse:
    filters = InvoiceFilterForm(request.GET or None)
    status, overdue = "", False
    if filters.is_valid():
        status, overdue = filters.cleaned_data["status"], filters.cleaned_data["overdue"]
    rows = selectors.invoice_list(status=status, overdue=overdue)[:LIST_LIMIT]
    return render(request, "billing/invoices.html", {"invoices": rows, "filters": filters})


@backoffice_required
def invoice_new(request: HttpRequest) -> HttpResponse:
    form = InvoiceForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            invoice = services.invoice_create(
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
            return redirect(invoice)
    status = 400 if form.errors else 200
    return render(request, "billing/invoice_form.html", {"form": form}, status=status)


def _invoice_context(invoice: Invoice) -> dict:
    amounts = invoice_amounts_of(invoice)
    return {
        "invoice": invoice,
        "amounts": amounts,
        "line_rows": list(zip(invoice.lines.all(), amounts.lines, strict=True)),
    }


def invoice_page(
    request: HttpRequest,
    invoice: Invoice,
    status: int = 200,
    *,
    edit_form: InvoiceLineEditForm | None = None,
    editing_line: int | None = None,
    **forms_,
) -> HttpResponse:
    """The invoice page; for htmx, only its lines section (`#invoice-lines`), which is what line edits
    swap. `editing_line` shows that line's row as a form (bound `edit_form` when it had errors)."""
    context = {
        **_invoice_context(invoice),
        "editing_line": editing_line,
        "edit_form": edit_form,
        "line_form": forms_.get("line_form") or InvoiceLineForm(),
        "payment_form": forms_.get("payment_form") or PaymentForm(),
        "credit_form": forms_.get("credit_form") or CreditNoteForm(),
        "action_form": forms_.get("action_form") or forms.Form(),
        "link_form": forms_.get("link_form") or TicketLinkForm(),
        "apply_form": forms_.get("apply_form"),
        "account_credits": list(selectors.account_credits_for(invoice)) if invoice.is_open else [],
    }
    if request.htmx and request.htmx.target == "invoice-lines":
        return render(request, "billing/_lines.html", context, status=status)
    return render(request, "billing/invoice.html", context, status=status)


@backoffice_required
def invoice(request: HttpRequest, pk: int) -> HttpResponse:
    return invoice_page(request, invoice_for_user(request.user, pk))


@backoffice_required
def invoice_print(request: HttpRequest, pk: int) -> HttpResponse:
    invoice = invoice_for_user(request.user, pk)
    return render(request, "billing/invoice_print.html", _invoice_context(invoice))


def _post_action(request: HttpRequest, pk: int, form_name: str, form: forms.Form, call) -> HttpResponse:
    """Run `call(invoice, cleaned_data)` for a valid form; otherwise show the page with the errors."""
    invoice = invoice_for_user(request.user, pk)
    if form.is_valid():
        try:
            message = call(invoice, form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, message)
            return redirect("backoffice:billing:invoice", pk=pk)
    return invoice_page(request, invoice_for_user(request.user, pk), 400, **{form_name: form})


@backoffice_required
@require_POST
def invoice_line_add(request: HttpRequest, pk: int) -> HttpResponse:
    def call(invoice: Invoice, data: dict) -> str:
        services.invoice_line_add(invoice=invoice, **data)
        return _("The line is added.")

    return _post_action(request, pk, "line_form", InvoiceLineForm(request.POST), call)


@backoffice_required
@require_POST
def invoice_issue(request: HttpRequest, pk: int) -> HttpResponse:
    def call(invoice: Invoice, data: dict) -> str:
        issued = services.invoice_issue(invoice=invoice, by=request.user, today=timezone.localdate())
        return _("Invoice %(number)s is issued.") % {"number": issued.number}

    return _post_action(request, pk, "action_form", forms.Form(request.POST), call)


@backoffice_required
@require_POST
def invoice_void(request: HttpRequest, pk: int) -> HttpResponse:
    def call(invoice: Invoice, data: dict) -> str:
        services.invoice_void(invoice=invoice, by=request.user)
        return _("The invoice is void.")

    return _post_action(request, pk, "action_form", forms.Form(request.POST), call)


@backoffice_required
@require_POST
def payment_add(request: HttpRequest, pk: int) -> HttpResponse:
    def call(invoice: Invoice, data: dict) -> str:
        services.payment_record(invoice=invoice, by=request.user, **data)
        return _("The payment is recorded.")

    return _post_action(request, pk, "payment_form", PaymentForm(request.POST), call)


@backoffice_required
@require_POST
def credit_note_add(request: HttpRequest, pk: int) -> HttpResponse:
    def call(invoice: Invoice, data: dict) -> str:
        services.credit_note_create(invoice=invoice, by=request.user, **data)
        return _("The credit note is recorded.")

    return _post_action(request, pk, "credit_form", CreditNoteForm(request.POST), call)


@backoffice_required
@require_POST
def ticket_link(request: HttpRequest, pk: int) -> HttpResponse:
    def call(invoice: Invoice, data: dict) -> str:
        services.invoice_ticket_link(invoice=invoice, ticket=data["ticket"], by=request.user)
        return _("The ticket is linked.")

    return _post_action(request, pk, "link_form", TicketLinkForm(request.POST), call)
