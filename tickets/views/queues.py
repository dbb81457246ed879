"""Queues (built-in and saved views), search and bulk actions."""

import re

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from helpdesk.access import desk_required
from helpdesk.models import User
from helpdesk.selectors import system_status
from tickets import search as ticket_search
from tickets.forms import BulkForm, SavedViewForm, SearchFilterForm
from tickets.models import SavedView, Ticket
from tickets.selectors import (
    PAGE_SIZE,
    SORTS,
    apply_view_filters,
    desk_sidebar,
    page_after,
    queue_tickets,
    saved_views_for,
)
from tickets.services import saved_views as saved_view_services
from tickets.services import ticket_bulk_update, ticket_merge


def desk_context(request: HttpRequest, active: str, *, on_list: bool = False) -> dict:
    """What every desk page shows around its content: the queues, and on list pages their
    counts and, for supervisors, the state of background processing."""
    return {
        "sidebar": desk_sidebar(request.user, with_counts=on_list),
        "active_queue": active,
        "status": system_status() if on_list and request.user.role != "agent" else None,
    }


@desk_required
def desk_home(request: HttpRequest) -> HttpResponse:
    """The desk opens on the agent's own open tickets."""
    return queue(request, "mine")


@desk_required
def queue(request: HttpRequest, key: str) -> HttpResponse:
    sort = request.GET.get("sort") if request.GET.get("sort") in SORTS else None
    try:
        tickets = queue_tickets(request.user, key, sort)
    except (KeyError, ValueError, SavedView.DoesNotExist):
        raise Http404 from None
    rows, next_cursor = page_after(tickets, request.GET.get("after"))
    context = {
        "rows": rows,
        "next_cursor": next_cursor,
        "sort": sort,
        "queue_key": key,
        "is_first_page": not request.GET.get("after"),
        # The first page refreshes itself (htmx asks for just the rows, in the same order).
        "refresh_url": "" if request.GET.get("after") else request.path + (f"?sort={sort}" if sort else ""),
        "page_size": PAGE_SIZE,
    }
    # The list refreshes itself: htmx asks for just the rows.
    if request.htmx and request.htmx.target == "ticket-rows":
        return render(request, "tickets/_rows.html", context)
    return render(
        request,
        "tickets/queue.html",
        context | desk_context(request, key, on_list=True) | _bulk_context(),
    )


def _bulk_context() -> dict:
    return {"bulk_form": BulkForm()}


@desk_required
def search(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()
    jump = re.fullmatch(r"#?(\d{1,12})", query)
    if jump and Ticket.objects.visible_to(request.user).filter(pk=int(jump.group(1))).exists():
        return redirect("desk:ticket", pk=int(jump.group(1)))
    form = SearchFilterForm(request.GET)
    visible = Ticket.objects.visible_to(request.user)
    if form.is_valid():
        visible = apply_view_filters(visible, form.filters())
    results = (
        ticket_search.search_tickets(visible, query)
        .select_related("requester", "assignee", "team")
        .prefetch_related("tags")[:PAGE_SIZE]
        if query
        else []
    )
    context = {
        "query": query,
        "rows": list(results),
        "filter_form": form,
        "next_cursor": None,
        "is_first_page": True,
    }
    return render(
        request, "tickets/search.html", context | desk_context(request, "", on_list=True) | _bulk_context()
    )


@desk_required
@require_POST
def tickets_bulk(request: HttpRequest) -> HttpResponse:
    form = BulkForm(request.POST)
    back = request.POST.get("next") or "/desk/"
    if not form.is_valid():
        messages.error(request, _("Choose at least one ticket and an action."))
        return redirect(back if back.startswith("/desk/") else "/desk/")
    data = form.cleaned_data
    tickets = list(Ticket.objects.visible_to(request.user).filter(pk__in=data["ticket"]).order_by("pk"))
    action = data["action"]
    if action == "merge":
        _bulk_merge(request, tickets)
    else:
        changes, tags = {}, []
        if action == "assign":
            changes["assignee"] = (
                User.objects.filter(pk=data["assignee"]).first() if data["assignee"] else None
            )
        elif action in ("status", "priority"):
            changes[action] = data[action]
        elif action == "tag":
            tags = [tag for tag in data["tags"].split(",") if tag.strip()]
        result = ticket_bulk_update(tickets=tickets, by=request.user, changes=changes, tags=tags)
        if result["done"]:
            messages.success(request, _("%(count)s tickets updated.") % {"count": len(result["done"])})
        for pk, reason in result["failed"].items():
            messages.error(
                request,
                _("Ticket #%(number)s was not changed: %(reason)s") % {"number": pk, "reason": reason},
            )
    return redirect(back if back.startswith("/desk/") else "/desk/")


def _bulk_merge(request: HttpRequest, tickets: list[Ticket]) -> None:
    """Merge every chosen ticket into the oldest one."""
    if len(tickets) < 2:
        messages.error(request, _("Choose at least two tickets to merge."))
        return
    target, *sources = tickets
    # Check them all first: a merge that stopped half way would be worse than none.
    if len({ticket.requester_id for ticket in tickets}) > 1 or any(t.status == "closed" for t in tickets):
        messages.error(request, _("Only open tickets of the same requester can be merged."))
        return
    try:
        with transaction.atomic():
            for source in sources:
                ticket_merge(source=source, target=target, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return
    messages.success(request, _("Merged into #%(number)s.") % {"number": target.pk})


@desk_required
def saved_view_create(request: HttpRequest) -> HttpResponse:
    form = SavedViewForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        view = saved_view_services.saved_view_create(
            owner=request.user,
            name=form.cleaned_data["name"],
            shared=form.cleaned_data["shared"],
            filters=form.filters(),
        )
        messages.success(request, _("View “%(name)s” saved.") % {"name": view.name})
        return redirect("desk:queue", key=f"saved-{view.pk}")
    return render(request, "tickets/saved_view_form.html", {"form": form} | desk_context(request, ""))


@desk_required
@require_POST
def saved_view_delete(request: HttpRequest, pk: int) -> HttpResponse:
    view = saved_views_for(request.user).filter(pk=pk, owner=request.user).first()
    if view is None:
        raise Http404
    saved_view_services.saved_view_delete(view=view, by=request.user)
    messages.success(request, _("View deleted."))
    return redirect("desk:queue", key="mine")
