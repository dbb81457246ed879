"""Organization list and pages: customers and tickets, edits by role, domains that auto-join."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from customers.lists import organization_page
from customers.models import Organization, OrganizationDomain
from customers.organizations import normalise_domain, organization_domain_add, organization_update
from customers.services import customer_find_or_create
from tests.factories import CustomerFactory, OrganizationFactory, TeamFactory, make_ticket


@pytest.fixture
def acme(db):
    acme = OrganizationFactory(name="Acme Baltic")
    OrganizationDomain.objects.create(organization=acme, domain="acme.lt")
    return acme


@pytest.fixture
def first_line(ona):
    return TeamFactory(name="First line", members=[ona])


def test_the_list_searches_by_name_prefix_and_by_domain(acme):
    OrganizationFactory(name="Baltic Oak")

    assert [o.name for o in organization_page(query="acme").rows] == ["Acme Baltic"]
    assert [o.name for o in organization_page(query="ACME.LT").rows] == ["Acme Baltic"]
    assert [o.name for o in organization_page(query="someone@acme.lt").rows] == ["Acme Baltic"]
    assert [o.name for o in organization_page().rows] == ["Acme Baltic", "Baltic Oak"]


def test_the_list_page_shows_domains_and_customer_counts(client, ona, acme, django_assert_max_num_queries):
    CustomerFactory(organization=acme)
    CustomerFactory(organization=acme)
    client.force_login(ona)

    with django_assert_max_num_queries(10):
        page = client.get("/desk/organizations/").content.decode()

    assert "acme.lt" in page and 'data-testid="organization-row"' in page
    assert '<td class="col-count">2</td>' in page
    assert "New organization" not in page  # agents do not create organizations


def test_the_page_lists_customers_with_managers_marked_and_the_tickets_the_viewer_may_see(
    client, ona, acme, first_line, django_assert_max_num_queries
):
    manager = CustomerFactory(name="Vida Manager", organization=acme, organization_manager=True)
    CustomerFactory(name="Petras Plain", organization=acme)
    CustomerFactory(name="Somebody Else")
    older = make_ticket(requester=manager, subject="Older ours", team=first_line)
    newer = make_ticket(requester=manager, subject="Newer ours", team=None)
    make_ticket(requester=manager, subject="Billing secret", team=TeamFactory(name="Billing"))
    client.force_login(ona)

    with django_assert_max_num_queries(20):
        response = client.get(f"/desk/organizations/{acme.pk}/")

    page = response.content.decode()
    assert response.status_code == 200
    assert "Vida Manager" in page and "Petras Plain" in page and "Somebody Else" not in page
    assert page.count("Organization manager</span>") == 1
    assert page.index(newer.subject) < page.index(older.subject)
    assert "Billing secret" not in page


def test_supervisors_see_every_ticket_of_the_organization(client, aino, acme):
    make_ticket(requester=CustomerFactory(organization=acme), subject="Billing secret", team=TeamFactory())
    client.force_login(aino)

    assert "Billing secret" in client.get(f"/desk/organizations/{acme.pk}/").content.decode()


def test_ticket_pages_of_an_organization_continue_where_the_first_ended(client, aino, acme):
    requester = CustomerFactory(organization=acme)
    for number in range(55):
        make_ticket(requester=requester, subject=f"Question {number:02}")
    client.force_login(aino)

    first = client.get(f"/desk/organizations/{acme.pk}/").content.decode()
    next_url = first.split('rel="next"')[0].rsplit('href="', 1)[1].split('"')[0].replace("&amp;", "&")
    second = client.get(f"/desk/organizations/{acme.pk}/{next_url}").content.decode()

    assert "Question 54" in first and "Question 05" in first and "Question 04" not in first
    assert "Question 04" in second and "Question 00" in second and "Question 05" not in second


def test_a_supervisor_edits_the_profile(client, aino, ona, acme):
    client.force_login(aino)

    response = client.post(
        f"/desk/organizations/{acme.pk}/edit/",
        {"name": "Acme Baltic UAB", "account_manager": ona.pk, "support_tier": "enterprise"},
    )

    acme.refresh_from_db()
    assert response.status_code == 302
    assert (acme.name, acme.account_manager, acme.support_tier) == ("Acme Baltic UAB", ona, "enterprise")


def test_agents_may_not_edit_the_profile_or_domains(client, ona, acme):
    client.force_login(ona)

    assert (
        client.post(
            f"/desk/organizations/{acme.pk}/edit/", {"name": "Mine", "support_tier": "business"}
        ).status_code
        == 403
    )
    assert client.post(f"/desk/organizations/{acme.pk}/domains/", {"domain": "mine.lt"}).status_code == 403
    assert client.post("/desk/organizations/new/", {"name": "New one"}).status_code == 403
    with pytest.raises(PermissionDenied):
        organization_update(organization=acme, by=ona, support_tier="enterprise")
    acme.refresh_from_db()
    assert acme.name == "Acme Baltic" and acme.domains.count() == 1


def test_agents_edit_the_shared_notes(client, ona, acme):
    client.force_login(ona)

    response = client.post(f"/desk/organizations/{acme.pk}/notes/", {"notes": "Call Vida before 10."})

    acme.refresh_from_db()
    assert response.status_code == 302 and acme.notes == "Call Vida before 10."


def test_customers_may_not_see_or_change_organizations(client, alice, acme):
    client.force_login(alice)

    assert client.get(f"/desk/organizations/{acme.pk}/").status_code == 403
    assert client.post(f"/desk/organizations/{acme.pk}/notes/", {"notes": "x"}).status_code == 403


def test_an_unknown_organization_is_404(client, ona, db):
    client.force_login(ona)

    assert client.get("/desk/organizations/987654/").status_code == 404


def test_a_renamed_organization_may_not_take_another_ones_name(client, aino, acme):
    OrganizationFactory(name="Baltic Oak")
    client.force_login(aino)

    response = client.post(
        f"/desk/organizations/{acme.pk}/edit/", {"name": "baltic oak", "support_tier": "standard"}
    )

    assert "There is already an organization called baltic oak." in response.content.decode()
    acme.refresh_from_db()
    assert acme.name == "Acme Baltic"


def test_a_supervisor_adds_and_removes_a_domain_and_new_customers_join(client, aino, acme):
    client.force_login(aino)

    client.post(f"/desk/organizations/{acme.pk}/domains/", {"domain": " @Acme-Group.EU "})
    customer = customer_find_or_create(email="laura@acme-group.eu")
    domain = acme.domains.get(domain="acme-group.eu")
    client.post(f"/desk/organizations/{acme.pk}/domains/{domain.pk}/delete/")

    assert customer.organization == acme
    assert list(acme.domains.values_list("domain", flat=True)) == ["acme.lt"]


@pytest.mark.parametrize("typed", ["acme", "http://acme.lt/", "acme..lt", "-acme.lt", "acme.123", "ac me.lt"])
def test_a_malformed_domain_is_refused(typed):
    with pytest.raises(ValidationError, match="is not a domain"):
        normalise_domain(typed)


def test_an_international_domain_is_kept_as_written():
    assert normalise_domain("Ąžuolas.LT") == "ąžuolas.lt"


def test_a_public_mail_provider_is_refused(acme, aino):
    with pytest.raises(ValidationError, match="public email provider"):
        organization_domain_add(organization=acme, domain="gmail.com", by=aino)


def test_a_domain_of_another_organization_is_refused_with_its_name(client, aino, acme):
    other = OrganizationFactory(name="Other Co")
    client.force_login(aino)

    response = client.post(f"/desk/organizations/{other.pk}/domains/", {"domain": "ACME.lt"})

    assert response.status_code == 200
    assert "acme.lt already belongs to the organization Acme Baltic." in response.content.decode()
    assert not other.domains.exists()


def test_adding_a_domain_the_organization_has_changes_nothing(acme, aino):
    organization_domain_add(organization=acme, domain="acme.lt", by=aino)

    assert acme.domains.count() == 1


def test_a_supervisor_creates_an_organization_once(client, aino, acme):
    client.force_login(aino)

    created = client.post("/desk/organizations/new/", {"name": "  Baltic   Oak "})
    duplicate = client.post("/desk/organizations/new/", {"name": "ACME BALTIC"}, follow=True)

    oak = Organization.objects.get(name="Baltic Oak")
    assert created["Location"] == f"/desk/organizations/{oak.pk}/"
    assert "There is already an organization called ACME BALTIC." in duplicate.content.decode()
    assert Organization.objects.count() == 2
