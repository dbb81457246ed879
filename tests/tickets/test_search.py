"""Ticket search: PostgreSQL full text over stored vectors, and the LIKE fallback used on SQLite."""

from datetime import UTC, datetime, timedelta

import pytest
from django.contrib.postgres.search import SearchQuery

from tests.factories import CustomerFactory, make_ticket
from tickets import search
from tickets.models import Ticket
from tickets.search import search_tickets
from tickets.services import ticket_add_note, ticket_customer_reply, ticket_reply

# Ranking, web-search syntax and stored vectors are PostgreSQL's; the other tests hold on SQLite too.
postgres_only = pytest.mark.skipif(not search.is_postgres(), reason="needs PostgreSQL full-text search")

LONG_AGO = datetime(2024, 1, 1, 12, 0, tzinfo=UTC)


def found(user, text: str) -> list[Ticket]:
    return list(search_tickets(Ticket.objects.visible_to(user), text))


@postgres_only
def test_storing_a_message_indexes_its_text(ona):
    ticket = make_ticket(subject="Kettle", body="The heating element hums")
    message = ticket.messages.get()

    assert Ticket.objects.filter(
        pk=message.ticket_id, search_vector=SearchQuery("hums", config="simple")
    ).exists()


@postgres_only
def test_a_subject_match_ranks_above_a_newer_match_in_a_message(ona):
    in_subject = make_ticket(subject="Invoice missing", body="Please send it", now=LONG_AGO)
    in_body = make_ticket(subject="Question", body="Where is my invoice?", now=LONG_AGO + timedelta(days=30))

    assert found(ona, "invoice") == [in_subject, in_body]


@postgres_only
def test_a_subject_match_ranks_above_a_requester_match(ona):
    by_name = make_ticket(requester=CustomerFactory(name="Jan Kowalski"), subject="Hello", now=LONG_AGO)
    by_subject = make_ticket(subject="Order for Kowalski", now=LONG_AGO - timedelta(days=1))

    assert found(ona, "kowalski") == [by_subject, by_name]


def test_matches_of_equal_rank_come_newest_first(ona):
    older = make_ticket(subject="A", body="router restarts", now=LONG_AGO)
    newer = make_ticket(subject="B", body="router restarts", now=LONG_AGO + timedelta(hours=1))

    assert found(ona, "router") == [newer, older]


def test_a_word_in_any_message_finds_the_ticket(ona):
    ticket = make_ticket(subject="Kettle", body="It does not heat")
    ticket_reply(ticket=ticket, by=ona, body="Try the descaler")
    ticket_customer_reply(ticket=ticket, customer=ticket.requester, body="The thermostat clicks")

    for word in ("heat", "descaler", "thermostat"):
        assert found(ona, word) == [ticket], word


def test_an_internal_note_is_found_by_agents(ona):
    ticket = make_ticket(subject="Kettle", body="It does not heat")
    ticket_add_note(ticket=ticket, by=ona, body="Supplier recall 2031-B applies")

    assert found(ona, "recall") == [ticket]


def test_the_requesters_name_and_email_find_the_ticket(ona):
    ticket = make_ticket(requester=CustomerFactory(name="Laura Bērziņa", email="laura@riga.example.lv"))

    for text in ("Bērziņa", "laura@riga.example.lv", "riga"):
        assert found(ona, text) == [ticket], text


@postgres_only
def test_every_word_must_match_and_a_minus_word_excludes(ona):
    kettle = make_ticket(subject="Kettle broken", body="no heat", now=LONG_AGO)
    toaster = make_ticket(subject="Toaster broken", body="no heat", now=LONG_AGO)

    assert found(ona, "broken") == [toaster, kettle]
    assert found(ona, "broken kettle") == [kettle]
    assert found(ona, "broken -toaster") == [kettle]
    assert found(ona, "no heat") == [toaster, kettle]
    assert found(ona, '"heat no"') == []


@postgres_only
def test_words_split_between_the_subject_and_a_message_find_the_ticket(ona):
    ticket = make_ticket(subject="Kettle broken", body="It does not heat")
    ticket_customer_reply(ticket=ticket, customer=ticket.requester, body="The thermostat clicks")

    assert found(ona, "kettle heat") == [ticket]
    assert found(ona, "heat thermostat") == [ticket]


def test_tickets_the_user_may_not_see_are_never_returned(ona, aino, billing, first_line):
    mine = make_ticket(team=first_line, subject="Refund request")
    hidden_by_subject = make_ticket(team=billing, subject="Refund request")
    hidden_by_message = make_ticket(team=billing, subject="Money", body="I want a refund")
    ticket_add_note(ticket=hidden_by_message, by=aino, body="refund approved")

    assert found(ona, "refund") == [mine]
    assert set(found(aino, "refund")) == {mine, hidden_by_subject, hidden_by_message}


@postgres_only
def test_a_visible_match_is_not_crowded_out_by_newer_matches_the_user_may_not_see(ona, billing, monkeypatch):
    monkeypatch.setattr(search, "MAX_CANDIDATES", 2)
    mine = make_ticket(subject="Question", body="refund please")
    for _ in range(2):
        make_ticket(team=billing, subject="Money", body="refund please")

    assert found(ona, "refund") == [mine]


def test_a_customer_finds_nothing_in_the_desk_search(alice, alice_customer):
    make_ticket(requester=alice_customer, subject="Refund request")

    assert found(alice, "refund") == []


@postgres_only
def test_search_ignores_case_in_lithuanian_letters_too(ona):
    ticket = make_ticket(subject="Ačiū už kantrybę", body="ĄČĘĖĮŠŲŪŽ")

    for text in ("AČIŪ", "Kantrybę", "ąčęėįšųūž"):
        assert found(ona, text) == [ticket], text


@pytest.mark.parametrize("text", ["", "   ", "\t\n"])
def test_an_empty_search_finds_nothing(ona, text):
    make_ticket(subject="Anything")

    assert found(ona, text) == []


@pytest.mark.parametrize("text", ['"unclosed', "a & | ! b", "(((", "':*", "-", "OR"])
def test_odd_search_text_never_breaks_the_query(ona, text):
    make_ticket(subject="Anything at all")

    assert isinstance(found(ona, text), list)


def test_a_search_takes_a_bounded_number_of_queries(ona, first_line, django_assert_max_num_queries):
    for number in range(5):
        ticket = make_ticket(team=first_line, subject=f"Printer {number}", tags=["hardware"])
        ticket_add_note(ticket=ticket, by=ona, body="printer again")

    # The agent's teams, the candidates from tickets, from messages, then the page itself.
    with django_assert_max_num_queries(4):
        results = found(ona, "printer")

    assert len(results) == 5


def test_the_like_fallback_matches_subjects_requesters_and_messages(ona, monkeypatch):
    # The SQLite path, run here by pretending not to be on PostgreSQL.
    monkeypatch.setattr(search, "is_postgres", lambda: False)
    by_subject = make_ticket(subject="Printer on fire", now=LONG_AGO)
    by_requester = make_ticket(requester=CustomerFactory(name="Printer Jones"), subject="Hi", now=LONG_AGO)
    by_message = make_ticket(subject="Help", body="the PRINTER smokes", now=LONG_AGO + timedelta(days=1))
    make_ticket(subject="Unrelated", body="nothing here")

    # Newest first; by_requester and by_subject share a time, the newer id comes first.
    assert found(ona, "printer") == [by_message, by_requester, by_subject]
    assert found(ona, "printer fire") == [by_subject]
    assert found(ona, "help printer") == [by_message]  # words may be split between subject and messages
    assert found(ona, "  ") == []
