"""The supervisors' rule pages under /desk/rules/: the ordered list, the editor, the dry run."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from helpdesk.access import role_required
from tickets.models import Rule, RuleFiring
from tickets.rules.forms import RuleForm
from tickets.rules.preview import rule_dry_run
from tickets.rules.services import rule_move, rule_save, rule_set_active
from tickets.views.queues import desk_context

editors = role_required("supervisor", "admin")


@editors
def rule_list(request: HttpRequest) -> HttpResponse:
    rules = Rule.objects.select_related("set_team", "assign_to", "reply_with").order_by("position", "pk")
    return render(request, "tickets/rules/list.html", {"rules": rules} | desk_context(request, "rules"))


@editors
def rule_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    rule = get_object_or_404(Rule, pk=pk) if pk else None
    form = RuleForm(request.POST or None, instance=rule)
    if request.method == "POST" and form.is_valid():
        rule = rule_save(form=form, by=request.user)
        messages.success(request, _("Rule “%(name)s” saved.") % {"name": rule.name})
        return redirect("desk:rule_edit", pk=rule.pk)
    firings = (
        RuleFiring.objects.filter(rule=rule).select_related("ticket").order_by("-fired_at")[:20]
        if rule
        else []
    )
    context = {"form": form, "rule": rule, "firings": firings}
    status = 400 if request.method == "POST" else 200
    return render(request, "tickets/rules/edit.html", context | desk_context(request, "rules"), status=status)


@editors
@require_POST
def rule_reorder(request: HttpRequest, pk: int) -> HttpResponse:
    rule_move(rule=get_object_or_404(Rule, pk=pk), up=request.POST.get("direction") == "up", by=request.user)
    return redirect("desk:rules")


@editors
@require_POST
def rule_toggle(request: HttpRequest, pk: int) -> HttpResponse:
    rule = get_object_or_404(Rule, pk=pk)
    rule_set_active(rule=rule, active=not rule.active, by=request.user)
    return redirect("desk:rules")


@editors
def rule_preview(request: HttpRequest, pk: int) -> HttpResponse:
    """The dry run: loaded into the editor by htmx, or a page of its own without JavaScript."""
    rule = get_object_or_404(
        Rule.objects.prefetch_related(
            "mailboxes", "customer_tags", "organizations", "require_skills", "notify"
        ),
        pk=pk,
    )
    preview = rule_dry_run(rule, now=timezone.now())
    template = "tickets/rules/_preview.html" if request.htmx else "tickets/rules/preview.html"
    return render(request, template, {"rule": rule, "preview": preview} | desk_context(request, "rules"))
