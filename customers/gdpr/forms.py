from django import forms
from django.utils.translation import gettext_lazy as _

from customers.models import Customer


def _comparable(text: str) -> str:
    return " ".join(text.split()).casefold()


class EraseForm(forms.Form):
    """Erasing cannot be undone: the admin types who they mean and says why (the reason is audited)."""

    confirm = forms.CharField(
        label=_("Type the customer's number or name to confirm"), max_length=250, strip=True
    )
    reason = forms.CharField(
        label=_("Reason"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("For example: the customer asked to be forgotten (request of 12 May, by email)."),
    )

    def __init__(self, *args, customer: Customer, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.customer = customer

    def clean_confirm(self) -> str:
        typed = _comparable(self.cleaned_data["confirm"])
        if typed not in {str(self.customer.pk), f"#{self.customer.pk}", _comparable(self.customer.name)}:
            raise forms.ValidationError(_("That is not this customer's number or name."))
        return typed
