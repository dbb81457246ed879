"""Actions on one ticket. Each parses its form, calls one service and goes back to the ticket."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from helpdesk.access import desk_required
from tickets import services
from tickets.access import ticket_for_user
from tickets.channels.phone import call_log_manual
from tickets.forms import CallLogForm, ReplyForm, TagsForm, TicketFieldsForm, TicketNumberForm
from tickets.models import Message
from tickets.selectors import ticket_page_ticket
from tickets.services import followers
from tickets.services.core import StaleEdit
from tickets.services.macros import macro_visible_to
from tickets.views.ticket_page import ticket_page_context


def _report(request: HttpRequest, error: ValidationError) -> None:
    for message in error.messages:
        messages.error(request, message)


@desk_required
@require_POST
def ticket_reply(request: HttpRequest, pk: int) -> HttpResponse:
    """A public reply or an internal note. On a collision the page comes back with the other
    agent's reply shown first and the draft kept, to send anyway or to rework."""
    ticket = ticket_page_ticket(request.user, pk)
    form = ReplyForm(request.POST, request.FILES)
    if not form.is_valid():
        return _ticket_page(request, ticket, form, status=400)
    data = form.cleaned_data
    try:
        if data["internal"]:
            services.ticket_add_note(
                ticket=ticket, by=request.user, body=data["body"], attachments=data["attachments"]
            )
            messages.success(request, _("Note added."))
        else:
            services.ticket_reply(
                ticket=ticket,
                by=request.user,
                body=data["body"],
                attachments=data["attachments"],
                status=data["status"] or None,
                seen_message_id=data["seen_message_id"],
                force=data["force"],
            )
            messages.success(request, _("Reply sent."))
    except services.ReplyCollision as collision:
        context_form = ReplyForm(
            initial={**request.POST.dict(), "force": True, "seen_message_id": data["seen_message_id"]}
        )
        return _ticket_page(request, ticket, context_form, status=409, collision=collision.messages)
    except ValidationError as error:
        for field, errors in error.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
        return _ticket_page(request, ticket, form, status=400)
    return redirect(ticket)


def _ticket_page(request, ticket, form, *, status: int, collision=None) -> HttpResponse:
    context = ticket_page_context(request, ticket, reply_form=form) | {"collision": collision}
    return render(request, "tickets/ticket.html", context, status=status)


@desk_required
@require_POST
def ticket_fields(request: HttpRequest, pk: int) -> HttpResponse:
    ticket = ticket_for_user(request.user, pk)
    form = TicketFieldsForm(request.POST, ticket=ticket)
    if form.is_valid():
        try:
            ticket = services.ticket_update(
                ticket=ticket, by=request.user, changes=form.changes(), expected=form.shown_values()
            )
        except StaleEdit as stale:
            labels = ", ".join(str(form.fields[name].label) for name in stale.fields)
            messages.error(
                request,
                _(
                    "Someone else changed %(fields)s while you had this ticket open, so nothing was saved. "
                    "This is the ticket as it is now."
                )
                % {"fields": labels},
            )
        except ValidationError as error:
            _report(request, error)
    else:
        messages.error(
            request, _("Some values were not valid: %(fields)s.") % {"fields": ", ".join(form.errors)}
        )
    if request.htmx:
        # The page swaps in its ticket area (header, timeline, panels) and the messages from this.
        ticket = ticket_page_ticket(request.user, pk)
        return render(request, "tickets/ticket.html", ticket_page_context(request, ticket))
    return redirect(ticket)


@desk_required
@require_POST
def ticket_tags(request: HttpRequest, pk: int) -> HttpResponse:
    ticket = ticket_for_user(request.user, pk)
    form = TagsForm(request.POST)
    if form.is_valid():
        try:
            services.ticket_set_tags(
                ticket=ticket,
                by=request.user,
                add=form.cleaned_data["add"].split(","),
                remove=[form.cleaned_data["remove"]],
            )
        except ValidationError as error:
            _report(request, error)
    return redirect(ticket)


@desk_required
@require_POST
def ticket_assign_me(request: HttpRequest, pk: int) -> HttpResponse:
    ticket = ticket_for_user(request.user, pk)
    try:
        services.ticket_assign(ticket=ticket, agent=request.user, by=request.user, reason=_("took it"))
    except ValidationError as error:
        _report(request, error)
    return redirect(ticket)


@desk_required
@require_POST
def ticket_follow(request: HttpRequest, pk: int) -> HttpResponse:
    ticket = ticket_for_user(request.user, pk)
    follow = request.POST.get("follow") == "1"
    followers.ticket_follow(ticket=ticket, user=request.user, follow=follow)
    messages.success(
        request, _("You follow this ticket.") if follow else _("You no longer follow this ticket.")
    )
    return redirect(ticket)


@desk_required
@require_POST
def ticket_call(request: HttpRequest, pk: int) -> HttpResponse:
    """Log a phone call on the ticket, as an internal note."""
    ticket = ticket_for_user(request.user, pk)
    form = CallLogForm(request.POST)
    if not form.is_valid():
        for name, errors in form.errors.items():
            for error in errors:
                messages.error(request, f"{form.fields[name].label}: {error}")
        return redirect(ticket)
    try:
        call_log_manual(ticket=ticket, by=request.user, **form.cleaned_data)
    except ValidationError as error:
        _report(request, error)
    else:
        messages.success(request, _("Call logged."))
    return redirect(ticket)


@desk_required
@require_POST
def ticket_merge(request: HttpRequest, pk: int) -> HttpResponse:
    """Merge this ticket into the ticket numbered in the form."""
    source = ticket_for_user(request.user, pk)
    form = TicketNumberForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Enter the number of the ticket to merge into."))
        return redirect(source)
    target = ticket_for_user(request.user, form.cleaned_data["number"])
    try:
        services.ticket_merge(source=source, target=target, by=request.user)
    except ValidationError as error:
        _report(request, error)
        return redirect(source)
    messages.success(request, _("Ticket #%(source)s merged into this one.") % {"source": source.pk})
    return redirect(target)


@desk_required
@require_POST
def ticket_link(request: HttpRequest, pk: int) -> HttpResponse:
    ticket = ticket_for_user(request.user, pk)
    form = TicketNumberForm(request.POST)
    if form.is_valid():
        other = ticket_for_user(request.user, form.cleaned_data["number"])
        try:
            services.ticket_link(ticket=ticket, other=other, by=request.user)
        except ValidationError as error:
            _report(request, error)
    return redirect(ticket)


@desk_required
@require_POST
def ticket_split(request: HttpRequest, pk: int) -> HttpResponse:
    message = get_object_or_404(Message.objects.select_related("ticket"), pk=pk)
    ticket_for_user(request.user, message.ticket_id)
    try:
        new = services.ticket_split(message=message, by=request.user)
    except ValidationError as error:
        _report(request, error)
        return redirect(message.ticket)
    messages.success(request, _("Message moved to the new ticket #%(number)s.") % {"number": new.pk})
    return redirect(new)


@desk_required
@require_POST
def ticket_macro(request: HttpRequest, pk: int) -> HttpResponse:
    """Apply a macro: set its fields now, and put its reply into the reply box for review."""
    ticket = ticket_for_user(request.user, pk)
    macro_id = request.POST.get("macro", "")
    if not (macro_id.isascii() and macro_id.isdigit()):
        raise Http404
    macro = get_object_or_404(macro_visible_to(request.user), pk=int(macro_id))
    try:
        body = services.macro_apply(macro=macro, ticket=ticket, by=request.user)
    except ValidationError as error:
        _report(request, error)
        return redirect(ticket)
    ticket = ticket_page_ticket(request.user, pk)
    form = ReplyForm(
        initial={"body": body, "status": macro.set_status, "seen_message_id": ticket.last_public_message_id}
    )
    messages.info(
        request, _("Macro “%(name)s” applied: review the reply and send it.") % {"name": macro.name}
    )
    return render(request, "tickets/ticket.html", ticket_page_context(request, ticket, reply_form=form))
