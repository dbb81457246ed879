"""Custom ticket fields: configured by admins, asked in the portal in the customer's language, checked,
kept on the ticket and shown to the customer and on the desk's ticket page."""

import pytest
from django.core.exceptions import ValidationError

from tickets.custom_fields import displayed_values
from tickets.models import Ticket
from tickets.models.fields import TicketField

pytestmark = pytest.mark.django_db


@pytest.fixture
def fields(db):
    return [
        TicketField.objects.create(
            label="Order number", labels={"lv": "Pasūtījuma numurs"}, key="order", required=True, position=1
        ),
        TicketField.objects.create(
            label="Device", key="device", kind="choice", choices=["Laptop", "Phone"], position=2
        ),
        TicketField.objects.create(label="Bought on", key="bought", kind="date", position=3),
        TicketField.objects.create(label="Quantity", key="quantity", kind="number", position=4),
        TicketField.objects.create(label="Under warranty", key="warranty", kind="checkbox", position=5),
        TicketField.objects.create(label="Internal code", key="internal", in_portal=False, position=6),
        TicketField.objects.create(label="Old field", key="old", active=False, position=7),
    ]


@pytest.fixture
def signed_in(client, janis):
    client.force_login(janis.user)
    return client


def _file(client, **fields):
    data = {"subject": "Broken screen", "type": "incident", "description": "It flickers."} | fields
    return client.post("/portal/requests/new/", data)


def test_the_portal_asks_the_active_portal_fields_in_order_and_in_the_customers_language(signed_in, fields):
    form = signed_in.get("/portal/requests/new/", HTTP_ACCEPT_LANGUAGE="lv").context["form"]

    names = [field.name for field in form.visible_fields()]
    assert names[:2] == ["subject", "type"] and names[-2:] == ["description", "attachments"]
    assert names[2:-2] == ["field_order", "field_device", "field_bought", "field_quantity", "field_warranty"]
    assert form.fields["field_order"].label == "Pasūtījuma numurs"
    assert form.fields["field_device"].label == "Device"  # no Latvian label given: the admin's one


def test_the_values_are_checked_kept_on_the_ticket_and_shown_to_both_sides(signed_in, fields, client, aino):
    response = _file(
        signed_in,
        field_order="A-1042",
        field_device="Phone",
        field_bought="2026-03-01",
        field_quantity="2",
        field_warranty="on",
    )

    ticket = Ticket.objects.get()
    assert response.status_code == 302
    assert ticket.custom_fields == {
        "order": "A-1042",
        "device": "Phone",
        "bought": "2026-03-01",
        "quantity": "2",
        "warranty": True,
    }
    page = signed_in.get(ticket.get_portal_url()).content.decode()
    assert "A-1042" in page and "Under warranty" in page
    client.force_login(aino)
    desk = client.get(ticket.get_absolute_url()).content.decode()
    assert 'data-testid="ticket-details"' in desk and "A-1042" in desk and "Phone" in desk


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({}, "field_order"),  # required
        ({"field_order": "A-1", "field_device": "Tablet"}, "field_device"),  # not an option
        ({"field_order": "A-1", "field_bought": "31.02.2026"}, "field_bought"),
        ({"field_order": "A-1", "field_quantity": "many"}, "field_quantity"),
    ],
)
def test_a_missing_or_wrong_value_is_refused_in_its_field_and_nothing_is_saved(
    signed_in, fields, values, field
):
    response = _file(signed_in, **values)

    assert response.status_code == 400 and response.context["form"].errors[field]
    assert not Ticket.objects.exists()


def test_without_custom_fields_nothing_is_stored(signed_in):
    _file(signed_in)

    assert Ticket.objects.get().custom_fields is None


def test_an_admin_cannot_save_a_choice_without_options_or_malformed_labels(db):
    with pytest.raises(ValidationError, match="at least one option"):
        TicketField(label="Device", key="device", kind="choice").full_clean()
    with pytest.raises(ValidationError, match="list of texts"):
        TicketField(label="Device", key="device", kind="choice", choices="Laptop, Phone").full_clean()
    with pytest.raises(ValidationError, match="language code"):
        TicketField(label="Order", key="order", labels=["lv"]).full_clean()


def test_values_of_a_field_removed_since_still_show_under_their_key(fields):
    rows = displayed_values({"order": "A-1", "gone": "kept"}, language="en")

    assert rows == [("Order number", "A-1"), ("gone", "kept")]


def test_admins_configure_fields_in_the_admin(client, rasa):
    client.force_login(rasa)

    response = client.post(
        "/admin/tickets/ticketfield/add/",
        {
            "label": "Contract",
            "labels": "{}",
            "key": "contract",
            "kind": "choice",
            "choices": "[]",
            "help_text": "",
            "position": "0",
            "in_portal": "on",
            "active": "on",
        },
    )

    assert response.status_code == 200 and "at least one option" in response.content.decode()
    assert not TicketField.objects.exists()
