"""Business-calendar pages: the list, settings, the weekly-hours editor, closed and extra open days, the
public holidays and the two-week preview; who may do what; bad input."""

from datetime import date, time
from unittest import mock

import pytest
from django.urls import reverse

from backoffice.rosters.business_hours import business_minutes_between
from backoffice.rosters.models import BusinessCalendar, ClosedDay, ExtraOpenDay, WeeklyHours
from tests.rosters.factories import at

pytestmark = pytest.mark.django_db
HTMX = {"HX-Request": "true"}
# Monday 14 December 2026, 10:00 in Vilnius: Christmas Eve (Thursday 24th) is in the preview.
NOW = at(2026, 12, 14, 10)


@pytest.fixture
def frozen():
    """The clock at NOW for the whole test (sign in under it too, or the session looks expired)."""
    with mock.patch("django.utils.timezone.now", return_value=NOW):
        yield


@pytest.fixture
def office(crew):
    calendar = BusinessCalendar.objects.create(
        name="Vilnius office", time_zone="Europe/Vilnius", holiday_country="LT", is_default=True
    )
    for weekday in range(5):
        WeeklyHours.objects.create(calendar=calendar, weekday=weekday, opens=time(9), closes=time(17))
    return calendar


def url(name, *args):
    return reverse(f"backoffice:rosters:{name}", args=args)


def hours_post(days, opens, closes, overnight=False):
    data = {"hours-weekdays": [str(day) for day in days], "hours-opens": opens, "hours-closes": closes}
    return data | ({"hours-overnight": "on"} if overnight else {})


# --- Who may see and change calendars.


@pytest.mark.parametrize(("who", "status"), [("clerk", 200), ("boss", 200), ("admin", 200), ("ona", 403)])
def test_calendars_are_for_back_office_supervisors_and_admins(client, crew, office, who, status):
    client.force_login(getattr(crew, who))
    assert client.get(url("calendars")).status_code == status
    assert client.get(url("calendar", office.pk)).status_code == status


def test_customers_are_refused_and_visitors_sent_to_sign_in(client, crew, office):
    assert "/accounts/login/" in client.get(url("calendars"))["Location"]
    client.force_login(crew.customer)
    assert client.get(url("calendar", office.pk)).status_code == 403


def test_an_agent_cannot_add_hours_or_days(client, crew, office):
    client.force_login(crew.ona)
    assert (
        client.post(url("calendar_hours_add", office.pk), hours_post([5], "10:00", "14:00")).status_code
        == 403
    )
    response = client.post(url("calendar_open_add", office.pk), {"open-date": "2026-12-24"})
    assert response.status_code == 403
    assert office.hours.count() == 5 and not office.extra_open_days.exists()


def test_a_missing_calendar_is_404(client, crew):
    client.force_login(crew.clerk)
    assert client.get(url("calendar", 999999)).status_code == 404


# --- The list and the settings.


def test_the_list_shows_each_calendar_in_a_fixed_number_of_queries(
    client, crew, office, django_assert_max_num_queries
):
    for name in ("Riga", "Helsinki", "Warsaw"):
        calendar = BusinessCalendar.objects.create(name=name, time_zone="Europe/Riga")
        ClosedDay.objects.create(calendar=calendar, date=date(2099, 1, 2))
    client.force_login(crew.clerk)
    with django_assert_max_num_queries(4):  # session, user, calendars (+1 spare)
        response = client.get(url("calendars"))
    html = response.content.decode()
    assert html.count('data-testid="calendar-row"') == 4
    assert "Vilnius office" in html and "Default" in html


def test_back_office_creates_a_team_calendar(client, crew):
    client.force_login(crew.clerk)
    data = {"name": " Riga desk ", "time_zone": "Europe/Riga", "team": crew.team.pk, "holiday_country": "LV"}
    response = client.post(url("calendar_new"), data)
    calendar = BusinessCalendar.objects.get()
    assert response.status_code == 302 and response["Location"] == url("calendar", calendar.pk)
    assert (calendar.name, calendar.team, calendar.holiday_country) == ("Riga desk", crew.team, "LV")


def test_a_second_default_calendar_is_refused_clearly(client, crew, office):
    client.force_login(crew.boss)
    data = {"name": "Another", "time_zone": "Europe/Vilnius", "is_default": "on"}
    response = client.post(url("calendar_new"), data)
    assert response.status_code == 400
    assert "“Vilnius office” is already the default calendar" in response.content.decode()
    assert BusinessCalendar.objects.count() == 1


def test_a_bad_time_zone_or_a_team_and_default_at_once_are_refused(client, crew, office):
    client.force_login(crew.clerk)
    response = client.post(url("calendar_new"), {"name": "Mars base", "time_zone": "Mars/Olympus"})
    assert response.status_code == 400 and "Mars/Olympus is not one of the available choices" in (
        response.content.decode()
    )
    data = {"name": "Vilnius office", "time_zone": "Europe/Vilnius", "is_default": "on", "team": crew.team.pk}
    response = client.post(url("calendar", office.pk), data)
    assert response.status_code == 400
    assert "A team&#x27;s calendar cannot also be the default" in response.content.decode()
    office.refresh_from_db()
    assert office.team is None and office.is_default


def test_a_team_already_having_a_calendar_is_refused(client, crew, office):
    BusinessCalendar.objects.create(name="First line hours", time_zone="Europe/Vilnius", team=crew.team)
    client.force_login(crew.clerk)
    data = {"name": "Second", "time_zone": "Europe/Vilnius", "team": crew.team.pk}
    response = client.post(url("calendar_new"), data)
    assert response.status_code == 400
    assert "First line already has the calendar “First line hours”." in response.content.decode()


def test_the_settings_are_saved(client, crew, office):
    client.force_login(crew.admin)
    data = {"name": "Helsinki office", "time_zone": "Europe/Helsinki", "holiday_country": "FI"}
    assert client.post(url("calendar", office.pk), data).status_code == 302
    office.refresh_from_db()
    assert (office.name, office.time_zone, office.holiday_country, office.is_default) == (
        "Helsinki office",
        "Europe/Helsinki",
        "FI",
        False,
    )


# --- Weekly hours.


def test_saturday_hours_are_added_without_javascript(client, crew, office):
    client.force_login(crew.clerk)
    response = client.post(url("calendar_hours_add", office.pk), hours_post([5, 6], "10:00", "14:00"))
    assert response.status_code == 302
    assert sorted(office.hours.filter(opens=time(10)).values_list("weekday", flat=True)) == [5, 6]


def test_a_split_day_and_night_hours_are_added_by_htmx(client, crew, office):
    client.force_login(crew.clerk)
    WeeklyHours.objects.filter(calendar=office, weekday=0).update(closes=time(12))
    response = client.post(
        url("calendar_hours_add", office.pk), hours_post([0], "13:00", "17:00"), headers=HTMX
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert html.startswith('\n<div id="calendar"') and "13:00–17:00" in html and "<html" not in html
    response = client.post(
        url("calendar_hours_add", office.pk), hours_post([5], "22:00", "06:00", overnight=True), headers=HTMX
    )
    assert "22:00–06:00" in response.content.decode()
    assert office.hours.count() == 7


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (
            hours_post([0], "12:00", "18:00"),
            "Opening hours overlap: Monday 09:00–17:00 and Monday 12:00–18:00.",
        ),
        (hours_post([3], "17:00", "09:00"), "The closing time must be after the opening time"),
        (hours_post([4], "09:00", "17:00"), "Friday already opens 09:00–17:00."),
        (hours_post([], "09:00", "17:00"), "Pick at least one day."),
        (hours_post([6], "22:00", "10:00", overnight=True) | {"hours-weekdays": ["6"]}, None),
    ],
)
def test_bad_hours_are_refused_with_a_clear_error_and_nothing_saved(client, crew, office, data, message):
    client.force_login(crew.boss)
    response = client.post(url("calendar_hours_add", office.pk), data)
    if message is None:  # Sunday 22:00 to Monday 10:00 runs into Monday's 09:00
        message = "Opening hours overlap: Sunday 22:00–10:00 and Monday 09:00–17:00."
    assert response.status_code == 400
    assert message in response.content.decode()
    assert office.hours.count() == 5


def test_hours_until_midnight_need_no_tick(client, crew, office):
    client.force_login(crew.clerk)
    response = client.post(url("calendar_hours_add", office.pk), hours_post([5], "18:00", "00:00"))
    assert response.status_code == 302 and office.hours.filter(weekday=5, closes=time(0)).exists()


def test_hours_are_removed(client, crew, office):
    client.force_login(crew.clerk)
    monday = office.hours.get(weekday=0)
    response = client.post(url("calendar_hours_remove", office.pk, monday.pk), headers=HTMX)
    assert response.status_code == 200 and not office.hours.filter(weekday=0).exists()


def test_hours_of_another_calendar_are_404(client, crew, office):
    other = BusinessCalendar.objects.create(name="Riga", time_zone="Europe/Riga")
    client.force_login(crew.clerk)
    monday = office.hours.get(weekday=0)
    assert client.post(url("calendar_hours_remove", other.pk, monday.pk)).status_code == 404
    assert WeeklyHours.objects.filter(pk=monday.pk).exists()


# --- Closed days and extra open days.


def test_a_closed_day_is_added_shown_in_the_preview_and_removed(client, crew, office, frozen):
    client.force_login(crew.clerk)
    data = {"closed-date": "2026-12-15", "closed-name": "Office move"}
    response = client.post(url("calendar_closed_add", office.pk), data, headers=HTMX)
    html = response.content.decode()
    assert 'data-date="2026-12-15"' in html and "Office move" in html
    again = client.post(url("calendar_closed_add", office.pk), data)
    assert again.status_code == 400 and "is already a closed day" in again.content.decode()
    closed = office.closed_days.get()
    assert client.post(url("calendar_closed_remove", office.pk, closed.pk)).status_code == 302
    assert not office.closed_days.exists()


def test_an_extra_open_day_opens_christmas_eve_for_the_preview_and_the_arithmetic(
    client, crew, office, frozen
):
    client.force_login(crew.clerk)
    christmas_eve = (at(2026, 12, 24, 0), at(2026, 12, 25, 0))
    assert business_minutes_between(office, *christmas_eve) == 0
    data = {"open-date": "2026-12-24", "open-opens": "10:00", "open-closes": "14:00", "open-name": "Sale"}
    response = client.post(url("calendar_open_add", office.pk), data, headers=HTMX)
    html = response.content.decode()
    row = html[html.index('data-date="2026-12-24"') :]
    row = row[: row.index("</tr>")]
    assert "10:00–14:00" in row and "Extra open day" in row and "Sale" in row
    assert business_minutes_between(office, *christmas_eve) == 240


def test_an_extra_open_day_replaces_a_days_hours_with_a_split_day(client, crew, office):
    client.force_login(crew.boss)
    for opens, closes in (("08:00", "11:00"), ("15:00", "20:00")):
        data = {"open-date": "2026-12-16", "open-opens": opens, "open-closes": closes}
        assert client.post(url("calendar_open_add", office.pk), data).status_code == 302
    wednesday = (at(2026, 12, 16, 0), at(2026, 12, 17, 0))
    assert business_minutes_between(office, *wednesday) == 8 * 60


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"open-opens": "12:00", "open-closes": "15:00"}, "overlap: 10:00–14:00 and 12:00–15:00"),
        ({"open-opens": "15:00", "open-closes": "11:00"}, "The closing time must be after the opening time"),
        (
            {"open-date": "2026-12-15", "open-opens": "10:00", "open-closes": "11:00"},
            "is a custom closed day",
        ),
        ({"open-opens": "nine"}, "Enter a valid time."),
    ],
)
def test_bad_extra_open_days_are_refused_and_nothing_saved(client, crew, office, data, message):
    ExtraOpenDay.objects.create(calendar=office, date=date(2026, 12, 24), opens=time(10), closes=time(14))
    ClosedDay.objects.create(calendar=office, date=date(2026, 12, 15))
    client.force_login(crew.clerk)
    response = client.post(url("calendar_open_add", office.pk), {"open-date": "2026-12-24"} | data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert office.extra_open_days.count() == 1


def test_a_closed_day_on_an_extra_open_day_is_refused(client, crew, office):
    ExtraOpenDay.objects.create(calendar=office, date=date(2026, 12, 24), opens=time(10), closes=time(14))
    client.force_login(crew.clerk)
    response = client.post(url("calendar_closed_add", office.pk), {"closed-date": "2026-12-24"}, headers=HTMX)
    assert response.status_code == 200 and "is an extra open day; remove its hours first" in (
        response.content.decode()
    )
    assert not office.closed_days.exists()


def test_an_extra_open_day_is_removed(client, crew, office):
    extra = ExtraOpenDay.objects.create(
        calendar=office, date=date(2026, 12, 24), opens=time(10), closes=time(14)
    )
    client.force_login(crew.clerk)
    assert client.post(url("calendar_open_remove", office.pk, extra.pk)).status_code == 302
    assert not office.extra_open_days.exists()


# --- The page: holidays and preview.


def test_the_page_shows_this_and_next_years_holidays_and_two_weeks_in_fixed_queries(
    client, crew, office, frozen, django_assert_max_num_queries
):
    ClosedDay.objects.create(calendar=office, date=date(2026, 12, 21), name="Team day")
    ExtraOpenDay.objects.create(calendar=office, date=date(2026, 12, 19), opens=time(10), closes=time(13))
    client.force_login(crew.clerk)
    # Session, user, calendar, hours, closed days, extra days, teams for the settings form (+1 spare).
    with django_assert_max_num_queries(8):
        response = client.get(url("calendar", office.pk))
    html = response.content.decode()
    holidays = html[html.index('data-testid="holidays"') :]
    assert "Christmas Eve" in holidays and "1 Jan 2026" in holidays and "24 Dec 2027" in holidays
    assert html.count('data-testid="preview-day"') == 14
    assert 'data-date="2026-12-14"' in html and 'data-date="2026-12-27"' in html
    assert 'class="preview-extra" data-testid="preview-day" data-date="2026-12-19"' in html
    assert 'class="preview-closed" data-testid="preview-day" data-date="2026-12-21"' in html
    assert 'class="preview-holiday" data-testid="preview-day" data-date="2026-12-24"' in html
    assert 'class="preview-shut" data-testid="preview-day" data-date="2026-12-20"' in html
