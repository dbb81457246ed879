"""The 360° view of a customer at /desk/customers/<id>/ and its inline edits.

Each section (profile, notes, tags, identities, consent, interactions) is a partial template. With
htmx a form posts and gets its section back; without JavaScript it posts and is redirected to the
page (or gets the page back with the form's errors). Editing identities needs a supervisor or admin.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.forms import Form
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from customers import services
from customers.models import Customer
from customers.profile_forms import ConsentForm, IdentityForm, MergeForm, NotesForm, ProfileForm, TagsForm
from customers.selectors import Customer360, customer_for_desk
from helpdesk.access import desk_required, role_required
from tickets.views.queues import desk_context

# The page's sections, by the id of their element (what htmx names as its target).
SECTIONS = {
    "customer-profile": "customers/desk/_profile.html",
    "customer-notes": "customers/desk/_notes.html",
    "customer-tags": "customers/desk/_tags.html",
    "customer-identities": "customers/desk/_identities.html",
    "customer-consent": "customers/desk/_consent.html",
    "customer-interactions": "customers/desk/_interactions.html",
}
editors_required = role_required(*services.IDENTITY_EDITORS)


def _context(request: HttpRequest, customer: Customer, bound: dict[str, Form] | None = None) -> dict:
    bound = bound or {}
    editing = request.GET.get("edit") == "profile" or "profile" in bound
    forms = {
        "notes": NotesForm(initial={"notes": customer.notes}),
        "tags": TagsForm(),
        "identity": IdentityForm(),
        "consent": ConsentForm(),
        "merge": MergeForm(),
        "profile": ProfileForm(customer=customer) if editing else None,
    } | bound
    view = Customer360(
        customer, request.user, channel=request.GET.get("channel", ""), cursor=request.GET.get("after", "")
    )
    return {"customer": customer, "c360": view, "forms": forms, "editing_profile": editing}


def _render(
    request: HttpRequest,
    customer: Customer,
    *,
    section: str = "",
    bound: dict | None = None,
    status: int = 200,
    saved: bool = False,
) -> HttpResponse:
    """The section htmx asked for, or the whole page."""
    context = _context(request, customer, bound) | {"saved_section": section if saved else ""}
    if request.htmx and section in SECTIONS:
        return render(request, SECTIONS[section], context)
    return render(request, "customers/desk/customer.html", context | desk_context(request, ""), status=status)


def _done(request: HttpRequest, customer: Customer, section: str, saved: str) -> HttpResponse:
    if request.htmx:
        return _render(request, customer, section=section, saved=True)
    messages.success(request, saved)
    return redirect(customer)


def _invalid(request: HttpRequest, customer: Customer, section: str, name: str, form: Form) -> HttpResponse:
    # htmx swaps only 2xx answers: the section comes back with its errors; a plain post gets a 400.
    status = 200 if request.htmx else 400
    return _render(request, customer, section=section, bound={name: form}, status=status)


def _add_errors(form: Form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)


@desk_required
def customer_detail(request: HttpRequest, pk: int) -> HttpResponse:
    customer = customer_for_desk(request.user, pk)
    if customer.merged_into_id:
        messages.info(
            request,
            _("Customer #%(source)s was merged into this customer.") % {"source": customer.pk},
        )
        return redirect(customer.merged_into)
    return _render(request, customer, section=request.htmx.target if request.htmx else "")


@desk_required
@require_POST
def customer_profile(request: HttpRequest, pk: int) -> HttpResponse:
    customer = customer_for_desk(request.user, pk)
    form = ProfileForm(request.POST, customer=customer)
    if form.is_valid():
        try:
            services.customer_update(customer=customer, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            _add_errors(form, error)
        else:
            return _done(request, customer, "customer-profile", _("Profile saved."))
    # Read again: a refused change may have been set on the instance before it was refused.
    return _invalid(request, customer_for_desk(request.user, pk), "customer-profile", "profile", form)


@desk_required
@require_POST
def customer_notes(request: HttpRequest, pk: int) -> HttpResponse:
    customer = customer_for_desk(request.user, pk)
    form = NotesForm(request.POST)
    if not form.is_valid():
        return _invalid(request, customer, "customer-notes", "notes", form)
    services.customer_update(customer=customer, by=request.user, notes=form.cleaned_data["notes"])
    return _done(request, customer, "customer-notes", _("Notes saved."))


@desk_required
@require_POST
def customer_tags(request: HttpRequest, pk: int) -> HttpResponse:
    customer = customer_for_desk(request.user, pk)
    form = TagsForm(request.POST)
    if not form.is_valid():
        return _invalid(request, customer, "customer-tags", "tags", form)
    current = [tag.name for tag in customer.tags.all()]
    services.customer_update(customer=customer, by=request.user, tags=form.tag_names(current))
    return _done(request, customer, "customer-tags", _("Tags saved."))


@desk_required
@require_POST
def customer_consent(request: HttpRequest, pk: int) -> HttpResponse:
    """Agents record what the customer told them; earlier decisions stay as the history."""
    customer = customer_for_desk(request.user, pk)
    form = ConsentForm(request.POST)
    if form.is_valid():
        try:
            services.consent_record(customer=customer, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            _add_errors(form, error)
        else:
            return _done(request, customer, "customer-consent", _("Consent recorded."))
    return _invalid(request, customer, "customer-consent", "consent", form)


@editors_required
@require_POST
def identity_add(request: HttpRequest, pk: int) -> HttpResponse:
    customer = customer_for_desk(request.user, pk)
    form = IdentityForm(request.POST)
    if form.is_valid():
        try:
            services.identity_add(customer=customer, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            _add_errors(form, error)
            if getattr(error, "code", None) == "duplicate_identity":
                form.duplicate_of = error.params["other"]  # the template offers the merge
        else:
            return _done(request, customer, "customer-identities", _("Identity added."))
    return _invalid(request, customer, "customer-identities", "identity", form)


@editors_required
@require_POST
def identity_remove(request: HttpRequest, pk: int, identity_pk: int) -> HttpResponse:
    customer = customer_for_desk(request.user, pk)
    identity = get_object_or_404(customer.identities, pk=identity_pk)
    services.identity_remove(identity=identity, by=request.user)
    return _done(request, customer_for_desk(request.user, pk), "customer-identities", _("Identity removed."))


@editors_required
@require_POST
def identity_verify(request: HttpRequest, pk: int, identity_pk: int) -> HttpResponse:
    customer = customer_for_desk(request.user, pk)
    identity = get_object_or_404(customer.identities, pk=identity_pk)
    verified = request.POST.get("verified") == "1"
    services.identity_set_verified(identity=identity, verified=verified, by=request.user)
    saved = _("Marked as verified.") if verified else _("Marked as not verified.")
    return _done(request, customer, "customer-identities", saved)
