"""Steps the browser tests share."""

import re

from playwright.sync_api import expect

from tests.factories import PASSWORD


def sign_in(page, email: str, *, lands_on: str = r"/desk/") -> None:
    """Sign in through the login form and wait for the role's home (a regular expression)."""
    page.goto("/accounts/login/")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(re.compile(lands_on))
