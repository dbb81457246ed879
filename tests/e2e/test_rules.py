"""The rules pages in Chromium: a supervisor writes a rule, runs its dry run, switches it off; the
notification settings save; no script errors, on a laptop and on a phone."""

import pytest
from playwright.sync_api import expect

from tests.e2e.helpers import sign_in
from tests.factories import UserFactory, make_ticket

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("width", [1280, 375])
def test_a_supervisor_writes_a_rule_and_dry_runs_it(page, width):
    page.set_viewport_size({"width": width, "height": 900})
    UserFactory(email="aino@example.com", full_name="Aino Virtanen", role="supervisor", language="en")
    refund = make_ticket(subject="Refund for order 1234")
    make_ticket(subject="Printer jam")
    sign_in(page, "aino@example.com")

    page.get_by_test_id("nav-rules").click()
    page.get_by_role("link", name="New rule").click()
    page.get_by_label("Name").fill("Refunds are urgent")
    page.get_by_label("Runs when").select_option("created")
    page.get_by_label("Keywords").fill("refund")
    page.get_by_label("Set priority").select_option("urgent")
    page.get_by_role("button", name="Save rule").click()
    expect(page.get_by_text("Rule “Refunds are urgent” saved.")).to_be_visible()

    page.get_by_test_id("dry-run").click()
    preview = page.get_by_test_id("preview")
    expect(preview).to_contain_text(f"#{refund.pk} Refund for order 1234")
    expect(preview).to_contain_text("priority → Urgent")
    expect(preview).not_to_contain_text("Printer jam")

    page.get_by_role("link", name="All rules").click()
    page.get_by_role("button", name="On").click()
    expect(page.get_by_test_id("rules").get_by_role("button", name="Off")).to_be_visible()

    page.get_by_role("link", name="Notifications").first.click()
    page.get_by_role("link", name="Settings").click()
    page.get_by_label("A ticket is assigned to me: By email").select_option("digest")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Your notification settings are saved.")).to_be_visible()
    assert page.problems == []
