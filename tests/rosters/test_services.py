"""Shifts, overlaps, weekly patterns, time off, and the routing API (on_shift_now, available_agents)."""

from datetime import date, time, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from backoffice.rosters.models import Shift, TimeOffStatus
from backoffice.rosters.selectors import available_agents, calendar_for_team, on_shift_now, team_week
from backoffice.rosters.services import (
    roster_generate_week,
    shift_create,
    shift_pattern_create,
    time_off_decide,
    time_off_request,
)
from tests.factories import make_ticket
from tests.rosters.factories import agent, at, team_of

pytestmark = pytest.mark.django_db
MONDAY = date(2026, 11, 30)


@pytest.fixture
def boss():
    return agent("Aino Virtanen", role="supervisor")


def test_a_supervisor_adds_a_shift(boss):
    ona = agent("Ona Kazlauskaitė")
    team = team_of(ona)
    shift = shift_create(agent=ona, team=team, start=at(2026, 11, 30, 8), end=at(2026, 11, 30, 16), by=boss)
    assert shift.created_by == boss


def test_an_overlapping_shift_is_refused_with_a_clear_error_and_nothing_changes(boss):
    ona = agent("Ona Kazlauskaitė")
    team, other = team_of(ona), team_of(ona, name="Billing")
    shift_create(agent=ona, team=team, start=at(2026, 11, 30, 8), end=at(2026, 11, 30, 16), by=boss)
    with pytest.raises(ValidationError, match="Ona already has a shift then .*First line"):
        shift_create(agent=ona, team=other, start=at(2026, 11, 30, 15), end=at(2026, 11, 30, 20), by=boss)
    assert Shift.objects.count() == 1


def test_back_to_back_shifts_are_not_an_overlap(boss):
    ona = agent("Ona Kazlauskaitė")
    team = team_of(ona)
    shift_create(agent=ona, team=team, start=at(2026, 11, 30, 8), end=at(2026, 11, 30, 16), by=boss)
    shift_create(agent=ona, team=team, start=at(2026, 11, 30, 16), end=at(2026, 11, 30, 20), by=boss)
    assert Shift.objects.count() == 2


@pytest.mark.parametrize(
    ("start", "end", "message"),
    [
        (at(2026, 11, 30, 16), at(2026, 11, 30, 8), "end must be after"),
        (at(2026, 11, 30, 8), at(2026, 12, 1, 9), "at most 24 hours"),
    ],
)
def test_bad_shift_times_are_refused(boss, start, end, message):
    ona = agent("Ona Kazlauskaitė")
    with pytest.raises(ValidationError, match=message):
        shift_create(agent=ona, team=team_of(ona), start=start, end=end, by=boss)


def test_only_members_of_the_team_get_its_shifts(boss):
    ona, jonas = agent("Ona Kazlauskaitė"), agent("Jonas Jonaitis")
    with pytest.raises(ValidationError, match="not a member"):
        shift_create(
            agent=jonas, team=team_of(ona), start=at(2026, 11, 30, 8), end=at(2026, 11, 30, 9), by=boss
        )


def test_agents_and_back_office_staff_cannot_write_rosters():
    ona = agent("Ona Kazlauskaitė")
    team = team_of(ona)
    for role in ("agent", "backoffice"):
        someone = agent(f"Someone{role} X", role=role)
        with pytest.raises(PermissionDenied):
            shift_create(agent=ona, team=team, start=at(2026, 11, 30, 8), end=at(2026, 11, 30, 9), by=someone)


def test_patterns_become_a_week_of_shifts_once(boss):
    ona = agent("Ona Kazlauskaitė")
    team = team_of(ona)
    for weekday in range(5):
        shift_pattern_create(
            agent=ona,
            team=team,
            weekday=weekday,
            start_time=time(8),
            end_time=time(16),
            valid_from=date(2026, 11, 1),
            time_zone="Europe/Vilnius",
            by=boss,
        )
    created, skipped = roster_generate_week(team=team, week_start=MONDAY, by=boss)
    assert len(created) == 5 and skipped == []
    again, _skipped = roster_generate_week(team=team, week_start=MONDAY + timedelta(days=2), by=boss)
    assert again == []
    assert Shift.objects.count() == 5
    assert Shift.objects.order_by("start").first().start == at(2026, 11, 30, 8)


def test_a_night_pattern_ends_the_next_morning_and_respects_validity(boss):
    ona = agent("Ona Kazlauskaitė")
    team = team_of(ona)
    shift_pattern_create(
        agent=ona,
        team=team,
        weekday=6,
        start_time=time(22),
        end_time=time(6),
        valid_from=date(2026, 11, 1),
        valid_until=date(2026, 11, 30),
        time_zone="Europe/Vilnius",
        by=boss,
    )
    assert roster_generate_week(team=team, week_start=MONDAY, by=boss)[0] == []  # Sunday 6 Dec is past
    created, _skipped = roster_generate_week(team=team, week_start=MONDAY - timedelta(days=7), by=boss)
    assert (created[0].start, created[0].end) == (at(2026, 11, 29, 22), at(2026, 11, 30, 6))


def test_a_pattern_day_that_overlaps_a_single_shift_is_skipped_and_reported(boss):
    ona = agent("Ona Kazlauskaitė")
    team = team_of(ona)
    shift_create(agent=ona, team=team, start=at(2026, 11, 30, 12), end=at(2026, 11, 30, 20), by=boss)
    shift_pattern_create(
        agent=ona,
        team=team,
        weekday=0,
        start_time=time(8),
        end_time=time(16),
        valid_from=date(2026, 11, 1),
        time_zone="Europe/Vilnius",
        by=boss,
    )
    created, skipped = roster_generate_week(team=team, week_start=MONDAY, by=boss)
    assert created == [] and "already has a shift" in skipped[0]


def test_an_agent_requests_time_off_and_a_supervisor_approves_it_which_removes_overlapping_shifts(boss):
    ona = agent("Ona Kazlauskaitė")
    team = team_of(ona)
    shift_create(agent=ona, team=team, start=at(2026, 11, 30, 8), end=at(2026, 11, 30, 16), by=boss)
    kept = shift_create(agent=ona, team=team, start=at(2026, 12, 2, 8), end=at(2026, 12, 2, 16), by=boss)
    off = time_off_request(agent=ona, start=at(2026, 11, 30), end=at(2026, 12, 2), reason="Dentist", by=ona)
    assert off.status == TimeOffStatus.REQUESTED
    time_off_decide(time_off=off, approve=True, by=boss, now=at(2026, 11, 24, 9))
    off.refresh_from_db()
    assert (off.status, off.decided_by, off.decided_at) == (TimeOffStatus.APPROVED, boss, at(2026, 11, 24, 9))
    assert list(Shift.objects.all()) == [kept]
    with pytest.raises(ValidationError, match="already been decided"):
        time_off_decide(time_off=off, approve=False, by=boss, now=at(2026, 11, 24, 9))


def test_approved_time_off_keeps_patterns_from_refilling_the_gap(boss):
    ona = agent("Ona Kazlauskaitė")
    team = team_of(ona)
    shift_pattern_create(
        agent=ona,
        team=team,
        weekday=0,
        start_time=time(8),
        end_time=time(16),
        valid_from=date(2026, 11, 1),
        time_zone="Europe/Vilnius",
        by=boss,
    )
    off = time_off_request(agent=ona, start=at(2026, 11, 30), end=at(2026, 12, 1), reason="", by=ona)
    time_off_decide(time_off=off, approve=True, by=boss, now=at(2026, 11, 24, 9))
    assert roster_generate_week(team=team, week_start=MONDAY, by=boss)[0] == []


def test_a_rejected_request_keeps_the_shifts(boss):
    ona = agent("Ona Kazlauskaitė")
    team = team_of(ona)
    shift_create(agent=ona, team=team, start=at(2026, 11, 30, 8), end=at(2026, 11, 30, 16), by=boss)
    off = time_off_request(agent=ona, start=at(2026, 11, 30), end=at(2026, 12, 1), reason="", by=ona)
    time_off_decide(time_off=off, approve=False, by=boss, now=at(2026, 11, 24, 9))
    assert off.__class__.objects.get().status == TimeOffStatus.REJECTED
    assert Shift.objects.count() == 1


def test_agents_cannot_request_for_others_nor_decide(boss):
    ona, jonas = agent("Ona Kazlauskaitė"), agent("Jonas Jonaitis")
    with pytest.raises(PermissionDenied):
        time_off_request(agent=jonas, start=at(2026, 11, 30), end=at(2026, 12, 1), reason="", by=ona)
    off = time_off_request(agent=ona, start=at(2026, 11, 30), end=at(2026, 12, 1), reason="", by=ona)
    with pytest.raises(PermissionDenied):
        time_off_decide(time_off=off, approve=True, by=jonas, now=at(2026, 11, 24, 9))


def test_a_supervisor_cannot_approve_their_own_time_off(boss):
    off = time_off_request(agent=boss, start=at(2026, 11, 30), end=at(2026, 12, 1), reason="", by=boss)
    with pytest.raises(PermissionDenied, match="Someone else"):
        time_off_decide(time_off=off, approve=True, by=boss, now=at(2026, 11, 24, 9))


def test_time_off_ending_before_it_starts_is_refused():
    ona = agent("Ona Kazlauskaitė")
    with pytest.raises(ValidationError, match="end must be after"):
        time_off_request(agent=ona, start=at(2026, 12, 1), end=at(2026, 11, 30), reason="", by=ona)


def test_on_shift_now_lists_who_is_on_shift_and_not_on_approved_leave(boss):
    ona, jonas, rasa = agent("Ona Kazlauskaitė"), agent("Jonas Jonaitis"), agent("Rasa Petraitė")
    team = team_of(ona, jonas, rasa)
    for person in (ona, jonas):
        shift_create(agent=person, team=team, start=at(2026, 11, 30, 8), end=at(2026, 11, 30, 16), by=boss)
    shift_create(agent=rasa, team=team, start=at(2026, 11, 30, 16), end=at(2026, 11, 30, 22), by=boss)
    # Leave approved after the shift was planned, then a shift added again by hand: leave still wins.
    off = time_off_request(
        agent=jonas, start=at(2026, 11, 30, 12), end=at(2026, 11, 30, 13), reason="", by=jonas
    )
    time_off_decide(time_off=off, approve=True, by=boss, now=at(2026, 11, 24))
    shift_create(agent=jonas, team=team, start=at(2026, 11, 30, 8), end=at(2026, 11, 30, 16), by=boss)
    assert on_shift_now(team, now=at(2026, 11, 30, 12, 30)) == [ona]
    assert on_shift_now(team, now=at(2026, 11, 30, 13)) == [jonas, ona]
    assert on_shift_now(team, now=at(2026, 11, 30, 16)) == [rasa]
    assert on_shift_now(team, now=at(2026, 11, 30, 23)) == []


def test_available_agents_filters_by_skills_language_pause_and_capacity(boss, django_assert_max_num_queries):
    ona = agent("Ona Kazlauskaitė", skills=["billing", "networks"], languages=["lt", "en"], max_open=2)
    jonas = agent("Jonas Jonaitis", skills=["billing"], languages=["lt"])
    paused = agent("Paula Paused", skills=["billing"], languages=["lt"], paused=True)
    full = agent("Fulla Busy", skills=["billing"], languages=["lt"], max_open=1)
    team = team_of(ona, jonas, paused, full)
    for person in (ona, jonas, paused, full):
        shift_create(agent=person, team=team, start=at(2026, 11, 30, 8), end=at(2026, 11, 30, 16), by=boss)
    make_ticket(team=team, assignee=full)
    make_ticket(team=team, assignee=ona)
    now = at(2026, 11, 30, 9)
    with django_assert_max_num_queries(3):
        everyone = available_agents(team, now=now)
    assert everyone == [jonas, ona]  # least loaded first
    assert (everyone[1].open_tickets, everyone[1].max_open_tickets) == (1, 2)
    assert available_agents(team, skills=["billing", "networks"], now=now) == [ona]
    assert available_agents(team, language="en", now=now) == [ona]
    assert available_agents(team, language="fi", now=now) == []
    assert available_agents(team, now=at(2026, 11, 30, 17)) == []


def test_a_team_uses_its_own_calendar_else_the_default():
    from backoffice.rosters.models import BusinessCalendar

    ona = agent("Ona Kazlauskaitė")
    team, other = team_of(ona), team_of(ona, name="Billing")
    assert calendar_for_team(team) is None
    default = BusinessCalendar.objects.create(name="Vilnius office", is_default=True, holiday_country="LT")
    own = BusinessCalendar.objects.create(name="Helsinki", time_zone="Europe/Helsinki", team=team)
    assert calendar_for_team(team) == own
    assert calendar_for_team(other) == default


def test_a_calendar_from_the_database_counts_holidays_and_hours():
    from backoffice.rosters.business_hours import add_business_minutes, business_minutes_between
    from backoffice.rosters.models import BusinessCalendar

    calendar = BusinessCalendar.objects.create(
        name="Vilnius", time_zone="Europe/Vilnius", holiday_country="LT"
    )
    for weekday in range(5):
        calendar.hours.create(weekday=weekday, opens=time(8), closes=time(12))
        calendar.hours.create(weekday=weekday, opens=time(13), closes=time(17))
    calendar.closed_days.create(date=date(2026, 12, 28), name="Stocktaking")
    # 24-26 Dec are holidays in Lithuania, 28 Dec is closed: 23 Dec, 29 Dec and 30 Dec remain.
    assert business_minutes_between(calendar, at(2026, 12, 23), at(2026, 12, 31)) == 3 * 480
    assert add_business_minutes(calendar, at(2026, 12, 23, 16), 120) == at(2026, 12, 29, 9)


def test_the_week_grid_reads_a_fixed_number_of_queries(boss, django_assert_max_num_queries):
    people = [agent(f"Agent{i} X") for i in range(6)]
    team = team_of(*people)
    for i, person in enumerate(people):
        shift_create(
            agent=person, team=team, start=at(2026, 11, 30, 8 + i), end=at(2026, 11, 30, 12 + i), by=boss
        )
    with django_assert_max_num_queries(5):
        grid = team_week(team, MONDAY, at(2026, 11, 30, 9))
    assert len(grid.rows) == 6
    assert grid.coverage[9]["counts"][0] == 2
    assert grid.coverage[3]["counts"][0] == 0  # a gap
    assert len(grid.on_shift_now) == 2
