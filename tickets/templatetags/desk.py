"""Template filters for the desk: readable, translated names for activity fields and values,
timestamps and SLA countdowns."""

from functools import lru_cache

from django import template
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.timezone import localtime
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from tickets.models import Channel, Priority, SlaMetric, Status, TicketType

register = template.Library()

FIELD_LABELS = {
    "status": _("status"),
    "priority": _("priority"),
    "type": _("type"),
    "team": _("team"),
    "assignee": _("assignee"),
    "language": _("language"),
    "due_at": _("due date"),
    "subject": _("subject"),
    "tags": _("tags"),
    "channel": _("channel"),
}
VALUE_LABELS = {
    "status": dict(Status.choices),
    "priority": dict(Priority.choices),
    "type": dict(TicketType.choices),
    "channel": dict(Channel.choices),
    "sla_metric": dict(SlaMetric.choices),
}


@register.filter
def field_label(field: str) -> str:
    return FIELD_LABELS.get(field, field)


@register.filter
def value_label(value: str, field: str) -> str:
    return _translated_label(get_language(), field, value)


@lru_cache(maxsize=512)
def _translated_label(language: str, field: str, value: str) -> str:
    # Lists show these on every row: translate each (language, value) once per process.
    return str(VALUE_LABELS.get(field, {}).get(value, value))


@register.simple_tag
def timestamp(moment):
    """`<time>` with the machine-readable moment and the short local date and time: what
    `|date:'c'` and `|date:"SHORT_DATETIME_FORMAT"` give, converting once (timelines show dozens)."""
    local = localtime(moment)
    return format_html(
        '<time datetime="{}">{}</time>', local.isoformat(), date_format(local, "SHORT_DATETIME_FORMAT")
    )


# A deadline this close shows as at risk (the same hour the customer's 360° view uses).
SLA_AT_RISK_SECONDS = 3600


def _remaining(seconds: float) -> str:
    """H:MM:SS left, or −H:MM:SS overdue: no words, so the same in every language (desk.js keeps
    it live, second by second)."""
    sign = "−" if seconds < 0 else ""
    whole = int(abs(seconds))
    return f"{sign}{whole // 3600}:{whole // 60 % 60:02d}:{whole % 60:02d}"


@register.simple_tag
def sla_countdown(due, label: str = ""):
    """A live countdown to an SLA deadline: `<time>` with the deadline, its state as a class, and the
    local due time (with `label`, e.g. "First response") as its title."""
    if due is None:
        return ""
    seconds = (due - timezone.now()).total_seconds()
    state = "breached" if seconds <= 0 else "at-risk" if seconds < SLA_AT_RISK_SECONDS else "on-track"
    local = localtime(due)
    title = (
        f"{label}: {date_format(local, 'SHORT_DATETIME_FORMAT')}"
        if label
        else date_format(local, "SHORT_DATETIME_FORMAT")
    )
    return format_html(
        '<time class="sla-countdown sla-{}" datetime="{}" data-countdown title="{}">{}</time>',
        state,
        due.isoformat(),
        title,
        _remaining(seconds),
    )
