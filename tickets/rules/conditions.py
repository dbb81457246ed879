"""Whether a rule's conditions hold for a ticket. Facts that cost a query (the support tier, an overdue
invoice, business hours, the first message) are read only when a rule asks, once per ticket."""

from datetime import datetime, timedelta
from functools import cached_property

from django.db.models import OuterRef, Subquery

from backoffice.rosters.business_hours import business_minutes_between
from backoffice.rosters.selectors import calendar_for_team
from tickets.models import Message, Rule, Ticket, YesNo
from tickets.sla.engine import support_tier_of


def first_message_text() -> Subquery:
    """The first message's text as an annotation, for querysets that check many tickets at once."""
    return Subquery(
        Message.objects.filter(ticket=OuterRef("pk")).order_by("created_at", "id").values("body_text")[:1]
    )


def keyword_list(text: str) -> list[str]:
    return [word.strip().lower() for word in text.split(",") if word.strip()]


class TicketFacts:
    """What conditions look at, for one ticket at one moment."""

    def __init__(self, ticket: Ticket, now: datetime) -> None:
        self.ticket = ticket
        self.now = now

    @cached_property
    def text(self) -> str:
        # A dry run annotates the first message on every ticket it reads (first_message_text()).
        first = getattr(self.ticket, "first_message_text", None)
        if first is None:
            first = (
                self.ticket.messages.order_by("created_at", "id").values_list("body_text", flat=True).first()
            )
        return f"{self.ticket.subject}\n{first or ''}".lower()

    @cached_property
    def language(self) -> str:
        return self.ticket.language or self.ticket.requester.language or ""

    @cached_property
    def customer_tag_ids(self) -> set[int]:
        return {tag.pk for tag in self.ticket.requester.tags.all()}  # prefetched by the dry run

    @cached_property
    def tier(self) -> str:
        return support_tier_of(self.ticket)

    @cached_property
    def has_overdue_invoice(self) -> bool:
        from backoffice.billing.models import Invoice

        return Invoice.objects.overdue().billed_to(self.ticket.requester).exists()

    @cached_property
    def in_business_hours(self) -> bool:
        calendar = calendar_for_team(self.ticket.team)
        if calendar is None:
            return True  # without a calendar, every hour is a business hour
        return business_minutes_between(calendar, self.now, self.now + timedelta(minutes=1)) > 0


def _yes_no(setting: str, value: bool) -> bool:
    return setting == YesNo.ANY or (setting == YesNo.YES) == value


def rule_matches(rule: Rule, facts: TicketFacts) -> bool:
    """Every condition the rule sets holds (the cheap ones are checked first)."""
    ticket = facts.ticket
    checks = (
        lambda: not rule.channels or ticket.channel in rule.channels,
        lambda: not rule.statuses or ticket.status in rule.statuses,
        lambda: not rule.priorities or ticket.priority in rule.priorities,
        lambda: not rule.languages or facts.language in rule.languages,
        lambda: _yes_no(rule.vip, ticket.requester.vip),
        lambda: _ids_match(rule, "mailboxes", ticket.mailbox_id),
        lambda: _ids_match(rule, "organizations", ticket.requester.organization_id),
        lambda: not rule.keywords or any(word in facts.text for word in keyword_list(rule.keywords)),
        lambda: not _ids(rule, "customer_tags") or bool(_ids(rule, "customer_tags") & facts.customer_tag_ids),
        lambda: not rule.support_tiers or facts.tier in rule.support_tiers,
        lambda: (
            _yes_no(rule.has_overdue_invoice, facts.has_overdue_invoice) if rule.has_overdue_invoice else True
        ),
        lambda: _yes_no(rule.in_business_hours, facts.in_business_hours) if rule.in_business_hours else True,
    )
    return all(check() for check in checks)


def _ids(rule: Rule, relation: str) -> set[int]:
    """The ids of a rule's many-to-many condition (prefetched by the engine)."""
    return {obj.pk for obj in getattr(rule, relation).all()}


def _ids_match(rule: Rule, relation: str, value: int | None) -> bool:
    wanted = _ids(rule, relation)
    return not wanted or value in wanted
