"""Done-when in Chromium: a supervisor builds next week's roster for a team and approves time off."""

import re
from datetime import datetime, time, timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from backoffice.rosters.models import Shift, TimeOff, TimeOffStatus
from backoffice.rosters.services import time_off_request
from tests.e2e.test_customer_360 import sign_in, snap
from tests.rosters.factories import agent, team_of

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_a_supervisor_builds_next_weeks_roster_and_approves_time_off(page):
    supervisor = agent("Aino Virtanen", role="supervisor")
    ona = agent("Ona Kazlauskaitė", languages=["lt", "en"])
    jonas = agent("Jonas Jonaitis", languages=["lt"])
    team_of(ona, jonas, name="First line")
    now = timezone.localtime()
    next_monday = (now - timedelta(days=now.weekday()) + timedelta(days=7)).date()
    time_off_request(
        agent=jonas,
        start=timezone.make_aware(datetime.combine(next_monday + timedelta(days=2), time())),
        end=timezone.make_aware(datetime.combine(next_monday + timedelta(days=3), time())),
        reason="Dentist",
        by=jonas,
    )

    sign_in(page, supervisor.email)
    page.get_by_test_id("nav-rosters").click()
    page.get_by_role("link", name="First line").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Roster of First line")
    page.get_by_test_id("next-week").click()
    expect(page).to_have_url(re.compile(rf"start={next_monday.isoformat()}"))

    form = page.get_by_test_id("shift-form")
    form.get_by_label("Agent").select_option(label="Ona Kazlauskaitė")
    form.get_by_label("Day").select_option(next_monday.isoformat())
    form.get_by_label("From").fill("08:00")
    form.get_by_label("To").fill("16:00")
    form.get_by_label("Repeat every week").check()
    form.get_by_role("button", name="Add shift").click()
    expect(page.get_by_test_id("shift")).to_have_count(1)
    expect(page.get_by_test_id("shift").first).to_contain_text("08:00–16:00")

    form = page.get_by_test_id("shift-form")
    form.get_by_label("Agent").select_option(label="Jonas Jonaitis")
    form.get_by_label("Day").select_option((next_monday + timedelta(days=2)).isoformat())
    form.get_by_label("From").fill("12:00")
    form.get_by_label("To").fill("20:00")
    form.get_by_role("button", name="Add shift").click()
    expect(page.get_by_test_id("shift")).to_have_count(2)

    # The same agent twice at once: refused with a clear error, nothing added.
    form = page.get_by_test_id("shift-form")
    form.get_by_label("Agent").select_option(label="Ona Kazlauskaitė")
    form.get_by_label("Day").select_option(next_monday.isoformat())
    form.get_by_label("From").fill("15:00")
    form.get_by_label("To").fill("18:00")
    form.get_by_role("button", name="Add shift").click()
    expect(page.get_by_test_id("shift-error")).to_contain_text("Ona already has a shift then")
    expect(page.get_by_test_id("shift")).to_have_count(2)
    snap(page, "roster-week")

    page.get_by_role("link", name="Time off", exact=True).click()
    row = page.get_by_test_id("time-off").filter(has_text="Dentist")
    row.get_by_role("button", name="Approve").click()
    expect(page.get_by_role("status")).to_contain_text("Time off approved.")
    assert TimeOff.objects.get().status == TimeOffStatus.APPROVED
    # Approving removed Jonas' overlapping shift; Ona's stays.
    assert list(Shift.objects.values_list("agent__full_name", flat=True)) == ["Ona Kazlauskaitė"]
    assert page.problems == []
