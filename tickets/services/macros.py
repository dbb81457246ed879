"""Macros: canned replies with placeholders, which can also set fields."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.template import Context, Template, TemplateDoesNotExist, TemplateSyntaxError
from django.urls import NoReverseMatch
from django.utils.translation import gettext as _

from helpdesk.models import User
from tickets.access import ensure_can_work
from tickets.models import Macro, Ticket


def macro_context(ticket: Ticket, agent: User | None) -> dict:
    """`agent` None: an automatic reply (rules), signed by the support team."""
    # Plain values only: a macro can never reach into models (passwords, tokens) through attributes.
    requester = ticket.requester
    return {
        "ticket": {
            "number": ticket.pk,
            "subject": ticket.subject,
            "status": ticket.get_status_display(),
            "priority": ticket.get_priority_display(),
            "requester": {
                "name": requester.name,
                "first_name": requester.first_name,
                "email": requester.email,
            },
            "organization": str(ticket.organization or ""),
        },
        "agent": (
            {"name": agent.full_name, "first_name": agent.get_short_name(), "email": agent.email}
            if agent is not None
            else {"name": _("Support team"), "first_name": _("Support team"), "email": ""}
        ),
    }


def macro_render(*, macro: Macro, ticket: Ticket, agent: User | None) -> str:
    # Some mistakes only show when rendering ({% include "missing.html" %}, {% url "nope" %}).
    try:
        template = Template(macro.body)
        return template.render(Context(macro_context(ticket, agent), autoescape=False)).strip()
    except (TemplateSyntaxError, TemplateDoesNotExist, NoReverseMatch) as error:
        raise ValidationError(
            {"body": _("The macro has a broken placeholder: %(error)s") % {"error": error}}
        ) from error


def macro_visible_to(user: User):
    return Macro.objects.filter(owner__isnull=True) | Macro.objects.filter(owner=user)


@transaction.atomic
def macro_apply(*, macro: Macro, ticket: Ticket, by: User) -> str:
    """Set the macro's fields on the ticket and return its reply text for the agent to review and send."""
    from tickets.services.core import ticket_set_tags, ticket_update

    # Checked here too: a macro that sets no field would otherwise show anyone the requester's details.
    ensure_can_work(by, ticket)
    changes = {
        field: value
        for field, value in (
            ("priority", macro.set_priority),
            ("type", macro.set_type),
            ("status", macro.set_status),
        )
        if value
    }
    # The status is set when the reply is sent (so a "solve" macro does not solve before replying).
    changes.pop("status", None)
    if changes:
        # The updated ticket, so that the reply's placeholders show the values the macro just set.
        ticket = ticket_update(
            ticket=ticket, by=by, changes=changes, reason=_("macro %(name)s") % {"name": macro.name}
        )
    if macro.add_tags:
        ticket_set_tags(ticket=ticket, by=by, add=macro.add_tags.split(","))
    return macro_render(macro=macro, ticket=ticket, agent=by)
