"""GDPR in the desk (admins only): the export download, the erase confirmation, and the commands."""

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from customers.models import Customer
from helpdesk.models import AuditEntry
from tests.customers.gdpr_helpers import make_world, message_ids, read_zip
from tickets.models import Message


@pytest.fixture
def world(ruta, ona):
    return make_world(ruta, ona)


def export_url(customer) -> str:
    return reverse("desk:customer_export", args=[customer.pk])


def erase_url(customer) -> str:
    return reverse("desk:customer_erase", args=[customer.pk])


def download(response) -> bytes:
    return b"".join(response.streaming_content)


def test_an_admin_downloads_the_export_as_a_zip_attachment(client, rasa, world):
    client.force_login(rasa)

    response = client.post(export_url(world.ruta))

    assert response.status_code == 200 and response["Content-Type"] == "application/zip"
    assert response["Content-Disposition"].startswith(f'attachment; filename="customer-{world.ruta.pk}-data-')
    assert response["Cache-Control"] == "no-store"
    _zipped, customer, tickets = read_zip(download(response))
    assert customer["customer"]["id"] == world.ruta.pk and len(tickets) == 4


def test_the_export_is_a_post_so_a_link_or_crawler_cannot_start_it(client, rasa, world):
    client.force_login(rasa)

    assert client.get(export_url(world.ruta)).status_code == 405
    assert not AuditEntry.objects.exists()


@pytest.mark.parametrize("persona", ["ona", "aino", "alice"])
def test_everyone_but_admins_is_refused_both_actions(client, world, persona, request):
    client.force_login(request.getfixturevalue(persona))

    assert client.post(export_url(world.ruta)).status_code == 403
    assert client.get(erase_url(world.ruta)).status_code == 403
    assert client.post(erase_url(world.ruta), {"confirm": world.ruta.pk, "reason": "x"}).status_code == 403
    assert Customer.objects.get(pk=world.ruta.pk).erased_at is None
    assert not AuditEntry.objects.exists()


def test_anonymous_visitors_are_sent_to_sign_in(client, world):
    for response in [client.post(export_url(world.ruta)), client.get(erase_url(world.ruta))]:
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_an_unknown_customer_is_a_404(client, rasa):
    client.force_login(rasa)

    assert client.post("/desk/customers/999999/export/").status_code == 404
    assert client.get("/desk/customers/999999/erase/").status_code == 404


def test_the_confirmation_page_says_what_goes_and_what_stays(client, rasa, world):
    client.force_login(rasa)

    response = client.get(erase_url(world.ruta))

    assert response.status_code == 200
    assert response.context["preview"]["tickets"] == 3
    page = response.content.decode()
    assert "What is erased" in page and "What is kept" in page and export_url(world.ruta) in page


@pytest.mark.parametrize(
    ("confirm", "reason"),
    [("", "Asked to be forgotten"), ("Someone else", "Asked to be forgotten"), ("Rūta Jankauskienė", "")],
)
def test_erasing_needs_the_customer_typed_and_a_reason(client, rasa, world, confirm, reason):
    client.force_login(rasa)

    response = client.post(erase_url(world.ruta), {"confirm": confirm, "reason": reason})

    assert response.status_code == 400
    assert Customer.objects.get(pk=world.ruta.pk).erased_at is None


@pytest.mark.parametrize("confirm", ["rūta  jankauskienė", "#{pk}", "{pk}"])
def test_the_name_or_number_confirms(client, rasa, world, confirm, django_capture_on_commit_callbacks):
    client.force_login(rasa)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            erase_url(world.ruta), {"confirm": confirm.format(pk=world.ruta.pk), "reason": "Asked by email"}
        )

    assert response.status_code == 302 and response["Location"] == world.ruta.get_absolute_url()
    assert Customer.objects.get(pk=world.ruta.pk).erased_at is not None


def test_an_erased_customer_shows_no_form_and_a_second_post_changes_nothing(client, rasa, world):
    client.force_login(rasa)
    client.post(erase_url(world.ruta), {"confirm": world.ruta.pk, "reason": "Asked by email"})

    page = client.get(erase_url(world.ruta))
    again = client.post(erase_url(world.ruta), {"confirm": world.ruta.pk, "reason": "Again"})

    assert page.status_code == 200 and page.context["preview"] is None
    assert 'data-testid="already-erased"' in page.content.decode()
    assert again.status_code == 400
    assert AuditEntry.objects.filter(action="customer.erased").count() == 1


def test_an_admin_exports_and_then_erases_a_customer(client, rasa, world, django_capture_on_commit_callbacks):
    """The issue's done-when: the export holds every ticket and message, then the person is gone."""
    client.force_login(rasa)
    ticket_ids = {world.asked.pk, world.copied.pk, world.emailed.pk, world.chatted.pk}
    theirs = set(Message.objects.filter(author_customer=world.ruta).values_list("pk", flat=True))
    on_their_tickets = set(Message.objects.filter(ticket__requester=world.ruta).values_list("pk", flat=True))

    exported = client.post(export_url(world.ruta))
    _zipped, customer, tickets = read_zip(download(exported))
    page = client.get(erase_url(world.ruta))
    with django_capture_on_commit_callbacks(execute=True):
        erased = client.post(
            erase_url(world.ruta), {"confirm": "Rūta Jankauskienė", "reason": "Art. 17 request"}
        )
    shown = client.get(erased["Location"])

    assert {ticket["id"] for ticket in tickets} == ticket_ids
    assert theirs | on_their_tickets <= message_ids(tickets)
    assert customer["customer"]["name"] == "Rūta Jankauskienė"
    assert page.status_code == 200 and erased.status_code == 302
    assert shown.status_code == 200 and "was erased" in shown.content.decode()
    ruta = Customer.objects.get(pk=world.ruta.pk)
    assert ruta.name == f"Erased customer #{ruta.pk}"
    assert set(Message.objects.filter(pk__in=theirs).values_list("body_text", flat=True)) == {"[erased]"}
    assert list(AuditEntry.objects.order_by("pk").values_list("action", flat=True)) == [
        "customer.exported",
        "customer.erased",
    ]


def test_the_commands_export_to_a_file_and_erase_as_a_named_admin(rasa, world, tmp_path):
    output = tmp_path / "ruta.zip"

    call_command("gdpr_export", world.ruta.pk, "--by", rasa.email, "--output", str(output))
    call_command("gdpr_erase", world.ruta.pk, "--by", rasa.email, "--reason", "Asked by phone")

    _zipped, customer, tickets = read_zip(output.read_bytes())
    assert customer["customer"]["name"] == "Rūta Jankauskienė" and len(tickets) == 4
    assert Customer.objects.get(pk=world.ruta.pk).erased_at is not None
    with pytest.raises(CommandError, match="already erased"):
        call_command("gdpr_erase", world.ruta.pk, "--by", rasa.email, "--reason", "Again")


def test_the_commands_refuse_a_non_admin_and_an_unknown_customer(ona, world):
    with pytest.raises(CommandError, match="Only admins"):
        call_command("gdpr_erase", world.ruta.pk, "--by", ona.email, "--reason", "x")
    with pytest.raises(CommandError, match="no customer"):
        call_command("gdpr_export", 999999, "--by", ona.email)
    with pytest.raises(CommandError, match="No user"):
        call_command("gdpr_export", world.ruta.pk, "--by", "nobody@example.com")
