"""The 360° view at /desk/customers/<id>/: who may open it, what it shows, and what it costs."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from customers.interactions import PAGE_SIZE
from customers.merging import customer_merge
from tests.customers.c360_helpers import customer_url, page_text
from tests.factories import CustomerFactory, TeamFactory, make_ticket
from tickets.models import Channel, Message, Status, Ticket
from tickets.services import ticket_add_note, ticket_customer_reply


@pytest.fixture
def first_line(ona):
    return TeamFactory(name="First line", members=[ona])


@pytest.fixture
def marija(db):
    return CustomerFactory(name="Marija Petrauskaitė", email="marija@example.lt", vip=True)


@pytest.mark.parametrize("persona", ["ona", "aino", "rasa"])
def test_desk_staff_may_open_a_customer(client, request, persona, marija):
    client.force_login(request.getfixturevalue(persona))

    assert client.get(customer_url(marija)).status_code == 200


@pytest.mark.parametrize("persona", ["alice", "piotr"])
def test_customers_and_back_office_staff_are_refused(client, request, persona, marija):
    client.force_login(request.getfixturevalue(persona))

    assert client.get(customer_url(marija)).status_code == 403


def test_anonymous_visitors_are_sent_to_sign_in(client, marija):
    response = client.get(customer_url(marija))

    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_an_unknown_customer_is_a_404(client, ona):
    client.force_login(ona)

    assert client.get(reverse("desk:customer", args=[999_999])).status_code == 404


def test_an_agent_sees_the_whole_customer(client, ona, marija, first_line):
    ticket = make_ticket(requester=marija, subject="Invoice is wrong", team=first_line)
    ticket_customer_reply(ticket=ticket, customer=marija, body="Any news?")
    make_ticket(requester=marija, subject="Thanks", team=first_line)
    client.force_login(ona)

    text = page_text(client.get(customer_url(marija)))

    assert "Marija Petrauskaitė" in text
    assert "VIP" in text
    assert "Returning customer · 2 tickets" in text
    assert "Invoice is wrong" in text and "Any news?" in text
    assert "No billing data yet" in text and "No ratings yet" in text


def test_an_agent_does_not_see_tickets_of_other_teams_but_counts_them(client, ona, marija, first_line):
    make_ticket(requester=marija, subject="Ours", team=first_line)
    make_ticket(requester=marija, subject="Secret billing matter", team=TeamFactory(name="Billing"))
    client.force_login(ona)

    response = client.get(customer_url(marija))

    text = page_text(response)
    assert "Ours" in text
    assert "Secret billing matter" not in text
    assert response.context["c360"].contact.lifetime_tickets == 2
    assert [row.ticket.subject for row in response.context["c360"].open_tickets] == ["Ours"]


def test_a_supervisor_sees_every_ticket_of_the_customer(client, aino, marija):
    make_ticket(requester=marija, subject="Secret billing matter", team=TeamFactory(name="Billing"))
    client.force_login(aino)

    assert "Secret billing matter" in page_text(client.get(customer_url(marija)))


def test_open_tickets_show_their_sla_state_most_urgent_first(client, ona, marija, first_line):
    now = timezone.now()
    calm = make_ticket(requester=marija, subject="Calm", team=first_line)
    late = make_ticket(requester=marija, subject="Late", team=first_line)
    Ticket.objects.filter(pk=calm.pk).update(resolution_due_at=now + timedelta(days=2))
    Ticket.objects.filter(pk=late.pk).update(first_response_due_at=now - timedelta(minutes=5))
    client.force_login(ona)

    rows = client.get(customer_url(marija)).context["c360"].open_tickets

    assert [(row.ticket.subject, row.sla) for row in rows] == [("Late", "breached"), ("Calm", "on_track")]


def test_interactions_can_be_narrowed_to_one_channel(client, ona, marija, first_line):
    make_ticket(requester=marija, subject="By mail", team=first_line, channel=Channel.EMAIL)
    make_ticket(requester=marija, subject="By phone", team=first_line, channel=Channel.PHONE)
    client.force_login(ona)

    text = page_text(client.get(customer_url(marija), {"channel": "phone"}))

    assert "By phone" in text and "By mail" not in text.split("Interactions", 1)[1]


def test_htmx_gets_only_the_interactions_when_it_filters(client, ona, marija, first_line):
    make_ticket(requester=marija, subject="By mail", team=first_line, channel=Channel.EMAIL)
    make_ticket(requester=marija, subject="By phone", team=first_line, channel=Channel.PHONE)
    client.force_login(ona)

    response = client.get(
        customer_url(marija),
        {"channel": "email"},
        headers={"HX-Request": "true", "HX-Target": "customer-interactions"},
    )

    html = response.content.decode()
    assert "<html" not in html and 'id="customer-interactions"' in html
    assert "By mail" in html and "By phone" not in html


def test_an_unknown_channel_shows_every_interaction(client, ona, marija, first_line):
    make_ticket(requester=marija, subject="By mail", team=first_line, channel=Channel.EMAIL)
    client.force_login(ona)

    response = client.get(customer_url(marija), {"channel": "carrier-pigeon"})

    assert response.status_code == 200
    assert "By mail" in page_text(response)


def test_interactions_page_newest_first_without_gaps_or_repeats(client, ona, marija, first_line):
    ticket = make_ticket(requester=marija, subject="Long story", team=first_line)
    same_moment = timezone.now()
    for number in range(PAGE_SIZE + 9):
        ticket_customer_reply(ticket=ticket, customer=marija, body=f"Line {number}")
    # Ties on created_at are ordered by id, and a page boundary falls among them.
    ticket.messages.exclude(body_text="It smokes.").update(created_at=same_moment)
    client.force_login(ona)

    first = client.get(customer_url(marija)).context["c360"].interactions
    second = client.get(customer_url(marija), {"after": first.next_cursor}).context["c360"].interactions

    seen = [entry.pk for entry in first.entries + second.entries]
    assert (len(first.entries), len(second.entries), second.next_cursor) == (PAGE_SIZE, 10, None)
    assert seen == sorted(ticket.messages.values_list("pk", flat=True), reverse=True)


def test_internal_notes_are_not_interactions_but_calls_are(client, ona, marija, first_line):
    from tickets.channels.phone import call_log_manual

    ticket = make_ticket(requester=marija, subject="Router", team=first_line)
    ticket_add_note(ticket=ticket, by=ona, body="Customer seems upset")
    call_log_manual(ticket=ticket, by=ona, direction="out", duration_minutes=3, outcome="answered")
    client.force_login(ona)

    text = page_text(client.get(customer_url(marija)))

    assert "Customer seems upset" not in text
    assert "Call logged by Ona" in text


def test_a_chat_is_one_interaction(client, ona, marija, first_line):
    ticket = make_ticket(requester=marija, subject="Chat", body="Hello?", team=first_line, channel="chat")
    for number in range(3):
        ticket_customer_reply(ticket=ticket, customer=marija, body=f"Chat line {number}", channel="chat")
    client.force_login(ona)

    entries = client.get(customer_url(marija)).context["c360"].interactions.entries

    assert [entry.message.body_text for entry in entries] == ["Hello?"]


def test_a_merged_customer_leads_to_the_one_they_were_merged_into(client, aino, marija):
    duplicate = CustomerFactory(name="M. Petrauskaitė")
    customer_merge(source=duplicate, target=marija, by=aino)
    client.force_login(aino)

    response = client.get(customer_url(duplicate), follow=True)

    assert response.redirect_chain == [(customer_url(marija), 302)]
    assert f"Customer #{duplicate.pk} was merged into this customer." in page_text(response)


def test_the_view_of_a_customer_with_500_tickets_and_5000_messages_takes_at_most_18_queries(
    client, ona, marija, first_line, django_assert_max_num_queries
):
    start = timezone.now() - timedelta(days=600)
    tickets = Ticket.objects.bulk_create(
        Ticket(
            subject=f"Question {number}",
            requester=marija,
            team=first_line,
            channel=[Channel.EMAIL, Channel.PHONE, Channel.CHAT, Channel.WEB][number % 4],
            status=Status.OPEN if number % 50 == 0 else Status.SOLVED,
            created_at=start + timedelta(days=number),
            updated_at=start + timedelta(days=number),
            resolution_due_at=start + timedelta(days=number, hours=8),
        )
        for number in range(500)
    )
    Message.objects.bulk_create(
        Message(
            ticket=ticket,
            author_kind="customer" if line % 2 == 0 else "agent",
            author_customer=marija if line % 2 == 0 else None,
            author_user=None if line % 2 == 0 else ona,
            incoming=line % 2 == 0,
            body_html=f"<p>Line {line}</p>",
            body_text=f"Line {line}",
            channel=ticket.channel,
            created_at=ticket.created_at + timedelta(minutes=line),
        )
        for ticket in tickets
        for line in range(10)
    )
    client.force_login(ona)
    client.get(customer_url(marija))  # the first request of a process loads what it caches

    # 15 before the ratings landed: CSAT, the last NPS and the ratings in the timeline are one query each.
    with django_assert_max_num_queries(18):
        response = client.get(customer_url(marija))

    c360 = response.context["c360"]
    assert response.status_code == 200
    assert c360.contact.lifetime_tickets == 500
    assert len(c360.interactions.entries) == PAGE_SIZE
    assert len(c360.open_tickets) == 10
