"""The desk's customer list (/desk/customers/), organization list and organization pages
(/desk/organizations/…). Desk users read them; see customers/organizations.py for who may change what."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from customers.list_forms import (
    CustomerFilterForm,
    DomainForm,
    OrganizationCreateForm,
    OrganizationNotesForm,
    OrganizationProfileForm,
    OrganizationSearchForm,
)
from customers.lists import (
    CustomerFilters,
    Page,
    customer_page,
    listed_customers,
    organization_for_user,
    organization_page,
    organization_tickets,
)
from customers.models import Organization, OrganizationDomain
from customers.organizations import (
    can_edit_organizations,
    organization_create,
    organization_domain_add,
    organization_domain_remove,
    organization_update,
)
from helpdesk.access import desk_required, role_required
from helpdesk.models import Role
from tickets.views.queues import desk_context

organization_editor_required = role_required(Role.SUPERVISOR, Role.ADMIN)


def _search(form: Form) -> str:
    form.is_valid()  # a filter that is not understood leaves the search as it is
    return form.cleaned_data.get("q", "")


def _pager(request: HttpRequest, page: Page, *, prefix: str = "", anchor: str = "") -> dict:
    """Links to the first, previous and next pages that keep the search and filters (and the cursors
    of the page's other lists, which use other prefixes)."""

    def url(**cursors: str | None) -> str:
        query = request.GET.copy()
        for key, value in cursors.items():
            query.pop(prefix + key, None)
            if value:
                query[prefix + key] = value
        return f"?{query.urlencode()}{anchor}" if query else f"{request.path}{anchor}"

    paged = bool(request.GET.get(prefix + "after") or request.GET.get(prefix + "before"))
    return {
        "first_url": url(after=None, before=None) if paged else None,
        "previous_url": url(before=page.previous_cursor, after=None) if page.previous_cursor else None,
        "next_url": url(after=page.next_cursor, before=None) if page.next_cursor else None,
    }


def _add_errors(form: Form, error: ValidationError) -> None:
    """A service's ValidationError onto the form: on its field when the form has one."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


@desk_required
def customer_list(request: HttpRequest) -> HttpResponse:
    form = CustomerFilterForm(request.GET)
    page = customer_page(
        query=_search(form),
        filters=form.filters(),
        after=request.GET.get("after"),
        before=request.GET.get("before"),
    )
    context = {
        "form": form,
        "page": page,
        "pager": _pager(request, page),
        "query": _search(form),
        "can_import": can_edit_organizations(request.user),
    }
    return render(request, "customers/lists/customers.html", context | desk_context(request, "customers"))


@desk_required
def organization_list(request: HttpRequest) -> HttpResponse:
    form = OrganizationSearchForm(request.GET)
    page = organization_page(
        query=_search(form), after=request.GET.get("after"), before=request.GET.get("before")
    )
    editor = can_edit_organizations(request.user)
    context = {
        "form": form,
        "page": page,
        "pager": _pager(request, page),
        "query": _search(form),
        "can_import": editor,
        "create_form": OrganizationCreateForm() if editor else None,
    }
    return render(
        request, "customers/lists/organizations.html", context | desk_context(request, "organizations")
    )


@organization_editor_required
@require_POST
def organization_new(request: HttpRequest) -> HttpResponse:
    form = OrganizationCreateForm(request.POST)
    if form.is_valid():
        try:
            organization = organization_create(name=form.cleaned_data["name"], by=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Organization %(name)s created.") % {"name": organization.name})
            return redirect(organization)
    else:
        messages.error(request, _("Give the new organization a name."))
    return redirect("desk:organizations")


def _organization(request: HttpRequest, pk: int) -> Organization:
    queryset = Organization.objects.select_related("account_manager").prefetch_related(
        Prefetch("domains", queryset=OrganizationDomain.objects.order_by("domain"))
    )
    return organization_for_user(request.user, pk, queryset=queryset)


def _render_organization(request: HttpRequest, pk: int, **forms: Form) -> HttpResponse:
    """The organization page; a form that failed comes back with its errors, the others fresh."""
    organization = _organization(request, pk)  # read again: a refused change may have touched the object
    customers = customer_page(
        filters=CustomerFilters(organization=organization),
        after=request.GET.get("customers_after"),
        before=request.GET.get("customers_before"),
    )
    tickets, next_ticket_cursor = organization_tickets(
        request.user, organization, after=request.GET.get("tickets_after")
    )
    editor = can_edit_organizations(request.user)
    profile = {
        "name": organization.name,
        "account_manager": organization.account_manager_id,
        "support_tier": organization.support_tier,
    }
    context = {
        "organization": organization,
        "customers": customers,
        "customer_count": listed_customers(CustomerFilters(organization=organization)).count(),
        "customer_pager": _pager(request, customers, prefix="customers_", anchor="#customers"),
        "tickets": tickets,
        "ticket_pager": _pager(
            request, Page(tickets, next_ticket_cursor), prefix="tickets_", anchor="#tickets"
        ),
        "can_edit": editor,
        "can_import": editor,
        "profile_form": forms.get("profile_form")
        or (OrganizationProfileForm(initial=profile) if editor else None),
        "notes_form": forms.get("notes_form") or OrganizationNotesForm(initial={"notes": organization.notes}),
        "domain_form": forms.get("domain_form") or (DomainForm() if editor else None),
    }
    return render(
        request, "customers/lists/organization.html", context | desk_context(request, "organizations")
    )


@desk_required
def organization_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _render_organization(request, pk)


def _change(request: HttpRequest, pk: int, form: Form, form_name: str, change, done: str) -> HttpResponse:
    """Validate `form`, run `change(organization, cleaned_data)`; back to the page, with errors if any."""
    organization = _organization(request, pk)
    if form.is_valid():
        try:
            change(organization, form.cleaned_data)
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, done)
            return redirect(organization)
    return _render_organization(request, pk, **{form_name: form})


@organization_editor_required
@require_POST
def organization_edit(request: HttpRequest, pk: int) -> HttpResponse:
    def change(organization, data):
        organization_update(organization=organization, by=request.user, **data)

    form = OrganizationProfileForm(request.POST)
    return _change(request, pk, form, "profile_form", change, _("Organization saved."))


@desk_required
@require_POST
def organization_notes(request: HttpRequest, pk: int) -> HttpResponse:
    def change(organization, data):
        organization_update(organization=organization, by=request.user, notes=data["notes"])

    form = OrganizationNotesForm(request.POST)
    return _change(request, pk, form, "notes_form", change, _("Notes saved."))


@organization_editor_required
@require_POST
def organization_domain_new(request: HttpRequest, pk: int) -> HttpResponse:
    def change(organization, data):
        organization_domain_add(organization=organization, domain=data["domain"], by=request.user)

    form = DomainForm(request.POST)
    return _change(request, pk, form, "domain_form", change, _("Domain added."))


@organization_editor_required
@require_POST
def organization_domain_delete(request: HttpRequest, pk: int, domain_pk: int) -> HttpResponse:
    organization = _organization(request, pk)
    domain = OrganizationDomain.objects.filter(organization=organization, pk=domain_pk).first()
    if domain is None:
        raise Http404
    organization_domain_remove(domain=domain, by=request.user)
    messages.success(request, _("Domain %(domain)s removed.") % {"domain": domain.domain})
    return redirect(organization)
