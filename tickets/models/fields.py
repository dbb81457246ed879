"""Custom ticket fields: what an organization asks for besides subject and description ("Order number",
"Device", "Contract end"), configured by admins, filled by customers in the portal and kept on the ticket
(`Ticket.custom_fields`, by key)."""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _


class FieldKind(models.TextChoices):
    TEXT = "text", _("Text")
    NUMBER = "number", _("Number")
    DATE = "date", _("Date")
    CHOICE = "choice", _("Choice from a list")
    CHECKBOX = "checkbox", _("Yes or no")


class TicketField(models.Model):
    label = models.CharField(_("label"), max_length=100)
    labels = models.JSONField(
        _("label in other languages"),
        default=dict,
        blank=True,
        help_text=_('By language code, e.g. {"lt": "Užsakymo numeris", "lv": "Pasūtījuma numurs"}.'),
    )
    key = models.SlugField(
        _("key"),
        max_length=50,
        unique=True,
        help_text=_("Where the value is kept; do not change it once used."),
    )
    kind = models.CharField(_("kind"), max_length=10, choices=FieldKind.choices, default=FieldKind.TEXT)
    choices = models.JSONField(
        _("choices"),
        default=list,
        blank=True,
        help_text=_('For a choice: the options, e.g. ["Laptop", "Phone"].'),
    )
    help_text = models.CharField(_("help text"), max_length=200, blank=True)
    required = models.BooleanField(_("required"), default=False)
    in_portal = models.BooleanField(_("asked in the portal"), default=True)
    active = models.BooleanField(_("active"), default=True)
    position = models.PositiveIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = _("ticket field")
        verbose_name_plural = _("ticket fields")

    def __str__(self) -> str:
        return self.label

    def clean(self) -> None:
        options = self.choices if isinstance(self.choices, list) else None
        if options is None or not all(isinstance(option, str) and option.strip() for option in options):
            raise ValidationError({"choices": _("Give the options as a list of texts.")})
        if self.kind == FieldKind.CHOICE and not options:
            raise ValidationError({"choices": _("A choice needs at least one option.")})
        if not isinstance(self.labels, dict) or not all(isinstance(v, str) for v in self.labels.values()):
            raise ValidationError({"labels": _("Give the labels as an object of language code to text.")})

    def label_in(self, language: str) -> str:
        return self.labels.get(language) or self.label
