"""Who else has a ticket open, and who is typing."""

from datetime import UTC, datetime, timedelta

from tests.factories import UserFactory, make_ticket
from tickets.models import TicketPresence
from tickets.services import presence_others, presence_touch
from tickets.services.presence import PRESENCE_TTL, presence_leave

NOW = datetime(2024, 5, 6, 7, 8, 9, tzinfo=UTC)


def test_touching_a_ticket_again_updates_the_one_presence_row(ona):
    ticket = make_ticket()

    presence_touch(ticket=ticket, user=ona, typing=False, now=NOW)
    presence_touch(ticket=ticket, user=ona, typing=True, now=NOW + timedelta(seconds=5))

    presence = TicketPresence.objects.get()
    assert (presence.user, presence.typing, presence.seen_at) == (ona, True, NOW + timedelta(seconds=5))


def test_others_are_the_recent_viewers_but_me_sorted_by_name(ona, aino):
    ticket = make_ticket()
    zed = UserFactory(role="agent", full_name="Zed Zimmer")
    gone = UserFactory(role="agent", full_name="Gone Away")
    presence_touch(ticket=ticket, user=ona, typing=False, now=NOW)
    presence_touch(ticket=ticket, user=zed, typing=True, now=NOW)
    presence_touch(ticket=ticket, user=aino, typing=False, now=NOW - PRESENCE_TTL)
    presence_touch(ticket=ticket, user=gone, typing=False, now=NOW - PRESENCE_TTL - timedelta(seconds=1))
    presence_touch(ticket=make_ticket(), user=UserFactory(role="agent"), typing=False, now=NOW)

    others = presence_others(ticket=ticket, user=ona, now=NOW)

    assert [(presence.user, presence.typing) for presence in others] == [(aino, False), (zed, True)]


def test_leaving_a_ticket_removes_only_my_presence(ona, aino):
    ticket = make_ticket()
    presence_touch(ticket=ticket, user=ona, typing=False, now=NOW)
    presence_touch(ticket=ticket, user=aino, typing=False, now=NOW)

    presence_leave(ticket=ticket, user=ona)

    assert [presence.user for presence in TicketPresence.objects.all()] == [aino]
