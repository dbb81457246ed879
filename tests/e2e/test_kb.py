"""The knowledge base in a real browser: a writer writes an article in English and Lithuanian, assigns
a reviewer and submits both; the reviewer finds them waiting, publishes one and sends the other back
with a comment the writer fixes; an agent reading in Lithuanian sees the category's Lithuanian name."""

import os
import re

import pytest
from playwright.sync_api import expect

from tests.e2e.helpers import sign_in as _sign_in
from tests.factories import PASSWORD, UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def sign_in(page, email: str) -> None:
    _sign_in(page, email, lands_on=r"/backoffice/")


# Set SCREENSHOTS=/some/folder to keep pictures of the pages.
SCREENSHOTS = os.environ.get("SCREENSHOTS")


def snap(page, name: str) -> None:
    if SCREENSHOTS:
        page.screenshot(path=f"{SCREENSHOTS}/{name}.png", full_page=True)


def test_a_writer_writes_in_english_and_lithuanian_and_a_reviewer_publishes_both(page):
    from backoffice.kb.services import category_create

    piotr = UserFactory(email="piotr@example.com", full_name="Piotr Nowak", role="backoffice")
    UserFactory(email="laura@example.com", full_name="Laura Bērziņa", role="backoffice")
    UserFactory(email="ona@example.com", full_name="Ona Kazlauskaitė", role="agent", language="lt")
    category_create(name="Network", names={"lt": "Tinklas"}, by=piotr)

    sign_in(page, piotr.email)
    page.get_by_role("link", name="New article").click()
    page.locator("main").get_by_label("Language").select_option("en")
    page.get_by_label("Title").fill("Resetting your router")
    page.get_by_label("Body", exact=True).fill("<p>Hold the reset button for <b>ten seconds</b>.</p>")
    page.get_by_label("Category").select_option(label="Network")
    page.get_by_label("Visibility").select_option("public")
    page.get_by_role("button", name="Save draft").click()
    expect(page.get_by_test_id("status-en")).to_have_text("Draft")

    page.get_by_test_id("translate-lt").click()
    page.get_by_label("Title").fill("Maršrutizatoriaus paleidimas iš naujo")
    page.get_by_label("Body", exact=True).fill("<p>Laikykite mygtuką dešimt sekundžių.</p>")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_test_id("status-lt")).to_have_text("Draft")

    # Without a reviewer the text cannot go to review, and the page says why.
    page.get_by_test_id("submit-en").click()
    expect(page.locator(".message-error")).to_contain_text("Assign at least one reviewer")
    expect(page.get_by_test_id("status-en")).to_have_text("Draft")
    page.get_by_label("Laura Bērziņa").check()
    page.get_by_role("button", name="Save reviewers").click()
    expect(page.get_by_test_id("reviewer-names")).to_have_text("Reviewers: Laura")

    page.get_by_test_id("submit-en").click()
    page.get_by_test_id("submit-lt").click()
    expect(page.get_by_test_id("status-en")).to_have_text("In review")
    expect(page.get_by_test_id("status-lt")).to_have_text("In review")
    expect(page.get_by_test_id("publish-en")).to_have_count(0)  # the writer does not publish their own
    page.get_by_test_id("logout").click()

    sign_in(page, "laura@example.com")
    page.get_by_test_id("kb-articles").click()
    expect(page.get_by_test_id("kb-waiting-count")).to_have_text("2")
    snap(page, "kb-waiting")
    page.get_by_test_id("kb-waiting-item").filter(has_text="Resetting your router").get_by_role(
        "link"
    ).click()
    page.get_by_test_id("publish-en").click()
    expect(page.get_by_test_id("status-en")).to_have_text("Published")
    page.get_by_test_id("send-back-lt").click()
    page.get_by_label("What needs to change").fill("Say which button: the reset button.")
    page.get_by_test_id("return-lt").click()
    expect(page.get_by_test_id("status-lt")).to_have_text("Draft")
    page.get_by_test_id("logout").click()

    sign_in(page, piotr.email)
    page.goto("/backoffice/kb/")
    page.get_by_role("link", name="Resetting your router").click()
    expect(page.get_by_test_id("sent-back-lt")).to_contain_text("Say which button: the reset button.")
    page.get_by_test_id("translation-lt").get_by_role("link", name="Edit").click()
    page.get_by_label("Body", exact=True).fill("<p>Laikykite atstatymo mygtuką dešimt sekundžių.</p>")
    page.get_by_role("button", name="Save", exact=True).click()
    page.get_by_test_id("submit-lt").click()
    expect(page.get_by_test_id("status-lt")).to_have_text("In review")
    page.get_by_test_id("logout").click()

    sign_in(page, "laura@example.com")
    page.get_by_test_id("kb-articles").click()
    expect(page.get_by_test_id("kb-waiting-count")).to_have_text("1")
    page.get_by_test_id("kb-waiting-item").get_by_role("link").click()
    page.get_by_test_id("publish-lt").click()
    expect(page.get_by_test_id("status-lt")).to_have_text("Published")
    expect(page.get_by_test_id("reviews")).to_contain_text("Sent back to draft")
    snap(page, "kb-article")

    page.get_by_test_id("translation-lt").get_by_role("link", name="Read").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Maršrutizatoriaus paleidimas iš naujo")
    page.get_by_role("link", name="English").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Resetting your router")
    expect(page.locator(".kb-body b")).to_have_text("ten seconds")
    expect(page.get_by_test_id("kb-category")).to_have_text("Network")
    snap(page, "kb-read")
    page.get_by_test_id("logout").click()

    # Ona reads in Lithuanian: the category is named in Lithuanian too.
    page.goto("/accounts/login/")
    page.get_by_label("Email address").fill("ona@example.com")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.locator("html")).to_have_attribute("lang", "lt")
    page.get_by_test_id("nav-kb").click()
    item = page.get_by_test_id("kb-desk-article")
    expect(item).to_contain_text("Maršrutizatoriaus paleidimas iš naujo")
    expect(item.get_by_test_id("kb-category")).to_have_text("Tinklas")
    item.get_by_role("link").click()
    expect(page.get_by_test_id("kb-category")).to_have_text("Tinklas")
    snap(page, "kb-read-lt")
    assert page.problems == []


def test_an_agent_inserts_an_article_into_a_reply_from_the_ticket_page(page):
    from backoffice.kb.models import ArticleUse
    from backoffice.kb.services import article_create, article_reviewers_set, translation_transition
    from tests.factories import TeamFactory, make_ticket

    piotr = UserFactory(role="backoffice")
    laura = UserFactory(role="backoffice")
    ona = UserFactory(email="ona@example.com", full_name="Ona Kazlauskaitė", role="agent")
    translation = article_create(
        by=piotr, language="en", title="Resetting your router", body_html="<p>Hold the button.</p>"
    )
    article_reviewers_set(article=translation.article, reviewers=[laura], by=piotr)
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
