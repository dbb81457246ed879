"""The portal's request forms: a new request, a reply, a colleague in copy."""

from django import forms
from django.utils.translation import gettext_lazy as _

from tickets.custom_fields import form_fields
from tickets.forms import MessageForm, MultipleFileField, attachments_help
from tickets.models import TicketType

# A customer describes what happened; "task" is the desk's own kind of ticket.
CUSTOMER_TYPES = [choice for choice in TicketType.choices if choice[0] != TicketType.TASK]


class RequestForm(forms.Form):
    subject = forms.CharField(label=_("Subject"), max_length=200)
    type = forms.ChoiceField(label=_("What kind of request is it?"), choices=CUSTOMER_TYPES)
    description = forms.CharField(
        label=_("Description"),
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 8, "data-rich-text": "description_html"}),
        help_text=_("What happened, what you expected, and anything you already tried."),
    )
    # The formatted description from the editor (static/js/rich-text.js); sanitised when stored.
    description_html = forms.CharField(widget=forms.HiddenInput, required=False, max_length=100000)
    attachments = MultipleFileField(label=_("Attachments"), required=False)

    def __init__(self, *args, ticket_fields=(), language: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["attachments"].help_text = attachments_help()
        self.fields["subject"].widget.attrs["autocomplete"] = "off"
        # The admins' custom fields go between the kind of request and its description.
        custom = form_fields(list(ticket_fields), language=language)
        self.fields.update(custom)
        self.order_fields(["subject", "type", *custom, "description", "attachments"])


class RequestReplyForm(MessageForm):
    body = forms.CharField(
        label=_("Your reply"), max_length=20000, widget=forms.Textarea(attrs={"rows": 5}), required=False
    )


class CcForm(forms.Form):
    email = forms.EmailField(label=_("Colleague's email address"))


class RatingForm(forms.Form):
    answer = forms.ChoiceField(
        label=_("How would you rate the support you received?"),
        choices=[("good", _("Good, I'm satisfied")), ("bad", _("Bad, I'm not satisfied"))],
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=_("Anything you would like to tell us? (optional)"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class NpsForm(forms.Form):
    score = forms.TypedChoiceField(
        label=_("How likely are you to recommend us to a friend or colleague?"),
        choices=[(number, str(number)) for number in range(11)],
        coerce=int,
        widget=forms.RadioSelect(attrs={"class": "nps-scale"}),
        help_text=_("0 means not at all likely, 10 extremely likely."),
    )
    comment = forms.CharField(
        label=_("What is the main reason for your score? (optional)"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
