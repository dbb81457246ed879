"""Billing on the desk ticket page: the "Time and billing" panel (loaded by htmx beside the ticket, so
the ticket page itself costs no extra query) and its actions, and the supervisors' goodwill approvals.

Every action answers an htmx request with the panel and a success or error message (always 200, as
htmx swaps no 4xx answer); without JavaScript it redirects to the panel's own page, or shows that page
with the form's errors and the input kept."""

from collections.abc import Callable

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.forms import Form
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from backoffice.billing import selectors, services
from backoffice.billing.models import CreditNote, CreditNoteStatus
from backoffice.billing.services.goodwill import APPROVERS
from backoffice.billing.ticket_forms import GoodwillForm, InvoiceLinkForm, TimeLogForm
from backoffice.billing.views import add_service_errors
from helpdesk.access import desk_required, role_required
from helpdesk.models import BACKOFFICE_ROLES
from tickets.access import ticket_for_user
from tickets.models import Ticket
from tickets.views.queues import desk_context

approvers_required = role_required(*APPROVERS)


def _ticket(request: HttpRequest, pk: int) -> Ticket:
    return ticket_for_user(request.user, pk, queryset=Ticket.objects.select_related("requester"))


def _panel(
    request: HttpRequest,
    ticket: Ticket,
    *,
    status: int = 200,
    message: str = "",
    error: str = "",
    **forms_: Form,
) -> HttpResponse:
    panel = selectors.ticket_billing_panel(ticket, request.user)
    context = {
        "ticket": ticket,
        "panel": panel,
        "time_form": forms_.get("time_form") or TimeLogForm(),
        "goodwill_form": forms_.get("goodwill_form") or GoodwillForm(initial={"currency": panel.currency}),
        "link_form": forms_.get("link_form") or InvoiceLinkForm(invoices=panel.linkable_invoices),
        "panel_message": message,
        "panel_error": error,
        "can_delete_any": request.user.role in APPROVERS,
        "can_open_invoices": request.user.role in BACKOFFICE_ROLES,
    }
    if request.htmx:
        return render(request, "billing/_ticket_panel.html", context)
    return render(request, "billing/ticket_billing.html", context | desk_context(request, ""), status=status)


def _done(request: HttpRequest, ticket: Ticket, message: str) -> HttpResponse:
    if request.htmx:
        return _panel(request, ticket, message=message)
    messages.success(request, message)
    return redirect("backoffice:billing:ticket_panel", pk=ticket.pk)


def _refused(request: HttpRequest, ticket: Ticket, error: Exception) -> HttpResponse:
    text = " ".join(error.messages) if isinstance(error, ValidationError) else str(error)
    if request.htmx:
        return _panel(request, ticket, error=text)
    messages.error(request, text)
    return redirect("backoffice:billing:ticket_panel", pk=ticket.pk)


def _with_form(
    request: HttpRequest, ticket: Ticket, form_name: str, form: Form, call: Callable[[dict], str]
) -> HttpResponse:
    """Run `call(cleaned_data)` for a valid form; otherwise show the panel with the form's errors."""
    if form.is_valid():
        try:
            return _done(request, ticket, call(form.cleaned_data))
        except ValidationError as error:
            add_service_errors(form, error)
        except PermissionDenied as error:
            return _refused(request, ticket, error)
    return _panel(
        request, ticket, status=400, error=_("Please correct the errors below."), **{form_name: form}
    )


def _plain(request: HttpRequest, ticket: Ticket, call: Callable[[], str]) -> HttpResponse:
    try:
        return _done(request, ticket, call())
    except (ValidationError, PermissionDenied) as error:
        return _refused(request, ticket, error)


@desk_required
def ticket_panel(request: HttpRequest, pk: int) -> HttpResponse:
    return _panel(request, _ticket(request, pk))


@desk_required
@require_POST
def time_log(request: HttpRequest, pk: int) -> HttpResponse:
    ticket = _ticket(request, pk)

    def call(data: dict) -> str:
        entry = services.time_entry_log(ticket=ticket, agent=request.user, now=timezone.now(), **data)
        return _("%(minutes)s minutes logged.") % {"minutes": entry.minutes}

    return _with_form(request, ticket, "time_form", TimeLogForm(request.POST), call)


@desk_required
@require_POST
def timer_start(request: HttpRequest, pk: int) -> HttpResponse:
    ticket = _ticket(request, pk)

    def call() -> str:
        services.timer_start(ticket=ticket, agent=request.user, now=timezone.now())
        return _("Your timer is running.")

    return _plain(request, ticket, call)


@desk_required
@require_POST
def timer_stop(request: HttpRequest, pk: int) -> HttpResponse:
    ticket = _ticket(request, pk)

    def call() -> str:
        entry = services.timer_stop(ticket=ticket, agent=request.user, now=timezone.now())
        return _("Timer stopped: %(minutes)s minutes logged.") % {"minutes": entry.minutes}

    return _plain(request, ticket, call)


@desk_required
@require_POST
def timer_discard(request: HttpRequest, pk: int) -> HttpResponse:
    ticket = _ticket(request, pk)

    def call() -> str:
        services.timer_discard(ticket=ticket, agent=request.user)
        return _("Your timer is discarded; no time was logged.")

    return _plain(request, ticket, call)


@desk_required
@require_POST
def time_entry_delete(request: HttpRequest, pk: int, entry_pk: int) -> HttpResponse:
    ticket = _ticket(request, pk)
    entry = get_object_or_404(ticket.time_entries.all(), pk=entry_pk)

    def call() -> str:
        services.time_entry_delete(entry=entry, by=request.user)
        return _("The time entry is deleted.")

    return _plain(request, ticket, call)


@desk_required
@require_POST
def goodwill_propose(request: HttpRequest, pk: int) -> HttpResponse:
    ticket = _ticket(request, pk)

    def call(data: dict) -> str:
        note = services.goodwill_credit_propose(ticket=ticket, by=request.user, **data)
        values = {"amount": note.amount, "currency": note.currency}
        if note.status == CreditNoteStatus.PROPOSED:
            return (
                _(
                    "The goodwill credit of %(amount)s %(currency)s is above your limit: it waits for a "
                    "supervisor's approval."
                )
                % values
            )
        return _("The goodwill credit of %(amount)s %(currency)s is approved.") % values

    return _with_form(request, ticket, "goodwill_form", GoodwillForm(request.POST), call)


@desk_required
@require_POST
def invoice_link(request: HttpRequest, pk: int) -> HttpResponse:
    ticket = _ticket(request, pk)
    form = InvoiceLinkForm(request.POST, invoices=selectors.linkable_invoices(ticket))

    def call(data: dict) -> str:
        invoice = services.invoice_ticket_link(invoice=data["invoice"], ticket=ticket, by=request.user)
        return _("Invoice %(number)s is linked.") % {"number": invoice}

    return _with_form(request, ticket, "link_form", form, call)


@desk_required
@require_POST
def invoice_unlink(request: HttpRequest, pk: int, invoice_pk: int) -> HttpResponse:
    ticket = _ticket(request, pk)
    invoice = get_object_or_404(ticket.invoices.all(), pk=invoice_pk)

    def call() -> str:
        services.invoice_ticket_unlink(invoice=invoice, ticket=ticket, by=request.user)
        return _("Invoice %(number)s is unlinked.") % {"number": invoice}

    return _plain(request, ticket, call)


# --- Goodwill approvals (supervisors and admins)


@approvers_required
def goodwill_approvals(request: HttpRequest) -> HttpResponse:
    context = {
        "waiting": list(selectors.goodwill_credits_waiting()),
        "decided": list(selectors.goodwill_credits_decided()),
    } | desk_context(request, "goodwill")
    return render(request, "billing/goodwill_approvals.html", context)


@approvers_required
@require_POST
def goodwill_decide(request: HttpRequest, pk: int) -> HttpResponse:
    decision = request.POST.get("decision")
    if decision not in ("approve", "reject"):
        return HttpResponseBadRequest(_("Approve or reject the credit."))
    note = get_object_or_404(CreditNote.objects.filter(invoice__isnull=True), pk=pk)
    try:
        note = services.goodwill_credit_decide(note=note, by=request.user, approve=decision == "approve")
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        values = {"amount": note.amount, "currency": note.currency}
        if note.status == CreditNoteStatus.APPROVED:
            messages.success(request, _("The credit of %(amount)s %(currency)s is approved.") % values)
        else:
            messages.success(request, _("The credit of %(amount)s %(currency)s is rejected.") % values)
    return redirect("backoffice:billing:goodwill_approvals")
