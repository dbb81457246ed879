"""The bell (unread count, polled), the inbox, and each user's notification settings."""

from django import forms
from django.contrib import messages
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from helpdesk.access import desk_required
from tickets.models import (
    EmailMode,
    Notification,
    NotificationChannel,
    NotificationKind,
    NotificationPreference,
)
from tickets.notifications.fanout import EMAIL_DEFAULTS, notifications_mark_read, unread_count
from tickets.views.queues import desk_context

INBOX_SIZE = 50


@desk_required
def notifications_bell(request: HttpRequest) -> HttpResponse:
    """The bell's fragment: loaded after the page and every few seconds (one indexed count)."""
    return render(request, "tickets/notifications/_bell.html", {"unread": unread_count(request.user)})


@desk_required
def notifications_inbox(request: HttpRequest) -> HttpResponse:
    items = (
        Notification.objects.filter(recipient=request.user, channel=NotificationChannel.IN_APP)
        .select_related("ticket")
        .order_by("-created_at", "-pk")[:INBOX_SIZE]
    )
    return render(
        request,
        "tickets/notifications/inbox.html",
        {"items": items, "unread": unread_count(request.user)} | desk_context(request, "notifications"),
    )


@desk_required
def notification_open(request: HttpRequest, pk: int) -> HttpResponse:
    """Follow a notification: it is read, and the ticket opens."""
    notification = get_object_or_404(
        Notification, pk=pk, recipient=request.user, channel=NotificationChannel.IN_APP
    )
    if notification.read_at is None:
        Notification.objects.filter(pk=pk).update(read_at=timezone.now())
    if notification.ticket_id:
        return redirect("desk:ticket", pk=notification.ticket_id)
    return redirect("desk:notifications")


@desk_required
@require_POST
def notifications_read_all(request: HttpRequest) -> HttpResponse:
    count = notifications_mark_read(user=request.user)
    messages.success(request, _("%(count)s notifications marked read.") % {"count": count})
    return redirect("desk:notifications")


class PreferenceForm(forms.Form):
    in_app = forms.BooleanField(label=_("In the desk"), required=False)
    email = forms.ChoiceField(label=_("By email"), choices=EmailMode.choices)


@desk_required
def notification_settings(request: HttpRequest) -> HttpResponse:
    saved = {row.kind: row for row in NotificationPreference.objects.filter(user=request.user)}
    rows = []
    for kind, label in NotificationKind.choices:
        current = saved.get(kind)
        initial = {
            "in_app": current.in_app if current else True,
            "email": current.email if current else EMAIL_DEFAULTS.get(kind, EmailMode.INSTANT),
        }
        rows.append((kind, label, PreferenceForm(request.POST or None, prefix=kind, initial=initial)))
    if request.method == "POST" and all(form.is_valid() for _kind, _label, form in rows):
        with transaction.atomic():
            for kind, _label, form in rows:
                NotificationPreference.objects.update_or_create(
                    user=request.user, kind=kind, defaults=form.cleaned_data
                )
        messages.success(request, _("Your notification settings are saved."))
        return redirect("desk:notification_settings")
    context = {"rows": rows} | desk_context(request, "notifications")
    return render(
        request,
        "tickets/notifications/settings.html",
        context,
        status=400 if request.method == "POST" else 200,
    )
