"""The knowledge base in a real browser: a writer writes an article in English and Lithuanian and
submits both; another back-office user reviews and publishes them; both languages read as published."""

import os
import re

import pytest
from playwright.sync_api import expect

from tests.factories import PASSWORD, UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

# Set SCREENSHOTS=/some/folder to keep pictures of the pages.
SCREENSHOTS = os.environ.get("SCREENSHOTS")


def snap(page, name: str) -> None:
    if SCREENSHOTS:
        page.screenshot(path=f"{SCREENSHOTS}/{name}.png", full_page=True)


def sign_in(page, email: str) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(re.compile(r"/backoffice/"))


def test_a_writer_writes_in_english_and_lithuanian_and_a_reviewer_publishes_both(page):
    piotr = UserFactory(email="piotr@example.com", full_name="Piotr Nowak", role="backoffice")
    UserFactory(email="laura@example.com", full_name="Laura Bērziņa", role="backoffice")

    sign_in(page, piotr.email)
    page.get_by_role("link", name="New article").click()
    page.locator("main").get_by_label("Language").select_option("en")
    page.get_by_label("Title").fill("Resetting your router")
    page.get_by_label("Body", exact=True).fill("<p>Hold the reset button for <b>ten seconds</b>.</p>")
    page.get_by_label("Visibility").select_option("public")
    page.get_by_role("button", name="Save draft").click()
    expect(page.get_by_test_id("status-en")).to_have_text("Draft")

    page.get_by_test_id("translate-lt").click()
    page.get_by_label("Title").fill("Maršrutizatoriaus paleidimas iš naujo")
    page.get_by_label("Body", exact=True).fill("<p>Laikykite mygtuką dešimt sekundžių.</p>")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_test_id("status-lt")).to_have_text("Draft")

    page.get_by_test_id("submit-en").click()
    page.get_by_test_id("submit-lt").click()
    expect(page.get_by_test_id("status-en")).to_have_text("In review")
    expect(page.get_by_test_id("status-lt")).to_have_text("In review")
    expect(page.get_by_test_id("publish-en")).to_have_count(0)  # the writer does not publish their own
    page.get_by_test_id("logout").click()

    sign_in(page, "laura@example.com")
    page.goto("/backoffice/kb/?status=in_review")
    page.get_by_role("link", name="Resetting your router").click()
    page.get_by_test_id("publish-en").click()
    expect(page.get_by_test_id("status-en")).to_have_text("Published")
    page.get_by_test_id("publish-lt").click()
    expect(page.get_by_test_id("status-lt")).to_have_text("Published")
    expect(page.get_by_text("Reviewed by Laura")).to_be_visible()
    snap(page, "kb-article")

    page.get_by_test_id("translation-lt").get_by_role("link", name="Read").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Maršrutizatoriaus paleidimas iš naujo")
    page.get_by_role("link", name="English").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Resetting your router")
    expect(page.locator(".kb-body b")).to_have_text("ten seconds")
    snap(page, "kb-read")
    assert page.problems == []


def test_an_agent_inserts_an_article_into_a_reply_from_the_ticket_page(page):
    from backoffice.kb.models import ArticleUse
    from backoffice.kb.services import article_create, translation_transition
    from tests.factories import TeamFactory, make_ticket

    piotr = UserFactory(role="backoffice")
    laura = UserFactory(role="backoffice")
    ona = UserFactory(email="ona@example.com", full_name="Ona Kazlauskaitė", role="agent")
    translation = article_create(
        by=piotr, language="en", title="Resetting your router", body_html="<p>Hold the button.</p>"
    )
    translation_transition(translation=translation, to="in_review", by=piotr)
    translation_transition(translation=translation, to="published", by=laura)
    ticket = make_ticket(team=TeamFactory(members=[ona]), subject="Router down", language="en")

    page.goto("/accounts/login/")
    page.get_by_label("Email address").fill(ona.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.goto(ticket.get_absolute_url())
    page.get_by_text("Insert a knowledge base article").click()
    page.get_by_placeholder("Search articles").fill("router")
    result = page.get_by_test_id("kb-result")
    expect(result).to_contain_text("Resetting your router")
    result.get_by_role("button", name="Insert text").click()

    expect(page.locator(".reply-form textarea")).to_have_value(re.compile("Hold the button."))
    snap(page, "kb-ticket-insert")
    expect(page.get_by_test_id("kb-used")).to_contain_text("Resetting your router")
    assert ArticleUse.objects.filter(ticket=ticket, article=translation.article, by=ona).exists()
    assert page.problems == []
