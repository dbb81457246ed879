"""Forms of the billing pages: they parse input; the services decide and write."""

from decimal import Decimal

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from backoffice.billing.models import (
    InvoiceStatus,
    Payment,
    PaymentMethod,
    Plan,
    SubscriptionStatus,
)
from backoffice.billing.selectors import customer_by_email, organization_by_name


class PlanForm(forms.ModelForm):
    class Meta:
        model = Plan
        fields = [
            "name",
            "price",
            "currency",
            "period",
            "support_tier",
            "kind",
            "included_hours",
            "hourly_rate",
            "active",
        ]
        # Not "price per extra hour": a label that contains "Price" would be ambiguous next to "Price".
        labels = {"hourly_rate": _("Rate of an extra hour")}
        help_texts = {
            "price": _("Per period; for an hourly plan, the price of an hour."),
            "included_hours": _("Prepaid-hours plans: added at each renewal; unused hours roll over."),
            "hourly_rate": _("Prepaid-hours plans: billable time beyond the prepaid hours."),
        }

    def clean_currency(self) -> str:
        return self.cleaned_data["currency"].strip().upper()


class OwnerForm(forms.Form):
    """A customer by email address or an organization by name, exactly one."""

    customer_email = forms.EmailField(label=_("Customer's email address"), required=False)
    organization_name = forms.CharField(label=_("Organization's name"), max_length=200, required=False)

    def clean(self) -> dict:
        data = super().clean()
        email, name = data.get("customer_email", ""), data.get("organization_name", "").strip()
        if bool(email) == bool(name):
            if not self.errors:
                raise forms.ValidationError(
                    _("Enter either a customer's email address or an organization's name.")
                )
            return data
        data["customer"] = customer_by_email(email) if email else None
        data["organization"] = organization_by_name(name) if name else None
        if email and data["customer"] is None:
            self.add_error("customer_email", _("No customer has this email address."))
        if name and data["organization"] is None:
            self.add_error("organization_name", _("No organization has this name."))
        return data


class SubscriptionForm(OwnerForm):
    plan = forms.ModelChoiceField(label=_("Plan"), queryset=Plan.objects.filter(active=True))
    start_date = forms.DateField(label=_("Start date"), widget=forms.DateInput(attrs={"type": "date"}))
    status = forms.ChoiceField(
        label=_("Status"),
        choices=[(s.value, s.label) for s in (SubscriptionStatus.ACTIVE, SubscriptionStatus.TRIAL)],
    )

    field_order = ["plan", "customer_email", "organization_name", "start_date", "status"]

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["start_date"].initial = timezone.localdate()


class InvoiceForm(OwnerForm):
    currency = forms.CharField(label=_("Currency"), max_length=3, initial="EUR")
    tax_rate = forms.DecimalField(
        label=_("Tax rate (%)"),
        max_digits=5,
        decimal_places=2,
        min_value=0,
        max_value=100,
        initial=Decimal("21.00"),
    )
    payment_terms_days = forms.IntegerField(
        label=_("Payment terms (days)"), min_value=0, max_value=365, initial=14
    )


class InvoiceLineForm(forms.Form):
    # The invoice page holds several forms: distinct ids keep each label tied to its own field.
    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("auto_id", "line_%s")
        super().__init__(*args, **kwargs)

    description = forms.CharField(label=_("Description"), max_length=300)
    # No min_value here: the service refuses zero and negative amounts with the message that says why.
    quantity = forms.DecimalField(label=_("Quantity"), max_digits=10, decimal_places=3)
    unit_price = forms.DecimalField(label=_("Unit price"), max_digits=12, decimal_places=2)
    tax_rate = forms.DecimalField(
        label=_("Tax rate (%)"),
        max_digits=5,
        decimal_places=2,
        min_value=0,
        max_value=100,
        required=False,
        help_text=_("Leave empty for the invoice's rate."),
    )


class PaymentForm(forms.ModelForm):
    class Meta:
        model = Payment
        fields = ["amount", "received_on", "method", "reference"]
        widgets = {"received_on": forms.DateInput(attrs={"type": "date"})}

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("auto_id", "payment_%s")
        super().__init__(*args, **kwargs)
        self.fields["received_on"].initial = timezone.localdate()
        self.fields["method"].initial = PaymentMethod.BANK_TRANSFER


class CreditNoteForm(forms.Form):
    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("auto_id", "credit_%s")
        super().__init__(*args, **kwargs)

    amount = forms.DecimalField(label=_("Amount"), max_digits=12, decimal_places=2, min_value=Decimal("0.01"))
    reason = forms.CharField(label=_("Reason"), max_length=300)


class InvoiceFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"), choices=[("", _("Any status")), *InvoiceStatus.choices], required=False
    )
    overdue = forms.BooleanField(label=_("Overdue only"), required=False)


class TicketLinkForm(forms.Form):
    ticket = forms.IntegerField(label=_("Ticket number"), min_value=1)

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("auto_id", "link_%s")
        super().__init__(*args, **kwargs)

    def clean_ticket(self):
        from tickets.models import Ticket

        ticket = Ticket.objects.select_related("requester").filter(pk=self.cleaned_data["ticket"]).first()
        if ticket is None:
            raise forms.ValidationError(_("There is no ticket with this number."))
        return ticket


class InvoiceLineEditForm(InvoiceLineForm):
    """The same fields, with ids of their own: the edited line's row sits beside the "add" form."""

    def __init__(self, *args, line_id: int, **kwargs) -> None:
        kwargs.setdefault("auto_id", f"line{line_id}_%s")
        super().__init__(*args, **kwargs)


class CreditApplyForm(forms.Form):
    credit = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    amount = forms.DecimalField(
        label=_("Amount to apply"),
        max_digits=12,
        decimal_places=2,
        required=False,
        help_text=_("Leave empty to apply as much as the balance takes."),
    )

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("auto_id", "apply_%s")
        super().__init__(*args, **kwargs)


class SubscriptionPlanForm(forms.Form):
    plan = forms.ModelChoiceField(label=_("New plan"), queryset=Plan.objects.filter(active=True))

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("auto_id", "change_%s")
        super().__init__(*args, **kwargs)
