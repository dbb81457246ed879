"""The customer's account page in the portal: profile, consents, "Download my data" (only ever their
own), and who may open it."""

import io
import json
import zipfile

import pytest
from django.core.exceptions import PermissionDenied

from customers.gdpr.export import customer_export
from customers.models import Consent, Identity
from helpdesk.models import AuditEntry
from tests.factories import CustomerFactory, UserFactory, make_ticket
from tests.portal.people import portal_person

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def mia(db):
    return portal_person("Mia Rossi", "mia@example.org", phone="+37060000001")


@pytest.fixture
def signed_in(client, mia):
    client.force_login(mia.user)
    return client


def save_profile(client, **fields):
    data = {"name": "Mia Bianchi", "phone": "+370 600 00002", "language": "lt", "time_zone": "Europe/Rome"}
    return client.post("/portal/account/profile/", data | fields)


def test_visitors_are_sent_to_sign_in_and_staff_are_refused(client, ona):
    assert client.get("/portal/account/")["Location"].startswith("/accounts/login/?next=/portal/account/")
    assert client.post("/portal/account/data/")["Location"].startswith("/accounts/login/")
    client.force_login(ona)
    for url in ("/portal/account/", "/portal/account/profile/", "/portal/account/consent/"):
        assert client.post(url).status_code == 403
    assert client.post("/portal/account/data/").status_code == 403


def test_a_customer_login_without_a_customer_record_gets_one_on_its_first_visit(client):
    user = UserFactory(role="customer", full_name="Staff-made Login")
    client.force_login(user)

    assert client.get("/portal/account/").status_code == 200
    assert user.customer.name == "Staff-made Login"


def test_the_page_shows_profile_consents_and_links_in_few_queries(
    signed_in, mia, django_assert_max_num_queries
):
    Consent.objects.create(customer=mia, purpose="marketing", granted=False, source="email")

    with django_assert_max_num_queries(8):
        response = signed_in.get("/portal/account/")

    page = response.content.decode()
    assert response.status_code == 200
    assert response.context["form"].initial["name"] == "Mia Rossi"
    assert "Refused" in page and "Never asked" in page
    assert 'href="/accounts/password_change/"' in page and 'action="/portal/account/data/"' in page
    assert 'href="/portal/account/" aria-current="page"' in page


def test_saving_the_profile_changes_the_customer_and_the_logins_name_and_language(signed_in, mia):
    response = save_profile(signed_in)

    assert response.status_code == 302 and response["Location"] == "/portal/account/"
    mia.refresh_from_db()
    mia.user.refresh_from_db()
    assert (mia.name, mia.phone, mia.language, mia.time_zone) == (
        "Mia Bianchi",
        "+37060000002",
        "lt",
        "Europe/Rome",
    )
    assert (mia.user.full_name, mia.user.language) == ("Mia Bianchi", "lt")
    assert response.cookies["django_language"].value == "lt"  # the pages follow at once
    assert Identity.objects.filter(customer=mia, kind="phone", value="+37060000002").exists()
    assert mia.email == "mia@example.org"  # the sign-in address is not changed here


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"name": "  "}, "name"),
        ({"phone": "12"}, "phone"),
        ({"language": "xx"}, "language"),
        ({"time_zone": "Mars/Olympus"}, "time_zone"),
    ],
)
def test_invalid_profile_input_is_shown_and_nothing_is_saved(signed_in, mia, fields, field):
    response = save_profile(signed_in, **fields)

    assert response.status_code == 400 and response.context["form"].errors[field]
    assert 'class="errorlist' in response.content.decode()
    mia.refresh_from_db()
    assert (mia.name, mia.phone, mia.language) == ("Mia Rossi", "+37060000001", "")


def test_a_phone_number_of_another_customer_is_refused(signed_in, mia):
    CustomerFactory(name="Bob", phone="+37060000009")

    response = save_profile(signed_in, phone="+370 600 00009")

    assert response.status_code == 400 and response.context["form"].errors["phone"]
    mia.refresh_from_db()
    assert mia.name == "Mia Rossi" and mia.phone == "+37060000001"
    assert not Identity.objects.filter(customer=mia, value="+37060000009").exists()


def test_giving_and_withdrawing_consent_records_decisions_from_the_portal(signed_in, mia):
    signed_in.post("/portal/account/consent/", {"purpose": "marketing", "decision": "give"})
    response = signed_in.post("/portal/account/consent/", {"purpose": "marketing", "decision": "withdraw"})

    assert response.status_code == 302
    decisions = list(mia.consents.order_by("pk").values_list("purpose", "granted", "source", "recorded_by"))
    assert decisions == [
        ("marketing", True, "portal", mia.user.pk),
        ("marketing", False, "portal", mia.user.pk),
    ]
    page = signed_in.get("/portal/account/").content.decode()
    assert "Refused" in page and "Portal" in page


@pytest.mark.parametrize("data", [{"purpose": "everything", "decision": "give"}, {"purpose": "marketing"}])
def test_an_invalid_consent_decision_records_nothing(signed_in, mia, data):
    response = signed_in.post("/portal/account/consent/", data)

    assert response.status_code == 302 and not mia.consents.exists()


def read_zip(response) -> dict[str, bytes]:
    assert response["Content-Type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    return {name: archive.read(name) for name in archive.namelist()}


def test_download_my_data_gives_the_customers_own_export_and_never_anyone_elses(signed_in, mia):
    make_ticket(requester=mia, subject="My printer", body="Mine is broken.")
    bob = CustomerFactory(name="Bob Secret", email="bob@example.net", notes="Bob's private notes")
    make_ticket(requester=bob, subject="Bob's confidential request", body="Bob's words.")

    # Whatever the request says about whose data, it is the signed-in customer's.
    response = signed_in.post(f"/portal/account/data/?pk={bob.pk}", {"customer": bob.pk})

    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    assert response["Content-Disposition"].startswith('attachment; filename="my-data-')
    files = read_zip(response)
    customer = json.loads(files["customer.json"])
    tickets = json.loads(files["tickets.json"])
    assert customer["customer"]["id"] == mia.pk and customer["customer"]["email"] == "mia@example.org"
    assert [ticket["subject"] for ticket in tickets] == ["My printer"]
    everything = b"".join(files.values())
    assert b"Bob" not in everything and b"bob@example.net" not in everything
    entry = AuditEntry.objects.get(action="customer.exported")
    assert (entry.actor, entry.target_id, entry.data["via"]) == (mia.user, str(mia.pk), "portal")


def test_the_own_data_export_refuses_anyone_but_the_customer_themselves(mia, ona):
    bob = portal_person("Bob Secret", "bob@example.net")

    for customer, by in ((bob, mia.user), (mia, ona), (mia, bob.user)):
        with pytest.raises(PermissionDenied):
            customer_export(customer=customer, by=by)
    assert not AuditEntry.objects.exists()


def test_download_my_data_is_a_post_and_is_throttled(signed_in, mia, settings):
    settings.PORTAL_ACCOUNT_RATE = 1
    assert signed_in.get("/portal/account/data/").status_code == 405

    assert signed_in.post("/portal/account/data/").status_code == 200
    refused = signed_in.post("/portal/account/data/")

    assert refused.status_code == 302 and refused["Location"] == "/portal/account/"
    assert AuditEntry.objects.filter(action="customer.exported").count() == 1


def test_the_portal_navigation_offers_sign_in_and_sign_up_to_visitors(client):
    page = client.get("/portal/signup/").content.decode()
    assert "Create an account" in page

    help_page = client.get("/portal/help/").content.decode()
    assert 'href="/portal/signup/"' in help_page and 'href="/accounts/login/?next=/portal/help/"' in help_page
    assert 'href="/portal/account/"' not in help_page


def test_customers_see_the_account_link(signed_in):
    page = signed_in.get("/portal/").content.decode()

    assert 'href="/portal/account/"' in page and 'href="/portal/signup/"' not in page
