"""Roster pages: who may see and change what, htmx and plain posts, bad input."""

from datetime import date, timedelta
from unittest import mock

import pytest
from django.urls import reverse

from backoffice.rosters.models import Shift, TimeOff, TimeOffStatus
from backoffice.rosters.services import shift_create, time_off_request
from tests.factories import make_ticket
from tests.rosters.factories import agent, at, team_of
from tickets.models import Ticket

pytestmark = pytest.mark.django_db
MONDAY = date(2026, 11, 30)


@pytest.fixture
def people():
    boss = agent("Aino Virtanen", role="supervisor")
    ona = agent("Ona Kazlauskaitė")
    jonas = agent("Jonas Jonaitis")
    clerk = agent("Bea Backoffice", role="backoffice")
    team = team_of(ona, jonas)
    return boss, ona, jonas, clerk, team


def frozen(moment):
    return mock.patch("django.utils.timezone.now", return_value=moment)


def week_url(team, start=MONDAY):
    return reverse("backoffice:rosters:week", args=[team.pk]) + f"?start={start.isoformat()}"


@pytest.mark.parametrize(
    ("who", "status"), [("boss", 200), ("ona", 200), ("clerk", 200), ("outsider", 404), ("customer", 403)]
)
def test_the_week_grid_is_visible_to_the_right_people(client, people, who, status):
    boss, ona, _jonas, clerk, team = people
    users = {"boss": boss, "ona": ona, "clerk": clerk, "outsider": agent("Olga Outsider")}
    users["customer"] = agent("Cust Omer", role="customer")
    client.force_login(users[who])
    assert client.get(week_url(team)).status_code == status


def test_anonymous_visitors_are_sent_to_sign_in(client, people):
    response = client.get(week_url(people[4]))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_the_grid_shows_shifts_coverage_and_who_is_on_shift_in_fixed_queries(
    client, people, django_assert_max_num_queries
):
    boss, ona, jonas, _clerk, team = people
    shift_create(agent=ona, team=team, start=at(2026, 11, 30, 8), end=at(2026, 11, 30, 16), by=boss)
    shift_create(agent=jonas, team=team, start=at(2026, 12, 1, 8), end=at(2026, 12, 1, 16), by=boss)
    client.force_login(boss)
    with frozen(at(2026, 11, 30, 9)), django_assert_max_num_queries(12):
        response = client.get(week_url(team))
    html = response.content.decode()
    assert "08:00–16:00" in html
    assert 'data-testid="on-shift-now">Ona Kazlauskaitė' in html
    assert "Copy weekly patterns into this week" in html


def test_agents_see_the_grid_read_only(client, people):
    _boss, ona, _jonas, _clerk, team = people
    client.force_login(ona)
    html = client.get(week_url(team)).content.decode()
    assert "Add a shift" not in html and "Copy weekly patterns" not in html


def test_a_bad_start_date_says_so_and_shows_this_week(client, people):
    client.force_login(people[0])
    response = client.get(reverse("backoffice:rosters:week", args=[people[4].pk]) + "?start=next-tuesday")
    assert response.status_code == 200
    assert "is not a date" in response.content.decode()


def test_a_supervisor_adds_a_shift_without_javascript(client, people):
    boss, ona, _jonas, _clerk, team = people
    client.force_login(boss)
    url = reverse("backoffice:rosters:shift_add", args=[team.pk])
    data = {
        "week": "2026-11-30",
        "agent": ona.pk,
        "day": "2026-12-01",
        "start_time": "22:00",
        "end_time": "06:00",
    }
    response = client.post(url, data)
    assert response.status_code == 302
    shift = Shift.objects.get()
    assert (shift.start, shift.end) == (at(2026, 12, 1, 22), at(2026, 12, 2, 6))


def test_an_overlapping_shift_comes_back_with_the_error_by_htmx(client, people):
    boss, ona, _jonas, _clerk, team = people
    shift_create(agent=ona, team=team, start=at(2026, 12, 1, 8), end=at(2026, 12, 1, 16), by=boss)
    client.force_login(boss)
    url = reverse("backoffice:rosters:shift_add", args=[team.pk])
    data = {
        "week": "2026-11-30",
        "agent": ona.pk,
        "day": "2026-12-01",
        "start_time": "12:00",
        "end_time": "18:00",
    }
    response = client.post(url, data, headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert "already has a shift then" in response.content.decode()
    assert Shift.objects.count() == 1
    response = client.post(url, data)
    assert response.status_code == 400


def test_repeat_weekly_saves_a_pattern_that_fills_the_next_week(client, people):
    boss, ona, _jonas, _clerk, team = people
    client.force_login(boss)
    url = reverse("backoffice:rosters:shift_add", args=[team.pk])
    data = {
        "week": "2026-11-30",
        "agent": ona.pk,
        "day": "2026-11-30",
        "start_time": "08:00",
        "end_time": "16:00",
        "repeat": "on",
    }
    client.post(url, data)
    copy = reverse("backoffice:rosters:copy_patterns", args=[team.pk])
    client.post(copy, {"week": "2026-12-07"})
    client.post(copy, {"week": "2026-12-07"})
    assert [s.start for s in Shift.objects.order_by("start")] == [at(2026, 11, 30, 8), at(2026, 12, 7, 8)]


def test_an_agent_cannot_change_the_roster(client, people):
    boss, ona, jonas, _clerk, team = people
    shift = shift_create(agent=jonas, team=team, start=at(2026, 12, 1, 8), end=at(2026, 12, 1, 16), by=boss)
    client.force_login(ona)
    remove = reverse("backoffice:rosters:shift_remove", args=[team.pk, shift.pk])
    assert client.post(remove).status_code == 403
    assert client.post(reverse("backoffice:rosters:copy_patterns", args=[team.pk])).status_code == 403
    assert Shift.objects.count() == 1


def test_a_supervisor_removes_a_shift(client, people):
    boss, _ona, jonas, _clerk, team = people
    shift = shift_create(agent=jonas, team=team, start=at(2026, 12, 1, 8), end=at(2026, 12, 1, 16), by=boss)
    client.force_login(boss)
    response = client.post(
        reverse("backoffice:rosters:shift_remove", args=[team.pk, shift.pk]), headers={"HX-Request": "true"}
    )
    assert response.status_code == 200 and 'id="roster"' in response.content.decode()
    assert not Shift.objects.exists()


def test_an_agent_requests_time_off_and_sees_only_their_own(client, people):
    boss, ona, jonas, _clerk, _team = people
    time_off_request(agent=jonas, start=at(2026, 12, 1), end=at(2026, 12, 2), reason="Jonas' trip", by=jonas)
    client.force_login(ona)
    url = reverse("backoffice:rosters:time_off")
    response = client.post(url, {"start": "2026-12-03T00:00", "end": "2026-12-05T00:00", "reason": "Wedding"})
    assert response.status_code == 302
    off = TimeOff.objects.get(agent=ona)
    assert (off.start, off.status) == (at(2026, 12, 3), TimeOffStatus.REQUESTED)
    html = client.get(url).content.decode()
    assert "Wedding" in html and "Jonas&#x27; trip" not in html and "Approve" not in html
    assert client.post(reverse("backoffice:rosters:time_off_decide", args=[off.pk])).status_code == 403


def test_time_off_with_the_end_first_is_refused_and_nothing_saved(client, people):
    client.force_login(people[1])
    response = client.post(
        reverse("backoffice:rosters:time_off"), {"start": "2026-12-05T00:00", "end": "2026-12-03T00:00"}
    )
    assert response.status_code == 400
    assert "The end must be after the start." in response.content.decode()
    assert not TimeOff.objects.exists()


def test_a_supervisor_approves_and_rejects(client, people):
    boss, ona, jonas, _clerk, _team = people
    first = time_off_request(agent=ona, start=at(2026, 12, 1), end=at(2026, 12, 2), reason="", by=ona)
    second = time_off_request(agent=jonas, start=at(2026, 12, 1), end=at(2026, 12, 2), reason="", by=jonas)
    client.force_login(boss)
    client.post(reverse("backoffice:rosters:time_off_decide", args=[first.pk]), {"decision": "approve"})
    client.post(reverse("backoffice:rosters:time_off_decide", args=[second.pk]), {"decision": "reject"})
    statuses = dict(TimeOff.objects.values_list("agent__full_name", "status"))
    assert statuses == {"Ona Kazlauskaitė": "approved", "Jonas Jonaitis": "rejected"}
    response = client.post(
        reverse("backoffice:rosters:time_off_decide", args=[first.pk]), {"decision": "reject"}
    )
    assert response.status_code == 302
    assert TimeOff.objects.get(pk=first.pk).status == "approved"


def test_the_staffing_view_highlights_hours_with_too_few_agents(client, people, settings):
    boss, ona, _jonas, clerk, team = people
    settings.ROSTER_TICKETS_PER_AGENT_HOUR = 1
    # Four Mondays 09:xx with 8 tickets each (2 expected per Monday 09:00), one agent scheduled.
    for weeks in range(1, 5):
        for _n in range(2):
            ticket = make_ticket(team=team)
            Ticket.objects.filter(pk=ticket.pk).update(
                created_at=at(2026, 11, 30, 9, 15) - timedelta(weeks=weeks)
            )
    shift_create(agent=ona, team=team, start=at(2026, 11, 30, 8), end=at(2026, 11, 30, 16), by=boss)
    client.force_login(clerk)
    with frozen(at(2026, 11, 29, 12)):
        response = client.get(reverse("backoffice:rosters:staffing", args=[team.pk]) + "?start=2026-11-30")
    html = response.content.decode()
    assert response.status_code == 200
    assert html.count('data-testid="understaffed"') == 1
    assert "2.0 / 1" in html


def test_the_back_office_home_and_the_desk_link_to_rosters(client, people):
    boss, _ona, _jonas, clerk, _team = people
    client.force_login(clerk)
    assert reverse("backoffice:rosters:index") in client.get(reverse("backoffice:home")).content.decode()
    client.force_login(boss)
    response = client.get(reverse("backoffice:rosters:index"))
    assert "First line" in response.content.decode()


def test_time_off_staffing_and_index_pages_read_a_fixed_number_of_queries(
    client, people, django_assert_max_num_queries
):
    boss, ona, jonas, _clerk, team = people
    for person in (ona, jonas, boss):
        for day in (1, 2, 3):
            time_off_request(
                agent=person, start=at(2026, 12, day), end=at(2026, 12, day, 12), reason="", by=person
            )
            if person != boss:
                start = at(2026, 12, day, 13 if person == ona else 15)
                shift_create(agent=person, team=team, start=start, end=start + timedelta(hours=1), by=boss)
    client.force_login(boss)
    with django_assert_max_num_queries(10):
        assert client.get(reverse("backoffice:rosters:time_off")).status_code == 200
    with django_assert_max_num_queries(12):
        assert client.get(reverse("backoffice:rosters:staffing", args=[team.pk])).status_code == 200
    with django_assert_max_num_queries(8):
        assert client.get(reverse("backoffice:rosters:index")).status_code == 200
