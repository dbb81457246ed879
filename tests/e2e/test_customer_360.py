"""The whole customer in a real browser: the panel on a ticket, the 360° view, its channel filter,
a supervisor merging two duplicates (and undoing it), and an admin exporting a customer's data and
then erasing them."""

import json
import os
import re
import zipfile

import pytest
from playwright.sync_api import expect

from tests.e2e.helpers import sign_in
from tests.factories import CustomerFactory, TeamFactory, UserFactory, make_ticket
from tickets.models import Channel
from tickets.services import ticket_customer_reply

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

# Set SCREENSHOTS=/some/folder to keep pictures of the pages at laptop and phone widths.
SCREENSHOTS = os.environ.get("SCREENSHOTS")


def snap(page, name: str) -> None:
    if SCREENSHOTS:
        for width, height in ((1366, 900), (390, 844)):
            page.set_viewport_size({"width": width, "height": height})
            page.screenshot(path=f"{SCREENSHOTS}/{name}-{width}.png", full_page=True)
        page.set_viewport_size({"width": 1280, "height": 800})


def test_an_agent_sees_the_customer_on_the_ticket_then_opens_and_filters_the_360_view(page):
    agent = UserFactory(email="ona@example.com", full_name="Ona Kazlauskaitė", role="agent")
    team = TeamFactory(name="First line", members=[agent])
    ruta = CustomerFactory(name="Rūta Jankauskienė", email="ruta@example.lt", vip=True)
    make_ticket(requester=ruta, subject="Called about the router", team=team, channel=Channel.PHONE)
    ticket = make_ticket(requester=ruta, subject="Invoice twice", body="I was charged twice.", team=team)
    ticket_customer_reply(ticket=ticket, customer=ruta, body="Any news?", channel=Channel.EMAIL)

    sign_in(page, agent.email)
    page.goto(ticket.get_absolute_url())
    panel = page.get_by_test_id("customer-panel")
    expect(panel.get_by_test_id("repeat-badge")).to_have_text("Returning customer · 2 tickets")
    expect(panel.get_by_test_id("billing-line")).to_have_text("No billing data yet")
    snap(page, "ticket-panel")

    panel.get_by_test_id("customer-360-link").click()
    expect(page).to_have_url(re.compile(rf"/desk/customers/{ruta.pk}/$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Rūta Jankauskienė")
    interactions = page.get_by_test_id("interaction")
    expect(interactions).to_have_count(3)
    snap(page, "customer-360")

    page.locator(".channel-filter [data-channel='phone']").click()
    expect(page).to_have_url(re.compile(r"\?channel=phone$"))
    expect(interactions).to_have_count(1)
    expect(interactions.first).to_contain_text("Called about the router")

    page.get_by_test_id("edit-profile").click()
    page.get_by_label("Time zone").select_option("Europe/Vilnius")
    page.get_by_test_id("consent").get_by_text("Record a decision").click()
    snap(page, "customer-360-editing")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_test_id("profile")).to_contain_text("Europe/Vilnius")
    assert page.problems == []


def test_a_supervisor_merges_two_duplicate_customers_and_undoes_it(page):
    supervisor = UserFactory(email="aino@example.com", full_name="Aino Virtanen", role="supervisor")
    real = CustomerFactory(name="Jonas Jonaitis", email="jonas@example.lt")
    duplicate = CustomerFactory(name="J. Jonaitis", email="jonas.j@gmail.com")
    make_ticket(requester=duplicate, subject="Parcel lost")

    sign_in(page, supervisor.email)
    page.goto(real.get_absolute_url())
    identities = page.get_by_test_id("identities")
    identities.get_by_label("Kind").select_option("email")
    identities.get_by_label("Address, number or handle").fill("jonas.j@gmail.com")
    identities.get_by_role("button", name="Add").click()
    expect(identities).to_contain_text("already belongs to J. Jonaitis")
    snap(page, "duplicate-identity")

    identities.get_by_test_id("offer-merge").click()
    expect(page.get_by_test_id("merge-side")).to_have_count(2)
    snap(page, "merge-confirm")
    page.get_by_test_id("confirm-merge").click()

    expect(page).to_have_url(re.compile(rf"/desk/customers/{real.pk}/$"))
    expect(page.get_by_test_id("merge-note")).to_contain_text(f"Customer #{duplicate.pk} (J. Jonaitis)")
    expect(page.get_by_test_id("open-tickets")).to_contain_text("Parcel lost")
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Undo merge").click()
    expect(page.locator("#messages")).to_contain_text("The merge was undone")
    expect(page.get_by_test_id("open-tickets")).not_to_contain_text("Parcel lost")
    assert page.problems == []


def test_an_admin_exports_a_customer_and_then_erases_them(page, tmp_path):
    admin = UserFactory(email="rasa@example.com", full_name="Rasa Petrauskienė", role="admin")
    ruta = CustomerFactory(name="Rūta Jankauskienė", email="ruta@example.lt")
    first = make_ticket(requester=ruta, subject="Sąskaita dvigubai", body="Nuskaičiavo du kartus.")
    ticket_customer_reply(ticket=first, customer=ruta, body="Ar jau žinote?", channel=Channel.EMAIL)
    second = make_ticket(requester=ruta, subject="Maršrutizatorius", body="Neveikia internetas.")

    sign_in(page, admin.email)
    page.goto(ruta.get_absolute_url())
    with page.expect_download() as download:
        page.get_by_test_id("gdpr-card").get_by_role("button", name="Export everything").click()
    path = tmp_path / "export.zip"
    download.value.save_as(path)
    with zipfile.ZipFile(path) as archive:
        tickets = json.loads(archive.read("tickets.json"))
        assert json.loads(archive.read("customer.json"))["customer"]["name"] == "Rūta Jankauskienė"
    assert {ticket["id"] for ticket in tickets} == {first.pk, second.pk}
    texts = [message["body_text"] for ticket in tickets for message in ticket["messages"]]
    assert sorted(texts) == sorted(["Nuskaičiavo du kartus.", "Ar jau žinote?", "Neveikia internetas."])

    page.get_by_test_id("gdpr-card").get_by_role("link", name="Erase this customer…").click()
    form = page.get_by_test_id("gdpr-erase-form")
    form.get_by_label("Type the customer's number or name to confirm").fill(str(ruta.pk))
    form.get_by_label("Reason").fill("Request by email of 24 November")
    form.get_by_test_id("gdpr-erase").click()

    expect(page).to_have_url(re.compile(rf"/desk/customers/{ruta.pk}/$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text(f"Erased customer #{ruta.pk}")
    expect(page.locator("body")).not_to_contain_text("Rūta")
    assert page.problems == []
