"""The agent workspace at /desk/ in a real browser: queues, search, the ticket page and its panels."""

import re
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.e2e.helpers import sign_in
from tests.factories import CustomerFactory, MacroFactory, TeamFactory, UserFactory, make_ticket
from tickets.models import Attachment
from tickets.services import ticket_update

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

LITHUANIAN = "Sveiki, ačiū už kantrybę – ąčęėįšųūž"
# Presence is polled every 5 s by each page: one poll of each side, with room to spare.
PRESENCE_TIMEOUT = 15_000


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    # The live server runs in this process: attachments it stores land in the test's folder.
    settings.MEDIA_ROOT = tmp_path / "media"


def agent_in_team(email="ona@example.com", full_name="Ona Kazlauskaitė"):
    agent = UserFactory(email=email, full_name=full_name, role="agent")
    return agent, TeamFactory(name="First line", members=[agent])


def entries(page):
    return page.get_by_role("list", name="Conversation and history").locator(":scope > li")


def test_an_agent_opens_a_queue_searches_and_jumps_to_a_ticket_by_number(page):
    agent, team = agent_in_team()
    make_ticket(subject="Printer jams", body="The tray makes a grinding noise.", team=team)
    login = make_ticket(subject="Cannot log in", body="The password reset email never arrives.", team=team)
    make_ticket(subject="Monitor flickers", body="Every few seconds.")  # no team: every agent sees it
    make_ticket(subject="Payroll question", body="A grinding delay.", team=TeamFactory(name="Billing"))
    solved = make_ticket(subject="Old solved one", body="Thanks!", team=team)
    ticket_update(ticket=solved, by=None, changes={"status": "solved"})

    sign_in(page, agent.email)
    page.get_by_test_id("queue-open").click()
    expect(page).to_have_url(re.compile(r"/desk/views/open/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("All open (3)")
    expect(page.get_by_test_id("queue-open").locator(".count")).to_have_text("3")
    rows = page.locator("#ticket-rows tr[data-row]")
    expect(rows).to_have_count(3)
    # Newest change first; another team's ticket and the solved one are not listed.
    expect(rows.locator(".subject-link")).to_have_text(["Monitor flickers", "Cannot log in", "Printer jams"])

    # A word that is only in a message; the other team's ticket with the same word stays hidden.
    page.locator("#desk-search-input").fill("grinding")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Results for “grinding”")
    expect(rows.locator(".subject-link")).to_have_text(["Printer jams"])

    page.locator("#desk-search-input").fill(f"#{login.pk}")
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(rf"/desk/tickets/{login.pk}/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(f"#{login.pk} Cannot log in")
    expect(page.locator(".message-entry .message-body")).to_have_text(
        ["The password reset email never arrives."]
    )
    assert page.problems == []


def test_an_agent_replies_with_a_macro_and_adds_an_internal_note(page):
    agent, team = agent_in_team()
    jonas = CustomerFactory(name="Jonas Jonaitis")
    ticket = make_ticket(requester=jonas, subject="Charged twice", body="I paid twice.", team=team)
    MacroFactory(
        name="Refund issued",
        body="Hello {{ ticket.requester.first_name }},\n\nwe refunded ticket #{{ ticket.number }}.",
        set_status="pending",
    )

    sign_in(page, agent.email)
    page.goto(f"/desk/tickets/{ticket.pk}/")
    page.locator("#macro-select").select_option(label="Refund issued")
    page.get_by_role("button", name="Apply").click()
    expect(page.get_by_role("status")).to_contain_text("Macro “Refund issued” applied")
    reply = f"Hello Jonas,\n\nwe refunded ticket #{ticket.pk}."
    expect(page.get_by_label("Message", exact=True)).to_have_value(reply)
    expect(page.get_by_label("Submit as")).to_have_value("pending")
    page.get_by_test_id("send").click()

    expect(page).to_have_url(re.compile(rf"/desk/tickets/{ticket.pk}/$"))
    expect(page.get_by_role("status")).to_have_text("Reply sent.")
    sent = entries(page).filter(has_text="we refunded")
    expect(sent).to_have_class(re.compile(r"\bpublic\b"))
    expect(sent.locator("header strong")).to_have_text("Ona Kazlauskaitė")
    expect(sent.locator(".message-body p")).to_have_text(
        ["Hello Jonas,", f"we refunded ticket #{ticket.pk}."]
    )
    expect(page.locator(".ticket-header .badge")).to_have_text("Pending")  # the macro's status, on send

    page.locator('[data-mode="note"]').check()
    page.get_by_label("Message", exact=True).fill("Finance confirmed the refund; watch for a chargeback.")
    page.get_by_test_id("send").click()
    expect(page.get_by_role("status")).to_have_text("Note added.")
    note = entries(page).filter(has_text="Finance confirmed the refund")
    expect(note).to_have_class(re.compile(r"\binternal\b"))
    expect(note.locator(".badge-note")).to_have_text("Internal note")
    expect(entries(page).last).to_contain_text("Finance confirmed the refund")

    assert page.problems == []


def test_an_agent_merges_two_tickets_of_one_requester(page):
    agent, team = agent_in_team()
    marta = CustomerFactory(name="Marta Ozola")
    target = make_ticket(requester=marta, subject="VPN drops", body="The VPN drops every hour.", team=team)
    source = make_ticket(requester=marta, subject="VPN again", body="It dropped twice in a call.", team=team)

    sign_in(page, agent.email)
    page.goto(f"/desk/tickets/{source.pk}/")
    expect(page.get_by_test_id("customer-panel")).to_contain_text(f"#{target.pk} VPN drops")
    dialogs = []

    def accept(dialog):
        dialogs.append(dialog.message)
        dialog.accept()

    page.once("dialog", accept)
    page.locator("#merge-number").fill(str(target.pk))
    page.get_by_role("button", name="Merge").click()

    expect(page).to_have_url(re.compile(rf"/desk/tickets/{target.pk}/$"))
    assert dialogs == ["Merge this ticket into the other one? This ticket will be closed."]
    expect(page.get_by_role("status")).to_have_text(f"Ticket #{source.pk} merged into this one.")
    expect(page.locator(".message-entry .message-body")).to_have_text(
        ["The VPN drops every hour.", "It dropped twice in a call."]
    )
    expect(entries(page).last).to_contain_text(f"Ona Kazlauskaitė merged #{source.pk} into this ticket")

    page.goto(f"/desk/tickets/{source.pk}/")
    expect(page.get_by_text(f"This ticket was merged into #{target.pk}.")).to_be_visible()
    expect(page.locator(".ticket-header .badge")).to_have_text("Closed")
    expect(page.locator(".message-entry")).to_have_count(0)

    assert page.problems == []


def test_an_agent_sees_another_agent_viewing_and_typing(page, browser, live_server):
    ona, team = agent_in_team()
    rasa = UserFactory(email="rasa@example.com", full_name="Rasa Petrauskienė", role="agent")
    team.members.add(rasa)
    ticket = make_ticket(subject="Email bounces", body="Mail to the CEO bounces.", team=team)

    sign_in(page, ona.email)
    page.goto(f"/desk/tickets/{ticket.pk}/")
    expect(page.get_by_test_id("presence")).to_have_count(0)

    context = browser.new_context(base_url=live_server.url)
    try:
        other = context.new_page()
        other_problems = []
        other.on("console", lambda message: message.type == "error" and other_problems.append(message.text))
        other.on("pageerror", lambda error: other_problems.append(str(error)))
        sign_in(other, rasa.email)
        other.goto(f"/desk/tickets/{ticket.pk}/")

        presence = page.get_by_test_id("presence")
        expect(presence).to_contain_text("Rasa Petrauskienė is viewing", timeout=PRESENCE_TIMEOUT)
        other.get_by_label("Message", exact=True).press_sequentially("Looking into it")
        expect(presence).to_contain_text("Rasa Petrauskienė is typing a reply", timeout=PRESENCE_TIMEOUT)
        expect(other.get_by_test_id("presence")).to_contain_text("Ona Kazlauskaitė is viewing")
        assert other_problems == []
    finally:
        context.close()

    assert page.problems == []


def test_a_lithuanian_reply_with_a_5_mb_attachment_shows_exactly_and_downloads(page):
    agent, team = agent_in_team()
    ticket = make_ticket(subject="Sąskaita", body="Atsiųskite sąskaitą.", team=team)
    content = b"%PDF-1.4\n" + bytes(5 * 1024 * 1024)

    sign_in(page, agent.email)
    page.goto(f"/desk/tickets/{ticket.pk}/")
    page.get_by_label("Message", exact=True).fill(LITHUANIAN)
    page.get_by_label("Attachments", exact=True).set_input_files(
        files=[{"name": "report.pdf", "mimeType": "application/pdf", "buffer": content}]
    )
    page.get_by_test_id("send").click()

    expect(page.get_by_role("status")).to_have_text("Reply sent.")
    reply = entries(page).filter(has=page.locator(".attachments"))
    expect(reply.locator(".message-body")).to_have_text(LITHUANIAN)
    expect(reply.locator(".attachments li")).to_have_text("report.pdf 5.0 MB")
    attachment = Attachment.objects.get()
    assert (attachment.filename, attachment.size) == ("report.pdf", len(content))

    with page.expect_download() as download_info:
        reply.get_by_role("link", name="report.pdf").click()
    download = download_info.value
    assert download.suggested_filename == "report.pdf"
    assert Path(download.path()).read_bytes() == content

    assert page.problems == []


def test_keyboard_opens_the_first_row_and_the_shortcut_help(page):
    agent, team = agent_in_team()
    make_ticket(subject="Older ticket", body="First.", team=team)
    newest = make_ticket(subject="Newest ticket", body="Second.", team=team)

    sign_in(page, agent.email)
    page.goto("/desk/views/open/")
    page.keyboard.press("j")
    expect(page.locator("#ticket-rows tr[data-row]").first).to_have_class(re.compile(r"\bselected\b"))
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(rf"/desk/tickets/{newest.pk}/$"))

    help_dialog = page.locator("#shortcut-help")
    expect(help_dialog).to_be_hidden()
    page.keyboard.press("?")
    expect(help_dialog).to_be_visible()
    expect(help_dialog.get_by_role("heading")).to_have_text("Keyboard shortcuts")
    page.keyboard.press("Escape")
    expect(help_dialog).to_be_hidden()

    page.keyboard.press("n")  # an internal note, with the cursor in the message box
    expect(page.locator('[data-mode="note"]')).to_be_checked()
    expect(page.get_by_label("Message", exact=True)).to_be_focused()

    assert page.problems == []


def test_an_agent_changes_the_status_in_the_properties_panel(page):
    agent, team = agent_in_team()
    ticket = make_ticket(subject="Laptop will not charge", body="The light stays off.", team=team)
    # A due date as code sets it (an SLA rule, the API): to the microsecond.
    ticket_update(ticket=ticket, by=None, changes={"due_at": timezone.now() + timedelta(days=2)})

    sign_in(page, agent.email)
    page.goto(f"/desk/tickets/{ticket.pk}/")
    page.evaluate("window.stillThisPage = true")
    properties = page.get_by_role("region", name="Properties")
    with page.expect_response(re.compile(rf"/desk/tickets/{ticket.pk}/fields/$")) as posted:
        properties.locator("select[name=status]").select_option("pending")
    assert posted.value.ok
    assert posted.value.request.headers.get("hx-request") == "true"
    expect(properties.locator("select[name=status]")).to_have_value("pending")
    # The ticket area was swapped in place (no page load): header, timeline and panel agree.
    assert page.evaluate("window.stillThisPage") is True
    expect(page.locator(".ticket-header .badge")).to_have_text("Pending")
    # Only what the agent changed is logged: not the due date that came back without microseconds.
    expect(page.locator(".activity-entry > span").filter(has_text="Ona Kazlauskaitė")).to_have_text(
        ["Ona Kazlauskaitė changed status from New to Pending"]
    )
    # The panel's "Status" label names the panel's select, not the reply form's "Submit as".
    expect(properties.get_by_label("Status", exact=True)).to_have_value("pending")
    assert page.problems == []


def test_a_ticket_with_one_message_does_not_offer_to_split_it(page):
    agent, team = agent_in_team()
    ticket = make_ticket(subject="Scanner offline", body="It says offline.", team=team)

    sign_in(page, agent.email)
    page.goto(f"/desk/tickets/{ticket.pk}/")
    expect(page.locator(".message-entry")).to_have_count(1)
    assert page.problems == []
    # The service refuses to split a ticket's only message, so the page must not offer it.
    expect(page.get_by_role("button", name="Split off")).to_have_count(0, timeout=1_000)
