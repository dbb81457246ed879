"""Merging a duplicate customer moves everything of theirs, is audited, and can be undone exactly."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from customers.merging import customer_merge, customer_merge_undo
from customers.models import Customer, Identity
from customers.services import consent_record, customer_find_or_create
from helpdesk.models import AuditEntry, OutboxEvent
from tests.factories import CustomerFactory, OrganizationFactory, UserFactory, make_ticket
from tickets.models import Message, Tag, Ticket
from tickets.search import search_tickets
from tickets.services import ticket_customer_reply


@pytest.fixture
def duplicates(db):
    """Rūta wrote from two addresses and became two customers; the duplicate has a ticket, a CC,
    a phone number, a consent, a tag and a portal login."""
    real = CustomerFactory(name="Rūta Jankauskienė", email="ruta@example.lt")
    duplicate = CustomerFactory(
        name="R. Jankauskienė", email="r.jankauskiene@gmail.com", phone="+37061234567", user=UserFactory()
    )
    duplicate.tags.add(Tag.objects.create(name="vip-lead"))
    consent_record(customer=duplicate, purpose="marketing", granted=True, source="portal")
    ticket = make_ticket(requester=duplicate, subject="Sąskaita")
    ticket_customer_reply(ticket=ticket, customer=duplicate, body="Ar gavote?")
    copied = make_ticket(requester=CustomerFactory(), subject="Bendras klausimas")
    copied.ccs.add(duplicate)
    return real, duplicate, ticket, copied


def test_everything_of_the_duplicate_moves_to_the_real_customer(duplicates, aino):
    real, duplicate, ticket, copied = duplicates
    mine = make_ticket(requester=real)

    merge = customer_merge(source=duplicate, target=real, by=aino)

    real.refresh_from_db()
    duplicate.refresh_from_db()
    assert set(real.tickets.values_list("pk", flat=True)) == {ticket.pk, mine.pk}
    assert list(copied.ccs.all()) == [real]
    assert not Message.objects.filter(author_customer=duplicate).exists()
    assert set(real.identities.values_list("value", flat=True)) == {
        "ruta@example.lt",
        "r.jankauskiene@gmail.com",
        "+37061234567",
    }
    assert customer_find_or_create(email="r.jankauskiene@gmail.com") == real
    assert real.phone == "+37061234567" and real.email == "ruta@example.lt"  # filled, not overwritten
    assert real.consents.count() == 1 and list(real.tags.values_list("name", flat=True)) == ["vip-lead"]
    assert real.user_id and duplicate.user_id is None
    assert duplicate.merged_into == real
    assert merge.moved["tickets"] == [ticket.pk]
    entry = AuditEntry.objects.get(action="customer.merged")
    assert (entry.actor, entry.target_id) == (aino, str(real.pk))
    assert OutboxEvent.objects.filter(name="customer.merged").exists()


def test_search_finds_moved_tickets_under_the_real_name(duplicates, aino):
    real, duplicate, ticket, _copied = duplicates
    customer_merge(source=duplicate, target=real, by=aino)

    assert ticket in search_tickets(Ticket.objects.all(), "Rūta")


def test_undo_moves_back_exactly_what_moved(duplicates, aino):
    real, duplicate, ticket, copied = duplicates
    merge = customer_merge(source=duplicate, target=real, by=aino)
    later = make_ticket(requester=real, subject="After the merge")

    customer_merge_undo(merge=merge, by=aino)

    real.refresh_from_db()
    duplicate.refresh_from_db()
    assert set(real.tickets.values_list("pk", flat=True)) == {later.pk}
    assert list(duplicate.tickets.all()) == [ticket]
    assert list(copied.ccs.all()) == [duplicate]
    assert set(duplicate.identities.values_list("value", flat=True)) == {
        "r.jankauskiene@gmail.com",
        "+37061234567",
    }
    assert real.phone == "" and duplicate.user_id and real.user_id is None
    assert duplicate.merged_into is None and not real.tags.exists()
    assert AuditEntry.objects.filter(action="customer.merge_undone").count() == 1
    with pytest.raises(ValidationError, match="already undone"):
        customer_merge_undo(merge=merge, by=aino)


def test_a_target_already_copied_stays_copied_after_undo(duplicates, aino):
    real, duplicate, _ticket, copied = duplicates
    copied.ccs.add(real)

    customer_merge_undo(merge=customer_merge(source=duplicate, target=real, by=aino), by=aino)

    assert set(copied.ccs.all()) == {real, duplicate}


def test_merges_that_make_no_sense_are_refused(db, aino):
    first, second, third = CustomerFactory(), CustomerFactory(), CustomerFactory()
    with pytest.raises(ValidationError, match="into itself"):
        customer_merge(source=first, target=first, by=aino)
    customer_merge(source=first, target=second, by=aino)
    with pytest.raises(ValidationError, match="already merged"):
        customer_merge(source=first, target=third, by=aino)
    with_login = CustomerFactory(user=UserFactory())
    with pytest.raises(ValidationError, match="portal login"):
        customer_merge(source=CustomerFactory(user=UserFactory()), target=with_login, by=aino)


def test_agents_may_not_merge(db, ona):
    first, second = CustomerFactory(), CustomerFactory()
    with pytest.raises(PermissionDenied):
        customer_merge(source=first, target=second, by=ona)
    assert Customer.objects.filter(merged_into__isnull=False).count() == 0


def test_an_organization_is_taken_only_when_the_real_customer_has_none(db, aino):
    theirs, ours = OrganizationFactory(), OrganizationFactory()
    real = CustomerFactory(organization=ours)
    customer_merge(source=CustomerFactory(organization=theirs), target=real, by=aino)

    real.refresh_from_db()
    assert real.organization == ours
    assert Identity.objects.filter(customer=real).count() == 2
