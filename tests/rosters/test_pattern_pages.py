"""A team's weekly shift patterns: list, add (overlaps refused like shifts), end and delete; who may."""

from datetime import date, time

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from backoffice.rosters.models import Shift, ShiftPattern
from backoffice.rosters.services import (
    roster_generate_week,
    shift_create,
    shift_pattern_create,
    shift_pattern_end,
)
from tests.rosters.factories import agent, at, team_of

pytestmark = pytest.mark.django_db
HTMX = {"HX-Request": "true"}
MONDAY = date(2026, 11, 30)


def url(name, *args):
    return reverse(f"backoffice:rosters:{name}", args=args)


def pattern_post(person, weekday=0, start="08:00", end="16:00", **changes):
    data = {
        "agent": person.pk,
        "weekday": weekday,
        "start_time": start,
        "end_time": end,
        "valid_from": "2026-11-30",
        "valid_until": "",
        "time_zone": "Europe/Vilnius",
    }
    return data | changes


def make_pattern(person, team, weekday=0, start=8, end=16, **fields):
    fields = {"valid_from": MONDAY, "time_zone": "Europe/Vilnius"} | fields
    return shift_pattern_create(
        agent=person,
        team=team,
        weekday=weekday,
        start_time=time(start),
        end_time=time(end),
        by=None,
        **fields,
    )


@pytest.mark.parametrize(
    ("who", "status"), [("boss", 200), ("clerk", 200), ("ona", 200), ("outsider", 404), ("customer", 403)]
)
def test_patterns_are_visible_to_whoever_sees_the_team(client, crew, who, status):
    users = {"outsider": agent("Olga Outsider")}
    client.force_login(users.get(who) or getattr(crew, who))
    assert client.get(url("patterns", crew.team.pk)).status_code == status


def test_the_list_shows_every_pattern_in_a_fixed_number_of_queries(
    client, crew, django_assert_max_num_queries
):
    for weekday in range(5):
        make_pattern(crew.ona, crew.team, weekday=weekday)
        make_pattern(crew.jonas, crew.team, weekday=weekday, start=12, end=20)
    make_pattern(crew.jonas, crew.team, weekday=5, start=22, end=6, valid_until=date(2026, 12, 1))
    client.force_login(crew.boss)
    with django_assert_max_num_queries(7):  # session, user, team, patterns, members (+2 spare)
        response = client.get(url("patterns", crew.team.pk))
    html = response.content.decode()
    assert html.count('data-testid="pattern-row"') == 11
    assert "22:00–06:00" in html and "(next day)" in html and "Add a weekly pattern" in html


def test_the_week_grid_links_to_the_patterns(client, crew):
    client.force_login(crew.ona)
    html = client.get(url("week", crew.team.pk)).content.decode()
    assert url("patterns", crew.team.pk) in html


def test_agents_and_back_office_see_patterns_read_only(client, crew):
    make_pattern(crew.ona, crew.team)
    for person in (crew.ona, crew.clerk):
        client.force_login(person)
        html = client.get(url("patterns", crew.team.pk)).content.decode()
        assert "08:00–16:00" in html and "Add a weekly pattern" not in html and "pattern-form" not in html


def test_a_supervisor_adds_a_pattern_that_the_week_copy_uses(client, crew):
    client.force_login(crew.boss)
    response = client.post(url("patterns", crew.team.pk), pattern_post(crew.ona, weekday=2), headers=HTMX)
    assert response.status_code == 200 and "08:00–16:00" in response.content.decode()
    pattern = ShiftPattern.objects.get()
    assert (pattern.agent, pattern.weekday, pattern.time_zone) == (crew.ona, 2, "Europe/Vilnius")
    created, _skipped = roster_generate_week(team=crew.team, week_start=MONDAY, by=crew.boss)
    assert [shift.start.date() for shift in created] == [date(2026, 12, 2)]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (
            {"start_time": "15:00", "end_time": "18:00"},
            "Ona already has a weekly pattern then (Monday 08:00–16:00",
        ),
        # Sunday night into Monday morning meets Monday's pattern.
        ({"weekday": 6, "start_time": "22:00", "end_time": "09:00"}, "Ona already has a weekly pattern then"),
        ({"valid_until": "2026-11-01"}, "The pattern must end on or after its first day."),
        ({"end_time": "08:00", "start_time": "08:00"}, "The end must differ from the start."),
        ({"time_zone": "Mars/Olympus"}, "Mars/Olympus is not one of the available choices"),
    ],
)
def test_bad_patterns_are_refused_clearly_and_nothing_saved(client, crew, data, message):
    make_pattern(crew.ona, crew.team)
    client.force_login(crew.boss)
    response = client.post(url("patterns", crew.team.pk), pattern_post(crew.ona, **data))
    assert response.status_code == 400
    assert message in response.content.decode()
    assert ShiftPattern.objects.count() == 1


def test_patterns_of_another_team_and_other_time_zones_count_as_overlaps():
    ona = agent("Ona Kazlauskaitė")
    first, second = team_of(ona, name="First line"), team_of(ona, name="Second line")
    make_pattern(ona, first, start=8, end=16)
    # 16:00 in Helsinki is 16:00 in Vilnius (same offset); in London, 08:00 is 10:00 in Vilnius.
    make_pattern(ona, second, start=16, end=20, time_zone="Europe/Helsinki")
    with pytest.raises(ValidationError, match="already has a weekly pattern then .*First line"):
        make_pattern(ona, second, start=8, end=10, time_zone="Europe/London")


def test_patterns_that_never_run_at_the_same_time_do_not_clash():
    ona = agent("Ona Kazlauskaitė")
    team = team_of(ona)
    make_pattern(ona, team, valid_until=date(2026, 12, 13))
    make_pattern(ona, team, valid_from=date(2026, 12, 14), start=10, end=18)  # after the first one ends
    make_pattern(ona, team, start=16, end=20, valid_until=date(2026, 12, 13))  # right after the first
    assert ShiftPattern.objects.count() == 3


def test_a_pattern_is_ended_and_then_deleted_keeping_its_shifts(client, crew):
    pattern = make_pattern(crew.ona, crew.team)
    roster_generate_week(team=crew.team, week_start=MONDAY, by=None)
    client.force_login(crew.boss)
    response = client.post(
        url("pattern_end", crew.team.pk, pattern.pk), {"end-until": "2026-12-20"}, headers=HTMX
    )
    assert response.status_code == 200 and "20 Dec 2026" in response.content.decode()
    pattern.refresh_from_db()
    assert pattern.valid_until == date(2026, 12, 20)
    assert client.post(url("pattern_delete", crew.team.pk, pattern.pk)).status_code == 302
    assert not ShiftPattern.objects.exists()
    assert Shift.objects.get().pattern is None


def test_ending_before_the_first_day_or_extending_into_an_overlap_is_refused(client, crew):
    pattern = make_pattern(crew.ona, crew.team, valid_until=date(2026, 12, 6))
    make_pattern(crew.ona, crew.team, valid_from=date(2026, 12, 7), start=12, end=20)
    client.force_login(crew.boss)
    response = client.post(url("pattern_end", crew.team.pk, pattern.pk), {"end-until": "2026-11-01"})
    assert response.status_code == 400 and "cannot be before the pattern&#x27;s first day" in (
        response.content.decode()
    )
    with pytest.raises(ValidationError, match="already has a weekly pattern then"):
        shift_pattern_end(pattern=pattern, until=date(2026, 12, 31), by=crew.boss)
    pattern.refresh_from_db()
    assert pattern.valid_until == date(2026, 12, 6)


def test_agents_and_back_office_cannot_change_patterns(client, crew):
    pattern = make_pattern(crew.ona, crew.team)
    for person in (crew.ona, crew.clerk):
        client.force_login(person)
        assert (
            client.post(url("patterns", crew.team.pk), pattern_post(crew.ona, weekday=3)).status_code == 403
        )
        assert (
            client.post(url("pattern_end", crew.team.pk, pattern.pk), {"end-until": "2026-12-01"}).status_code
            == 403
        )
        assert client.post(url("pattern_delete", crew.team.pk, pattern.pk)).status_code == 403
    pattern.refresh_from_db()
    assert pattern.valid_until is None and ShiftPattern.objects.count() == 1


def test_a_pattern_of_another_team_is_404(client, crew):
    other = team_of(crew.jonas, name="Second line")
    pattern = make_pattern(crew.jonas, other)
    client.force_login(crew.boss)
    assert client.post(url("pattern_delete", crew.team.pk, pattern.pk)).status_code == 404
    assert ShiftPattern.objects.filter(pk=pattern.pk).exists()


def test_only_members_get_patterns(client, crew):
    client.force_login(crew.boss)
    response = client.post(url("patterns", crew.team.pk), pattern_post(crew.boss))
    assert response.status_code == 400 and "Select a valid choice" in response.content.decode()
    with pytest.raises(ValidationError, match="is not a member of First line"):
        make_pattern(crew.boss, crew.team)


def test_a_repeating_shift_refused_for_an_overlap_leaves_no_pattern_behind(client, crew):
    shift_create(
        agent=crew.ona, team=crew.team, start=at(2026, 11, 30, 12), end=at(2026, 11, 30, 20), by=None
    )
    client.force_login(crew.boss)
    data = {
        "agent": crew.ona.pk,
        "day": "2026-11-30",
        "start_time": "08:00",
        "end_time": "16:00",
        "repeat": "on",
        "week": "2026-11-30",
    }
    response = client.post(url("shift_add", crew.team.pk), data)
    assert response.status_code == 400 and "Ona already has a shift then" in response.content.decode()
    assert not ShiftPattern.objects.exists() and Shift.objects.count() == 1
