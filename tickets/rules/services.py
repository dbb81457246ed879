"""Writes to rules from the supervisors' pages: save, reorder, switch on and off (audited)."""

from django.db import transaction
from django.db.models import Max

from helpdesk.models import User
from helpdesk.services import audit_record
from tickets.models import Rule
from tickets.rules.forms import RuleForm


@transaction.atomic
def rule_save(*, form: RuleForm, by: User) -> Rule:
    """Save a valid form; a new rule goes last in its order."""
    rule = form.save(commit=False)
    created = rule.pk is None
    if created:
        rule.position = (Rule.objects.aggregate(last=Max("position"))["last"] or 0) + 1
    rule.updated_by = by
    rule.save()
    form.save_m2m()
    audit_record(
        actor=by, action="rule.created" if created else "rule.changed", target=rule, summary=rule.name
    )
    return rule


@transaction.atomic
def rule_move(*, rule: Rule, up: bool, by: User) -> None:
    """Swap the rule with its neighbour above or below (positions are renumbered 1..n first)."""
    rules = list(Rule.objects.select_for_update().order_by("position", "pk"))
    index = next(i for i, other in enumerate(rules) if other.pk == rule.pk)
    other = index - 1 if up else index + 1
    if 0 <= other < len(rules):
        rules[index], rules[other] = rules[other], rules[index]
    for position, each in enumerate(rules, start=1):
        if each.position != position:
            Rule.objects.filter(pk=each.pk).update(position=position)
    audit_record(actor=by, action="rule.moved", target=rule, summary=rule.name, up=up)


@transaction.atomic
def rule_set_active(*, rule: Rule, active: bool, by: User) -> None:
    Rule.objects.filter(pk=rule.pk).update(active=active, updated_by=by)
    audit_record(
        actor=by, action="rule.activated" if active else "rule.deactivated", target=rule, summary=rule.name
    )
