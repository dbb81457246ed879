"""The ticket page and what it loads beside it: preview, presence, attachments, new tickets."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from customers.selectors import ticket_customer_panel
from customers.services import customer_find_or_create
from helpdesk.access import desk_required
from tickets.access import ticket_for_user
from tickets.channels.chat import chat_live
from tickets.custom_fields import displayed_values
from tickets.forms import (
    CallLogForm,
    ReplyForm,
    TagsForm,
    TicketCreateForm,
    TicketFieldsForm,
    TicketNumberForm,
    agent_choices,
)
from tickets.models import Attachment, Message, Ticket
from tickets.selectors import (
    TIMELINE_RECENT,
    requester_other_open_tickets,
    ticket_page_ticket,
    ticket_timeline,
)
from tickets.services import presence_others, presence_touch, ticket_create
from tickets.services.macros import macro_visible_to
from tickets.views.queues import desk_context


def timeline_context(request: HttpRequest, ticket: Ticket) -> dict:
    timeline = ticket_timeline(ticket, recent=None if request.GET.get("all") else TIMELINE_RECENT)
    shown_messages = sum(1 for entry in timeline.entries if isinstance(entry, Message))
    # Split needs a ticket with more than one message.
    return {"timeline": timeline, "can_split": timeline.hidden or shown_messages > 1}


def ticket_page_context(request: HttpRequest, ticket: Ticket, *, reply_form: ReplyForm | None = None) -> dict:
    fields_form = TicketFieldsForm(ticket=ticket, agents=agent_choices())
    other_open = requester_other_open_tickets(ticket, request.user)
    return {
        "ticket": ticket,
        **timeline_context(request, ticket),
        "chat": chat_live(ticket),
        "reply_form": reply_form or ReplyForm(initial={"seen_message_id": ticket.last_public_message_id}),
        "fields_form": fields_form,
        "tags_form": TagsForm(),
        "call_form": CallLogForm(),
        "number_form": TicketNumberForm(),
        "macros": list(macro_visible_to(request.user)),
        "other_open": other_open,
        "customer_panel": ticket_customer_panel(ticket, other_open=other_open, now=timezone.now()),
        "others": presence_others(ticket=ticket, user=request.user),
        # What the customer gave in the admins' custom fields (no query when there is nothing).
        "details": displayed_values(ticket.custom_fields, language=request.LANGUAGE_CODE)
        if ticket.custom_fields
        else [],
    } | desk_context(request, "")


@desk_required
def ticket_detail(request: HttpRequest, pk: int) -> HttpResponse:
    ticket = ticket_page_ticket(request.user, pk)
    return render(request, "tickets/ticket.html", ticket_page_context(request, ticket))


@desk_required
def ticket_preview(request: HttpRequest, pk: int) -> HttpResponse:
    """A small card of one ticket (for hovering in lists and quick looks)."""
    ticket = ticket_for_user(
        request.user, pk, queryset=Ticket.objects.select_related("requester", "assignee")
    )
    return render(request, "tickets/_preview.html", {"ticket": ticket})


@desk_required
def ticket_presence(request: HttpRequest, pk: int) -> HttpResponse:
    """Polled by the ticket page: records that this agent is here (and typing), lists the others."""
    ticket = ticket_for_user(request.user, pk)
    if request.method == "POST":
        presence_touch(ticket=ticket, user=request.user, typing=request.POST.get("typing") == "1")
    others = presence_others(ticket=ticket, user=request.user)
    seen = request.POST.get("seen_message_id") or request.GET.get("seen_message_id") or ""
    newer = (
        seen.isascii()
        and seen.isdigit()
        and len(seen) < 19
        and (ticket.last_public_message_id or 0) > int(seen)
    )
    return render(
        request, "tickets/_presence.html", {"ticket": ticket, "others": others, "newer_reply": newer}
    )


@desk_required
def ticket_chat(request: HttpRequest, pk: int) -> HttpResponse:
    """Polled every 2 s by the page of a ticket with an open chat: the conversation, and whether the
    visitor is online. Answers 286 (htmx: stop polling) once the chat is over."""
    ticket = ticket_for_user(request.user, pk)
    chat = chat_live(ticket)
    context = {"ticket": ticket, "chat": chat, "polled": True, **timeline_context(request, ticket)}
    return render(request, "tickets/_chat_live.html", context, status=200 if chat else 286)


# The raster images a browser may show inline from an email (never SVG, which can carry script),
# recognised by their first bytes rather than by what the sender claimed.
IMAGE_SIGNATURES = {
    b"\x89PNG\r\n\x1a\n": "image/png",
    b"\xff\xd8\xff": "image/jpeg",
    b"GIF87a": "image/gif",
    b"GIF89a": "image/gif",
}


def _visible_attachment(request: HttpRequest, token: str) -> Attachment:
    attachment = Attachment.objects.select_related("message").filter(token=token).first()
    if attachment is None:
        raise Http404
    ticket_for_user(request.user, attachment.message.ticket_id)  # 404 unless the ticket is visible
    return attachment


@desk_required
def attachment_download(request: HttpRequest, token: str) -> FileResponse:
    return attachment_response(_visible_attachment(request, token))


def attachment_response(attachment: Attachment) -> FileResponse:
    """A file as a download, never shown inline: whatever it claims to be, the browser saves it."""
    response = FileResponse(
        attachment.file.open("rb"),
        as_attachment=True,
        filename=attachment.filename,
        content_type="application/octet-stream",
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


@desk_required
def attachment_image(request: HttpRequest, token: str) -> FileResponse:
    """An email's inline image (cid:), shown in the message; anything but a raster image is a 404."""
    attachment = _visible_attachment(request, token)
    handle = attachment.file.open("rb")
    head = handle.read(16)
    handle.seek(0)
    content_type = next((kind for magic, kind in IMAGE_SIGNATURES.items() if head.startswith(magic)), None)
    if content_type is None and head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        content_type = "image/webp"
    if content_type is None:
        handle.close()
        raise Http404
    response = FileResponse(handle, content_type=content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, max-age=86400"
    return response


@desk_required
def ticket_new(request: HttpRequest) -> HttpResponse:
    form = TicketCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        requester = customer_find_or_create(email=data["requester_email"], name=data["requester_name"])
        try:
            ticket = ticket_create(
                requester=requester,
                subject=data["subject"],
                body=data["body"],
                channel=data["channel"],
                priority=data["priority"],
                type=data["type"],
                team=data["team"],
                by=request.user,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Ticket #%(number)s created.") % {"number": ticket.pk})
            return redirect(ticket)
    return render(request, "tickets/ticket_new.html", {"form": form} | desk_context(request, ""))
