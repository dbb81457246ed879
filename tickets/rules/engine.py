"""Running rules: on a new ticket and on people's changes (from the outbox, on the `routing` queue,
before assignment), and every minute for time-based rules. Each firing is recorded first; the unique
(rule, ticket, occasion) row is what makes a rule fire once for the same occasion, even when a task
runs twice.

Actions go through the same services as the desk, as the system (`by=None`): changes made by rules,
routing or the SLA engine do not trigger rules again, which is what stops loops.
"""

import logging
from datetime import datetime, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import CharField, Exists, OuterRef, Value
from django.db.models.functions import Cast, Concat
from django.utils.translation import gettext as _

from helpdesk.outbox import outbox_publish
from tickets.models import Channel, Message, Rule, RuleFiring, RuleTrigger, Ticket
from tickets.rules.answer_bot import answer_bot_reply
from tickets.rules.conditions import TicketFacts, keyword_list, rule_matches
from tickets.services.conversation import message_add
from tickets.services.core import ticket_set_tags, ticket_update
from tickets.services.followers import ticket_follow
from tickets.services.macros import macro_render

log = logging.getLogger(__name__)
TIME_BATCH = 500
RELATIONS = ("mailboxes", "customer_tags", "organizations", "require_skills", "notify")


def active_rules(trigger: str) -> list[Rule]:
    return list(
        Rule.objects.filter(active=True, trigger=trigger)
        .select_related("set_team", "assign_to", "add_follower", "reply_with")
        .prefetch_related(*RELATIONS)
    )


def _ticket(ticket_id: int) -> Ticket | None:
    return (
        Ticket.objects.select_for_update(of=("self",))
        .select_related("requester__organization", "team", "mailbox")
        .filter(pk=ticket_id)
        .first()
    )


# No savepoint: it runs inside a handler's transaction, and an error fails the handler as a whole.
@transaction.atomic(savepoint=False)
def rules_run(*, ticket_id: int, trigger: str, occasion: str, now: datetime) -> list[str]:
    """Apply every active rule of `trigger` whose conditions hold, in order; each sees what the
    previous ones changed. Returns the names of the rules that fired."""
    fired = []
    for rule in active_rules(trigger):
        ticket = _ticket(ticket_id)
        if ticket is None or (not ticket.is_unsolved and trigger != RuleTrigger.TIME):
            break
        if rule_matches(rule, TicketFacts(ticket, now)) and rule_fire(
            rule, ticket, occasion=occasion, now=now
        ):
            fired.append(rule.name)
    return fired


def rule_fire(rule: Rule, ticket: Ticket, *, occasion: str, now: datetime) -> bool:
    """Record the firing and take the actions; False when it had fired for this occasion already."""
    try:
        with transaction.atomic():
            firing = RuleFiring.objects.create(rule=rule, ticket=ticket, occasion=occasion, fired_at=now)
    except IntegrityError:
        return False
    firing.changes = _act(rule, ticket)
    firing.save(update_fields=["changes"])
    return True


def _act(rule: Rule, ticket: Ticket) -> dict:
    """Take the rule's actions; one that cannot apply (a status the ticket cannot reach, a follower
    who may not see it) is noted in the firing and the others still happen."""
    reason = _("rule: %(name)s") % {"name": rule.name}
    done: dict = {}
    changes = {
        field: value
        for field, value in (
            ("team", rule.set_team),
            ("priority", rule.set_priority),
            ("type", rule.set_type),
            ("status", rule.set_status),
            ("assignee", rule.assign_to),
        )
        if value
    }
    for field, value in changes.items():
        try:
            with transaction.atomic():
                ticket_update(ticket=ticket, by=None, changes={field: value}, reason=reason)
            done[field] = str(value)
        except ValidationError as error:
            done[f"{field}_refused"] = " ".join(error.messages)
    ticket.refresh_from_db()
    if rule.add_tags:
        ticket_set_tags(ticket=ticket, by=None, add=keyword_list(rule.add_tags))
        done["tags"] = rule.add_tags
    if rule.require_skills.all():
        ticket.required_skills.add(*rule.require_skills.all())
        done["skills"] = [skill.name for skill in rule.require_skills.all()]
    if rule.add_follower:
        try:
            ticket_follow(ticket=ticket, user=rule.add_follower, follow=True)
            done["follower"] = str(rule.add_follower)
        except PermissionDenied:
            done["follower_refused"] = _("%(name)s may not see this ticket.") % {"name": rule.add_follower}
    if rule.reply_with:
        done.update(_auto_reply(rule, ticket))
    if rule.answer_with_articles:
        done.update(answer_bot_reply(rule, ticket))
    notify = [user.pk for user in rule.notify.all()]
    if notify:
        outbox_publish(
            name="rule.notify", payload={"ticket_id": ticket.pk, "rule": rule.name, "user_ids": notify}
        )
        done["notified"] = notify
    return done


def _auto_reply(rule: Rule, ticket: Ticket) -> dict:
    from tickets.channels.auto_reply import auto_reply_refusal

    if Message.objects.filter(ticket=ticket, metadata__rule_reply=rule.pk).exists():
        return {"reply_refused": _("This rule replied on this ticket already.")}
    first = ticket.messages.order_by("id").first()
    refusal = auto_reply_refusal(ticket, first) if ticket.channel == Channel.EMAIL and first else ""
    if refusal:
        return {"reply_refused": refusal}
    try:
        body = macro_render(macro=rule.reply_with, ticket=ticket, agent=None)
    except ValidationError as error:
        return {"reply_refused": " ".join(error.messages)}
    message = message_add(
        ticket=ticket,
        body=body,
        channel=ticket.channel if ticket.channel in (Channel.EMAIL, Channel.SOCIAL) else Channel.WEB,
        metadata={"auto_reply": True, "rule_reply": rule.pk},
    )
    outbox_publish(name="ticket.auto_replied", payload={"ticket_id": ticket.pk, "message_id": message.pk})
    return {"reply": message.pk}


def time_rule_candidates(rule: Rule, now: datetime):
    """Tickets in one of the rule's statuses for at least its hours that it has not fired on for this
    stretch in the status (the occasion is the moment the status began)."""
    fired = RuleFiring.objects.filter(rule=rule, ticket=OuterRef("pk"), occasion=OuterRef("occasion"))
    return (
        Ticket.objects.filter(
            status__in=rule.statuses, status_changed_at__lte=now - timedelta(hours=rule.hours_in_status)
        )
        .annotate(occasion=_occasion_sql())
        .exclude(Exists(fired))
        .order_by("status_changed_at", "id")
    )


def _occasion_sql() -> Concat:
    return Concat(Value("since:"), Cast("status_changed_at", CharField()), output_field=CharField())


def rules_run_time_based(*, now: datetime) -> int:
    """Every time-based rule over every ticket it matches (in batches until none is left)."""
    fired = 0
    for rule in active_rules(RuleTrigger.TIME):
        done_ids: set[int] = set()
        while True:
            batch = list(
                time_rule_candidates(rule, now)
                .exclude(pk__in=done_ids)
                .values_list("pk", "occasion")[:TIME_BATCH]
            )
            for ticket_id, occasion in batch:
                done_ids.add(ticket_id)
                with transaction.atomic():
                    ticket = _ticket(ticket_id)
                    if ticket is not None and rule_matches(rule, TicketFacts(ticket, now)):
                        fired += rule_fire(rule, ticket, occasion=occasion, now=now)
            if len(batch) < TIME_BATCH:
                break
    return fired
