"""Forms of the customer and organization lists and the CSV import: they parse input, services act."""

from django import forms
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from customers.lists import CustomerFilters
from customers.models import Organization, SupportTier
from helpdesk.models import DESK_ROLES, User

# The organization filter is a menu while it stays short; beyond, the organization's page links here.
ORGANIZATION_MENU_LIMIT = 200
YES_NO = [("", _("Any")), ("yes", _("Yes")), ("no", _("No"))]


class CustomerFilterForm(forms.Form):
    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=200,
        widget=forms.TextInput(
            attrs={"type": "search", "placeholder": _("Name, email, phone or organization")}
        ),
    )
    organization = forms.ModelChoiceField(
        label=_("Organization"), queryset=Organization.objects.all(), required=False, empty_label=_("Any")
    )
    vip = forms.ChoiceField(label=_("VIP"), choices=YES_NO, required=False)
    open = forms.ChoiceField(label=_("Open tickets"), choices=YES_NO, required=False)
    tag = forms.CharField(label=_("Tag"), required=False, max_length=50)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The menu: the first organizations by name, and the chosen one wherever it is.
        shown = list(Organization.objects.order_by("name", "pk").only("name")[:ORGANIZATION_MENU_LIMIT])
        chosen = str(self.data.get("organization", ""))
        if chosen.isdigit() and int(chosen) not in {organization.pk for organization in shown}:
            shown[:0] = Organization.objects.filter(pk=int(chosen)).only("name")
        # Rendered by the template's own loop: the widget's per-option templates cost more than the list.
        self.organization_menu = [(str(organization.pk), organization.name) for organization in shown]

    def filters(self) -> CustomerFilters:
        """The filters given; one that is not understood (an organization that is gone) is left out."""
        self.is_valid()
        data = self.cleaned_data
        yes_no = {"yes": True, "no": False}
        return CustomerFilters(
            organization=data.get("organization"),
            vip=yes_no.get(data.get("vip")),
            open_tickets=yes_no.get(data.get("open")),
            tag=" ".join(data.get("tag", "").split()),
        )


class OrganizationSearchForm(forms.Form):
    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("Name or email domain")}),
    )


class OrganizationCreateForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)


class OrganizationProfileForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    account_manager = forms.ModelChoiceField(
        label=_("Account manager"),
        queryset=User.objects.filter(role__in=DESK_ROLES, is_active=True).order_by("full_name", "email"),
        required=False,
        empty_label=_("Nobody"),
    )
    support_tier = forms.ChoiceField(label=_("Support tier"), choices=SupportTier.choices)


class OrganizationNotesForm(forms.Form):
    notes = forms.CharField(label=_("Shared notes"), widget=forms.Textarea(attrs={"rows": 5}), required=False)


class DomainForm(forms.Form):
    domain = forms.CharField(
        label=_("Add a domain"), max_length=253, widget=forms.TextInput(attrs={"placeholder": "example.lt"})
    )


class ImportForm(forms.Form):
    KIND_CHOICES = [("customers", _("Customers")), ("organizations", _("Organizations"))]

    kind = forms.ChoiceField(label=_("The file lists"), choices=KIND_CHOICES, widget=forms.RadioSelect)
    file = forms.FileField(label=_("CSV file"))
    create_organizations = forms.BooleanField(
        label=_("Create missing organizations"),
        help_text=_("Organizations a customer row names that do not exist yet are created."),
        required=False,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = _(
            "UTF-8 (in Excel: “CSV UTF-8”), comma- or semicolon-separated, a header line first; "
            "up to %(size)s and %(rows)s rows."
        ) % {
            "size": filesizeformat(settings.CUSTOMERS_IMPORT_MAX_BYTES),
            "rows": settings.CUSTOMERS_IMPORT_MAX_ROWS,
        }
        self.fields["kind"].initial = "customers"

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > settings.CUSTOMERS_IMPORT_MAX_BYTES:
            limit = filesizeformat(settings.CUSTOMERS_IMPORT_MAX_BYTES)
            raise forms.ValidationError(
                _(
                    "The file is %(size)s; the largest accepted is %(limit)s. Split it, or ask an admin to "
                    "run manage.py import_customers."
                )
                % {"size": filesizeformat(upload.size), "limit": limit}
            )
        return upload
