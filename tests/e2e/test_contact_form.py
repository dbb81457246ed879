"""The public contact form in a real browser: no account, no JavaScript errors, a ticket number back."""

import pytest
from playwright.sync_api import expect

from tickets.models import Ticket

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_a_visitor_writes_to_support_and_gets_a_ticket_number(page):
    page.goto("/contact/")
    page.get_by_label("Your name").fill("Kārlis Ozols")
    page.get_by_label("Your email address").fill("karlis@example.lv")
    page.get_by_label("Subject").fill("Rēķins nav saņemts")
    page.get_by_label("How can we help?").fill("Labdien, kur ir mans rēķins?")
    expect(page.get_by_label("Leave this empty")).not_to_be_in_viewport()  # the honeypot
    page.get_by_role("button", name="Send").click()

    ticket = Ticket.objects.get()
    expect(page.get_by_role("heading", level=1)).to_have_text("Thank you")
    expect(page.locator("main")).to_contain_text(f"#{ticket.pk}")
    assert ticket.messages.get().body_text == "Labdien, kur ir mans rēķins?"
    assert page.problems == []
