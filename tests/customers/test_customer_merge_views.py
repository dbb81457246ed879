"""Merging duplicate customers from the 360° view, and undoing it: supervisors and admins only."""

import pytest
from django.urls import reverse

from customers.merging import customer_merge
from customers.models import Customer, CustomerMerge
from tests.customers.c360_helpers import customer_url, page_text
from tests.factories import CustomerFactory, make_ticket


@pytest.fixture
def real(db):
    return CustomerFactory(name="Jonas Jonaitis", email="jonas@example.lt")


@pytest.fixture
def duplicate(db):
    customer = CustomerFactory(name="J. Jonaitis", email="jonas.j@gmail.com")
    make_ticket(requester=customer, subject="Parcel lost")
    return customer


def merge_url(customer) -> str:
    return customer_url(customer, "desk:customer_merge")


@pytest.mark.parametrize("other", ["jonas.j@gmail.com", "#{pk}", "{pk}"])
def test_a_supervisor_compares_the_duplicate_before_merging(client, aino, real, duplicate, other):
    client.force_login(aino)

    response = client.get(merge_url(real), {"other": other.format(pk=duplicate.pk)})

    text = page_text(response)
    assert response.status_code == 200
    assert f"Merge #{duplicate.pk} into #{real.pk}" in text
    assert "J. Jonaitis" in text and "Jonas Jonaitis" in text
    assert not CustomerMerge.objects.exists()


@pytest.mark.parametrize("other", ["nobody@example.lt", "999999", "me"])
def test_an_unknown_duplicate_is_a_clear_error(client, aino, real, other):
    client.force_login(aino)

    response = client.get(merge_url(real), {"other": other})

    assert "No other customer has that number or email address." in page_text(response)


def test_a_customer_cannot_be_merged_into_itself(client, aino, real):
    client.force_login(aino)

    response = client.post(merge_url(real), {"other": real.pk})

    assert response.status_code == 400
    assert not CustomerMerge.objects.exists()


def test_a_supervisor_merges_and_can_undo_from_the_result_page(client, aino, real, duplicate):
    client.force_login(aino)

    merged = client.post(merge_url(real), {"other": duplicate.pk}, follow=True)

    text = page_text(merged)
    merge = CustomerMerge.objects.get()
    assert merged.redirect_chain == [(customer_url(real), 302)]
    assert f"Customer #{duplicate.pk} (J. Jonaitis) was merged into this customer." in text
    assert "Parcel lost" in text and "Undo merge" in text
    assert Customer.objects.get(pk=duplicate.pk).merged_into == real

    undone = client.post(reverse("desk:customer_merge_undo", args=[merge.pk]), follow=True)

    assert "The merge was undone" in page_text(undone)
    assert Customer.objects.get(pk=duplicate.pk).merged_into is None
    assert duplicate.tickets.get().subject == "Parcel lost"
    assert "Undo merge" not in page_text(client.get(customer_url(real)))


def test_undoing_twice_is_refused_with_a_message(client, aino, real, duplicate):
    merge = customer_merge(source=duplicate, target=real, by=aino)
    client.force_login(aino)
    client.post(reverse("desk:customer_merge_undo", args=[merge.pk]))

    response = client.post(reverse("desk:customer_merge_undo", args=[merge.pk]), follow=True)

    assert "This merge was already undone." in page_text(response)


def test_agents_may_not_merge_or_undo(client, ona, aino, real, duplicate):
    merge = customer_merge(source=CustomerFactory(), target=real, by=aino)
    client.force_login(ona)

    responses = [
        client.get(merge_url(real), {"other": duplicate.pk}),
        client.post(merge_url(real), {"other": duplicate.pk}),
        client.post(reverse("desk:customer_merge_undo", args=[merge.pk])),
    ]

    assert [response.status_code for response in responses] == [403, 403, 403]
    assert CustomerMerge.objects.filter(undone_at__isnull=True).count() == 1
    page = page_text(client.get(customer_url(real)))
    assert "Merge a duplicate" not in page and "Undo merge" not in page
