"""Forms of the desk: they parse and validate input; the services do the work."""

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from backoffice.models import Team
from customers.models import Organization
from helpdesk.models import DESK_ROLES, User
from tickets.channels.phone import MAX_CALL_MINUTES, CallDirection, CallOutcome
from tickets.models import Channel, Priority, Status, TicketType


class DateTimeField(forms.DateTimeField):
    widget = forms.DateTimeInput(attrs={"type": "datetime-local"})


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input; each is checked by the service (size, type)."""

    widget = MultipleFileInput

    def clean(self, data, initial=None):
        if not data:
            return []
        files = data if isinstance(data, list | tuple) else [data]
        return [super(MultipleFileField, self).clean(upload, initial) for upload in files]


def attachments_help() -> str:
    return _("Up to %(size)s per file. Programs and scripts are refused.") % {
        "size": filesizeformat(settings.ATTACHMENT_MAX_BYTES)
    }


class MessageForm(forms.Form):
    """A message with files: either may be empty, not both (the desk's reply, the portal's)."""

    body = forms.CharField(label=_("Message"), widget=forms.Textarea(attrs={"rows": 6}), required=False)
    attachments = MultipleFileField(label=_("Attachments"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["attachments"].help_text = attachments_help()

    def clean(self):
        data = super().clean()
        if not (data.get("body") or "").strip() and not data.get("attachments"):
            self.add_error("body", _("Write a message or attach a file."))
        return data


class ReplyForm(MessageForm):
    internal = forms.BooleanField(label=_("Internal note"), required=False)
    status = forms.ChoiceField(
        label=_("Submit as"), choices=[("", _("Keep status"))] + list(Status.choices[:-1]), required=False
    )
    seen_message_id = forms.IntegerField(widget=forms.HiddenInput, required=False)
    force = forms.BooleanField(widget=forms.HiddenInput, required=False)

    field_order = ["body", "internal", "attachments", "status"]


def agent_choices() -> list[tuple[str, str]]:
    agents = User.objects.filter(role__in=DESK_ROLES, is_active=True).order_by("full_name")
    return [("", _("Unassigned"))] + [(str(agent.pk), agent.full_name or agent.email) for agent in agents]


class TicketFieldsForm(forms.Form):
    """The properties panel. Only fields present in the POST are changed."""

    status = forms.ChoiceField(label=_("Status"), choices=Status.choices, required=False)
    priority = forms.ChoiceField(label=_("Priority"), choices=Priority.choices, required=False)
    type = forms.ChoiceField(label=_("Type"), choices=TicketType.choices, required=False)
    team = forms.ModelChoiceField(label=_("Team"), queryset=Team.objects.all(), required=False)
    assignee = forms.TypedChoiceField(label=_("Assignee"), required=False, coerce=int, empty_value=None)
    language = forms.ChoiceField(
        label=_("Language"), choices=[("", "—")] + settings.LANGUAGES, required=False
    )
    due_at = DateTimeField(label=_("Due"), required=False)

    def __init__(self, *args, ticket=None, agents: list | None = None, **kwargs):
        if ticket is not None:
            kwargs["initial"] = ticket_field_values(ticket)
        kwargs.setdefault("auto_id", "property_%s")  # the reply form on the same page has a status too
        super().__init__(*args, **kwargs)
        self.fields["assignee"].choices = agents if agents is not None else agent_choices()
        if ticket is not None:
            # Keep the current values selectable (a deactivated assignee, a language we no longer
            # offer), or saving any other field would quietly clear them.
            if ticket.assignee_id and all(
                str(ticket.assignee_id) != str(v) for v, _l in self.fields["assignee"].choices
            ):
                self.fields["assignee"].choices = [
                    *self.fields["assignee"].choices,
                    (str(ticket.assignee_id), str(ticket.assignee)),
                ]
            languages = self.fields["language"].choices
            if ticket.language and all(ticket.language != value for value, _label in languages):
                self.fields["language"].choices = [*languages, (ticket.language, ticket.language)]
        # The page posts back what it showed, so changed_data is what this agent changed: a field
        # changed by someone else meanwhile is neither reverted nor silently overwritten.
        for field in self.fields.values():
            field.show_hidden_initial = True

    def changes(self) -> dict:
        """The fields the agent changed, as model values (assignee as a User)."""
        changes = {name: self.cleaned_data[name] for name in self.changed_data if name in self.data}
        if "assignee" in changes:
            pk = changes["assignee"]
            changes["assignee"] = User.objects.get(pk=pk) if pk else None
        return changes

    def shown_values(self) -> dict:
        """What the page showed for each field the agent changed, as ticket_update(expected=…) takes
        them (team and assignee as ids); a field posted without what it showed is left out."""
        shown = {}
        for name in self.changed_data:
            key = self.add_initial_prefix(name)
            if key not in self.data:
                continue
            field = self.fields[name]
            raw = field.hidden_widget().value_from_datadict(self.data, self.files, key)
            try:
                value = field.to_python(raw)
            except ValidationError:
                continue
            if name == "team":
                value = value.pk if value else None
            elif name == "assignee":
                value = int(value) if str(value).isdigit() else None
            elif name == "due_at" and value:
                value = value.replace(microsecond=0)
            shown[name] = value
        return shown


def ticket_field_values(ticket) -> dict:
    return {
        "status": ticket.status,
        "priority": ticket.priority,
        "type": ticket.type,
        "team": ticket.team_id,
        "assignee": ticket.assignee_id or "",
        "language": ticket.language,
        # A datetime-local input has no microseconds: compare at its precision.
        "due_at": ticket.due_at.replace(microsecond=0) if ticket.due_at else None,
    }


class TagsForm(forms.Form):
    add = forms.CharField(label=_("Add tags"), required=False, max_length=250)
    remove = forms.CharField(required=False, max_length=50, widget=forms.HiddenInput)


class TicketNumberForm(forms.Form):
    number = forms.IntegerField(label=_("Ticket number"), min_value=1)


class BulkForm(forms.Form):
    ticket = forms.TypedMultipleChoiceField(coerce=int, choices=[], required=True)
    action = forms.ChoiceField(
        choices=[("assign", ""), ("status", ""), ("priority", ""), ("tag", ""), ("merge", "")]
    )
    assignee = forms.TypedChoiceField(required=False, coerce=int, empty_value=None)
    status = forms.ChoiceField(choices=Status.choices, required=False)
    priority = forms.ChoiceField(choices=Priority.choices, required=False)
    tags = forms.CharField(required=False, max_length=250)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Any ticket number is fine here (visibility is checked against the user's tickets), but
        # only one that fits a database id.
        self.fields["ticket"].valid_value = lambda value: (
            str(value).isascii() and str(value).isdigit() and len(str(value)) < 19
        )
        self.fields["assignee"].choices = agent_choices()


class SavedViewForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100)
    shared = forms.BooleanField(label=_("Share with all agents"), required=False)
    status = forms.MultipleChoiceField(label=_("Status"), choices=Status.choices, required=False)
    priority = forms.MultipleChoiceField(label=_("Priority"), choices=Priority.choices, required=False)
    channel = forms.MultipleChoiceField(label=_("Channel"), choices=Channel.choices, required=False)
    team = forms.ModelMultipleChoiceField(label=_("Team"), queryset=Team.objects.all(), required=False)
    assignee = forms.TypedMultipleChoiceField(label=_("Assignee"), coerce=int, required=False)
    organization = forms.ModelMultipleChoiceField(
        label=_("Organization"), queryset=Organization.objects.all(), required=False
    )
    tag = forms.CharField(label=_("Tag"), required=False, max_length=50)
    language = forms.MultipleChoiceField(label=_("Language"), choices=settings.LANGUAGES, required=False)
    created_after = DateTimeField(label=_("Created after"), required=False)
    created_before = DateTimeField(label=_("Created before"), required=False)
    updated_after = DateTimeField(label=_("Updated after"), required=False)
    updated_before = DateTimeField(label=_("Updated before"), required=False)
    sort = forms.ChoiceField(
        label=_("Sort by"),
        choices=[
            ("updated", _("Last update, newest first")),
            ("created", _("Creation, newest first")),
            ("breach", _("Time to SLA breach, soonest first")),
        ],
        required=False,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].choices = agent_choices()[1:]

    def filters(self) -> dict:
        data = self.cleaned_data
        names = ("status", "priority", "channel", "language", "assignee")
        filters = {name: data[name] for name in names if data[name]}
        for name in ("team", "organization"):
            if data[name]:
                filters[name] = [obj.pk for obj in data[name]]
        if data["tag"]:
            filters["tag"] = [data["tag"].strip().lower()]
        for name in ("created_after", "created_before", "updated_after", "updated_before"):
            if data[name]:
                filters[name] = data[name].isoformat()
        filters["sort"] = data["sort"] or "updated"
        return filters


class SearchFilterForm(forms.Form):
    """Narrows search results; every field is optional."""

    status = forms.ChoiceField(
        label=_("Status"), choices=[("", _("Any status"))] + Status.choices, required=False
    )
    priority = forms.ChoiceField(
        label=_("Priority"), choices=[("", _("Any priority"))] + Priority.choices, required=False
    )
    channel = forms.ChoiceField(
        label=_("Channel"), choices=[("", _("Any channel"))] + Channel.choices, required=False
    )
    team = forms.ModelChoiceField(
        label=_("Team"), queryset=Team.objects.all(), required=False, empty_label=_("Any team")
    )

    def filters(self) -> dict:
        data = self.cleaned_data
        filters = {name: data[name] for name in ("status", "priority", "channel") if data[name]}
        if data["team"]:
            filters["team"] = data["team"].pk
        return filters


class TicketCreateForm(forms.Form):
    """An agent opens a ticket on a customer's behalf (a phone call, a walk-in)."""

    requester_email = forms.EmailField(label=_("Customer email"))
    requester_name = forms.CharField(label=_("Customer name"), max_length=200, required=False)
    subject = forms.CharField(label=_("Subject"), max_length=250)
    body = forms.CharField(label=_("Description"), widget=forms.Textarea(attrs={"rows": 6}))
    channel = forms.ChoiceField(label=_("Channel"), choices=Channel.choices, initial=Channel.PHONE)
    priority = forms.ChoiceField(label=_("Priority"), choices=Priority.choices, initial=Priority.NORMAL)
    type = forms.ChoiceField(label=_("Type"), choices=TicketType.choices, initial=TicketType.QUESTION)
    team = forms.ModelChoiceField(label=_("Team"), queryset=Team.objects.all(), required=False)


class CallLogForm(forms.Form):
    """An agent logs a phone call on a ticket (tickets.channels.phone.call_log_manual)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "call_%s")  # the page has other forms with a "note"-like field
        super().__init__(*args, **kwargs)

    direction = forms.ChoiceField(
        label=_("Direction"), choices=CallDirection.choices, initial=CallDirection.OUT
    )
    duration_minutes = forms.IntegerField(
        label=_("Duration (minutes)"), min_value=0, max_value=MAX_CALL_MINUTES, initial=0
    )
    outcome = forms.ChoiceField(label=_("Outcome"), choices=CallOutcome.choices)
    note = forms.CharField(
        label=_("Note"), widget=forms.Textarea(attrs={"rows": 3}), required=False, max_length=5000
    )
