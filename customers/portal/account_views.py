"""The customer's account page in the portal: profile, consents, their own data, password.

Every view works on the signed-in customer's own record (from the login, never from the URL)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from customers.gdpr.export import customer_export
from customers.gdpr_views import export_response
from customers.models import ConsentPurpose, ConsentSource, Customer
from customers.portal.account_forms import ConsentForm, ProfileForm
from customers.portal.account_limits import too_many_for_user
from customers.portal.account_services import customer_profile_update
from customers.portal.requests import portal_customer
from customers.portal.signup_views import remember_language
from customers.services import consent_record, consent_state
from helpdesk.access import customer_required


def _page(request: HttpRequest, customer: Customer, profile: ProfileForm | None = None, status: int = 200):
    state = consent_state(customer)
    consents = [(value, label, state[value]) for value, label in ConsentPurpose.choices]
    profile = profile or ProfileForm(
        initial={
            "name": customer.name,
            "phone": customer.phone,
            "language": customer.language or request.user.language or request.LANGUAGE_CODE,
            "time_zone": customer.time_zone,
        }
    )
    context = {"customer": customer, "form": profile, "consents": consents}
    return render(request, "portal/accounts/account.html", context, status=status)


@customer_required
def account(request: HttpRequest) -> HttpResponse:
    return _page(request, portal_customer(request.user))


@customer_required
@require_POST
def account_profile(request: HttpRequest) -> HttpResponse:
    customer = portal_customer(request.user)
    form = ProfileForm(request.POST)
    if form.is_valid():
        try:
            customer_profile_update(customer=customer, user=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)  # a number already someone else's goes to its field
        else:
            messages.success(request, _("Your details were saved."))
            return remember_language(redirect("portal:account"), form.cleaned_data["language"])
    customer.refresh_from_db()
    return _page(request, customer, form, status=400)


@customer_required
@require_POST
def account_consent(request: HttpRequest) -> HttpResponse:
    customer = portal_customer(request.user)
    form = ConsentForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a purpose and whether you agree."))
        return redirect("portal:account")
    consent_record(
        customer=customer,
        purpose=form.cleaned_data["purpose"],
        granted=form.cleaned_data["decision"] == "give",
        source=ConsentSource.PORTAL,
        by=request.user,
    )
    messages.success(request, _("Your choice was saved."))
    return redirect("portal:account")


@customer_required
@require_POST
def account_data(request: HttpRequest) -> HttpResponse:
    """Download my data: the customer's own GDPR export (building it is heavy, hence the limit)."""
    if too_many_for_user(request.user.pk, "data-download"):
        messages.error(request, _("Too many downloads. Please wait a few minutes and try again."))
        return redirect("portal:account")
    archive = customer_export(customer=portal_customer(request.user), by=request.user)
    return export_response(archive, f"my-data-{timezone.localdate():%Y-%m-%d}.zip")
