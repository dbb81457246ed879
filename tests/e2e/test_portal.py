"""The portal end to end at phone size, with every real part: Chromium, the live server, the outbox
relay and a Celery worker (routing, SLA, email) and a real SMTP server. A Latvian customer signs up,
confirms the address from the email, reads a suggested article, files a request with a file, sees the
expected reply time arrive, gets the agent's reply by email and in the portal, answers, marks it
solved and rates it; the organization's manager sees the request, another organization's customer
cannot open it. No page has a JavaScript error or a serious accessibility violation (axe-core)."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from backoffice.kb.models import SuggestionOpened
from backoffice.rosters.models import Shift
from customers.models import Customer, OrganizationDomain
from tests.e2e.helpers import accessibility_violations, sign_in
from tests.factories import OrganizationFactory
from tests.kb.conftest import make_article, publish
from tests.portal.people import portal_person
from tests.processes import wait_until
from tests.rosters.factories import agent, team_of
from tests.tickets.sla_helpers import policy
from tickets.models import Rule, RuleTrigger, SatisfactionRating, Status, Ticket
from tickets.services import ticket_reply

pytestmark = [pytest.mark.e2e]
PHONE = {"width": 375, "height": 800}


@pytest.fixture
def support(transactional_db):
    """A team with an agent on shift, a rule sending web requests to it, an SLA and a Latvian article."""
    from tests.factories import UserFactory

    ona = agent("Ona Kazlauskaitė", languages=["lv", "lt", "en"])
    team = team_of(ona, name="Support")
    now = timezone.now()
    Shift.objects.create(agent=ona, team=team, start=now - timedelta(hours=1), end=now + timedelta(hours=7))
    Rule.objects.create(name="Web to Support", trigger=RuleTrigger.CREATED, channels=["web"], set_team=team)
    policy(first_response_minutes=240, resolution_minutes=2880)
    writer = UserFactory(role="backoffice", email="writer@example.com")
    reviewer = UserFactory(role="backoffice", email="reviewer@example.com")
    publish(
        make_article(
            writer, title="Printeris neizdrukā", body="<p>Izslēdziet un ieslēdziet.</p>", language="lv"
        ),
        writer=writer,
        reviewer=reviewer,
    )
    return ona


def _no_problems(page) -> None:
    assert page.problems == []
    assert accessibility_violations(page) == []


def test_a_latvian_customer_follows_a_request_from_filing_to_rating_on_a_phone(
    processes, page, browser, live_server, smtp, support
):
    acme, globex = OrganizationFactory(name="Acme"), OrganizationFactory(name="Globex")
    OrganizationDomain.objects.create(organization=acme, domain="acme.example")
    laura = portal_person("Laura Bērziņa", "laura@acme.example", organization=acme, organization_manager=True)
    outsider = portal_person("Grace Globex", "grace@globex.example", organization=globex)
    processes.env.update({"EMAIL_URL": f"smtp://127.0.0.1:{smtp.port}", "SITE_URL": live_server.url})
    processes.start_worker()
    processes.start_relay()
    page.set_viewport_size(PHONE)

    # Jānis signs up in Latvian and confirms his address from the email.
    page.goto("/portal/signup/")
    page.locator("#language-select").select_option("lv")
    expect(page.locator("html")).to_have_attribute("lang", "lv")
    _no_problems(page)
    page.locator("[name=name]").fill("Jānis Kalniņš")
    page.locator("[name=email]").fill("janis@acme.example")
    page.locator("[name=password]").fill("Printeris-2026-rudens")
    page.locator("main form button[type=submit]").click()
    wait_until(lambda: smtp.emails, timeout=10, what="the verification email")
    link = re.search(r"/portal/signup/verify/\S+/", smtp.emails[-1].get_content()).group(0)
    page.goto(link)
    page.get_by_test_id("link-confirm-form").locator("button").click()
    expect(page).to_have_url(re.compile(r"/portal/$"))
    janis = Customer.objects.get(user__email="janis@acme.example")
    assert (janis.organization, janis.language, janis.user.language) == (acme, "lv", "lv")
    smtp.envelopes.clear()

    # The portal speaks Latvian to Jānis: fields by name from here.
    expect(page.locator("html")).to_have_attribute("lang", "lv")
    page.locator(".portal-nav a[href='/portal/requests/new/']").click()
    page.wait_for_url(re.compile(r"/portal/requests/new/$"))
    page.wait_for_function("() => window.htmx !== undefined")  # htmx listens before we type
    page.locator("[name=subject]").press_sequentially("Printeris")
    suggestion = page.get_by_test_id("help-suggestions").get_by_role(
        "link", name=re.compile("Printeris neizdrukā")
    )
    expect(suggestion).to_be_visible(timeout=15_000)  # debounced, and CI runs two test workers at once
    _no_problems(page)
    with page.context.expect_page() as opened:  # the article opens beside the half-filled form
        suggestion.click()
    article = opened.value
    expect(article.get_by_text("Izslēdziet un ieslēdziet.")).to_be_visible()
    article.close()
    page.locator("[name=subject]").fill("Printeris neizdrukā rēķinus")
    page.locator("[name=type]").select_option("incident")
    editor = page.locator(".rich-text-editor")  # the description, with formatting
    editor.click()
    editor.press_sequentially("Pēc atjaunināšanas printeris ")
    page.locator(".rich-text-toolbar button[data-command=bold]").click()
    editor.press_sequentially("neko")
    page.locator(".rich-text-toolbar button[data-command=bold]").click()
    editor.press_sequentially(" neizdrukā.")
    page.locator("[name=attachments]").set_input_files(
        {"name": "kļūda.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.4 printer log"}
    )
    page.get_by_test_id("request-form").locator("button[type=submit]").click()

    ticket = Ticket.objects.get()
    first = ticket.messages.get()
    assert "<b>neko</b>" in first.body_html or "<strong>neko</strong>" in first.body_html
    assert first.body_text.startswith("Pēc atjaunināšanas printeris neko neizdrukā.")
    # Read, then asked anyway: the help center counts that article as not having deflected a request.
    assert SuggestionOpened.objects.get().request_filed_at is not None
    expect(page.get_by_test_id("request-received")).to_contain_text(f"#{ticket.pk}")
    # The worker routes the request and sets its deadlines; the page asks until it knows.
    expect(page.get_by_test_id("expectations").locator("time").first).to_be_visible(timeout=20_000)
    expect(page.get_by_role("link", name="kļūda.pdf")).to_be_visible()
    _no_problems(page)
    wait_until(lambda: Ticket.objects.get().assignee_id == support.pk, timeout=20, what="the request routed")

    ticket_reply(
        ticket=ticket, by=support, body="Lūdzu, pārbaudiet printera draiveri.", status=Status.PENDING
    )
    to_janis = lambda: [email for email in smtp.emails if janis.email in str(email["To"])]  # noqa: E731
    wait_until(lambda: to_janis(), timeout=20, what="the reply emailed to the customer")
    assert f"/portal/requests/{ticket.pk}/" in to_janis()[0].get_body(("plain",)).get_content()
    page.reload()
    expect(page.get_by_text("Lūdzu, pārbaudiet printera draiveri.")).to_be_visible()
    expect(page.get_by_test_id("request-status")).to_have_class(re.compile("status-pending"))

    page.locator("[name=body]").fill("Draiveris ir jaunākais.")
    page.get_by_test_id("reply-form").locator("button[type=submit]").click()
    expect(page.get_by_test_id("request-status")).to_have_class(re.compile("status-open"))
    page.get_by_test_id("mark-solved").click()
    expect(page.get_by_test_id("request-status")).to_have_class(re.compile("status-solved"))
    rating = page.get_by_test_id("request-rating")
    rating.locator("input[value=good]").check()
    rating.locator("button[type=submit]").click()
    expect(page.locator(".message-success")).to_be_visible()
    assert SatisfactionRating.objects.get(ticket=ticket).good is True
    _no_problems(page)

    manager = browser.new_context(base_url=live_server.url, viewport=PHONE).new_page()
    manager.problems = []
    sign_in(manager, laura.email, lands_on=r"/portal/")
    manager.locator("[name=scope]").select_option("organization")
    manager.locator(".portal-filters button").click()
    manager.get_by_role("link", name="Printeris neizdrukā rēķinus").click()
    expect(manager.get_by_role("heading", level=1)).to_have_text("Printeris neizdrukā rēķinus")

    stranger = browser.new_context(base_url=live_server.url, viewport=PHONE).new_page()
    sign_in(stranger, outsider.email, lands_on=r"/portal/")
    assert stranger.goto(f"/portal/requests/{ticket.pk}/").status == 404


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("width", [375, 1280])
def test_every_portal_page_is_free_of_errors_and_serious_accessibility_violations(page, width):
    from tests.factories import UserFactory, make_ticket

    writer = UserFactory(role="backoffice", email="writer@example.com")
    reviewer = UserFactory(role="backoffice", email="reviewer@example.com")
    article = publish(make_article(writer), writer=writer, reviewer=reviewer)
    mia = portal_person("Mia Customer", "mia@example.net")
    ticket = make_ticket(requester=mia, subject="Router blinks")
    page.set_viewport_size({"width": width, "height": 900})
    anonymous = [
        "/portal/help/",
        f"/portal/help/{article.language}/{article.slug}/",
        "/portal/help/search/?q=router",
        "/portal/signup/",
        "/portal/signin/link/",
        "/accounts/login/",
    ]
    for path in anonymous:
        page.goto(path)
        _no_problems(page)
        assert page.evaluate("document.documentElement.scrollWidth") <= width, path  # no sideways scrolling

    sign_in(page, mia.user.email, lands_on=r"/portal/")
    for path in ["/portal/", "/portal/requests/new/", ticket.get_portal_url(), "/portal/account/"]:
        page.goto(path)
        _no_problems(page)
        assert page.evaluate("document.documentElement.scrollWidth") <= width, path
