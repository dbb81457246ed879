"""Roster set-up in Chromium: a back-office user gives a calendar its opening hours and an extra open day
and sees them in the preview, then gives an agent a skill on their profile."""

from datetime import timedelta

import holidays
import pytest
from django.utils import timezone
from playwright.sync_api import expect

from backoffice.rosters.models import AgentProfile, BusinessCalendar, Skill
from tests.e2e.test_billing import sign_in_to_back_office
from tests.e2e.test_customer_360 import snap
from tests.factories import UserFactory
from tests.rosters.factories import agent, team_of

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_back_office_sets_opening_hours_an_extra_open_day_and_an_agents_skills(page):
    UserFactory(email="bea@example.com", full_name="Bea Backoffice", role="backoffice")
    ona = agent("Ona Kazlauskaitė", skills=["billing"], languages=["lt", "en"])
    team_of(ona, name="First line")
    Skill.objects.create(name="spanish")
    BusinessCalendar.objects.create(
        name="Vilnius office", time_zone="Europe/Vilnius", holiday_country="LT", is_default=True
    )
    today = timezone.localdate()
    saturday = today + timedelta(days=(5 - today.weekday()) % 7 or 7)  # the next Saturday, within 14 days
    lithuanian_holidays = holidays.country_holidays("LT")
    workday = next(
        day
        for day in (today + timedelta(days=n) for n in range(1, 14))
        if day.weekday() < 5 and day not in lithuanian_holidays
    )

    sign_in_to_back_office(page, "bea@example.com")
    page.get_by_test_id("rosters-link").click()
    page.get_by_test_id("calendars-link").click()
    page.get_by_role("link", name="Vilnius office").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Vilnius office")

    hours = page.get_by_test_id("hours-form")
    for day in ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday"):
        hours.get_by_label(day).check()
    hours.get_by_label("Opens").fill("09:00")
    hours.get_by_label("Closes").fill("17:00")
    hours.get_by_role("button", name="Add hours").click()
    expect(page.get_by_test_id("weekly-hours").get_by_test_id("interval")).to_have_count(5)
    preview_workday = page.locator(f'[data-testid="preview-day"][data-date="{workday.isoformat()}"]')
    expect(preview_workday).to_contain_text("09:00–17:00")

    # Overlapping hours: a clear error, nothing added.
    hours = page.get_by_test_id("hours-form")
    hours.get_by_label("Monday").check()
    hours.get_by_label("Opens").fill("16:00")
    hours.get_by_label("Closes").fill("18:00")
    hours.get_by_role("button", name="Add hours").click()
    expect(page.get_by_test_id("form-error")).to_contain_text(
        "Opening hours overlap: Monday 09:00–17:00 and Monday 16:00–18:00."
    )
    expect(page.get_by_test_id("weekly-hours").get_by_test_id("interval")).to_have_count(5)

    extra = page.get_by_test_id("open-day-form")
    extra.get_by_label("Date").fill(saturday.isoformat())
    extra.get_by_label("Opens").fill("10:00")
    extra.get_by_label("Closes").fill("14:00")
    extra.get_by_label("Name").fill("Winter sale")
    extra.get_by_role("button", name="Add extra open day").click()
    preview_saturday = page.locator(f'[data-testid="preview-day"][data-date="{saturday.isoformat()}"]')
    expect(preview_saturday).to_contain_text("10:00–14:00")
    expect(preview_saturday).to_contain_text("Extra open day")
    expect(preview_saturday).to_contain_text("Winter sale")
    expect(page.get_by_test_id("open-day")).to_contain_text("Winter sale")
    snap(page, "roster-calendar")

    page.get_by_test_id("roster-nav").get_by_role("link", name="Agent profiles").click()
    page.get_by_role("link", name="Ona Kazlauskaitė").click()
    form = page.get_by_test_id("profile-form")
    form.get_by_label("spanish").check()
    form.get_by_label("Max concurrent tickets").fill("5")
    form.get_by_role("button", name="Save profile").click()
    expect(page.get_by_role("status")).to_contain_text("Profile saved.")
    profile = AgentProfile.objects.get(user=ona)
    assert sorted(profile.skills.values_list("name", flat=True)) == ["billing", "spanish"]
    assert profile.max_open_tickets == 5
    page.get_by_test_id("roster-nav").get_by_role("link", name="Agent profiles").click()
    expect(page.get_by_test_id("profile-row").filter(has_text="Ona")).to_contain_text("spanish")
    snap(page, "roster-profiles")
    assert page.problems == []
