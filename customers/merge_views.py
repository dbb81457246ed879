"""Merging a duplicate customer into the one on screen, and undoing it (supervisors and admins)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from customers import facts
from customers.merging import customer_merge, customer_merge_undo
from customers.models import CustomerMerge
from customers.profile_forms import MergeForm
from customers.profile_views import editors_required
from customers.selectors import customer_for_desk, merge_candidate
from tickets.views.queues import desk_context


@editors_required
def merge(request: HttpRequest, pk: int) -> HttpResponse:
    """GET: pick the duplicate (?other=#12 or an address) and see both side by side; POST: merge it
    into this customer."""
    target = customer_for_desk(request.user, pk)
    data = request.POST if request.method == "POST" else request.GET
    form = MergeForm(data if "other" in data else None)
    source = None
    if form.is_valid():
        source = merge_candidate(form.cleaned_data["other"], target=target)
        if source is None:
            form.add_error("other", _("No other customer has that number or email address."))
    if source is not None and request.method == "POST":
        try:
            customer_merge(source=source, target=target, by=request.user)
        except ValidationError as error:
            form.add_error(None, error.messages)
        else:
            messages.success(
                request,
                _("Customer #%(source)s (%(name)s) was merged into this customer.")
                % {"source": source.pk, "name": source.name},
            )
            return redirect(target)
    context = {
        "customer": target,
        "target_facts": facts.contact_facts(target),
        "source": source and customer_for_desk(request.user, source.pk),
        "form": form,
    }
    if context["source"] is not None:
        context["source_facts"] = facts.contact_facts(context["source"])
    status = 400 if form.errors and request.method == "POST" else 200
    return render(request, "customers/desk/merge.html", context | desk_context(request, ""), status=status)


@editors_required
@require_POST
def merge_undo(request: HttpRequest, pk: int) -> HttpResponse:
    merge = get_object_or_404(CustomerMerge.objects.select_related("source", "target"), pk=pk)
    try:
        customer_merge_undo(merge=merge, by=request.user)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(
            request,
            _("The merge was undone: #%(source)s (%(name)s) is a customer of its own again.")
            % {"source": merge.source_id, "name": merge.source.name},
        )
    return redirect(merge.target)
