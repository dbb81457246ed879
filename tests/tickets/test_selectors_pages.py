"""Keyset pages and the ticket page's reads."""

import base64
from datetime import UTC, datetime, timedelta

import pytest
from django.http import Http404

from tests.factories import CustomerFactory, OrganizationFactory, make_ticket, make_upload
from tests.tickets.helpers import ids, put_in_status
from tickets import selectors
from tickets.models import Activity, Message, SavedView, Status, Ticket
from tickets.selectors import (
    decode_cursor,
    encode_cursor,
    page_after,
    queue_tickets,
    requester_other_open_tickets,
    ticket_page_ticket,
    ticket_timeline,
)
from tickets.services import ticket_add_note, ticket_link, ticket_reply, ticket_update

# In the past: the services stamp later changes with the real time.
NOW = datetime(2024, 5, 6, 7, 8, 9, 123456, tzinfo=UTC)


def walk(tickets) -> tuple[list[int], int]:
    """Every page of `tickets`, following the cursors: (ids in the order shown, number of pages)."""
    seen, cursor, pages = [], None, 0
    while True:
        rows, cursor = page_after(tickets, cursor)
        pages += 1
        seen += ids(rows)
        if cursor is None:
            return seen, pages


# --- Keyset pages


@pytest.fixture
def small_pages(monkeypatch):
    monkeypatch.setattr(selectors, "PAGE_SIZE", 3)


def test_pages_neither_overlap_nor_skip_when_many_tickets_share_a_time(db, small_pages):
    same_time = [make_ticket(now=NOW) for _ in range(8)]
    newer, older = make_ticket(now=NOW + timedelta(seconds=1)), make_ticket(now=NOW - timedelta(seconds=1))
    tickets = Ticket.objects.order_by("-updated_at", "-id")

    shown, pages = walk(tickets)

    assert shown == [newer.pk, *sorted(ids(same_time), reverse=True), older.pk]
    assert pages == 4


def test_a_full_last_page_has_no_next_cursor(db, small_pages):
    for _ in range(6):
        make_ticket(now=NOW)

    shown, pages = walk(Ticket.objects.order_by("-updated_at", "-id"))

    assert (len(shown), pages) == (6, 2)


def test_the_solved_queue_pages_by_solved_time(ona, small_pages):
    solved = [put_in_status(make_ticket(), Status.SOLVED, solved_at=NOW) for _ in range(5)]
    latest = put_in_status(make_ticket(), Status.SOLVED, solved_at=NOW + timedelta(hours=1))

    shown, pages = walk(queue_tickets(ona, "solved"))

    assert shown == [latest.pk, *sorted(ids(solved), reverse=True)]
    assert pages == 2


def test_a_ticket_that_changes_while_paging_is_not_shown_twice(ona, small_pages):
    tickets = [make_ticket(now=NOW - timedelta(minutes=minutes)) for minutes in range(7)]
    queue = Ticket.objects.order_by("-updated_at", "-id")
    first_page, cursor = page_after(queue, None)

    # Someone works on a ticket of the first page: it moves to the top, behind the reader.
    ticket_update(ticket=first_page[1], by=ona, changes={"priority": "high"})
    rest, _ = page_after(queue, cursor)
    rest_after, _ = page_after(queue, encode_cursor(rest[-1]))

    shown = ids(first_page) + ids(rest) + ids(rest_after)
    assert len(shown) == len(set(shown)) == len(tickets)


def test_a_saved_view_sorted_by_creation_pages_by_creation_time(ona, small_pages):
    tickets = [make_ticket(now=NOW + timedelta(minutes=minutes)) for minutes in range(5)]
    ticket_update(ticket=tickets[0], by=ona, changes={"priority": "high"})  # newest change, oldest ticket
    view = SavedView.objects.create(owner=ona, name="By age", filters={"sort": "created"})

    shown, pages = walk(queue_tickets(ona, f"saved-{view.pk}"))

    assert shown == ids(reversed(tickets))
    assert pages == 2


@pytest.mark.parametrize(
    "cursor",
    [
        "",
        "garbage",
        "!!!!",
        "%%%",
        base64.urlsafe_b64encode(b"no separator").decode(),
        base64.urlsafe_b64encode(b"2030-01-01T00:00:00+00:00|not-a-number").decode(),
        base64.urlsafe_b64encode(b"not a date|12").decode(),
        base64.urlsafe_b64encode(b"2030-13-45T99:00:00+00:00|12").decode(),
        base64.urlsafe_b64encode(b"2030-01-01T00:00:00+00:00|1|2").decode(),
        base64.urlsafe_b64encode(b"\xff\xfe\xfd").decode(),
    ],
)
def test_a_bad_cursor_is_treated_as_the_first_page(db, small_pages, cursor):
    for _ in range(5):
        make_ticket(now=NOW)
    tickets = Ticket.objects.order_by("-updated_at", "-id")

    assert page_after(tickets, cursor) == page_after(tickets, None)


def test_a_cursor_round_trips_its_time_to_the_microsecond(db):
    ticket = make_ticket(now=NOW)
    ticket.refresh_from_db()

    assert decode_cursor(encode_cursor(ticket)) == (NOW, ticket.pk)
    assert "=" not in encode_cursor(ticket)


def test_a_page_takes_two_queries(db, small_pages, django_assert_num_queries):
    for _ in range(5):
        make_ticket(now=NOW, tags=["x"])
    tickets = Ticket.objects.order_by("-updated_at", "-id")
    _rows, cursor = page_after(tickets, None)

    with django_assert_num_queries(2):
        rows, _ = page_after(tickets, cursor)
        shown = [(row.requester.email, [tag.name for tag in row.tags.all()]) for row in rows]

    assert [tags for _email, tags in shown] == [["x"], ["x"]]


# --- The ticket page


def test_the_timeline_interleaves_messages_and_activity_in_time_order(ona):
    ticket = make_ticket(now=NOW - timedelta(days=1))
    reply = ticket_reply(ticket=ticket, by=ona, body="Hello", attachments=[make_upload()])
    note = ticket_add_note(ticket=ticket, by=ona, body="Note")
    # At the same moment, a change is shown before the message it came with.
    Activity.objects.filter(ticket=ticket, field="status").update(created_at=reply.created_at)

    timeline = ticket_timeline(ticket)

    shown = [entry.field if isinstance(entry, Activity) else entry.body_text for entry in timeline.entries]
    assert shown == ["created", "It smokes.", "status", "Hello", "Note"]
    assert timeline.entries[-1] == note
    assert not timeline.hidden


def test_the_timeline_takes_three_queries_however_long_the_conversation(ona, django_assert_num_queries):
    ticket = make_ticket()
    for number in range(6):
        ticket_reply(
            ticket=ticket, by=ona, body=f"Reply {number}", attachments=[make_upload(f"{number}.pdf")]
        )

    with django_assert_num_queries(3):
        shown = [
            (entry.author_name, [attachment.filename for attachment in entry.attachments.all()])
            if isinstance(entry, Message)
            else (str(entry.actor), [])
            for entry in ticket_timeline(ticket).entries
        ]

    assert sum(len(files) for _author, files in shown) == 6


def test_a_long_timeline_shows_the_first_message_and_the_newest_entries(ona, monkeypatch):
    ticket = make_ticket(body="The original question")
    for number in range(8):
        ticket_add_note(ticket=ticket, by=ona, body=f"Note {number}")

    timeline = ticket_timeline(ticket, recent=3)
    everything = ticket_timeline(ticket, recent=None)

    assert timeline.hidden
    assert timeline.first_message.body_text == "The original question"
    assert [entry.body_text for entry in timeline.entries] == ["Note 5", "Note 6", "Note 7"]
    assert not everything.hidden and everything.first_message is None
    assert len(everything.entries) == 1 + 8 + 1  # the messages and the "created" activity


def test_a_long_timeline_costs_four_queries_however_long(ona, django_assert_num_queries):
    ticket = make_ticket()
    for number in range(8):
        ticket_add_note(ticket=ticket, by=ona, body=f"Note {number}")

    # Newest messages, newest activity, the first message, and the attachments of all of them.
    with django_assert_num_queries(4):
        [list(entry.attachments.all()) for entry in ticket_timeline(ticket, recent=3).entries]


def test_the_ticket_page_loads_its_side_panels_up_front(ona, first_line, django_assert_num_queries):
    requester = CustomerFactory(organization=OrganizationFactory())
    ticket = make_ticket(requester=requester, team=first_line, assignee=ona, tags=["a", "b", "c"])
    for _ in range(3):
        ticket_link(ticket=ticket, other=make_ticket(), by=ona)

    loaded = ticket_page_ticket(ona, ticket.pk)

    with django_assert_num_queries(0):
        panels = (loaded.requester.organization.name, loaded.assignee, loaded.team.name, loaded.merged_into)
        tags = [tag.name for tag in loaded.tags.all()]
        related = [(other.subject, other.status) for other in loaded.related.all()]

    assert panels == (requester.organization.name, ona, "First line", None)
    assert (len(tags), len(related)) == (3, 3)


def test_the_ticket_page_is_a_404_for_a_ticket_of_another_team(ona, billing):
    with pytest.raises(Http404):
        ticket_page_ticket(ona, make_ticket(team=billing).pk)


def test_other_open_tickets_of_the_requester_are_listed_newest_first(ona, billing, alice_customer):
    ticket = make_ticket(requester=alice_customer, now=NOW)
    older = make_ticket(requester=alice_customer, now=NOW - timedelta(days=2))
    newer = make_ticket(requester=alice_customer, now=NOW - timedelta(days=1))
    put_in_status(make_ticket(requester=alice_customer), Status.SOLVED)
    make_ticket(requester=alice_customer, team=billing)  # hidden from Ona
    make_ticket()  # someone else's

    assert requester_other_open_tickets(ticket, ona) == [newer, older]
    assert requester_other_open_tickets(ticket, ona, limit=1) == [newer]
