"""Signing in, landing on one's home and switching language, in a real browser."""

import re

import pytest
from playwright.sync_api import expect

from tests.factories import PASSWORD, UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def sign_in(page, email: str) -> None:
    page.goto("/")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def test_an_agent_signs_in_lands_on_the_desk_and_switches_to_lithuanian(page):
    UserFactory(email="janis@example.com", full_name="Jānis Bērziņš", role="agent")

    sign_in(page, "janis@example.com")
    expect(page).to_have_url(re.compile(r"/desk/$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("My open tickets")
    expect(page.locator(".whoami")).to_contain_text("Jānis")

    page.wait_for_load_state("load")  # app.js binds the switcher when it runs; a change before is lost
    page.select_option("#language-select", "lt")  # the switcher submits itself on change
    expect(page.locator("html")).to_have_attribute("lang", "lt")
    expect(page).to_have_url(re.compile(r"/desk/$"))
    expect(page.get_by_role("button", name="Atsijungti")).to_be_visible()

    assert page.problems == []


def test_a_customer_signs_in_and_lands_on_the_portal(page):
    UserFactory(email="alice@example.com", full_name="Alice Brown", role="customer")

    sign_in(page, "alice@example.com")
    expect(page).to_have_url(re.compile(r"/portal/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("My requests")

    assert page.goto("/desk/").status == 403
    expect(page.get_by_role("heading", level=1)).to_have_text("You do not have access to this page")
    # Chromium logs the refused document itself; nothing else may go wrong on that page.
    assert page.problems == ["Failed to load resource: the server responded with a status of 403 (Forbidden)"]
    page.problems.clear()

    page.get_by_test_id("logout").click()
    expect(page).to_have_url(re.compile(r"/accounts/login/$"))
    assert page.problems == []


def test_a_wrong_password_shows_an_error_in_the_browser(page):
    UserFactory(email="alice@example.com", role="customer")

    page.goto("/accounts/login/")
    page.get_by_label("Email address").fill("alice@example.com")
    page.get_by_label("Password").fill("wrong")
    page.get_by_role("button", name="Sign in").click()

    expect(page.get_by_role("alert")).to_contain_text("correct email address and password")
    assert page.problems == []
