"""Custom ticket fields at work: the form fields the portal asks, their values as stored on the ticket
(JSON: text, a number as text, an ISO date, true/false), and how they read on a ticket page."""

from datetime import date
from decimal import Decimal

from django import forms
from django.utils import formats
from django.utils.translation import gettext as _

from tickets.models.fields import FieldKind, TicketField

FORM_PREFIX = "field_"


def portal_ticket_fields() -> list[TicketField]:
    return list(TicketField.objects.filter(active=True, in_portal=True))


def form_fields(fields: list[TicketField], *, language: str) -> dict[str, forms.Field]:
    """One Django form field per ticket field, named FORM_PREFIX + key, labelled in `language`."""
    built = {}
    for field in fields:
        common = {"label": field.label_in(language), "required": field.required, "help_text": field.help_text}
        if field.kind == FieldKind.NUMBER:
            form_field = forms.DecimalField(max_digits=18, decimal_places=4, **common)
        elif field.kind == FieldKind.DATE:
            form_field = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}), **common)
        elif field.kind == FieldKind.CHOICE:
            options = [("", "—")] + [(option, option) for option in field.choices]
            form_field = forms.ChoiceField(choices=options, **common)
        elif field.kind == FieldKind.CHECKBOX:
            form_field = forms.BooleanField(**common)
        else:
            form_field = forms.CharField(max_length=500, **common)
        built[FORM_PREFIX + field.key] = form_field
    return built


def stored_values(fields: list[TicketField], cleaned_data: dict) -> dict:
    """The cleaned form values as they are kept in Ticket.custom_fields; empty ones are left out."""
    values = {}
    for field in fields:
        value = cleaned_data.get(FORM_PREFIX + field.key)
        if value in (None, "", False) and field.kind != FieldKind.CHECKBOX:
            continue
        if isinstance(value, Decimal):
            value = str(value.normalize())
        elif isinstance(value, date):
            value = value.isoformat()
        values[field.key] = value
    return values


def displayed_values(custom_fields: dict, *, language: str) -> list[tuple[str, str]]:
    """(label, value as read) of the ticket's custom values, in the fields' order; values of fields
    removed since are shown under their key, so nothing a customer gave is hidden."""
    known = {field.key: field for field in TicketField.objects.filter(key__in=list(custom_fields))}
    rows = []
    for field in sorted(known.values(), key=lambda field: (field.position, field.pk)):
        rows.append((field.label_in(language), _display(field, custom_fields[field.key])))
    rows += [(key, str(value)) for key, value in custom_fields.items() if key not in known]
    return rows


def _display(field: TicketField, value) -> str:
    if field.kind == FieldKind.CHECKBOX:
        return _("Yes") if value else _("No")
    if field.kind == FieldKind.DATE:
        try:
            return formats.date_format(date.fromisoformat(value), "DATE_FORMAT")
        except (TypeError, ValueError):
            return str(value)
    return str(value)
