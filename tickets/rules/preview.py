"""A rule's dry run: which open tickets it would change now, and how, without changing anything.

Creation and update rules are tried on the most recently updated open tickets (PREVIEW_SCAN of
them); time-based rules on every ticket whose time in a status has come (the query the minute job
runs). A ticket the rule matches but would not change is not listed.
"""

from dataclasses import dataclass
from datetime import datetime

from django.utils.translation import gettext as _

from tickets.models import UNSOLVED, Rule, RuleTrigger, Ticket
from tickets.rules.conditions import TicketFacts, first_message_text, keyword_list, rule_matches
from tickets.rules.engine import time_rule_candidates

PREVIEW_SCAN = 500
PREVIEW_SHOWN = 50


@dataclass(frozen=True)
class PreviewRow:
    ticket: Ticket
    changes: list[str]


@dataclass(frozen=True)
class Preview:
    rows: list[PreviewRow]
    scanned: int
    more: bool


def planned_changes(rule: Rule, ticket: Ticket) -> list[str]:
    """What the rule's actions would change on the ticket, in words."""
    changes = []
    if rule.set_team and ticket.team_id != rule.set_team.pk:
        changes.append(_("team → %(value)s") % {"value": rule.set_team})
    for field, label in (("priority", _("priority")), ("type", _("type")), ("status", _("status"))):
        value = getattr(rule, f"set_{field}")
        if value and getattr(ticket, field) != value and (field != "status" or ticket.can_become(value)):
            choices = dict(Ticket._meta.get_field(field).choices)
            changes.append(f"{label} → {choices[value]}")
    if rule.assign_to and ticket.assignee_id != rule.assign_to.pk:
        changes.append(_("assignee → %(value)s") % {"value": rule.assign_to})
    have = {tag.name for tag in ticket.tags.all()}
    missing = [tag for tag in keyword_list(rule.add_tags) if tag not in have]
    if missing:
        changes.append(_("tags + %(value)s") % {"value": ", ".join(missing)})
    if rule.add_follower and rule.add_follower not in ticket.followers.all():
        changes.append(_("follower + %(value)s") % {"value": rule.add_follower})
    skills = [skill.name for skill in rule.require_skills.all()]
    if skills:
        changes.append(_("requires %(value)s") % {"value": ", ".join(skills)})
    if rule.reply_with:
        changes.append(_("automatic reply: %(value)s") % {"value": rule.reply_with})
    if rule.answer_with_articles:
        changes.append(_("answers with knowledge base articles"))
    if rule.notify.all():
        changes.append(
            _("notifies %(value)s") % {"value": ", ".join(str(user) for user in rule.notify.all())}
        )
    return changes


def rule_dry_run(rule: Rule, *, now: datetime) -> Preview:
    if rule.trigger == RuleTrigger.TIME:
        tickets = time_rule_candidates(rule, now)
    else:
        tickets = Ticket.objects.filter(status__in=UNSOLVED).order_by("-updated_at", "-id")
    tickets = list(
        tickets.select_related("requester__organization", "team", "mailbox", "assignee")
        .prefetch_related("tags", "followers", "requester__tags")
        .annotate(first_message_text=first_message_text())[:PREVIEW_SCAN]
    )
    rows = []
    for ticket in tickets:
        if not rule_matches(rule, TicketFacts(ticket, now)):
            continue
        changes = planned_changes(rule, ticket)
        if changes:
            rows.append(PreviewRow(ticket, changes))
    return Preview(rows[:PREVIEW_SHOWN], len(tickets), len(rows) > PREVIEW_SHOWN)
