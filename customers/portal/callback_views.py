"""The customer's callbacks: the list, booking one, cancelling and moving it."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.forms import Form
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from customers.portal.callback_forms import CallbackForm, SlotForm
from customers.portal.requests import portal_customer
from helpdesk.access import customer_required
from tickets.callbacks import services
from tickets.callbacks.selectors import customer_callback, customer_callbacks
from tickets.callbacks.slots import customer_zone, free_slots


@customer_required
def callback_list(request: HttpRequest) -> HttpResponse:
    customer = portal_customer(request.user)
    upcoming, past = customer_callbacks(customer, now=timezone.now())
    context = {"customer": customer, "upcoming": upcoming, "past": past, "tz": customer_zone(customer).key}
    return render(request, "portal/callbacks/list.html", context)


@customer_required
def callback_new(request: HttpRequest) -> HttpResponse:
    customer = portal_customer(request.user)
    language = customer.language or (get_language() or "").split("-")[0]
    form = CallbackForm(request.POST or None, initial={"phone": customer.phone})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.callback_book(
                customer=customer,
                starts_at=data["slot"],
                phone=data["phone"],
                topic=data["topic"],
                language=language,
                now=timezone.now(),
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("Your callback is booked. We sent you a confirmation by email."))
            return redirect("portal:callbacks")
    return _picker(request, "portal/callbacks/new.html", customer, form, language=language)


@customer_required
def callback_move(request: HttpRequest, pk: int) -> HttpResponse:
    customer = portal_customer(request.user)
    callback = customer_callback(customer, pk)
    if not callback.can_change(timezone.now()):
        messages.error(request, _("This callback can no longer be moved."))
        return redirect("portal:callbacks")
    form = SlotForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.callback_move(callback=callback, starts_at=form.cleaned_data["slot"], now=timezone.now())
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("Your callback has moved. We sent you the new time by email."))
            return redirect("portal:callbacks")
    template = "portal/callbacks/move.html"
    return _picker(request, template, customer, form, language=callback.language, callback=callback)


@customer_required
@require_POST
def callback_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    customer = portal_customer(request.user)
    callback = customer_callback(customer, pk)
    try:
        services.callback_cancel(callback=callback, now=timezone.now())
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Your callback is cancelled."))
    return redirect("portal:callbacks")


def _picker(request, template: str, customer, form: Form, *, language: str, **extra) -> HttpResponse:
    """The page with the free times as they are now (fresh after a time was taken meanwhile)."""
    tz = customer_zone(customer)
    context = {
        "customer": customer,
        "form": form,
        "days": free_slots(language=language, now=timezone.now(), tz=tz),
        "tz": tz.key,
        "selected": form["slot"].value() or "",
        **extra,
    }
    return render(request, template, context, status=400 if form.errors else 200)


def _add_errors(form: Form, error: ValidationError) -> None:
    """A service's errors on the form's fields (its `starts_at` is the form's `slot`)."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for field, errors in error.error_dict.items():
        name = "slot" if field == "starts_at" else field
        form.add_error(name if name in form.fields else None, errors)
