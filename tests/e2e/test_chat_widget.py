"""The chat widget on another site, in a real browser: one script tag, a chat, an agent's answer."""

import functools
import http.server
import threading

import pytest
from playwright.sync_api import expect

from tests.tickets.conftest import free_port
from tickets.models import ChatSession
from tickets.services import ticket_reply

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

HOST_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Baltic Bikes</title><link rel="icon" href="data:,"></head>
<body><h1>Baltic Bikes</h1><p>Our shop, with the helpdesk's chat on it.</p>
<script src="{helpdesk}/static/chat/widget.js" async></script>
</body></html>
"""


@pytest.fixture
def customer_site(tmp_path, live_server, settings):
    """A customer's site on an origin of its own (127.0.0.1 vs the helpdesk's localhost), allowed to
    frame the chat."""
    (tmp_path / "index.html").write_text(HOST_PAGE.format(helpdesk=live_server.url))
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(tmp_path))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", free_port()), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    origin = f"http://127.0.0.1:{server.server_port}"
    settings.CONTACT_FORM_FRAME_ANCESTORS = ["'self'", origin]
    yield f"{origin}/index.html"
    server.shutdown()
    server.server_close()


def test_a_visitor_chats_from_another_site_and_sees_the_agents_answer_within_two_seconds(
    page, customer_site, ona
):
    page.goto(customer_site)
    page.get_by_role("button", name="Chat with us").click()
    chat = page.frame_locator("iframe[title='Chat with support']")
    chat.get_by_label("Your name").fill("Liene Bērziņa")
    chat.get_by_label("Your email address").fill("liene@example.lv")
    chat.get_by_label("How can we help?").fill("Vai velosipēds ir noliktavā?")
    expect(chat.get_by_label("Leave this empty")).not_to_be_in_viewport()  # the honeypot
    chat.get_by_role("button", name="Start the chat").click()

    expect(chat.locator(".from-visitor")).to_contain_text("Vai velosipēds ir noliktavā?")
    session = ChatSession.objects.select_related("ticket", "customer").get()
    assert session.customer.email == "liene@example.lv"
    assert session.page_url == customer_site
    ticket_reply(ticket=session.ticket, by=ona, body="Jā, ir noliktavā!")

    expect(chat.locator(".from-agent")).to_contain_text("Jā, ir noliktavā!", timeout=2000)
    expect(chat.locator(".from-agent")).to_contain_text("Ona")

    chat.get_by_label("Your message").fill("Paldies!")
    chat.get_by_label("Your message").press("Enter")
    expect(chat.locator(".from-visitor")).to_have_count(2)
    assert session.ticket.messages.filter(incoming=True).count() == 2
    assert page.problems == []


def test_the_chat_comes_back_on_the_next_page_of_the_site(page, customer_site, ona):
    page.goto(customer_site)
    page.get_by_role("button", name="Chat with us").click()
    chat = page.frame_locator("iframe[title='Chat with support']")
    chat.get_by_label("Your name").fill("Liene Bērziņa")
    chat.get_by_label("Your email address").fill("liene@example.lv")
    chat.get_by_label("How can we help?").fill("Sveiki!")
    chat.get_by_role("button", name="Start the chat").click()
    expect(chat.locator(".from-visitor")).to_have_count(1)
    chat.get_by_role("button", name="Close the chat").click()
    expect(page.locator("iframe")).to_be_hidden()

    page.reload()
    ticket_reply(ticket=ChatSession.objects.get().ticket, by=ona, body="Labdien!")
    page.get_by_role("button", name="Chat with us").click()

    chat = page.frame_locator("iframe[title='Chat with support']")
    expect(chat.locator(".from-agent")).to_contain_text("Labdien!", timeout=2000)
    expect(chat.get_by_label("Your name")).to_be_hidden()
    assert page.problems == []
