"""Who hears of an event, and what they are told: one function per event, each returning
(kind, recipients, text) where `text(language)` words it in a recipient's language."""

import re
from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import Q
from django.utils import translation
from django.utils.translation import gettext as _

from helpdesk.models import DESK_ROLES, Role, User
from tickets.models import Message, NotificationKind, SlaMetric, Status, Ticket

MENTION = re.compile(r"@([\w.+-]+)")


@dataclass
class Audience:
    kind: str
    users: list[User]
    words: Callable[[], str]  # called inside translation.override(recipient's language)

    def text(self, language: str) -> str:
        with translation.override(language):
            return self.words()[:300]


def _label(ticket: Ticket) -> str:
    return f"#{ticket.pk} {ticket.subject}"


def _people(*users) -> list[User]:
    seen, result = set(), []
    for user in users:
        if user is not None and user.pk not in seen and user.is_active and user.role in DESK_ROLES:
            seen.add(user.pk)
            result.append(user)
    return result


def _followers(ticket: Ticket) -> list[User]:
    return list(ticket.followers.all())


def ticket_created(ticket: Ticket, payload: dict) -> list[Audience]:
    if ticket.team is None:
        return []
    members = list(ticket.team.members.filter(is_active=True))
    return [
        Audience(
            NotificationKind.NEW_TICKET,
            _people(*members),
            lambda: _("New ticket in %(team)s: %(ticket)s") % {"team": ticket.team, "ticket": _label(ticket)},
        )
    ]


def ticket_updated(ticket: Ticket, payload: dict) -> list[Audience]:
    changes = payload.get("changes", {})
    audiences = []
    if "assignee" in changes and ticket.assignee_id:
        audiences.append(
            Audience(
                NotificationKind.ASSIGNED,
                _people(ticket.assignee),
                lambda: _("%(ticket)s is assigned to you") % {"ticket": _label(ticket)},
            )
        )
    if "status" in changes:
        audiences.append(
            Audience(
                NotificationKind.STATUS_CHANGED,
                _people(*_followers(ticket)),
                lambda: (
                    _("%(ticket)s is now %(status)s")
                    % {"ticket": _label(ticket), "status": Status(ticket.status).label}
                ),
            )
        )
    return audiences


def customer_replied(ticket: Ticket, payload: dict) -> list[Audience]:
    return [
        Audience(
            NotificationKind.CUSTOMER_REPLIED,
            _people(ticket.assignee, *_followers(ticket)),
            lambda: (
                _("%(customer)s replied on %(ticket)s")
                % {"customer": ticket.requester, "ticket": _label(ticket)}
            ),
        )
    ]


def note_added(ticket: Ticket, payload: dict) -> list[Audience]:
    note = Message.objects.select_related("author_user").filter(pk=payload.get("message_id")).first()
    if note is None:
        return []
    names = {name.lower() for name in MENTION.findall(note.body_text)}
    if not names:
        return []
    staff = User.objects.filter(is_active=True, role__in=DESK_ROLES)
    mentioned = [
        user
        for user in staff
        if user.email.split("@")[0].lower() in names or (user.full_name.split() or [""])[0].lower() in names
    ]
    author = note.author_user
    return [
        Audience(
            NotificationKind.MENTIONED,
            _people(*mentioned),
            lambda: (
                _("%(author)s mentioned you on %(ticket)s")
                % {"author": author or _("Someone"), "ticket": _label(ticket)}
            ),
        )
    ]


def _sla_people(ticket: Ticket) -> list[User]:
    """The assignee, the team's lead, and the team's supervisors (every supervisor when it has none)."""
    supervisors = User.objects.filter(is_active=True, role=Role.SUPERVISOR)
    if ticket.team is not None:
        own = list(supervisors.filter(Q(teams=ticket.team)))
        supervisors = own or list(supervisors)
    return _people(ticket.assignee, ticket.team.lead if ticket.team else None, *supervisors)


def sla_warning(ticket: Ticket, payload: dict) -> list[Audience]:
    metric = payload.get("metric", "")
    return [
        Audience(
            NotificationKind.SLA_WARNING,
            _sla_people(ticket),
            lambda: (
                _("SLA warning: %(metric)s of %(ticket)s is due soon")
                % {"metric": SlaMetric(metric).label, "ticket": _label(ticket)}
            ),
        )
    ]


def sla_breach(ticket: Ticket, payload: dict) -> list[Audience]:
    metric = payload.get("metric", "")
    return [
        Audience(
            NotificationKind.SLA_BREACH,
            _sla_people(ticket),
            lambda: (
                _("SLA breached: %(metric)s of %(ticket)s")
                % {"metric": SlaMetric(metric).label, "ticket": _label(ticket)}
            ),
        )
    ]


def rule_notify(ticket: Ticket, payload: dict) -> list[Audience]:
    users = User.objects.filter(pk__in=payload.get("user_ids", []))
    rule = payload.get("rule", "")
    return [
        Audience(
            NotificationKind.RULE,
            _people(*users),
            lambda: _("Rule %(rule)s: %(ticket)s") % {"rule": rule, "ticket": _label(ticket)},
        )
    ]


def csat_received(ticket: Ticket, payload: dict) -> list[Audience]:
    good = payload.get("good")
    return [
        Audience(
            NotificationKind.CSAT_RECEIVED,
            _people(ticket.assignee),
            lambda: (
                (
                    _("%(customer)s rated %(ticket)s: good")
                    if good
                    else _("%(customer)s rated %(ticket)s: bad")
                )
                % {"customer": ticket.requester, "ticket": _label(ticket)}
            ),
        )
    ]


AUDIENCES = {
    "ticket.created": ticket_created,
    "ticket.updated": ticket_updated,
    "ticket.customer_replied": customer_replied,
    "ticket.noted": note_added,
    "sla.warning": sla_warning,
    "sla.breach": sla_breach,
    "rule.notify": rule_notify,
    "csat.received": csat_received,
}
