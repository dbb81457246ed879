"""Macros: canned replies with placeholders that can also set fields."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from tests.factories import CustomerFactory, MacroFactory, OrganizationFactory, make_ticket
from tests.tickets.helpers import counts, put_in_status
from tickets.models import Priority, Status, TicketType
from tickets.services import macro_apply, macro_render
from tickets.services.macros import macro_visible_to


@pytest.fixture
def requester(alice):
    organization = OrganizationFactory(name="Smith & Sons")
    return CustomerFactory(name="Zoë O'Brien", email="zoe@example.net", organization=organization, user=alice)


def test_placeholders_are_filled_in_from_the_ticket_and_the_agent(ona, requester):
    ticket = make_ticket(requester=requester, subject="Broken kettle", priority=Priority.HIGH)
    macro = MacroFactory(
        body=(
            "Hi {{ ticket.requester.first_name }} ({{ ticket.requester.email }}),\n"
            "about #{{ ticket.number }} “{{ ticket.subject }}” ({{ ticket.status }}, {{ ticket.priority }})"
            " for {{ ticket.organization }}.\n"
            "{{ agent.first_name }} / {{ agent.name }} / {{ agent.email }}\n"
        )
    )

    text = macro_render(macro=macro, ticket=ticket, agent=ona)

    assert text == (
        "Hi Zoë (zoe@example.net),\n"
        f"about #{ticket.pk} “Broken kettle” (New, High) for Smith & Sons.\n"
        "Ona / Ona Kazlauskaitė / ona@example.com"
    )


def test_the_reply_text_is_not_html_escaped(ona, requester):
    # The text goes into the reply box as plain text; escaping is done once, when the reply is stored.
    macro = MacroFactory(body="Dear {{ ticket.requester.name }} of {{ ticket.organization }}")

    text = macro_render(macro=macro, ticket=make_ticket(requester=requester), agent=ona)

    assert text == "Dear Zoë O'Brien of Smith & Sons"


@pytest.mark.parametrize(
    "body",
    [
        "{{ ticket.requester.user.password }}",
        "{{ ticket.requester.user.email }}",
        "{{ agent.password }}",
        "{{ agent.is_superuser }}",
        "{{ ticket.pk }}",
        "{{ ticket.requester.user.customer.user.password }}",
        "{{ ticket.messages.all }}",
    ],
)
def test_a_macro_cannot_reach_into_the_models_behind_the_placeholders(ona, requester, body):
    macro = MacroFactory(body=f"[{body}]")

    assert macro_render(macro=macro, ticket=make_ticket(requester=requester), agent=ona) == "[]"


@pytest.mark.parametrize(
    "body",
    [
        "{% if %}oops{% endif %}",
        "{{ ticket.number|no_such_filter }}",
        "{% for x in %}",
        "{{ ticket.number.__class__ }}",
        "{% load no_such_library %}",
        '{% include "no/such/template.html" %}',
        '{% url "no-such-page" %}',
    ],
)
def test_a_broken_macro_is_refused_with_a_validation_error(ona, body):
    macro = MacroFactory(body=body)

    with pytest.raises(ValidationError) as error:
        macro_render(macro=macro, ticket=make_ticket(), agent=ona)

    assert error.value.message_dict["body"][0].startswith("The macro has a broken placeholder")


def test_applying_a_macro_sets_its_fields_and_returns_its_text(ona):
    ticket = make_ticket(requester=CustomerFactory(name="Jonas Jonaitis"))
    macro = MacroFactory(
        name="Escalate",
        body="Labas {{ ticket.requester.first_name }}, priority now {{ ticket.priority }}.",
        set_priority=Priority.URGENT,
        set_type=TicketType.INCIDENT,
        add_tags="Escalated, Tier 2 ,,",
    )

    text = macro_apply(macro=macro, ticket=ticket, by=ona)

    assert text == "Labas Jonas, priority now Urgent."
    ticket.refresh_from_db()
    assert (ticket.priority, ticket.type) == (Priority.URGENT, TicketType.INCIDENT)
    assert set(ticket.tags.values_list("name", flat=True)) == {"escalated", "tier-2"}
    changes = ticket.activities.filter(field__in=["priority", "type"])
    assert {change.reason for change in changes} == {"macro Escalate"}
    assert ticket.activities.get(field="tags").actor == ona


def test_a_macros_status_waits_for_the_reply_to_be_sent(ona):
    ticket = make_ticket()
    macro = MacroFactory(body="All done!", set_status=Status.SOLVED)

    text = macro_apply(macro=macro, ticket=ticket, by=ona)

    assert text == "All done!"
    ticket.refresh_from_db()
    assert ticket.status == Status.NEW
    assert not ticket.activities.filter(field="status").exists()


def test_a_macro_with_a_broken_placeholder_changes_no_field(ona):
    ticket = make_ticket()
    macro = MacroFactory(body="{% if %}", set_priority=Priority.URGENT, add_tags="escalated")
    before = counts()

    with pytest.raises(ValidationError):
        macro_apply(macro=macro, ticket=ticket, by=ona)

    ticket.refresh_from_db()
    assert ticket.priority == Priority.NORMAL
    assert not ticket.tags.exists()
    assert counts() == before


def test_a_macro_cannot_be_applied_to_a_ticket_the_agent_may_not_work(ona, billing):
    # Even a macro that sets nothing: its text would show the requester's name and email.
    ticket = make_ticket(team=billing)
    macro = MacroFactory(body="{{ ticket.requester.email }}")

    with pytest.raises(PermissionDenied):
        macro_apply(macro=macro, ticket=ticket, by=ona)


def test_a_macro_that_changes_a_closed_ticket_is_refused(ona):
    ticket = put_in_status(make_ticket(), Status.CLOSED)
    before = counts()

    with pytest.raises(ValidationError):
        macro_apply(macro=MacroFactory(add_tags="late"), ticket=ticket, by=ona)

    assert counts() == before


def test_an_agent_sees_shared_macros_and_their_own_but_not_other_agents(ona, aino):
    shared = MacroFactory(name="Shared")
    own = MacroFactory(name="Mine", owner=ona)
    MacroFactory(name="Aino's", owner=aino)

    assert list(macro_visible_to(ona).order_by("name")) == [own, shared]
