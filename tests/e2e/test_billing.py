"""Billing in a real browser: a back-office user creates a plan, subscribes an organization, issues
an invoice, records a partial payment and sees the balance."""

import re

import pytest
from playwright.sync_api import expect

from tests.factories import PASSWORD, OrganizationFactory, UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def sign_in_to_back_office(page, email: str) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(re.compile(r"/backoffice/$"))


def test_a_back_office_user_bills_an_organization_and_records_a_partial_payment(page):
    UserFactory(email="piotr@example.com", full_name="Piotr Nowak", role="backoffice")
    OrganizationFactory(name="Acme Baltic")

    sign_in_to_back_office(page, "piotr@example.com")
    page.get_by_role("link", name="Plans").click()
    page.get_by_role("link", name="New plan").click()
    page.get_by_label("Name").fill("Business")
    page.get_by_label("Price").fill("100.00")
    page.get_by_label("Currency").fill("EUR")
    page.get_by_label("Support tier").select_option("business")
    page.get_by_role("button", name="Save plan").click()
    expect(page.get_by_test_id("plan-row")).to_contain_text("100.00 EUR")

    page.get_by_role("link", name="Subscriptions").first.click()
    page.get_by_role("link", name="New subscription").click()
    page.get_by_label("Plan").select_option(label="Business")
    page.get_by_label("Organization's name").fill("Acme Baltic")
    page.get_by_role("button", name="Subscribe").click()
    row = page.get_by_test_id("subscription-row")
    expect(row).to_contain_text("Acme Baltic")
    expect(row).to_contain_text("Active")

    row.get_by_role("button", name="Create invoice").click()
    expect(page.get_by_test_id("invoice-status")).to_have_text("Draft")
    expect(page.get_by_test_id("total")).to_have_text("121.00 EUR")
    page.get_by_role("button", name="Issue invoice").click()
    expect(page.get_by_test_id("invoice-status")).to_have_text("Issued")
    expect(page.get_by_role("heading", level=1)).to_contain_text(re.compile(r"\d{4}-000001"))

    page.get_by_label("Amount").first.fill("50.00")
    page.get_by_label("Reference").fill("SEPA 2026-03")
    page.get_by_role("button", name="Record payment").click()
    expect(page.get_by_test_id("paid")).to_have_text("50.00 EUR")
    expect(page.get_by_test_id("balance")).to_have_text("71.00 EUR")
    expect(page.get_by_test_id("invoice-status")).to_have_text("Issued")
    expect(page.get_by_test_id("payment-row")).to_contain_text("SEPA 2026-03")

    page.get_by_role("link", name="Printable invoice").click()
    expect(page.locator("body")).to_contain_text("71.00 EUR")
    assert page.problems == []
