"""Rating the service: the CSAT survey by email link and on the request page, the NPS question, and
where the answers go (the assignee's notification, the 360° view, the period summaries)."""

import re
from datetime import timedelta

import pytest
from django.core import signing
from django.utils import timezone

from helpdesk.models import OutboxEvent
from helpdesk.outbox import outbox_handle, outbox_messages_for
from tickets.models import Notification, NpsResponse, SatisfactionRating, Status
from tickets.satisfaction import (
    csat_summary,
    nps_answer,
    nps_summary,
    satisfaction_offer,
    satisfaction_rate,
    satisfaction_survey_send,
)
from tickets.services import ticket_create, ticket_update

pytestmark = pytest.mark.django_db
NOW = timezone.now()


def _solve(ticket, by=None):
    """Solve the ticket and run what the outbox would run on the notify queue."""
    ticket_update(ticket=ticket, by=by, changes={"status": Status.SOLVED})
    event = OutboxEvent.objects.filter(name="ticket.updated").latest("id")
    for name in outbox_messages_for(event).get("notify", []):
        outbox_handle(event_id=event.pk, handler_name=name)
    return SatisfactionRating.objects.filter(ticket=ticket).first()


@pytest.fixture
def solved(janis, aino):
    ticket = ticket_create(requester=janis, subject="VPN drops", body="?", assignee=aino)
    rating = _solve(ticket)
    return ticket, rating


def test_solving_offers_one_survey_and_emails_its_link_once_in_the_customers_language(solved, smtp):
    ticket, rating = solved

    assert satisfaction_survey_send(rating_id=rating.pk) is True
    assert satisfaction_survey_send(rating_id=rating.pk) is False  # a retried task sends nothing more

    (email,) = smtp.emails
    assert email["To"] == "janis@acme.example" and f"#{ticket.pk}" in email["Subject"]
    body = email.get_content()
    assert "?answer=good" in body and "?answer=bad" in body


def test_a_customer_who_refused_survey_emails_gets_none_but_may_still_rate_in_the_portal(
    solved, smtp, client
):
    from customers.services import consent_record

    ticket, rating = solved
    consent_record(customer=ticket.requester, purpose="surveys", granted=False, source="portal", by=None)

    assert satisfaction_survey_send(rating_id=rating.pk) is False
    assert smtp.emails == []
    client.force_login(ticket.requester.user)
    assert 'data-testid="request-rating"' in client.get(ticket.get_portal_url()).content.decode()


def test_solving_again_after_a_reopen_offers_nothing_new(solved):
    ticket, rating = solved
    ticket_update(ticket=ticket, by=None, changes={"status": Status.OPEN})

    assert _solve(ticket) == rating
    assert satisfaction_offer(ticket_id=ticket.pk, now=NOW) is None
    assert SatisfactionRating.objects.count() == 1


def test_the_email_link_rates_without_signing_in_and_only_on_submit(client, solved, smtp):
    ticket, rating = solved
    satisfaction_survey_send(rating_id=rating.pk)
    link = re.search(r"https?://\S+\?answer=bad", smtp.emails[0].get_content()).group(0)
    path = link.split("8000", 1)[-1] if "8000" in link else "/" + link.split("/", 3)[3]

    page = client.get(path)
    assert page.status_code == 200 and 'value="bad"' in page.content.decode()
    rating.refresh_from_db()
    assert rating.good is None  # opening the link (a mail scanner may) rates nothing

    response = client.post(path.split("?")[0], {"answer": "bad", "comment": "Took three days"})

    assert response.status_code == 200 and 'data-testid="csat-thanks"' in response.content.decode()
    rating.refresh_from_db()
    assert (rating.good, rating.comment) == (False, "Took three days")
    assert OutboxEvent.objects.filter(name="csat.received", payload__rating_id=rating.pk).exists()


@pytest.mark.parametrize("forgery", ["nonsense", "signed for something else"])
def test_a_forged_or_mangled_link_is_refused_with_a_readable_page(client, solved, forgery):
    token = forgery if forgery == "nonsense" else signing.dumps({"rating": solved[1].pk}, salt="other")

    response = client.post(f"/portal/rate/{token}/", {"answer": "good"})

    assert response.status_code == 404 and "not valid" in response.content.decode()
    assert SatisfactionRating.objects.get().good is None


def test_an_expired_link_is_refused(client, solved, settings):
    from tickets.satisfaction import satisfaction_token

    _ticket, rating = solved
    token = satisfaction_token(rating)
    settings.CSAT_LINK_DAYS = -1

    assert client.post(f"/portal/rate/{token}/", {"answer": "good"}).status_code == 404


def test_a_rating_without_an_answer_is_refused_and_saves_nothing(client, solved):
    from tickets.satisfaction import satisfaction_token

    response = client.post(f"/portal/rate/{satisfaction_token(solved[1])}/", {"answer": "meh"})

    assert response.status_code == 400 and response.context["form"].errors["answer"]
    assert SatisfactionRating.objects.get().good is None


def test_the_assignee_is_notified_of_the_rating(solved, aino):
    _ticket, rating = solved
    satisfaction_rate(rating=rating, good=True, now=NOW)
    event = OutboxEvent.objects.get(name="csat.received")

    outbox_handle(event_id=event.pk, handler_name="tickets.handlers.notify_staff")

    notification = Notification.objects.get(recipient=aino, kind="csat_received", channel="in_app")
    assert "good" in notification.text


def test_the_requester_rates_on_the_request_page_and_may_change_it(client, solved, janis):
    ticket, _rating = solved
    client.force_login(janis.user)
    assert 'data-testid="request-rating"' in client.get(ticket.get_portal_url()).content.decode()

    client.post(f"/portal/requests/{ticket.pk}/rate/", {"answer": "bad"})
    client.post(f"/portal/requests/{ticket.pk}/rate/", {"answer": "good", "comment": "Fixed after all"})

    rating = SatisfactionRating.objects.get()
    assert (rating.good, rating.comment) == (True, "Fixed after all")


def test_only_the_requester_of_a_solved_request_may_rate_it(client, janis, laura):
    ticket = ticket_create(requester=janis, subject="VPN drops", body="?")
    client.force_login(janis.user)
    client.post(f"/portal/requests/{ticket.pk}/rate/", {"answer": "good"})  # not solved yet
    assert not SatisfactionRating.objects.exists()

    _solve(ticket)
    client.force_login(laura.user)  # the manager sees the request but did not ask it
    assert 'data-testid="request-rating"' not in client.get(ticket.get_portal_url()).content.decode()
    client.post(f"/portal/requests/{ticket.pk}/rate/", {"answer": "bad"})
    assert SatisfactionRating.objects.get().good is None


def test_nps_is_asked_after_a_solved_request_and_then_not_for_ninety_days(client, janis):
    client.force_login(janis.user)
    assert 'data-testid="nps"' not in client.get("/portal/").content.decode()  # nothing solved yet
    _solve(ticket_create(requester=janis, subject="VPN drops", body="?"))
    assert 'data-testid="nps"' in client.get("/portal/").content.decode()

    client.post("/portal/nps/", {"score": "9", "comment": "Quick and kind"})

    assert NpsResponse.objects.get().score == 9
    assert 'data-testid="nps"' not in client.get("/portal/").content.decode()
    client.post("/portal/nps/", {"score": "2"})  # a second answer within the interval is refused
    assert NpsResponse.objects.count() == 1
    NpsResponse.objects.update(created_at=timezone.now() - timedelta(days=91))
    assert 'data-testid="nps"' in client.get("/portal/").content.decode()


def test_dismissing_nps_counts_as_asked_and_a_bad_score_is_refused(client, janis):
    _solve(ticket_create(requester=janis, subject="VPN drops", body="?"))
    client.force_login(janis.user)

    client.post("/portal/nps/", {"score": "11"})
    assert not NpsResponse.objects.exists()

    client.post("/portal/nps/", {"dismiss": "1"})
    assert NpsResponse.objects.get().score is None
    assert 'data-testid="nps"' not in client.get("/portal/").content.decode()


def test_the_360_view_shows_the_share_of_good_ratings_and_the_last_nps(client, janis, aino):
    for good in (True, True, True, False):
        rating = _solve(ticket_create(requester=janis, subject="Q", body="?"))
        satisfaction_rate(rating=rating, good=good, now=NOW)
    nps_answer(customer=janis, score=8, now=NOW)
    client.force_login(aino)

    page = client.get(f"/desk/customers/{janis.pk}/").content.decode()

    assert "CSAT 75" in page and "(4 ratings)" in page and "last NPS 8/10" in page


def test_the_period_summaries_match_hand_counts(janis, laura):
    ratings = [_solve(ticket_create(requester=janis, subject=f"Q{n}", body="?")) for n in range(5)]
    for rating, good in zip(ratings, [True, True, True, False, None], strict=True):
        if good is not None:
            satisfaction_rate(rating=rating, good=good, now=NOW)
    for customer, score in [(janis, 10), (laura, 6)]:
        nps_answer(customer=customer, score=score, now=NOW)
    week = {"since": NOW - timedelta(days=7), "until": NOW + timedelta(seconds=1)}

    assert csat_summary(**week) == {"good": 3, "bad": 1, "answered": 4, "csat": 75}
    assert nps_summary(**week) == {"promoters": 1, "detractors": 1, "total": 2, "nps": 0}
