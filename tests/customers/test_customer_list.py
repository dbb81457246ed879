"""The desk's customer list: search by name, email, phone and organization, filters, keyset pages."""

import re

import pytest

from customers.lists import PAGE_SIZE, CustomerFilters, customer_page
from customers.models import Customer, Identity, IdentityKind
from customers.services import customer_update
from tests.factories import CustomerFactory, OrganizationFactory, make_ticket
from tickets.models import Status


def names(page) -> list[str]:
    return [customer.name for customer in page.rows]


@pytest.fixture
def desk(client, ona):
    client.force_login(ona)
    return client


@pytest.fixture
def people(db):
    acme = OrganizationFactory(name="Acme Baltic")
    return {
        "jonas": CustomerFactory(name="Jonas Petraitis", email="jonas.p@example.lt", phone="+370 612 34567"),
        "jolanta": CustomerFactory(name="Jolanta Žukauskienė", email="jolanta@acme.lt", organization=acme),
        "matti": CustomerFactory(name="Matti Virtanen", email="matti@example.fi"),
        "zofia": CustomerFactory(name="Żofia Nowak", email="zofia@example.pl", vip=True),
        "acme": acme,
    }


def test_a_name_prefix_finds_customers_in_any_case(people):
    assert names(customer_page(query="jo")) == ["Jolanta Žukauskienė", "Jonas Petraitis"]
    assert names(customer_page(query="JONAS pet")) == ["Jonas Petraitis"]


def test_a_prefix_with_letters_beyond_ascii_matches_in_any_case(people):
    assert names(customer_page(query="ŻOF")) == ["Żofia Nowak"]


def test_the_middle_of_a_name_is_not_a_match(people):
    # Prefix search stays on the index; "contains" would read every customer (see the README).
    assert names(customer_page(query="petraitis")) == []


def test_an_email_address_or_its_start_finds_the_customer(people):
    assert names(customer_page(query="MATTI@example.fi")) == ["Matti Virtanen"]
    assert names(customer_page(query="jonas.p@")) == ["Jonas Petraitis"]


def test_any_email_identity_finds_the_customer_not_only_the_main_address(people, aino):
    Identity.objects.create(customer=people["matti"], kind=IdentityKind.EMAIL, value="mv@work.fi")

    assert names(customer_page(query="MV@work.fi")) == ["Matti Virtanen"]


@pytest.mark.parametrize("typed", ["+370 612 34567", "00370-612-34567", "+37061234567", "370 612 34567"])
def test_a_phone_number_in_any_format_finds_the_customer(people, typed):
    assert names(customer_page(query=typed)) == ["Jonas Petraitis"]


def test_a_messaging_handle_finds_its_customer(people):
    Identity.objects.create(customer=people["zofia"], kind=IdentityKind.TELEGRAM, value="777123")

    assert names(customer_page(query="777123")) == ["Żofia Nowak"]


def test_the_start_of_an_organizations_name_lists_its_customers(people):
    assert names(customer_page(query="acme b")) == ["Jolanta Žukauskienė"]


def test_merged_and_erased_customers_are_not_listed(people):
    Customer.objects.filter(pk=people["matti"].pk).update(merged_into=people["jonas"])
    Customer.objects.filter(pk=people["zofia"].pk).update(erased_at="2026-01-01T00:00Z")

    assert names(customer_page()) == ["Jolanta Žukauskienė", "Jonas Petraitis"]


def test_filters_by_organization_vip_and_tag(people, aino):
    customer_update(customer=people["matti"], by=aino, tags=["wholesale"])

    assert names(customer_page(filters=CustomerFilters(organization=people["acme"]))) == [
        "Jolanta Žukauskienė"
    ]
    assert names(customer_page(filters=CustomerFilters(vip=True))) == ["Żofia Nowak"]
    assert names(customer_page(filters=CustomerFilters(tag="wholesale"))) == ["Matti Virtanen"]
    assert names(customer_page(filters=CustomerFilters(tag="nobody-has-this"))) == []


def test_filter_by_open_tickets_and_the_count_shown(people):
    make_ticket(requester=people["matti"])
    make_ticket(requester=people["matti"])
    solved = make_ticket(requester=people["jonas"])
    solved.status = Status.SOLVED
    solved.save()

    with_open = customer_page(filters=CustomerFilters(open_tickets=True))
    without = customer_page(filters=CustomerFilters(open_tickets=False))

    assert names(with_open) == ["Matti Virtanen"]
    assert with_open.rows[0].open_tickets == 2
    assert "Matti Virtanen" not in names(without) and "Jonas Petraitis" in names(without)


def test_search_and_filters_combine(people):
    assert names(customer_page(query="jo", filters=CustomerFilters(organization=people["acme"]))) == [
        "Jolanta Žukauskienė"
    ]


def test_page_two_continues_where_page_one_ended_even_among_equal_names(db):
    # Equal names sort by id: the cursor (name, id) neither repeats nor skips anyone.
    made = [
        CustomerFactory(name="Ona Jonaitė" if number % 2 else f"Ona {number:03}") for number in range(120)
    ]

    first = customer_page()
    second = customer_page(after=first.next_cursor)
    third = customer_page(after=second.next_cursor)

    seen = [customer.pk for page in (first, second, third) for customer in page.rows]
    assert len(first.rows) == len(second.rows) == PAGE_SIZE and len(third.rows) == 20
    assert sorted(seen) == sorted(customer.pk for customer in made)
    assert third.next_cursor is None and first.previous_cursor is None
    assert [row.pk for row in customer_page(before=second.previous_cursor).rows] == [r.pk for r in first.rows]


def test_pages_of_a_search_merge_every_kind_of_match_in_name_order(db):
    acme = OrganizationFactory(name="Abc Corp")
    for number in range(60):
        CustomerFactory(name=f"Abc {number:02}")
    for number in range(60):
        CustomerFactory(name=f"Zed {number:02}", organization=acme)

    first = customer_page(query="abc")
    second = customer_page(query="abc", after=first.next_cursor)
    third = customer_page(query="abc", after=second.next_cursor)

    listed = names(first) + names(second) + names(third)
    assert listed == [f"Abc {n:02}" for n in range(60)] + [f"Zed {n:02}" for n in range(60)]
    assert third.next_cursor is None


def test_a_tampered_cursor_is_the_first_page(people):
    assert names(customer_page(after="not-a-cursor")) == names(customer_page())


def test_the_list_page_searches_filters_and_links_to_the_next_page(
    desk, people, django_assert_max_num_queries
):
    for number in range(55):
        CustomerFactory(name=f"Jonas {number:02}")

    with django_assert_max_num_queries(12):
        response = desk.get("/desk/customers/", {"q": "jonas"})

    page = response.content.decode()
    assert response.status_code == 200
    assert page.count('data-testid="customer-row"') == PAGE_SIZE
    after = re.search(r'href="\?q=jonas&amp;after=([^"]+)"', page).group(1)
    rest = desk.get("/desk/customers/", {"q": "jonas", "after": after}).content.decode()
    assert rest.count('data-testid="customer-row"') == 6
    assert "Jonas Petraitis" in rest and "Previous page" in rest


def test_the_list_page_shows_organization_and_vip(desk, people):
    page = desk.get("/desk/customers/", {"vip": "yes"}).content.decode()

    assert "Żofia Nowak" in page and "Jonas Petraitis" not in page
    assert (
        desk.get("/desk/customers/", {"organization": people["acme"].pk})
        .content.decode()
        .count('data-testid="customer-row"')
        == 1
    )


def test_a_filter_that_is_not_understood_is_left_out_with_a_message(desk, people):
    page = desk.get("/desk/customers/", {"q": "jonas", "organization": "987654"}).content.decode()

    assert "Some filters were not understood" in page
    assert page.count('data-testid="customer-row"') == 1


def test_the_desk_navigation_links_to_customers_and_organizations(desk, people):
    page = desk.get("/desk/").content.decode()

    assert 'href="/desk/customers/"' in page and 'href="/desk/organizations/"' in page


@pytest.mark.parametrize("user", ["ona", "aino", "rasa"])
def test_agents_supervisors_and_admins_may_read_the_list(client, people, user, request):
    client.force_login(request.getfixturevalue(user))

    assert client.get("/desk/customers/").status_code == 200


@pytest.mark.parametrize("user", ["alice", "piotr"])
def test_customers_and_back_office_get_403(client, people, user, request):
    client.force_login(request.getfixturevalue(user))

    assert client.get("/desk/customers/").status_code == 403
    assert client.get("/desk/organizations/").status_code == 403


def test_anonymous_visitors_are_sent_to_sign_in(client, db):
    response = client.get("/desk/customers/")

    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
