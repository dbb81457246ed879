"""CSV import of customers and organizations: good rows in, bad rows reported by line, none half-written."""

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from customers.csv_io import import_customers, import_organizations
from customers.models import Customer, Identity, Organization, OrganizationDomain
from tests.factories import CustomerFactory, OrganizationFactory, make_upload


def csv_bytes(*lines: str, bom: bool = False) -> bytes:
    return ("\ufeff" if bom else "").encode() + "\r\n".join(lines).encode() + b"\r\n"


def problems(report) -> dict[int, str]:
    return {error.line: error.message for error in report.errors}


@pytest.fixture
def acme(db):
    acme = OrganizationFactory(name="Acme Baltic")
    OrganizationDomain.objects.create(organization=acme, domain="acme.lt")
    return acme


def test_new_customers_are_created_and_a_known_address_is_updated_not_duplicated(aino, acme):
    known = CustomerFactory(name="Old Name", email="vida@example.lt")
    data = csv_bytes(
        "name,email,phone,language,time_zone,organization,vip,tags",
        "Vida Jonaitienė,VIDA@example.lt,+370 612 34567,lt,Europe/Vilnius,,yes,",
        'Laura Bērziņa,laura@acme.lt,,lv,,,no,"wholesale, north"',
        "Matti Virtanen,matti@example.fi,,fi,europe/helsinki,acme baltic,,",
    )

    report = import_customers(data=data, by=aino)

    assert (report.created, report.updated, report.errors) == (2, 1, [])
    known.refresh_from_db()
    assert (known.name, known.phone, known.language, known.vip) == (
        "Vida Jonaitienė",
        "+37061234567",
        "lt",
        True,
    )
    assert Identity.objects.get(value="+37061234567").customer == known
    laura = Customer.objects.get(email="laura@acme.lt")
    assert laura.organization == acme  # joined through the domain
    assert sorted(laura.tags.values_list("name", flat=True)) == ["north", "wholesale"]
    matti = Customer.objects.get(email="matti@example.fi")
    assert (matti.organization, matti.time_zone) == (acme, "Europe/Helsinki")


def test_an_empty_cell_leaves_the_field_as_it_was(aino):
    known = CustomerFactory(name="Vida", email="vida@example.lt", vip=True)

    import_customers(data=csv_bytes("email,name,vip", "vida@example.lt,,"), by=aino)

    known.refresh_from_db()
    assert (known.name, known.vip) == ("Vida", True)


def test_a_semicolon_file_with_a_byte_order_mark_as_excel_saves_it_in_lithuania(aino):
    data = csv_bytes(
        "Name;Email;Phone;Time zone", "Žydrūnas Šimkus;zydrunas@example.lt;8 612 34567;", bom=True
    )

    report = import_customers(data=data, by=aino)

    assert (report.created, report.errors, report.file_error) == (1, [], "")
    assert Customer.objects.get(email="zydrunas@example.lt").name == "Žydrūnas Šimkus"


def test_a_phone_only_row_finds_the_customer_by_number(aino):
    known = CustomerFactory(name="Caller", email="", phone="+37061234567")

    report = import_customers(data=csv_bytes("name,phone", "Jonas Caller,00370 612 34567"), by=aino)

    known.refresh_from_db()
    assert (report.created, report.updated) == (0, 1) and known.name == "Jonas Caller"


def test_bad_rows_are_reported_with_their_line_and_good_rows_are_imported(aino, acme):
    data = csv_bytes(
        "name,email,phone,language,time_zone,organization,vip",
        "Good One,good1@example.lt,,,,,",
        "Bad Email,not-an-address,,,,,",
        "",
        "No Contact,,,,,,",
        "Bad Language,lang@example.lt,,klingon,,,",
        "Bad Zone,zone@example.lt,,,Mars/Olympus,,",
        "Unknown Org,org@example.lt,,,,Nowhere Ltd,",
        "Bad VIP,vip@example.lt,,,,,maybe",
        "Bad Phone,phone@example.lt,call me,,,,",
        "Too Many,many@example.lt,,,,,,extra",
        "Good Two,good2@example.lt,,,,acme baltic,",
    )

    report = import_customers(data=data, by=aino)

    assert report.created == 2 and report.file_error == ""
    assert set(problems(report)) == {3, 5, 6, 7, 8, 9, 10, 11}
    assert problems(report)[3] == "“not-an-address” is not a valid email address."
    assert "email address or phone number" in problems(report)[5]
    assert "Unknown language “klingon”" in problems(report)[6]
    assert "Unknown time zone “Mars/Olympus”" in problems(report)[7]
    assert "no organization called “Nowhere Ltd”" in problems(report)[8]
    assert "VIP must be yes or no" in problems(report)[9]
    assert "not a phone number" in problems(report)[10]
    assert "8 values" in problems(report)[11]
    assert set(Customer.objects.values_list("name", flat=True)) == {"Good One", "Good Two"}
    assert not Organization.objects.filter(name="Nowhere Ltd").exists()


def test_unknown_organizations_are_created_when_asked(aino):
    data = csv_bytes(
        "name,email,organization", "Ona,ona@example.lt,Nauja UAB", "Jonas,jonas@example.lt,NAUJA uab"
    )

    report = import_customers(data=data, by=aino, create_organizations=True)

    assert report.created == 2 and Organization.objects.get().name == "Nauja UAB"
    assert Customer.objects.filter(organization__name="Nauja UAB").count() == 2


def test_an_address_or_number_of_another_customer_is_reported_and_the_row_changes_nothing(aino):
    owner = CustomerFactory(name="Owner", email="owner@example.lt", phone="+37061111111")
    other = CustomerFactory(name="Other", email="other@example.lt")
    data = csv_bytes(
        "name,email,phone",
        "Renamed Other,other@example.lt,+370 611 11111",
        "Newcomer,new@example.lt,+37061111111",
    )

    report = import_customers(data=data, by=aino)

    assert report.created == report.updated == 0
    assert "already belongs to Owner" in problems(report)[2] and "Merge" in problems(report)[2]
    assert "already belongs to Owner" in problems(report)[3]
    other.refresh_from_db()
    assert other.name == "Other" and other.phone == ""
    assert not Customer.objects.filter(email="new@example.lt").exists()
    assert Identity.objects.get(value="+37061111111").customer == owner


def test_a_quoted_value_over_several_lines_keeps_the_line_numbers_right(aino):
    data = csv_bytes(
        "name,domains,notes",
        'Acme,acme.lt,"first line',
        'second line"',
        "Broken,not a domain,",
    )

    report = import_organizations(data=data, by=aino)

    assert report.created == 1 and list(problems(report)) == [4]
    assert Organization.objects.get().notes == "first line\r\nsecond line"


def test_organizations_are_created_or_updated_by_name_with_their_domains(aino, ona, acme):
    OrganizationFactory(name="Other Co")
    data = csv_bytes(
        "name;domains;support_tier;account_manager_email;notes",
        "ACME baltic;acme.lv, acme.ee;Enterprise;ona@example.com;Key account",
        "Ąžuolas;azuolas.lt;business;;",
        "Thief;acme.lt;;;",
        "Tiered;;platinum;;",
        "Managed;;;alice@example.com;",
    )

    report = import_organizations(data=data, by=aino)

    assert (report.created, report.updated) == (1, 1)
    acme.refresh_from_db()
    assert (acme.support_tier, acme.account_manager, acme.notes) == ("enterprise", ona, "Key account")
    assert sorted(acme.domains.values_list("domain", flat=True)) == ["acme.ee", "acme.lt", "acme.lv"]
    assert problems(report)[4] == "acme.lt already belongs to the organization Acme Baltic."
    assert "Unknown support tier “platinum”" in problems(report)[5]
    assert "not an agent, supervisor or admin" in problems(report)[6]
    assert not Organization.objects.filter(name__in=["Thief", "Tiered", "Managed"]).exists()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "The file is empty."),
        (b"\xef\xbb\xbf\r\n\r\n", "The file is empty."),
        (b"Jonas,jonas@example.lt\r\n", "The first line must name the columns"),
        (b"name,email,shoe size\r\nJonas,j@example.lt,44\r\n", "Unknown columns: shoe size."),
        (b"name,language\r\nJonas,lt\r\n", "at least one of the columns email, phone"),
        (b"name,email,e-mail\r\n", "Columns named twice: email."),
        ("name,email\r\nŽydrūnas,z@example.lt\r\n".encode("cp1257"), "not UTF-8"),
    ],
)
def test_a_file_that_cannot_be_read_is_refused_with_a_clear_reason(aino, data, message):
    report = import_customers(data=data, by=aino)

    assert message in report.file_error
    assert not Customer.objects.exists()


def test_an_organizations_file_needs_a_name_column(aino):
    assert (
        "Missing columns: name." in import_organizations(data=b"domains\r\nacme.lt\r\n", by=aino).file_error
    )


# --- The import page and the command.


def test_the_import_page_shows_the_report(client, aino):
    client.force_login(aino)
    upload = make_upload("people.csv", csv_bytes("name,email", "Ona,ona@example.lt", "Bad,bad"), "text/csv")

    response = client.post("/desk/customers/import/", {"kind": "customers", "file": upload})

    page = response.content.decode()
    assert response.status_code == 200 and 'data-testid="import-report"' in page
    assert '<td class="col-line">3</td>' in page and "is not a valid email address" in page
    assert Customer.objects.filter(email="ona@example.lt").exists()


def test_an_oversized_upload_is_refused_and_nothing_is_imported(client, aino, settings):
    settings.CUSTOMERS_IMPORT_MAX_BYTES = 100
    client.force_login(aino)
    lines = ["name,email"] + [f"Person {n},p{n}@example.lt" for n in range(20)]
    upload = make_upload("big.csv", csv_bytes(*lines), "text/csv")

    response = client.post("/desk/customers/import/", {"kind": "customers", "file": upload})

    assert "the largest accepted is 100" in response.content.decode()
    assert not Customer.objects.exists()


def test_a_file_with_more_rows_than_the_page_takes_is_refused_before_any_is_written(client, aino, settings):
    settings.CUSTOMERS_IMPORT_MAX_ROWS = 3
    client.force_login(aino)
    lines = ["name,email"] + [f"Person {n},p{n}@example.lt" for n in range(4)]
    upload = make_upload("many.csv", csv_bytes(*lines), "text/csv")

    response = client.post("/desk/customers/import/", {"kind": "customers", "file": upload})

    assert "The file has 4 rows; the import page takes up to 3 at a time." in response.content.decode()
    assert not Customer.objects.exists()
    assert import_customers(data=csv_bytes(*lines), by=aino).created == 4  # the command has no limit


def test_agents_may_not_import(client, ona):
    client.force_login(ona)
    upload = make_upload("people.csv", csv_bytes("name,email", "Ona,ona@example.lt"), "text/csv")

    assert client.get("/desk/customers/import/").status_code == 403
    assert client.post("/desk/customers/import/", {"kind": "customers", "file": upload}).status_code == 403
    assert not Customer.objects.exists()


def test_the_command_imports_and_reports_refused_rows_by_line(tmp_path, rasa, capsys):
    path = tmp_path / "people.csv"
    path.write_bytes(csv_bytes("name,email", "Ona,ona@example.lt", "Bad,bad"))

    with pytest.raises(CommandError):
        call_command("import_customers", str(path))

    captured = capsys.readouterr()
    assert "1 created, 0 updated, 1 rows refused." in captured.out
    assert f"{path}:3: “bad” is not a valid email address." in captured.err
    assert Customer.objects.filter(email="ona@example.lt").exists()


def test_the_command_imports_organizations(tmp_path, aino):
    path = tmp_path / "orgs.csv"
    path.write_bytes(csv_bytes("name,domains", "Acme,acme.lt"))

    call_command("import_customers", str(path), "--organizations", "--as", "aino@example.com")

    assert Organization.objects.get().domains.get().domain == "acme.lt"
