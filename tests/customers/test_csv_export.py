"""CSV exports of customers and organizations: streamed, UTF-8 that Excel reads, supervisors and admins."""

import csv
import io

import pytest

from customers.csv_io import import_customers
from customers.models import OrganizationDomain
from customers.services import customer_update
from tests.factories import CustomerFactory, OrganizationFactory


def download(client, url: str, **params) -> tuple[object, list[list[str]]]:
    response = client.get(url, params)
    text = b"".join(response.streaming_content).decode("utf-8")
    delimiter = ";" if params.get("delimiter") == "semicolon" else ","
    return response, list(csv.reader(io.StringIO(text.removeprefix("\ufeff")), delimiter=delimiter))


@pytest.fixture
def acme(db):
    acme = OrganizationFactory(name="Ąžuolas UAB", support_tier="business", notes="Pays late; be kind.")
    OrganizationDomain.objects.create(organization=acme, domain="azuolas.lt")
    OrganizationDomain.objects.create(organization=acme, domain="azuolas.lv")
    return acme


@pytest.fixture
def customers(acme, aino):
    ruta = CustomerFactory(
        name="Rūta Žemaitytė", email="ruta@azuolas.lt", phone="+37061234567", organization=acme, vip=True
    )
    customer_update(
        customer=ruta, by=aino, language="lt", time_zone="Europe/Vilnius", tags=["vip", "grąžinimas"]
    )
    CustomerFactory(name="Jyväskylä Öberg", email="jo@example.fi")
    return ruta


def test_the_customer_export_keeps_every_column_and_letters_beyond_ascii(client, aino, customers):
    client.force_login(aino)

    response, rows = download(client, "/desk/customers/export.csv")

    assert response.streaming and response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="customers-')
    header, ruta, other = rows
    assert header == [
        "id",
        "name",
        "email",
        "phone",
        "language",
        "time_zone",
        "organization",
        "vip",
        "tags",
        "created",
    ]
    assert ruta[:9] == [
        str(customers.pk),
        "Rūta Žemaitytė",
        "ruta@azuolas.lt",
        "+37061234567",
        "lt",
        "Europe/Vilnius",
        "Ąžuolas UAB",
        "yes",
        "grąžinimas, vip",
    ]
    assert ruta[9].startswith(customers.created_at.astimezone().strftime("%Y-%m-%d"))
    assert other[1] == "Jyväskylä Öberg" and other[7] == "no"


def test_the_file_starts_with_a_byte_order_mark_for_excel(client, rasa, customers):
    client.force_login(rasa)

    body = b"".join(client.get("/desk/customers/export.csv").streaming_content)

    assert body.startswith(b"\xef\xbb\xbfid,name,")


def test_semicolons_on_request_for_excel_in_lithuania(client, aino, customers):
    client.force_login(aino)

    _response, rows = download(client, "/desk/customers/export.csv", delimiter="semicolon")

    assert rows[1][1] == "Rūta Žemaitytė" and len(rows[1]) == 10


def test_the_export_applies_the_lists_filters(client, aino, customers, acme):
    client.force_login(aino)

    _response, rows = download(client, "/desk/customers/export.csv", organization=acme.pk)

    assert [row[1] for row in rows[1:]] == ["Rūta Žemaitytė"]


def test_cells_a_spreadsheet_would_run_are_defused_but_phone_numbers_are_not(client, aino, db):
    CustomerFactory(name='=HYPERLINK("http://evil")', email="evil@example.com", phone="+370 600 00000")
    client.force_login(aino)

    _response, rows = download(client, "/desk/customers/export.csv")

    assert rows[1][1] == '\'=HYPERLINK("http://evil")' and rows[1][3] == "+37060000000"


def test_the_export_reads_in_chunks_not_a_query_per_customer(
    client, aino, acme, django_assert_max_num_queries
):
    for number in range(40):
        CustomerFactory(organization=acme if number % 2 else None)
    client.force_login(aino)

    with django_assert_max_num_queries(8):
        _response, rows = download(client, "/desk/customers/export.csv")

    assert len(rows) == 41


def test_an_exported_file_imports_back_without_changes_or_duplicates(client, aino, customers):
    client.force_login(aino)
    body = b"".join(client.get("/desk/customers/export.csv").streaming_content)

    report = import_customers(data=body, by=aino)

    assert (report.created, report.updated, report.errors, report.file_error) == (0, 2, [], "")
    customers.refresh_from_db()
    assert customers.name == "Rūta Žemaitytė" and customers.phone == "+37061234567"


def test_the_organization_export(client, aino, ona, acme):
    acme.account_manager = ona
    acme.save()
    client.force_login(aino)

    _response, rows = download(client, "/desk/organizations/export.csv")

    assert rows == [
        ["name", "domains", "support_tier", "account_manager_email", "notes"],
        ["Ąžuolas UAB", "azuolas.lt, azuolas.lv", "business", "ona@example.com", "Pays late; be kind."],
    ]


@pytest.mark.parametrize("url", ["/desk/customers/export.csv", "/desk/organizations/export.csv"])
def test_agents_and_customers_may_not_export(client, ona, alice, url):
    for user in (ona, alice):
        client.force_login(user)
        assert client.get(url).status_code == 403


def test_anonymous_visitors_are_sent_to_sign_in_instead_of_exporting(client, db):
    assert client.get("/desk/customers/export.csv").status_code == 302
