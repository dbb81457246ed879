"""One person is one customer on every channel: lookups go through identities, which are unique,
and changing them is for supervisors."""

import threading

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection

from customers.models import Customer, Identity, IdentityKind, OrganizationDomain
from customers.services import (
    customer_by_identity,
    customer_find_or_create,
    customer_find_or_create_by_identity,
    customer_find_or_create_by_phone,
    identity_add,
    identity_remove,
    identity_set_verified,
)
from tests.factories import CustomerFactory, OrganizationFactory


def test_a_customers_address_and_number_are_identities(db):
    customer = CustomerFactory(email="Ruta@Example.LT", phone="+370 612 34567")

    assert set(customer.identities.values_list("kind", "value")) == {
        ("email", "ruta@example.lt"),
        ("phone", "+37061234567"),
    }
    assert customer_by_identity(IdentityKind.PHONE, "00370 612 34567") == customer


def test_email_phone_and_handle_find_the_same_customer(db, aino):
    customer = customer_find_or_create(email="laura@example.lv", name="Laura Bērziņa")
    identity_add(customer=customer, kind=IdentityKind.PHONE, value="+371 29 123 456", by=aino)
    identity_add(customer=customer, kind=IdentityKind.TELEGRAM, value="55501234", by=aino)

    assert customer_find_or_create(email="LAURA@example.lv") == customer
    assert customer_find_or_create_by_phone(phone="0037129123456") == customer
    assert customer_find_or_create_by_identity(kind="telegram", value="55501234") == customer
    assert Customer.objects.count() == 1
    assert customer.phone == "+37129123456"  # the first number becomes the one we call


def test_a_second_email_address_finds_the_customer_but_is_not_written_to(db, aino):
    customer = customer_find_or_create(email="jonas@work.example")
    identity_add(customer=customer, kind=IdentityKind.EMAIL, value="Jonas@Home.example", by=aino)

    assert customer_find_or_create(email="jonas@home.example") == customer
    customer.refresh_from_db()
    assert customer.email == "jonas@work.example"


def test_new_customers_join_the_organization_that_owns_their_domain(db):
    organization = OrganizationFactory(name="Pienas UAB")
    OrganizationDomain.objects.create(organization=organization, domain="pienas.lt")

    assert customer_find_or_create(email="ona@pienas.lt").organization == organization
    assert customer_find_or_create(email="ona@gmail.com").organization is None


def test_an_identity_of_another_customer_is_refused_with_an_offer_to_merge(db, aino):
    owner = CustomerFactory(name="Rūta", email="ruta@example.lt")
    other = CustomerFactory(email="r.j@example.lt")

    with pytest.raises(ValidationError) as refused:
        identity_add(customer=other, kind=IdentityKind.EMAIL, value="RUTA@example.lt", by=aino)

    assert refused.value.code == "duplicate_identity"
    assert refused.value.params == {"other": owner.pk}
    assert "Merge" in refused.value.messages[0] and "Rūta" in refused.value.messages[0]
    assert Identity.objects.get(value="ruta@example.lt").customer == owner


@pytest.mark.parametrize(
    ("kind", "value"), [("email", "not an address"), ("email", ""), ("phone", "call me"), ("fax", "123")]
)
def test_a_malformed_identity_is_refused(db, aino, kind, value):
    with pytest.raises(ValidationError):
        identity_add(customer=CustomerFactory(), kind=kind, value=value, by=aino)


def test_only_supervisors_and_admins_change_identities(db, ona, aino, rasa):
    customer = CustomerFactory()
    with pytest.raises(PermissionDenied):
        identity_add(customer=customer, kind="phone", value="+37060000000", by=ona)

    identity = identity_add(customer=customer, kind="phone", value="+37060000000", by=rasa)
    assert identity_set_verified(identity=identity, verified=True, by=aino).verified
    with pytest.raises(PermissionDenied):
        identity_remove(identity=identity, by=ona)


def test_removing_the_address_we_write_to_moves_to_the_next_one(db, aino):
    customer = CustomerFactory(email="old@example.lt")
    identity_add(customer=customer, kind="email", value="new@example.lt", by=aino)

    identity_remove(identity=customer.identities.get(value="old@example.lt"), by=aino)

    customer.refresh_from_db()
    assert customer.email == "new@example.lt"
    assert customer_by_identity("email", "old@example.lt") is None


@pytest.mark.django_db(transaction=True)
def test_two_first_emails_at_once_make_one_customer():
    found, barrier = [], threading.Barrier(2)

    def first_contact() -> None:
        try:
            barrier.wait()
            found.append(customer_find_or_create(email="twice@example.lt", name="Twice"))
        finally:
            connection.close()

    threads = [threading.Thread(target=first_contact) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert len({customer.pk for customer in found}) == 1
    assert Identity.objects.filter(value="twice@example.lt").count() == 1
