"""Billing on the desk ticket page in a real browser: an agent logs time and proposes a goodwill credit
above their limit, a supervisor approves it, and the agent sees it approved on the ticket."""

import pytest
from playwright.sync_api import expect

from tests.e2e.helpers import sign_in
from tests.factories import CustomerFactory, UserFactory, make_ticket

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def sign_out(page) -> None:
    page.get_by_test_id("logout").click()


def test_an_agent_logs_time_and_a_supervisor_approves_the_agents_goodwill_credit(page):
    UserFactory(email="ona@example.com", full_name="Ona Kazlauskaitė", role="agent")
    UserFactory(email="aino@example.com", full_name="Aino Virtanen", role="supervisor")
    ticket = make_ticket(requester=CustomerFactory(name="Marija Kalnina"), subject="Two days without email")

    sign_in(page, "ona@example.com")
    page.goto(ticket.get_absolute_url())
    panel = page.get_by_test_id("ticket-billing")
    expect(panel.get_by_test_id("time-total")).to_have_text("0 min")

    time_form = panel.get_by_test_id("time-form")
    time_form.get_by_label("Minutes").fill("30")
    time_form.get_by_label("Note").fill("Called the customer")
    time_form.get_by_role("button", name="Log time").click()
    expect(panel.get_by_test_id("billing-message")).to_have_text("30 minutes logged.")
    expect(panel.get_by_test_id("time-total")).to_have_text("30 min")
    expect(panel.get_by_test_id("time-entry")).to_contain_text("Called the customer")

    goodwill = panel.get_by_test_id("goodwill-form")
    expect(goodwill.get_by_label("Currency")).to_have_value("EUR")
    goodwill.get_by_label("Amount").fill("75.00")
    goodwill.get_by_label("Reason").fill("Two days without email")
    goodwill.get_by_role("button", name="Propose credit").click()
    expect(panel.get_by_test_id("billing-message")).to_contain_text("waits for a supervisor's approval")
    expect(panel.get_by_test_id("goodwill-status")).to_have_text("Awaiting approval")
    assert page.problems == []
    sign_out(page)

    sign_in(page, "aino@example.com")
    page.get_by_test_id("nav-goodwill").click()
    row = page.get_by_test_id("goodwill-waiting-row")
    expect(row).to_contain_text("75.00 EUR")
    expect(row).to_contain_text("Ona Kazlauskaitė")
    row.get_by_role("button", name="Approve").click()
    expect(page.get_by_test_id("goodwill-decided-row")).to_contain_text("Approved")
    expect(page.get_by_test_id("goodwill-waiting-row")).to_have_count(0)
    sign_out(page)

    sign_in(page, "ona@example.com")
    page.goto(ticket.get_absolute_url())
    expect(page.get_by_test_id("goodwill-status")).to_have_text("Approved")
    expect(page.get_by_test_id("goodwill-credit")).to_contain_text("decided by Aino Virtanen")
    assert page.problems == []
