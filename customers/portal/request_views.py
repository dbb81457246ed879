"""The customer's requests: the list, a new request, one request with its public conversation."""

from datetime import timedelta

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from backoffice.kb.services import deflection_request_filed
from customers.portal import requests
from customers.portal.request_forms import CcForm, NpsForm, RatingForm, RequestForm, RequestReplyForm
from helpdesk.access import customer_required
from tickets.custom_fields import displayed_values, portal_ticket_fields, stored_values
from tickets.models import Attachment, Channel, SatisfactionRating
from tickets.satisfaction import RATEABLE, nps_due
from tickets.services import ticket_create, ticket_customer_reply
from tickets.views.ticket_page import attachment_response

PAGE_SIZE = 20
ESTIMATE_WAIT = timedelta(minutes=1)  # how long the page keeps asking for the expected reply time


@customer_required
def request_list(request: HttpRequest) -> HttpResponse:
    customer = requests.portal_customer(request.user)
    status = request.GET.get("status", "")
    query = request.GET.get("q", "").strip()[:200]
    organization = request.GET.get("scope") == "organization" and customer.organization_manager
    tickets = requests.request_list(customer, status=status, query=query, organization=organization)
    page = Paginator(tickets, PAGE_SIZE).get_page(request.GET.get("page"))
    for ticket in page.object_list:
        ticket.customer_status = requests.CUSTOMER_STATUS[ticket.status]
    context = {
        "customer": customer,
        "page": page,
        "status": status,
        "query": query,
        "organization": organization,
        "nps_form": NpsForm() if nps_due(customer, now=timezone.now()) else None,
        "filters": [
            ("", _("All")),
            ("open", _("Open")),
            ("awaiting", _("Awaiting your reply")),
            ("solved", _("Solved")),
        ],
    }
    return render(request, "portal/requests/list.html", context)


@customer_required
def request_new(request: HttpRequest) -> HttpResponse:
    customer = requests.portal_customer(request.user)
    language = (get_language() or "").split("-")[0]
    ticket_fields = portal_ticket_fields()
    form = RequestForm(
        request.POST or None, request.FILES or None, ticket_fields=ticket_fields, language=language
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            ticket = ticket_create(
                requester=customer,
                subject=data["subject"],
                body=data["description"],
                body_html=data["description_html"] or None,
                channel=Channel.WEB,
                type=data["type"],
                attachments=data["attachments"],
                language=customer.language or language,
                custom_fields=stored_values(ticket_fields, data),
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            # Articles read before filing did not deflect this request (the help center measures it).
            deflection_request_filed(
                user=request.user, session_key=request.session.session_key or "", now=timezone.now()
            )
            return redirect(f"{ticket.get_portal_url()}?new=1")
    return render(request, "portal/requests/new.html", {"form": form}, status=400 if form.errors else 200)


@customer_required
def request_detail(request: HttpRequest, pk: int) -> HttpResponse:
    customer = requests.portal_customer(request.user)
    ticket = requests.portal_ticket(customer, pk)
    return _render_detail(request, customer, ticket)


def _answer(rating) -> str:
    return "" if rating is None or rating.good is None else ("good" if rating.good else "bad")


def _render_detail(request, customer, ticket, *, reply_form=None, cc_form=None, status=200) -> HttpResponse:
    now = timezone.now()
    expectations = requests.request_expectations(ticket, now=now)
    rateable = ticket.requester_id == customer.pk and ticket.status in RATEABLE
    rating = SatisfactionRating.objects.filter(ticket=ticket).first() if rateable else None
    context = {
        "customer": customer,
        "ticket": ticket,
        "expectations": expectations,
        "expectations_polling": _still_estimating(ticket, expectations),
        "status_label": requests.CUSTOMER_STATUS[ticket.status],
        "conversation": requests.public_conversation(ticket),
        "history": requests.status_history(ticket),
        "can_reopen": requests.can_reopen(ticket, now=now),
        "reopen_days": settings.PORTAL_REOPEN_DAYS,
        "reply_form": reply_form or RequestReplyForm(),
        "cc_form": cc_form or CcForm(),
        "ccs": list(ticket.ccs.order_by("email")),
        "is_new": request.GET.get("new") == "1",
        "details": displayed_values(
            ticket.custom_fields or {}, language=(get_language() or "").split("-")[0]
        ),
        "rating": rating,
        "rating_form": RatingForm(initial={"answer": _answer(rating)}) if rateable else None,
    }
    return render(request, "portal/requests/detail.html", context, status=status)


@customer_required
def request_expectations(request: HttpRequest, pk: int) -> HttpResponse:
    """The expected reply time, polled by the page until the workers have routed the new request."""
    customer = requests.portal_customer(request.user)
    ticket = requests.portal_ticket(customer, pk)
    expectations = requests.request_expectations(ticket, now=timezone.now())
    polling = _still_estimating(ticket, expectations)
    context = {"customer": customer, "ticket": ticket, "expectations": expectations, "polling": polling}
    return render(request, "portal/requests/_expectations.html", context)


def _still_estimating(ticket, expectations) -> bool:
    """A new request waits a moment for the workers to give it a team and SLA deadlines."""
    fresh = timezone.now() - ticket.created_at < ESTIMATE_WAIT
    return (
        fresh and ticket.is_unsolved and ticket.first_response_at is None and expectations.first_reply is None
    )


@customer_required
@require_POST
def request_reply(request: HttpRequest, pk: int) -> HttpResponse:
    customer = requests.portal_customer(request.user)
    ticket = requests.portal_ticket(customer, pk)
    form = RequestReplyForm(request.POST, request.FILES)
    if ticket.status == "solved" and not requests.can_reopen(ticket, now=timezone.now()):
        form.add_error(None, _("This request was solved too long ago to reopen it; please file a new one."))
    if form.is_valid():
        try:
            message = ticket_customer_reply(
                ticket=ticket,
                customer=customer,
                body=form.cleaned_data["body"],
                channel=Channel.WEB,
                attachments=form.cleaned_data["attachments"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            if message.ticket_id != ticket.pk:
                messages.info(request, _("This request was closed, so your reply opened a new one."))
            else:
                messages.success(request, _("Your reply was sent."))
            return redirect(message.ticket.get_portal_url())
    return _render_detail(request, customer, ticket, reply_form=form, status=400)


@customer_required
@require_POST
def request_solve(request: HttpRequest, pk: int) -> HttpResponse:
    customer = requests.portal_customer(request.user)
    ticket = requests.portal_ticket(customer, pk)
    try:
        requests.request_mark_solved(ticket=ticket, customer=customer)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Thank you! The request is marked as solved."))
    return redirect(ticket.get_portal_url())


@customer_required
@require_POST
def request_cc(request: HttpRequest, pk: int) -> HttpResponse:
    customer = requests.portal_customer(request.user)
    ticket = requests.portal_ticket(customer, pk)
    form = CcForm(request.POST)
    if form.is_valid():
        try:
            requests.request_add_cc(ticket=ticket, customer=customer, email=form.cleaned_data["email"])
        except ValidationError as error:
            form.add_error("email", error)
        else:
            messages.success(request, _("%(email)s is now in copy.") % {"email": form.cleaned_data["email"]})
            return redirect(ticket.get_portal_url())
    return _render_detail(request, customer, ticket, cc_form=form, status=400)


@customer_required
def attachment_download(request: HttpRequest, token: str) -> FileResponse:
    """A file of the public conversation of a request the customer may see; anything else is a 404."""
    attachment = (
        Attachment.objects.select_related("message").filter(token=token, message__public=True).first()
    )
    if attachment is None:
        raise Http404
    requests.portal_ticket(requests.portal_customer(request.user), attachment.message.ticket_id)
    return attachment_response(attachment)
