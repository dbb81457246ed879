"""Steps the browser tests share."""

import re
from pathlib import Path

from playwright.sync_api import expect

from tests.factories import PASSWORD


def sign_in(page, email: str, *, lands_on: str = r"/desk/") -> None:
    """Sign in through the login form and wait for the role's home (a regular expression)."""
    page.goto("/accounts/login/")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(re.compile(lands_on))


# axe-core (MPL-2.0, from npm, vendored so the tests need no network): WCAG 2 A and AA checks.
AXE = Path(__file__).parent / "vendor" / "axe-4.10.2.min.js"


def accessibility_violations(page, *, impacts=("serious", "critical")) -> list[str]:
    """axe-core's WCAG 2 A/AA violations of the page as it is now, the serious and critical ones.
    Evaluated through the browser's debugging protocol, so the page's CSP does not stop it."""
    page.evaluate(AXE.read_text())
    results = page.evaluate("axe.run(document, {runOnly: ['wcag2a', 'wcag2aa']})")
    return [
        f"{violation['id']}: {violation['help']} at {violation['nodes'][0]['target']}"
        for violation in results["violations"]
        if violation["impact"] in impacts
    ]
