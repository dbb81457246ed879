"""The desk's pages and actions over HTTP: permissions, bad input, query counts."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.factories import CustomerFactory, TeamFactory, UserFactory, make_ticket
from tickets.models import Macro, Message, SavedView, Status, Ticket
from tickets.selectors import TIMELINE_RECENT
from tickets.services import ticket_reply

QUEUES = ["mine", "unassigned", "open", "pending", "solved"]


@pytest.fixture
def ticket(team):
    return make_ticket(team=team, subject="Router blinks red", body="The router blinks red since Monday.")


@pytest.mark.parametrize(
    "url", ["/desk/views/open/", "/desk/search/?q=x", "/desk/tickets/new/", "/desk/views/new/"]
)
def test_customers_get_403_on_every_desk_page(client, alice, url):
    client.force_login(alice)

    assert client.get(url).status_code == 403


def test_a_customer_cannot_open_a_ticket_page(client, alice, ticket):
    client.force_login(alice)

    assert client.get(f"/desk/tickets/{ticket.pk}/").status_code == 403


def test_an_agent_of_another_team_gets_404_for_a_ticket_and_its_actions(client, ticket):
    outsider = UserFactory(role="agent")
    TeamFactory(members=[outsider])
    client.force_login(outsider)

    assert client.get(f"/desk/tickets/{ticket.pk}/").status_code == 404
    assert client.post(f"/desk/tickets/{ticket.pk}/reply/", {"body": "hi"}).status_code == 404
    assert client.post(f"/desk/tickets/{ticket.pk}/fields/", {"status": "solved"}).status_code == 404
    assert not Message.objects.filter(body_text="hi").exists()


def test_supervisors_see_every_team(client, aino, ticket):
    client.force_login(aino)

    assert client.get(f"/desk/tickets/{ticket.pk}/").status_code == 200


@pytest.mark.parametrize("key", QUEUES)
def test_every_queue_renders_with_a_bounded_number_of_queries(
    desk, team, ona, key, django_assert_max_num_queries
):
    for number in range(30):
        make_ticket(team=team, subject=f"Ticket {number}", assignee=ona if number % 2 else None)

    with django_assert_max_num_queries(20):
        response = desk.get(f"/desk/views/{key}/")

    assert response.status_code == 200


def test_the_open_queue_lists_visible_tickets_with_counts(desk, ticket):
    hidden = make_ticket(team=TeamFactory(), subject="Other team's secret")

    page = desk.get("/desk/views/open/").content.decode()

    assert "Router blinks red" in page
    assert hidden.subject not in page
    assert 'data-testid="queue-open"' in page


def test_an_unknown_queue_is_404(desk):
    assert desk.get("/desk/views/nonsense/").status_code == 404


def test_the_next_page_follows_the_cursor_and_a_broken_cursor_shows_the_first_page(desk, team):
    for number in range(55):
        make_ticket(team=team, subject=f"Bulk subject {number:02d}")

    first = desk.get("/desk/views/open/")
    cursor = first.context["next_cursor"]
    second = desk.get(f"/desk/views/open/?after={cursor}")
    broken = desk.get("/desk/views/open/?after=not-a-cursor")

    assert len(first.context["rows"]) == 50
    assert len(second.context["rows"]) == 5
    assert not {t.pk for t in first.context["rows"]} & {t.pk for t in second.context["rows"]}
    assert broken.status_code == 200 and len(broken.context["rows"]) == 50


def test_htmx_refresh_returns_only_the_rows(desk, ticket):
    response = desk.get("/desk/views/open/", headers={"HX-Request": "true", "HX-Target": "ticket-rows"})

    assert response.templates[0].name == "tickets/_rows.html"
    assert b"<html" not in response.content


def test_the_ticket_page_renders_in_a_bounded_number_of_queries(
    desk, ticket, ona, django_assert_max_num_queries
):
    for number in range(TIMELINE_RECENT + 10):
        ticket_reply(ticket=ticket, by=ona, body=f"Reply {number}")

    with django_assert_max_num_queries(20):
        response = desk.get(f"/desk/tickets/{ticket.pk}/")

    assert response.status_code == 200
    # The first message, then the newest TIMELINE_RECENT entries; "show all" has the rest.
    page = response.content.decode()
    assert page.count('class="entry message-entry') == 1 + TIMELINE_RECENT
    assert 'data-testid="show-all"' in page


def test_searching_a_number_jumps_to_the_ticket(desk, ticket):
    assert desk.get(f"/desk/search/?q=%23{ticket.pk}")["Location"] == f"/desk/tickets/{ticket.pk}/"


def test_searching_finds_a_ticket_by_a_word_of_its_messages(desk, ticket):
    response = desk.get("/desk/search/?q=monday")

    assert [row.pk for row in response.context["rows"]] == [ticket.pk]


def test_a_reply_is_sent_and_the_agent_returns_to_the_ticket(desk, ticket):
    response = desk.post(
        f"/desk/tickets/{ticket.pk}/reply/",
        {"body": "Sveiki, ačiū už kantrybę – ąčęėįšųūž", "seen_message_id": ticket.last_public_message_id},
    )

    assert response.status_code == 302
    assert ticket.messages.filter(public=True, body_text="Sveiki, ačiū už kantrybę – ąčęėįšųūž").exists()
    ticket.refresh_from_db()
    assert ticket.status == Status.OPEN
    assert ticket.first_response_at is not None


def test_an_empty_reply_is_refused_with_a_message_and_nothing_is_written(desk, ticket):
    before = ticket.messages.count()

    response = desk.post(f"/desk/tickets/{ticket.pk}/reply/", {"body": "   "})

    assert response.status_code == 400
    assert "Write a message or attach a file." in response.content.decode()
    assert ticket.messages.count() == before


def test_an_oversize_attachment_is_refused_and_the_draft_kept(desk, ticket, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.ATTACHMENT_MAX_BYTES = 1024
    upload = SimpleUploadedFile("big.pdf", b"%PDF" + bytes(2048), content_type="application/pdf")

    response = desk.post(
        f"/desk/tickets/{ticket.pk}/reply/", {"body": "See attached", "attachments": [upload]}
    )

    assert response.status_code == 400
    page = response.content.decode()
    assert "big.pdf is too large" in page
    assert "See attached" in page
    assert ticket.messages.count() == 1


def test_a_program_disguised_as_a_pdf_is_refused(desk, ticket, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    upload = SimpleUploadedFile("invoice.pdf", b"MZ\x90\x00" + bytes(100), content_type="application/pdf")

    response = desk.post(f"/desk/tickets/{ticket.pk}/reply/", {"body": "x", "attachments": [upload]})

    assert response.status_code == 400
    assert "is a program or script" in response.content.decode()


def test_a_reply_after_someone_elses_reply_warns_and_keeps_the_draft(desk, ticket, team):
    jan = UserFactory(role="agent", full_name="Jānis Bērziņš")
    team.members.add(jan)
    seen = ticket.last_public_message_id
    ticket_reply(ticket=ticket, by=jan, body="I already answered this.")

    response = desk.post(
        f"/desk/tickets/{ticket.pk}/reply/", {"body": "My late answer", "seen_message_id": seen}
    )

    assert response.status_code == 409
    page = response.content.decode()
    assert "I already answered this." in page
    assert "My late answer" in page
    assert "Send anyway" in page
    assert not ticket.messages.filter(body_text="My late answer").exists()

    forced = desk.post(
        f"/desk/tickets/{ticket.pk}/reply/",
        {"body": "My late answer", "seen_message_id": seen, "force": "True"},
    )
    assert forced.status_code == 302
    assert ticket.messages.filter(body_text="My late answer").exists()


def test_an_internal_note_is_not_public(desk, ticket):
    desk.post(f"/desk/tickets/{ticket.pk}/reply/", {"body": "Customer is a VIP", "internal": "on"})

    note = ticket.messages.get(body_text="Customer is a VIP")
    assert note.public is False


def test_an_invalid_status_change_is_refused_with_a_message(desk, ticket):
    Ticket.objects.filter(pk=ticket.pk).update(status=Status.CLOSED)

    response = desk.post(f"/desk/tickets/{ticket.pk}/fields/", {"status": "open"}, follow=True)

    assert "A closed ticket cannot be changed." in response.content.decode()
    ticket.refresh_from_db()
    assert ticket.status == Status.CLOSED


def test_properties_change_over_htmx_returns_the_panel(desk, ticket):
    response = desk.post(
        f"/desk/tickets/{ticket.pk}/fields/", {"priority": "urgent"}, headers={"HX-Request": "true"}
    )

    assert response.templates[0].name == "tickets/ticket.html"
    ticket.refresh_from_db()
    assert ticket.priority == "urgent"
    assert ticket.activities.filter(field="priority", old="normal", new="urgent").exists()


def test_assign_to_me(desk, ticket, ona):
    desk.post(f"/desk/tickets/{ticket.pk}/assign-me/")

    ticket.refresh_from_db()
    assert ticket.assignee == ona


def test_a_macro_fills_the_reply_box_with_placeholders_replaced(desk, ticket):
    macro = Macro.objects.create(
        name="Hello", body="Hi {{ ticket.requester.first_name }}, re #{{ ticket.number }}"
    )

    response = desk.post(f"/desk/tickets/{ticket.pk}/macro/", {"macro": macro.pk})

    assert f"Hi {ticket.requester.first_name}, re #{ticket.pk}" in response.content.decode()


def test_someone_elses_personal_macro_cannot_be_applied(desk, ticket):
    macro = Macro.objects.create(name="Mine", body="x", owner=UserFactory(role="agent"))

    assert desk.post(f"/desk/tickets/{ticket.pk}/macro/", {"macro": macro.pk}).status_code == 404


def test_merging_through_the_page_moves_the_messages(desk, team):
    requester = CustomerFactory()
    source = make_ticket(requester=requester, team=team, body="First")
    target = make_ticket(requester=requester, team=team, body="Second")

    response = desk.post(f"/desk/tickets/{source.pk}/merge/", {"number": target.pk})

    assert response["Location"] == f"/desk/tickets/{target.pk}/"
    assert set(target.messages.values_list("body_text", flat=True)) == {"First", "Second"}


def test_merging_tickets_of_different_requesters_is_refused(desk, team):
    source, target = make_ticket(team=team), make_ticket(team=team)

    response = desk.post(f"/desk/tickets/{source.pk}/merge/", {"number": target.pk}, follow=True)

    assert "Only tickets of the same requester can be merged." in response.content.decode()
    source.refresh_from_db()
    assert source.merged_into is None


def test_bulk_update_changes_the_chosen_tickets_and_reports_refusals(desk, team):
    first, second = make_ticket(team=team), make_ticket(team=team)
    closed = make_ticket(team=team)
    Ticket.objects.filter(pk=closed.pk).update(status=Status.CLOSED)

    response = desk.post(
        "/desk/bulk/",
        {
            "ticket": [first.pk, second.pk, closed.pk],
            "action": "priority",
            "priority": "high",
            "next": "/desk/",
        },
        follow=True,
    )

    assert set(Ticket.objects.filter(priority="high").values_list("pk", flat=True)) == {first.pk, second.pk}
    assert f"Ticket #{closed.pk} was not changed" in response.content.decode()


def test_bulk_update_ignores_tickets_the_agent_cannot_see(desk, team):
    hidden = make_ticket(team=TeamFactory())

    desk.post("/desk/bulk/", {"ticket": [hidden.pk], "action": "priority", "priority": "urgent"})

    hidden.refresh_from_db()
    assert hidden.priority == "normal"


def test_saved_views_are_created_listed_and_deleted(desk, ona, team):
    make_ticket(team=team, priority="urgent", subject="Fire")
    make_ticket(team=team, priority="low", subject="Dust")

    response = desk.post("/desk/views/new/", {"name": "Urgent only", "priority": ["urgent"]})
    view = SavedView.objects.get(owner=ona)
    page = desk.get(response["Location"]).content.decode()

    assert "Fire" in page and "Dust" not in page
    assert view.shared is False
    desk.post(f"/desk/views/saved-{view.pk}/delete/")
    assert not SavedView.objects.exists()


def test_attachments_download_as_attachments_only_for_those_who_see_the_ticket(
    desk, ticket, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    upload = SimpleUploadedFile("notes <x>.html", b"<script>alert(1)</script>", content_type="text/html")
    desk.post(
        f"/desk/tickets/{ticket.pk}/reply/", {"body": "file", "attachments": [upload], "internal": "on"}
    )
    attachment = ticket.messages.get(body_text="file").attachments.get()

    response = desk.get(f"/desk/attachments/{attachment.token}/")

    assert response["Content-Disposition"].startswith("attachment;")
    assert response["Content-Type"] == "application/octet-stream"
    assert response["X-Content-Type-Options"] == "nosniff"
    outsider = UserFactory(role="agent")
    desk.force_login(outsider)
    assert desk.get(f"/desk/attachments/{attachment.token}/").status_code == 404


def test_presence_shows_other_agents_viewing_and_typing(client, ticket, team):
    jan = UserFactory(role="agent", full_name="Jānis Bērziņš")
    ona = team.members.get()
    team.members.add(jan)
    client.force_login(jan)
    client.post(f"/desk/tickets/{ticket.pk}/presence/", {"typing": "1"})

    client.force_login(ona)
    response = client.post(f"/desk/tickets/{ticket.pk}/presence/", {"typing": "0"})

    assert "Jānis Bērziņš is typing a reply" in response.content.decode()


def test_a_new_ticket_for_a_caller_creates_the_customer(desk, team):
    response = desk.post(
        "/desk/tickets/new/",
        {
            "requester_email": "Caller@Example.com",
            "requester_name": "Caller",
            "subject": "Phoned in",
            "body": "Asked about the invoice",
            "channel": "phone",
            "priority": "normal",
            "type": "question",
            "team": team.pk,
        },
    )

    ticket = Ticket.objects.get(subject="Phoned in")
    assert response["Location"] == f"/desk/tickets/{ticket.pk}/"
    assert ticket.requester.email == "caller@example.com"
    assert ticket.channel == "phone"
