"""Billing in a real browser: a back-office user creates a plan, subscribes an organization, issues
an invoice, records a partial payment and sees the balance."""

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.helpers import sign_in as _sign_in
from tests.factories import OrganizationFactory, UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def sign_in_to_back_office(page, email: str) -> None:
    _sign_in(page, email, lands_on=r"/backoffice/$")


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


def test_a_back_office_user_edits_a_draft_line_in_place_and_applies_account_credit(page):
    from decimal import Decimal

    from backoffice.billing.services import goodwill_credit_propose, invoice_create, invoice_line_add
    from tests.factories import CustomerFactory, make_ticket

    UserFactory(email="piotr@example.com", full_name="Piotr Nowak", role="backoffice")
    aino = UserFactory(email="aino@example.com", full_name="Aino Virtanen", role="supervisor")
    acme = OrganizationFactory(name="Acme Baltic")
    marija = CustomerFactory(name="Marija Kalnina", email="marija@acme.lv", organization=acme)
    complaint = make_ticket(requester=marija, subject="The outage cost us a day")
    goodwill_credit_propose(
        ticket=complaint, by=aino, amount=Decimal("30.00"), currency="EUR", reason="Outage on 2 March"
    )
    draft = invoice_create(organization=acme, currency="EUR", by=None)
    invoice_line_add(invoice=draft, description="Setup", quantity=Decimal(1), unit_price=Decimal("100.00"))

    sign_in_to_back_office(page, "piotr@example.com")
    page.goto(draft.get_absolute_url())
    expect(page.get_by_test_id("total")).to_have_text("121.00 EUR")

    page.get_by_test_id("edit-line").click()
    row = page.get_by_test_id("invoice-line-edit")
    row.get_by_label("Unit price").fill("-5")
    row.get_by_role("button", name="Save line").click()
    expect(page.get_by_test_id("invoice-line-edit")).to_contain_text("a negative amount is a credit note")
    row.get_by_label("Quantity").fill("2")
    row.get_by_label("Unit price").fill("50.00")
    row.get_by_label("Description").fill("Setup, two days")
    row.get_by_role("button", name="Save line").click()
    expect(page.get_by_test_id("invoice-line")).to_contain_text("Setup, two days")
    expect(page.get_by_test_id("total")).to_have_text("121.00 EUR")
    page.get_by_test_id("edit-line").click()
    page.get_by_test_id("invoice-line-edit").get_by_label("Unit price").fill("40.00")
    page.get_by_test_id("invoice-line-edit").get_by_role("button", name="Save line").click()
    expect(page.get_by_test_id("total")).to_have_text("96.80 EUR")  # 80.00 + 21 %

    page.get_by_role("button", name="Issue invoice").click()
    expect(page.get_by_test_id("invoice-status")).to_have_text("Issued")
    credit = page.get_by_test_id("account-credit")
    expect(credit).to_contain_text("30.00 EUR")
    expect(credit).to_contain_text("The outage cost us a day")
    credit.get_by_label("Amount to apply").fill("20.00")
    credit.get_by_role("button", name="Apply credit").click()
    expect(page.get_by_test_id("credited")).to_have_text("20.00 EUR")
    expect(page.get_by_test_id("balance")).to_have_text("76.80 EUR")
    expect(page.get_by_test_id("credit-note-row")).to_contain_text("Outage on 2 March")
    expect(page.get_by_test_id("account-credit")).to_contain_text("10.00 EUR")
    page.set_viewport_size({"width": 375, "height": 800})
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    assert page.problems == []


def test_a_back_office_user_sets_a_subscription_to_end_at_renewal_undoes_it_and_changes_plan(page):
    from datetime import date
    from decimal import Decimal

    from backoffice.billing.services import plan_create, subscription_create

    UserFactory(email="piotr@example.com", full_name="Piotr Nowak", role="backoffice")
    acme = OrganizationFactory(name="Acme Baltic")
    business = plan_create(by=None, name="Business", price=Decimal("100.00"), currency="EUR")
    plan_create(
        by=None, name="Enterprise", price=Decimal("300.00"), currency="EUR", support_tier="enterprise"
    )
    subscription_create(plan=business, organization=acme, start_date=date(2026, 1, 31), by=None)

    sign_in_to_back_office(page, "piotr@example.com")
    page.get_by_role("link", name="Subscriptions").first.click()
    page.get_by_role("link", name="Acme Baltic").click()
    expect(page.get_by_test_id("renewal-date")).to_contain_text("Feb. 28, 2026")

    page.get_by_role("button", name="Cancel at renewal date").click()
    expect(page.get_by_test_id("ends-at-renewal")).to_be_visible()
    page.get_by_role("button", name="Keep it going").click()
    expect(page.get_by_test_id("ends-at-renewal")).to_have_count(0)

    page.get_by_label("New plan").select_option(label="Enterprise")
    page.get_by_role("button", name="Change plan").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Enterprise")
    page.get_by_role("button", name="Cancel now").click()
    expect(page.get_by_test_id("subscription-status")).to_have_text("Cancelled")
    assert page.problems == []
