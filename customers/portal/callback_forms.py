"""The portal's callback forms: a time (for booking and moving), and the phone number and topic."""

from django import forms
from django.utils.translation import gettext_lazy as _

from tickets.callbacks.services import TOPIC_MAX
from tickets.callbacks.slots import parse_slot


class SlotForm(forms.Form):
    # Rendered by hand as radio buttons grouped by day (portal/callbacks/_slots.html); the service
    # checks the time is still free, so a time taken meanwhile gets its own message.
    slot = forms.CharField(label=_("Time"), error_messages={"required": _("Choose a time.")})

    def clean_slot(self):
        moment = parse_slot(self.cleaned_data["slot"])
        if moment is None:
            raise forms.ValidationError(_("Choose one of the times offered."))
        return moment


class CallbackForm(SlotForm):
    phone = forms.CharField(label=_("Phone number"), max_length=40)
    topic = forms.CharField(
        label=_("What is it about?"),
        max_length=TOPIC_MAX,
        help_text=_("A few words, so the right person calls you prepared."),
    )
