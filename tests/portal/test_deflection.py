"""Deflection: an article opened from the request form's suggestions, and whether its visitor still
filed a request within PORTAL_DEFLECTION_MINUTES; the rate is shown on the KB's index page."""

from datetime import datetime, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from backoffice.kb.models import SuggestionOpened
from backoffice.kb.selectors import deflection_rate
from backoffice.kb.services import deflection_request_filed, suggestion_opened_record
from tests.factories import UserFactory
from tests.kb.conftest import make_article, publish

NOON = datetime.fromisoformat("2026-11-24T12:00:00+00:00")
HOUR = timedelta(hours=1)


@pytest.fixture
def router(piotr):
    reviewer = UserFactory(email="laura@example.com", role="backoffice")
    translation = make_article(piotr)
    return publish(translation, writer=piotr, reviewer=reviewer)


@pytest.fixture
def bob(db):
    return UserFactory(email="bob@example.com", full_name="Bob Stone", role="customer")


def opened(translation, *, at, user=None, session_key="", filed_at=None) -> SuggestionOpened:
    """A hand-made opening (with the time its visitor filed a request, if they did)."""
    return SuggestionOpened.objects.create(
        translation=translation, user=user, session_key=session_key, opened_at=at, request_filed_at=filed_at
    )


def from_request(translation) -> str:
    return reverse("portal:help_article", args=[translation.language, translation.slug]) + "?from=request"


# --- Recording an opening.
def test_opening_a_suggested_article_is_recorded_for_an_anonymous_visitor(client, router):
    assert client.get(from_request(router)).status_code == 200

    opening = SuggestionOpened.objects.get()
    assert opening.translation == router and opening.user is None
    assert opening.session_key == client.session.session_key
    assert opening.request_filed_at is None


def test_opening_a_suggested_article_is_recorded_for_a_customer(client, alice, router):
    client.force_login(alice)
    client.get(from_request(router))

    assert SuggestionOpened.objects.get().user == alice


def test_an_article_opened_otherwise_is_not_a_suggestion(client, router):
    client.get(reverse("portal:help_article", args=["en", router.slug]))
    client.get(reverse("portal:help_article", args=["en", router.slug]) + "?from=elsewhere")

    assert not SuggestionOpened.objects.exists()


def test_reloading_a_suggested_article_is_one_opening(client, router):
    client.get(from_request(router))
    client.get(from_request(router))

    assert SuggestionOpened.objects.count() == 1
    router.refresh_from_db()
    assert router.view_count == 2  # every reading is still a view


def test_an_opening_needs_someone_to_follow_up_on(router, settings):
    assert suggestion_opened_record(translation=router, user=None, session_key="", now=NOON) is None
    assert not SuggestionOpened.objects.exists()


# --- A request filed after all.
def test_filing_a_request_marks_that_visitors_recent_openings(router, alice, bob):
    recent = opened(router, at=NOON - timedelta(minutes=20), user=alice)
    old = opened(router, at=NOON - 2 * HOUR, user=alice)
    bobs = opened(router, at=NOON - timedelta(minutes=5), user=bob)

    assert deflection_request_filed(user=alice, session_key="", now=NOON) == 1

    recent.refresh_from_db(), old.refresh_from_db(), bobs.refresh_from_db()
    assert recent.request_filed_at == NOON
    assert old.request_filed_at is None and bobs.request_filed_at is None


def test_openings_before_signing_in_are_matched_by_the_session(router, alice):
    anonymous = opened(router, at=NOON - timedelta(minutes=10), session_key="abc")
    someone_else = opened(router, at=NOON - timedelta(minutes=10), session_key="xyz")

    assert deflection_request_filed(user=alice, session_key="abc", now=NOON) == 1

    anonymous.refresh_from_db(), someone_else.refresh_from_db()
    assert anonymous.request_filed_at == NOON and someone_else.request_filed_at is None


def test_a_second_request_keeps_the_time_of_the_first(router, alice):
    opening = opened(router, at=NOON - timedelta(minutes=30), user=alice)
    deflection_request_filed(user=alice, session_key="", now=NOON - timedelta(minutes=10))

    assert deflection_request_filed(user=alice, session_key="", now=NOON) == 0

    opening.refresh_from_db()
    assert opening.request_filed_at == NOON - timedelta(minutes=10)


def test_the_window_is_a_setting(router, alice, settings):
    settings.PORTAL_DEFLECTION_MINUTES = 15
    opening = opened(router, at=NOON - timedelta(minutes=20), user=alice)

    assert deflection_request_filed(user=alice, session_key="", now=NOON) == 0
    opening.refresh_from_db()
    assert opening.request_filed_at is None


def test_a_visitor_without_user_or_session_marks_nothing(router):
    opened(router, at=NOON - timedelta(minutes=5), session_key="abc")

    assert deflection_request_filed(user=None, session_key="", now=NOON) == 0


# --- The rate.
def test_the_rate_counts_openings_not_followed_by_a_request(router, alice, bob):
    day = NOON - timedelta(days=1)
    opened(router, at=day, user=alice, filed_at=day + timedelta(minutes=10))  # opened, then filed
    opened(router, at=day, user=bob)  # opened and abandoned: deflected
    opened(router, at=day, session_key="abc")  # anonymous and abandoned: deflected
    opened(router, at=day - timedelta(days=40), user=bob)  # before the period

    rate = deflection_rate(since=NOON - timedelta(days=30), until=NOON, now=NOON)

    assert rate == (3, 2, pytest.approx(2 / 3))
    assert rate.percent == 67


def test_openings_younger_than_the_window_are_not_counted_yet(router, alice):
    opened(router, at=NOON - timedelta(minutes=59), user=alice)  # may still be followed by a request
    opened(router, at=NOON - timedelta(minutes=61), user=alice)

    assert deflection_rate(since=NOON - timedelta(days=1), until=NOON, now=NOON)[:2] == (1, 1)


def test_without_openings_there_is_no_rate(db):
    rate = deflection_rate(since=NOON - timedelta(days=30), until=NOON, now=NOON)

    assert rate == (0, 0, None) and rate.percent is None


def test_from_suggestion_to_request_end_to_end(client, alice, router):
    client.force_login(alice)
    client.get(from_request(router))
    deflection_request_filed(user=alice, session_key=client.session.session_key, now=timezone.now())
    client.logout()
    client.get(from_request(router))  # an anonymous visitor who found the answer

    later = timezone.now() + 2 * HOUR  # both openings have had their window
    assert deflection_rate(since=later - 3 * HOUR, until=later, now=later) == (2, 1, 0.5)


# --- Where the figure is shown.
def test_the_kb_index_shows_the_rate_of_the_last_thirty_days(client, piotr, router, alice, bob):
    long_ago = timezone.now() - timedelta(days=2)
    opened(router, at=long_ago, user=alice, filed_at=long_ago)
    opened(router, at=long_ago, user=bob)
    client.force_login(piotr)

    html = client.get(reverse("backoffice:kb:index")).content.decode()

    assert 'data-testid="kb-deflection-rate">50 %' in html
    assert "1 of 2 suggested articles" in html


def test_the_kb_index_says_when_nothing_was_opened(client, piotr):
    client.force_login(piotr)

    html = client.get(reverse("backoffice:kb:index")).content.decode()

    assert 'data-testid="kb-deflection"' in html and "kb-deflection-rate" not in html


def test_openings_are_read_only_in_the_admin(client, rasa, router, alice):
    opening = opened(router, at=NOON, user=alice)
    client.force_login(rasa)

    assert client.get(reverse("admin:kb_suggestionopened_changelist")).status_code == 200
    assert client.get(reverse("admin:kb_suggestionopened_add")).status_code == 403
    change = client.post(reverse("admin:kb_suggestionopened_change", args=[opening.pk]), {"session_key": "x"})
    assert change.status_code == 403
