"""A subscription's page and its lifecycle: cancel now or at the renewal date, undo a pending
cancellation, change plan. Each action posts, calls one service and comes back to the page."""

from decimal import Decimal

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from backoffice.billing import selectors, services
from backoffice.billing.forms import SubscriptionPlanForm
from backoffice.billing.models import PlanKind, Subscription
from backoffice.billing.services.renewals import current_period_start
from backoffice.billing.views import add_service_errors
from helpdesk.access import backoffice_required


def subscription_for_user(user, pk: int) -> Subscription:
    """The subscription at a URL, for back-office staff (the decorator checked the role); 404 if none."""
    return get_object_or_404(selectors.subscription_with_details(pk))


def _page(request: HttpRequest, subscription: Subscription, status: int = 200, **forms_) -> HttpResponse:
    prepaid_hours = None
    if subscription.plan.kind == PlanKind.PREPAID_HOURS:
        prepaid_hours = (Decimal(subscription.prepaid_minutes) / 60).quantize(Decimal("0.01"))
    context = {
        "subscription": subscription,
        "period_start": current_period_start(subscription),
        "prepaid_hours": prepaid_hours,
        "invoices": selectors.subscription_invoices(subscription)[:50],
        "plan_form": forms_.get("plan_form") or SubscriptionPlanForm(),
        "action_form": forms_.get("action_form") or forms.Form(),
    }
    return render(request, "billing/subscription.html", context, status=status)


@backoffice_required
def subscription(request: HttpRequest, pk: int) -> HttpResponse:
    return _page(request, subscription_for_user(request.user, pk))


def _act(request: HttpRequest, pk: int, call, message: str) -> HttpResponse:
    subscription = subscription_for_user(request.user, pk)
    try:
        call(subscription)
    except ValidationError as error:
        form = forms.Form({})
        form.full_clean()  # a bound, cleaned form takes the service's errors
        add_service_errors(form, error)
        return _page(request, subscription_for_user(request.user, pk), 400, action_form=form)
    messages.success(request, message)
    return redirect("backoffice:billing:subscription", pk=pk)


@backoffice_required
@require_POST
def subscription_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    at_renewal = request.POST.get("when") == "renewal"

    def call(subscription: Subscription) -> None:
        services.subscription_cancel(
            subscription=subscription, at_renewal=at_renewal, by=request.user, now=timezone.now()
        )

    message = _("It ends at its renewal date.") if at_renewal else _("The subscription is cancelled.")
    return _act(request, pk, call, message)


@backoffice_required
@require_POST
def subscription_cancel_undo(request: HttpRequest, pk: int) -> HttpResponse:
    def call(subscription: Subscription) -> None:
        services.subscription_cancel_undo(subscription=subscription, by=request.user)

    return _act(request, pk, call, _("The subscription goes on after its renewal date."))


@backoffice_required
@require_POST
def subscription_plan(request: HttpRequest, pk: int) -> HttpResponse:
    form = SubscriptionPlanForm(request.POST)
    subscription = subscription_for_user(request.user, pk)
    if form.is_valid():
        try:
            services.subscription_change_plan(
                subscription=subscription, plan=form.cleaned_data["plan"], by=request.user
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The plan is changed; the next invoice bills it."))
            return redirect("backoffice:billing:subscription", pk=pk)
    return _page(request, subscription_for_user(request.user, pk), 400, plan_form=form)
