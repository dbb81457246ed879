"""The portal end to end at phone size, with every real part: Chromium, the live server, the outbox
relay and a Celery worker (routing, SLA, email) and a real SMTP server. A Latvian customer reads a
suggested article, files a request with a file, sees the expected reply time arrive, gets the agent's
reply by email and in the portal, answers, marks it solved and rates it; the organization's manager
sees the request, another organization's customer cannot open it. No page has a JavaScript error or a
serious accessibility violation (axe-core)."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from backoffice.rosters.models import Shift
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
    janis = portal_person("Jānis Kalniņš", "janis@acme.example", organization=acme, language="lv")
    laura = portal_person("Laura Bērziņa", "laura@acme.example", organization=acme, organization_manager=True)
    outsider = portal_person("Grace Globex", "grace@globex.example", organization=globex)
    processes.env.update({"EMAIL_URL": f"smtp://127.0.0.1:{smtp.port}", "SITE_URL": live_server.url})
    processes.start_worker()
    processes.start_relay()
    page.set_viewport_size(PHONE)
    sign_in(page, janis.email, lands_on=r"/portal/")
    _no_problems(page)

    # The portal speaks Latvian to Jānis (his language, applied at sign-in): fields by name from here.
    expect(page.locator("html")).to_have_attribute("lang", "lv")
    page.locator(".portal-nav a[href='/portal/requests/new/']").click()
    page.locator("[name=subject]").fill("Printeris")
    suggestions = page.get_by_test_id("help-suggestions")
    expect(suggestions.get_by_role("link", name=re.compile("Printeris neizdrukā"))).to_be_visible()
    _no_problems(page)
    page.locator("[name=subject]").fill("Printeris neizdrukā rēķinus")
    page.locator("[name=type]").select_option("incident")
    page.locator("[name=description]").fill("Pēc atjaunināšanas printeris neko neizdrukā.")
    page.locator("[name=attachments]").set_input_files(
        {"name": "kļūda.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.4 printer log"}
    )
    page.get_by_test_id("request-form").locator("button[type=submit]").click()

    ticket = Ticket.objects.get()
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
