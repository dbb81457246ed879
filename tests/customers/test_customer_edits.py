"""Inline edits on the 360° view, with htmx (a section comes back) and without (redirect, or the
page with the form's errors); bad input changes nothing; identities need a supervisor."""

import pytest

from customers.models import Consent, Customer, Identity
from tests.customers.c360_helpers import customer_url, htmx, identity_url, page_text
from tests.factories import CustomerFactory, OrganizationFactory


@pytest.fixture
def marija(db):
    return CustomerFactory(name="Marija Petrauskaitė", email="marija@example.lt")


@pytest.fixture
def desk(client, ona):
    client.force_login(ona)
    return client


@pytest.fixture
def supervisor(client, aino):
    client.force_login(aino)
    return client


PROFILE = {"name": "Marija P.", "language": "lt", "time_zone": "Europe/Vilnius", "vip": "on"}


def test_editing_the_profile_without_javascript_saves_and_redirects(desk, marija):
    organization = OrganizationFactory(name="Baltic Parcels")
    data = PROFILE | {"organization": "baltic parcels", "organization_manager": "on"}

    response = desk.post(customer_url(marija, "desk:customer_profile"), data)

    assert response.status_code == 302 and response.url == customer_url(marija)
    marija.refresh_from_db()
    assert (marija.name, marija.language, marija.time_zone, marija.vip) == (
        "Marija P.",
        "lt",
        "Europe/Vilnius",
        True,
    )
    assert (marija.organization, marija.organization_manager) == (organization, True)


def test_a_customer_keeps_their_organization_when_another_has_the_same_name(desk, marija):
    marija.organization = OrganizationFactory(name="Kaunas Clinic")
    marija.save()
    OrganizationFactory(name="Kaunas Clinic")

    response = desk.post(
        customer_url(marija, "desk:customer_profile"), PROFILE | {"organization": "Kaunas Clinic"}
    )

    assert response.status_code == 302
    assert Customer.objects.get(pk=marija.pk).organization == marija.organization


def test_editing_the_profile_with_htmx_returns_the_profile_section(desk, marija):
    response = desk.post(
        customer_url(marija, "desk:customer_profile"), PROFILE, headers=htmx("customer-profile")
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html and 'id="customer-profile"' in html and "Marija P." in html
    assert 'name="time_zone"' not in html  # back to reading


def test_the_edit_button_opens_the_form_in_place_or_on_the_page(desk, marija):
    in_place = desk.get(customer_url(marija), {"edit": "profile"}, headers=htmx("customer-profile"))
    on_page = desk.get(customer_url(marija), {"edit": "profile"})

    assert 'name="time_zone"' in in_place.content.decode() and "<html" not in in_place.content.decode()
    assert 'name="time_zone"' in on_page.content.decode() and "<html" in on_page.content.decode()


@pytest.mark.parametrize(
    ("change", "error"),
    [
        ({"name": "   "}, "A customer needs a name."),
        ({"time_zone": "Mars/Olympus"}, "Unknown time zone “Mars/Olympus”"),
        ({"organization": "Nobody Ltd"}, "There is no organization called “Nobody Ltd”."),
        ({"language": "xx"}, "Select a valid choice."),
    ],
)
def test_bad_profile_input_is_refused_with_a_clear_error_and_saves_nothing(desk, marija, change, error):
    response = desk.post(customer_url(marija, "desk:customer_profile"), PROFILE | change)

    assert response.status_code == 400
    assert error in page_text(response)
    marija.refresh_from_db()
    assert (marija.name, marija.vip, marija.time_zone) == ("Marija Petrauskaitė", False, "")


def test_bad_profile_input_through_htmx_comes_back_in_the_section(desk, marija):
    response = desk.post(
        customer_url(marija, "desk:customer_profile"),
        PROFILE | {"name": ""},
        headers=htmx("customer-profile"),
    )

    assert response.status_code == 200  # htmx swaps only successful answers
    assert "A customer needs a name." in page_text(response)
    assert 'name="time_zone"' in response.content.decode()


def test_notes_save_with_and_without_htmx(desk, marija):
    plain = desk.post(customer_url(marija, "desk:customer_notes"), {"notes": "Calls in the morning"})
    swapped = desk.post(
        customer_url(marija, "desk:customer_notes"),
        {"notes": "Prefers email"},
        headers=htmx("customer-notes"),
    )

    assert plain.status_code == 302
    assert "Prefers email" in swapped.content.decode() and "Saved" in page_text(swapped)
    marija.refresh_from_db()
    assert marija.notes == "Prefers email"


def test_tags_are_added_and_removed(desk, marija):
    desk.post(customer_url(marija, "desk:customer_tags"), {"add": "wholesale, late payer"})
    response = desk.post(
        customer_url(marija, "desk:customer_tags"), {"remove": "late payer"}, headers=htmx("customer-tags")
    )

    assert [tag.name for tag in marija.tags.all()] == ["wholesale"]
    assert "wholesale" in page_text(response) and "late payer" not in page_text(response)


def test_an_agent_records_consent_and_the_decision_that_holds_is_shown(desk, marija, ona):
    desk.post(
        customer_url(marija, "desk:customer_consent"),
        {"purpose": "call_recording", "granted": "1", "source": "phone"},
    )
    response = desk.post(
        customer_url(marija, "desk:customer_consent"),
        {"purpose": "call_recording", "granted": "0", "source": "email", "note": "Asked us to stop"},
        follow=True,
    )

    text = page_text(response)
    assert "Consent recorded." in text
    assert "Refused: Recording of calls" in text
    assert "Asked us to stop" in text and "Ona Kazlauskaitė" in text
    assert Consent.objects.filter(customer=marija).count() == 2  # the first stays as history


def test_a_consent_without_a_decision_is_refused(desk, marija):
    response = desk.post(
        customer_url(marija, "desk:customer_consent"), {"purpose": "marketing", "source": "phone"}
    )

    assert response.status_code == 400
    assert not Consent.objects.exists()


def test_a_supervisor_adds_verifies_and_removes_an_identity(supervisor, marija):
    supervisor.post(
        customer_url(marija, "desk:customer_identity_add"), {"kind": "phone", "value": "+370 612 34567"}
    )
    identity = Identity.objects.get(customer=marija, kind="phone")
    supervisor.post(identity_url(identity, "verify"), {"verified": "1"})
    identity.refresh_from_db()
    assert (identity.value, identity.verified) == ("+37061234567", True)

    response = supervisor.post(identity_url(identity, "remove"), headers=htmx("customer-identities"))

    assert response.status_code == 200 and "+37061234567" not in response.content.decode()
    assert not Identity.objects.filter(pk=identity.pk).exists()


def test_agents_may_not_change_identities(desk, marija):
    identity = marija.identities.get()

    responses = [
        desk.post(
            customer_url(marija, "desk:customer_identity_add"), {"kind": "phone", "value": "+37061234567"}
        ),
        desk.post(identity_url(identity, "verify"), {"verified": "1"}),
        desk.post(identity_url(identity, "remove")),
    ]

    assert [response.status_code for response in responses] == [403, 403, 403]
    assert list(marija.identities.values_list("value", "verified")) == [("marija@example.lt", False)]
    assert 'data-testid="identity-form"' not in desk.get(customer_url(marija)).content.decode()


def test_a_duplicate_identity_is_refused_with_an_offer_to_merge(supervisor, marija):
    other = CustomerFactory(name="M. Petrauskaitė", email="m.petrauskaite@example.lt")

    response = supervisor.post(
        customer_url(marija, "desk:customer_identity_add"),
        {"kind": "email", "value": "M.Petrauskaite@example.lt"},
        headers=htmx("customer-identities"),
    )

    text = page_text(response)
    assert (
        f"already belongs to M. Petrauskaitė (customer #{other.pk}). Merge the two customers instead." in text
    )
    assert f"{customer_url(marija, 'desk:customer_merge')}?other={other.pk}" in response.content.decode()
    assert not marija.identities.filter(value="m.petrauskaite@example.lt").exists()
