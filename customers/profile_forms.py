"""Forms of the 360° view: they parse and validate input; customers/services.py does the work."""

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from customers.models import (
    TIME_ZONES,
    ConsentPurpose,
    ConsentSource,
    Customer,
    IdentityKind,
    Organization,
)

NOT_SET = [("", "—")]


class ProfileForm(forms.Form):
    name = forms.CharField(
        label=_("Name"), max_length=200, error_messages={"required": _("A customer needs a name.")}
    )
    language = forms.ChoiceField(
        label=_("Preferred language"), choices=NOT_SET + list(settings.LANGUAGES), required=False
    )
    time_zone = forms.ChoiceField(
        label=_("Time zone"),
        choices=NOT_SET + [(zone, zone) for zone in TIME_ZONES],
        required=False,
        error_messages={"invalid_choice": _("Unknown time zone “%(value)s”: choose one from the list.")},
    )
    # Typed by name: a select of every organization would not scale.
    organization = forms.CharField(
        label=_("Organization"),
        max_length=200,
        required=False,
        help_text=_("Its exact name; empty for none."),
    )
    vip = forms.BooleanField(label=_("VIP"), required=False)
    organization_manager = forms.BooleanField(
        label=_("Organization manager"),
        required=False,
        help_text=_("Sees all of the organization's tickets in the portal."),
    )

    def __init__(self, *args, customer: Customer, **kwargs):
        kwargs.setdefault(
            "initial",
            {
                "name": customer.name,
                "language": customer.language,
                "time_zone": customer.time_zone,
                "organization": customer.organization.name if customer.organization else "",
                "vip": customer.vip,
                "organization_manager": customer.organization_manager,
            },
        )
        super().__init__(*args, **kwargs)
        self.customer = customer

    def clean_organization(self) -> Organization | None:
        name = " ".join(self.cleaned_data["organization"].split())
        if not name:
            return None
        current = self.customer.organization
        if current is not None and current.name.lower() == name.lower():
            return current  # unchanged, even when another organization has the same name
        found = list(Organization.objects.filter(name__iexact=name)[:2])
        if not found:
            raise ValidationError(_("There is no organization called “%(name)s”.") % {"name": name})
        if len(found) > 1:
            raise ValidationError(
                _("Several organizations are called “%(name)s”; ask an admin to rename one.") % {"name": name}
            )
        return found[0]


class NotesForm(forms.Form):
    notes = forms.CharField(
        label=_("Notes"), required=False, max_length=10_000, widget=forms.Textarea(attrs={"rows": 4})
    )


class TagsForm(forms.Form):
    add = forms.CharField(label=_("Add tags"), required=False, max_length=250)
    remove = forms.CharField(required=False, max_length=50, widget=forms.HiddenInput)

    def tag_names(self, current: list[str]) -> list[str]:
        """The tags after this change: the current ones, plus those added, minus the one removed."""
        added = [name for name in self.cleaned_data["add"].split(",") if name.strip()]
        removed = self.cleaned_data["remove"].strip()
        return [name for name in [*current, *added] if name != removed]


class IdentityForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=IdentityKind.choices)
    value = forms.CharField(label=_("Address, number or handle"), max_length=250)
    verified = forms.BooleanField(label=_("Verified"), required=False)


class ConsentForm(forms.Form):
    purpose = forms.ChoiceField(label=_("Purpose"), choices=ConsentPurpose.choices)
    granted = forms.TypedChoiceField(
        label=_("Decision"),
        choices=[("1", _("Agreed")), ("0", _("Refused"))],
        coerce=lambda value: value == "1",
        widget=forms.RadioSelect,
    )
    source = forms.ChoiceField(
        label=_("How we learned it"), choices=ConsentSource.choices, initial=ConsentSource.AGENT
    )
    note = forms.CharField(label=_("Note"), max_length=250, required=False)


class MergeForm(forms.Form):
    other = forms.CharField(
        label=_("Duplicate customer"),
        max_length=254,
        help_text=_("Its number (#123) or email address. It is merged into this customer."),
    )
