"""Reads for the desk: queues, saved views, keyset pages, capped counts and the ticket page."""

from datetime import UTC, datetime, timedelta

import pytest

from tests.factories import CustomerFactory, OrganizationFactory, UserFactory, make_ticket
from tests.tickets.helpers import ids, put_in_status
from tickets import selectors
from tickets.models import SavedView, Status, Ticket
from tickets.selectors import (
    apply_view_filters,
    capped_count,
    page_after,
    queue_tickets,
)

# In the past: the services stamp later changes with the real time.
NOW = datetime(2024, 5, 6, 7, 8, 9, 123456, tzinfo=UTC)


# --- Queues


@pytest.fixture
def desk(ona, first_line, billing):
    """Tickets around Ona, with distinct times so the expected order is plain."""
    other_agent = UserFactory(role="agent", full_name="Other Agent")
    made = {}
    for minutes, (name, fields, status) in enumerate(
        [
            ("mine open", {"team": first_line, "assignee": ona}, Status.OPEN),
            ("mine solved", {"team": first_line, "assignee": ona}, Status.SOLVED),
            ("unassigned in my team", {"team": first_line}, Status.NEW),
            ("pending in my team", {"team": first_line, "assignee": other_agent}, Status.PENDING),
            ("unassigned teamless", {}, Status.OPEN),
            ("other team", {"team": billing}, Status.OPEN),
            ("closed", {"team": first_line}, Status.CLOSED),
        ]
    ):
        ticket = make_ticket(subject=name, now=NOW + timedelta(minutes=minutes), **fields)
        made[name] = put_in_status(ticket, status, solved_at=NOW if status == Status.SOLVED else None)
    return made


@pytest.mark.parametrize(
    ("key", "expected"),
    [
        ("mine", ["mine open"]),
        ("unassigned", ["unassigned in my team"]),
        ("open", ["unassigned teamless", "pending in my team", "unassigned in my team", "mine open"]),
        ("pending", ["pending in my team"]),
        ("solved", ["mine solved"]),
    ],
)
def test_each_built_in_queue_lists_its_tickets_newest_change_first(ona, desk, key, expected):
    assert ids(queue_tickets(ona, key)) == [desk[name].pk for name in expected]


def test_a_supervisor_sees_every_teams_tickets_in_the_open_queue(aino, desk):
    assert desk["other team"] in queue_tickets(aino, "open")


def test_an_unknown_queue_is_a_key_error(ona):
    with pytest.raises(KeyError):
        queue_tickets(ona, "everything")


def test_a_saved_view_lists_what_its_filters_say_among_visible_tickets(ona, aino, desk, first_line, billing):
    view = SavedView.objects.create(
        owner=aino,
        name="Busy teams",
        shared=True,
        filters={"team": [first_line.pk, billing.pk], "status": "open"},
    )

    assert ids(queue_tickets(ona, f"saved-{view.pk}")) == [desk["mine open"].pk]
    assert ids(queue_tickets(aino, f"saved-{view.pk}")) == [desk["other team"].pk, desk["mine open"].pk]


@pytest.mark.parametrize("key", ["saved-abc", "saved-", "saved-999999", "private"])
def test_a_malformed_missing_or_private_saved_view_is_refused(ona, aino, key):
    private = SavedView.objects.create(owner=aino, name="Aino's", filters={})
    key = f"saved-{private.pk}" if key == "private" else key

    with pytest.raises((KeyError, ValueError, SavedView.DoesNotExist)):
        list(queue_tickets(ona, key))


def test_a_queue_page_takes_three_queries_however_many_tickets(ona, first_line, django_assert_num_queries):
    for number in range(12):
        make_ticket(team=first_line, assignee=ona, subject=f"Ticket {number}", tags=["a", "b"])
    viewer = UserFactory._meta.model.objects.get(pk=ona.pk)  # as on a fresh request

    with django_assert_num_queries(3):  # the agent's teams, the page, the tags
        rows, _cursor = page_after(queue_tickets(viewer, "mine"), None)
        shown = [
            (row.requester.name, row.assignee, row.team, [tag.name for tag in row.tags.all()]) for row in rows
        ]

    assert len(shown) == 12


# --- Saved view filters


def test_view_filters_combine_and_take_single_values_or_lists(ona, first_line):
    organization = OrganizationFactory()
    match = make_ticket(
        requester=CustomerFactory(organization=organization),
        team=first_line,
        assignee=ona,
        channel="email",
        language="lt",
        priority="high",
    )
    make_ticket(team=first_line, assignee=ona, channel="email", language="lt", priority="low")
    filters = {
        "status": ["new"],
        "priority": "high",
        "team": [first_line.pk],
        "assignee": ona.pk,
        "channel": "email",
        "organization": [organization.pk],
        "language": "lt",
    }

    assert list(apply_view_filters(Ticket.objects.all(), filters)) == [match]


def test_a_tag_filter_lists_a_ticket_with_several_of_the_tags_once(db):
    ticket = make_ticket(tags=["vip", "refund"])
    make_ticket(tags=["other"])

    assert list(apply_view_filters(Ticket.objects.all(), {"tag": ["vip", "refund"]})) == [ticket]


def test_date_filters_take_iso_strings(db):
    old = make_ticket(now=NOW - timedelta(days=10))
    recent = make_ticket(now=NOW)
    make_ticket(now=NOW + timedelta(days=10))

    after = {
        "created_after": (NOW - timedelta(days=1)).isoformat(),
        "created_before": (NOW + timedelta(days=1)).isoformat(),
    }
    assert list(apply_view_filters(Ticket.objects.all(), after)) == [recent]
    assert list(apply_view_filters(Ticket.objects.all(), {"updated_before": NOW.isoformat()})) == [old]


def test_empty_and_unknown_filters_are_ignored(db):
    tickets = [make_ticket(), make_ticket()]
    filters = {"status": [], "priority": "", "team": None, "requester__user__password": "x", "tag": []}

    assert set(apply_view_filters(Ticket.objects.all(), filters)) == set(tickets)


# --- capped_count


@pytest.mark.parametrize(
    ("tickets", "expected"), [(0, (0, False)), (2, (2, False)), (3, (3, False)), (5, (3, True))]
)
def test_counts_stop_at_the_cap(db, monkeypatch, django_assert_num_queries, tickets, expected):
    monkeypatch.setattr(selectors, "COUNT_CAP", 3)
    for _ in range(tickets):
        make_ticket()

    with django_assert_num_queries(1):
        assert capped_count(Ticket.objects.order_by("-updated_at")) == expected


def test_a_capped_count_of_a_tag_view_counts_each_ticket_once(db, monkeypatch):
    monkeypatch.setattr(selectors, "COUNT_CAP", 10)
    make_ticket(tags=["vip", "refund"])

    assert capped_count(apply_view_filters(Ticket.objects.all(), {"tag": ["vip", "refund"]})) == (1, False)
