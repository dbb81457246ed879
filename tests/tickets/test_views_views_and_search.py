"""Saved views (filters and sorts), search filters and following tickets, over HTTP."""

from datetime import timedelta

from django.utils import timezone

from tests.factories import make_ticket
from tickets.models import SavedView, Ticket


def test_a_saved_view_sorted_by_creation_lists_newest_created_first(desk, team):
    older = make_ticket(team=team, subject="Older", now=timezone.now() - timedelta(days=2))
    newer = make_ticket(team=team, subject="Newer", now=timezone.now() - timedelta(days=1))
    Ticket.objects.filter(pk=older.pk).update(updated_at=timezone.now())  # most recently updated

    desk.post("/desk/views/new/", {"name": "By creation", "sort": "created"})
    view = SavedView.objects.get()
    rows = desk.get(f"/desk/views/saved-{view.pk}/").context["rows"]

    assert [row.pk for row in rows] == [newer.pk, older.pk]


def test_a_saved_view_filters_by_assignee_and_update_range(desk, team, ona):
    mine = make_ticket(team=team, assignee=ona, subject="Mine recent")
    make_ticket(team=team, subject="Nobody's")
    stale = make_ticket(team=team, assignee=ona, subject="Mine stale")
    Ticket.objects.filter(pk=stale.pk).update(updated_at=timezone.now() - timedelta(days=30))

    desk.post(
        "/desk/views/new/",
        {
            "name": "Mine this week",
            "assignee": [ona.pk],
            "updated_after": (timezone.now() - timedelta(days=7)).strftime("%Y-%m-%dT%H:%M"),
            "sort": "updated",
        },
    )
    rows = desk.get(f"/desk/views/saved-{SavedView.objects.get().pk}/").context["rows"]

    assert [row.pk for row in rows] == [mine.pk]


def test_a_saved_view_without_a_name_is_refused(desk):
    response = desk.post("/desk/views/new/", {"name": "", "sort": "updated"})

    assert response.status_code == 200
    assert "This field is required." in response.content.decode()
    assert not SavedView.objects.exists()


def test_agents_cannot_share_views_but_supervisors_can(client, ona, aino):
    client.force_login(ona)
    client.post("/desk/views/new/", {"name": "Agent view", "shared": "on", "sort": "updated"})
    client.force_login(aino)
    client.post("/desk/views/new/", {"name": "Team view", "shared": "on", "sort": "updated"})

    assert dict(SavedView.objects.values_list("name", "shared")) == {"Agent view": False, "Team view": True}


def test_a_shared_view_appears_for_every_agent_but_only_its_owner_deletes_it(client, ona, aino):
    client.force_login(aino)
    client.post("/desk/views/new/", {"name": "Team view", "shared": "on", "sort": "updated"})
    view = SavedView.objects.get()

    client.force_login(ona)
    assert "Team view" in client.get("/desk/views/open/").content.decode()
    assert client.post(f"/desk/views/saved-{view.pk}/delete/").status_code == 404
    assert SavedView.objects.exists()


def test_search_results_can_be_filtered_by_status(desk, team):
    make_ticket(team=team, subject="Printer jam in office")
    solved = make_ticket(team=team, subject="Printer toner low")
    Ticket.objects.filter(pk=solved.pk).update(status="solved")

    rows = desk.get("/desk/search/?q=printer&status=solved").context["rows"]

    assert [row.pk for row in rows] == [solved.pk]


def test_an_agent_follows_and_unfollows_a_ticket(desk, team, ona):
    ticket = make_ticket(team=team)

    desk.post(f"/desk/tickets/{ticket.pk}/follow/", {"follow": "1"})
    assert list(ticket.followers.all()) == [ona]
    assert "Stop following" in desk.get(f"/desk/tickets/{ticket.pk}/").content.decode()

    desk.post(f"/desk/tickets/{ticket.pk}/follow/", {"follow": "0"})
    assert not ticket.followers.exists()


def test_the_preview_card_shows_one_ticket(desk, team):
    ticket = make_ticket(team=team, subject="Tiny card")

    response = desk.get(f"/desk/tickets/{ticket.pk}/preview/")

    assert "Tiny card" in response.content.decode()
    assert b"<html" not in response.content
