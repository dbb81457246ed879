from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from customers.models import SupportTier
from tickets.models import Channel, Priority, Rule, Status

CHECKBOXES = forms.CheckboxSelectMultiple


def _choices(label, choices) -> forms.MultipleChoiceField:
    return forms.MultipleChoiceField(label=label, choices=choices, required=False, widget=CHECKBOXES)


class RuleForm(forms.ModelForm):
    """A rule as supervisors edit it: the JSON lists of the model as checkboxes (none ticked: any)."""

    channels = _choices(_("channels"), Channel.choices)
    languages = _choices(_("languages"), settings.LANGUAGES)
    support_tiers = _choices(_("support tiers"), SupportTier.choices)
    statuses = _choices(_("statuses"), Status.choices)
    priorities = _choices(_("priorities"), Priority.choices)

    class Meta:
        model = Rule
        fields = [
            "name",
            "active",
            "trigger",
            "channels",
            "mailboxes",
            "keywords",
            "languages",
            "customer_tags",
            "organizations",
            "support_tiers",
            "vip",
            "has_overdue_invoice",
            "in_business_hours",
            "statuses",
            "priorities",
            "hours_in_status",
            "set_team",
            "set_priority",
            "set_type",
            "set_status",
            "add_tags",
            "assign_to",
            "add_follower",
            "require_skills",
            "reply_with",
            "answer_with_articles",
            "notify",
        ]
        widgets = {
            "mailboxes": CHECKBOXES,
            "customer_tags": forms.SelectMultiple(attrs={"size": 5}),
            "organizations": forms.SelectMultiple(attrs={"size": 5}),
            "require_skills": CHECKBOXES,
            "notify": forms.SelectMultiple(attrs={"size": 5}),
        }

    CONDITIONS = (
        "channels",
        "mailboxes",
        "keywords",
        "languages",
        "customer_tags",
        "organizations",
        "support_tiers",
        "vip",
        "has_overdue_invoice",
        "in_business_hours",
        "statuses",
        "priorities",
        "hours_in_status",
    )
    ACTIONS = (
        "set_team",
        "set_priority",
        "set_type",
        "set_status",
        "add_tags",
        "assign_to",
        "add_follower",
        "require_skills",
        "reply_with",
        "answer_with_articles",
        "notify",
    )

    def clean(self):
        cleaned = super().clean()
        if not any(cleaned.get(action) for action in self.ACTIONS):
            raise forms.ValidationError(
                _("Choose at least one action: a rule that does nothing is not saved.")
            )
        return cleaned

    def sections(self):
        """The fields grouped as the page shows them."""
        return [
            (_("Rule"), [self[name] for name in ("name", "trigger", "active")]),
            (_("When all of these hold"), [self[name] for name in self.CONDITIONS]),
            (_("Do this"), [self[name] for name in self.ACTIONS]),
        ]
