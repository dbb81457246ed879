"""Forms of the "Time and billing" panel on a desk ticket. They check the shape of the input; the
services check the rules (limits, whose invoice)."""

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from backoffice.billing.models import currency_code
from backoffice.billing.services.ticket_billing import MAX_ENTRY_MINUTES


class TimeLogForm(forms.Form):
    minutes = forms.IntegerField(
        label=_("Minutes"),
        min_value=1,
        max_value=MAX_ENTRY_MINUTES,
        error_messages={
            "invalid": _("Enter a whole number of minutes."),
            "min_value": _("Enter at least 1 minute."),
            "max_value": _("Enter at most 1440 minutes (24 hours) in one entry."),
        },
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    billable = forms.BooleanField(label=_("Billable"), required=False, initial=True)
    note = forms.CharField(label=_("Note"), max_length=200, required=False)

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("auto_id", "time_%s")
        super().__init__(*args, **kwargs)


class GoodwillForm(forms.Form):
    amount = forms.DecimalField(
        label=_("Amount"),
        max_digits=12,
        decimal_places=2,
        min_value=Decimal("0.01"),
        error_messages={"min_value": _("Enter an amount greater than zero.")},
        widget=forms.NumberInput(attrs={"step": "0.01", "inputmode": "decimal"}),
    )
    currency = forms.CharField(label=_("Currency"), max_length=3)
    reason = forms.CharField(
        label=_("Reason"),
        max_length=300,
        error_messages={"required": _("Say why the credit is given.")},
    )

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("auto_id", "goodwill_%s")
        super().__init__(*args, **kwargs)

    def clean_currency(self) -> str:
        currency = self.cleaned_data["currency"].strip().upper()
        currency_code(currency)  # "eur" is fine, "E1" is not
        return currency

    def clean_reason(self) -> str:
        reason = self.cleaned_data["reason"].strip()
        if not reason:
            raise forms.ValidationError(_("Say why the credit is given."))
        return reason


class InvoiceLinkForm(forms.Form):
    invoice = forms.ModelChoiceField(
        label=_("Invoice"),
        queryset=None,
        empty_label=_("Choose an invoice"),
        error_messages={"invalid_choice": _("Choose one of this customer's issued invoices.")},
    )

    def __init__(self, *args, invoices, **kwargs) -> None:
        kwargs.setdefault("auto_id", "invoice_link_%s")
        super().__init__(*args, **kwargs)
        self.fields["invoice"].queryset = invoices
        self.fields["invoice"].label_from_instance = lambda invoice: (
            f"{invoice} · {invoice.get_status_display()} · {invoice.total} {invoice.currency}"
        )
