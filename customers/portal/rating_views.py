"""Rating the service: the CSAT survey (from its email link, no sign-in needed, or on the request
page) and the NPS question on the portal's home page."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from customers.portal import requests
from customers.portal.request_forms import NpsForm, RatingForm
from helpdesk.access import customer_required
from tickets.satisfaction import nps_answer, rating_for_request, rating_for_token, satisfaction_rate


def rate(request: HttpRequest, token: str) -> HttpResponse:
    """The survey link of an email. The answer is saved on submit, not on the click, so a mail
    scanner that opens links rates nothing."""
    rating = rating_for_token(token)
    if rating is None:
        return render(request, "portal/rating/invalid.html", status=404)
    initial = {"answer": request.GET.get("answer", "")} if request.method == "GET" else None
    form = RatingForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            satisfaction_rate(
                rating=rating,
                good=form.cleaned_data["answer"] == "good",
                comment=form.cleaned_data["comment"],
                now=timezone.now(),
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            return render(request, "portal/rating/thanks.html", {"rating": rating})
    context = {"form": form, "rating": rating, "ticket": rating.ticket}
    return render(request, "portal/rating/survey.html", context, status=400 if form.errors else 200)


@customer_required
@require_POST
def request_rate(request: HttpRequest, pk: int) -> HttpResponse:
    customer = requests.portal_customer(request.user)
    ticket = requests.portal_ticket(customer, pk)
    rating = rating_for_request(ticket, customer, now=timezone.now())
    form = RatingForm(request.POST)
    if rating is None:
        messages.error(request, _("Only the person who asked can rate a request, once it is solved."))
    elif not form.is_valid():
        messages.error(request, _("Choose good or bad to rate the request."))
    else:
        satisfaction_rate(
            rating=rating,
            good=form.cleaned_data["answer"] == "good",
            comment=form.cleaned_data["comment"],
            now=timezone.now(),
        )
        messages.success(request, _("Thank you for rating our support!"))
    return redirect(ticket.get_portal_url())


@customer_required
@require_POST
def nps(request: HttpRequest) -> HttpResponse:
    customer = requests.portal_customer(request.user)
    dismissed = "dismiss" in request.POST
    form = NpsForm(request.POST)
    if not dismissed and not form.is_valid():
        messages.error(request, _("Choose a number from 0 to 10."))
        return redirect("portal:home")
    try:
        nps_answer(
            customer=customer,
            score=None if dismissed else form.cleaned_data["score"],
            comment="" if dismissed else form.cleaned_data["comment"],
            now=timezone.now(),
        )
    except ValidationError as error:
        messages.info(request, " ".join(error.messages))
    else:
        if not dismissed:
            messages.success(request, _("Thank you for your answer!"))
    return redirect("portal:home")
