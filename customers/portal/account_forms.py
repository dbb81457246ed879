"""Forms of the portal's account pages: sign-up, sign-in link, the customer's profile and consents."""

from django import forms
from django.conf import settings
from django.contrib.auth.password_validation import password_validators_help_text_html, validate_password
from django.core.exceptions import ValidationError
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from customers.models import TIME_ZONES, ConsentPurpose
from helpdesk.models import User


def _language_field(**kwargs) -> forms.ChoiceField:
    return forms.ChoiceField(label=_("Language"), choices=settings.LANGUAGES, **kwargs)


class SignupForm(forms.Form):
    name = forms.CharField(
        label=_("Your name"), max_length=150, widget=forms.TextInput({"autocomplete": "name"})
    )
    email = forms.EmailField(
        label=_("Email address"), max_length=254, widget=forms.EmailInput({"autocomplete": "email"})
    )
    password = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput({"autocomplete": "new-password"}),
        help_text=password_validators_help_text_html(),
    )
    language = _language_field(help_text=_("The language of our emails to you."))

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # The page's language, when it is one of ours ("lt" from "lt-lt").
        current = (get_language() or settings.LANGUAGE_CODE).split("-")[0]
        self.fields["language"].initial = current if current in dict(settings.LANGUAGES) else None

    def clean_name(self) -> str:
        name = " ".join(self.cleaned_data["name"].split())
        if not name:
            raise ValidationError(_("Please tell us your name."))
        return name

    def clean(self) -> dict:
        data = super().clean()
        if data.get("password"):
            # Django's validators, including "too similar to your name or address".
            candidate = User(email=data.get("email", ""), full_name=data.get("name", ""))
            try:
                validate_password(data["password"], user=candidate)
            except ValidationError as error:
                self.add_error("password", error)
        return data


class SigninLinkForm(forms.Form):
    email = forms.EmailField(
        label=_("Email address"), max_length=254, widget=forms.EmailInput({"autocomplete": "email"})
    )


class ProfileForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=150)
    phone = forms.CharField(
        label=_("Phone number"), max_length=32, required=False, widget=forms.TextInput({"type": "tel"})
    )
    language = _language_field()
    time_zone = forms.ChoiceField(
        label=_("Time zone"), required=False, choices=[("", "—"), *[(zone, zone) for zone in TIME_ZONES]]
    )

    def clean_phone(self) -> str:
        phone = self.cleaned_data["phone"].strip()
        if phone and sum(character.isdigit() for character in phone) < 5:
            raise ValidationError(_("Enter a phone number, with its country code."))
        return phone


class ConsentForm(forms.Form):
    purpose = forms.ChoiceField(choices=ConsentPurpose.choices)
    decision = forms.ChoiceField(choices=[("give", _("Agree")), ("withdraw", _("Withdraw"))])
