"""Reviewers: assigned by back-office staff; submitting needs one who may approve; reviewers approve
or send back with a comment the writer sees; each decision is recorded; nobody approves their own
text except an admin."""

from datetime import UTC, datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from backoffice.kb.models import ArticleReview, Status
from backoffice.kb.selectors import waiting_for_review
from backoffice.kb.services import article_reviewers_set, translation_save, translation_transition
from helpdesk.models import OutboxEvent
from tests.factories import UserFactory
from tests.kb.conftest import assign, make_article


def submit(translation, by):
    return translation_transition(translation=translation, to=Status.IN_REVIEW, by=by)


def status_of(translation) -> str:
    translation.refresh_from_db()
    return translation.status


# --- Assigning reviewers


def test_back_office_staff_assign_reviewers_and_an_event_is_written(piotr, laura, rasa):
    article = make_article(piotr).article

    article_reviewers_set(article=article, reviewers=[laura, rasa], by=piotr)

    assert set(article.reviewers.all()) == {laura, rasa}
    assert OutboxEvent.objects.filter(name="kb.reviewers_changed").exists()


@pytest.mark.parametrize("role", ["agent", "supervisor", "customer"])
def test_only_back_office_staff_and_admins_can_be_reviewers(piotr, laura, role):
    article = make_article(piotr).article
    assign(article, laura, by=piotr)
    outsider = UserFactory(role=role, full_name="Jonas Jonaitis")

    with pytest.raises(ValidationError, match="Only active back-office staff and admins review") as raised:
        article_reviewers_set(article=article, reviewers=[laura, outsider], by=piotr)
    assert "Jonas" in str(raised.value)
    assert list(article.reviewers.all()) == [laura]  # nothing changed


def test_an_inactive_user_cannot_be_a_reviewer(piotr):
    article = make_article(piotr).article
    gone = UserFactory(role="backoffice", is_active=False)

    with pytest.raises(ValidationError):
        article_reviewers_set(article=article, reviewers=[gone], by=piotr)


@pytest.mark.parametrize("persona", ["ona", "aino", "alice"])
def test_only_back_office_staff_assign_reviewers(request, piotr, laura, persona):
    article = make_article(piotr).article

    with pytest.raises(PermissionDenied):
        article_reviewers_set(article=article, reviewers=[laura], by=request.getfixturevalue(persona))
    assert not article.reviewers.exists()


# --- Submitting


def test_submitting_without_a_reviewer_says_why_and_stays_a_draft(piotr):
    translation = make_article(piotr)

    with pytest.raises(ValidationError, match="Assign at least one reviewer"):
        submit(translation, piotr)
    assert status_of(translation) == Status.DRAFT
    assert not OutboxEvent.objects.filter(name="kb.translation_submit").exists()


def test_submitting_with_only_the_writer_as_reviewer_says_why(piotr):
    translation = make_article(piotr)
    assign(translation.article, piotr, by=piotr)

    with pytest.raises(ValidationError, match="None of the assigned reviewers may approve"):
        submit(translation, piotr)
    assert status_of(translation) == Status.DRAFT


def test_an_admin_may_submit_with_themselves_as_reviewer_and_approve(rasa):
    translation = make_article(rasa)
    assign(translation.article, rasa, by=rasa)
    submit(translation, rasa)

    translation_transition(translation=translation, to=Status.PUBLISHED, by=rasa)

    assert status_of(translation) == Status.PUBLISHED
    assert ArticleReview.objects.get().reviewer == rasa


# --- Deciding


def test_an_assigned_reviewer_approves_and_the_review_is_recorded(piotr, laura):
    translation = make_article(piotr)
    assign(translation.article, laura, by=piotr)
    submit(translation, piotr)
    now = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)

    translation_transition(translation=translation, to=Status.PUBLISHED, by=laura, now=now)

    translation.refresh_from_db()
    review = translation.reviews.get()
    assert (translation.status, translation.published_by, translation.published_at) == (
        Status.PUBLISHED,
        laura,
        now,
    )
    assert (review.reviewer, review.decision, review.at, review.version.number) == (
        laura,
        ArticleReview.Decision.APPROVED,
        now,
        1,
    )


def test_a_back_office_user_who_is_not_a_reviewer_may_not_approve_or_send_back(piotr, laura):
    translation = make_article(piotr)
    assign(translation.article, laura, by=piotr)
    submit(translation, piotr)
    bystander = UserFactory(role="backoffice")

    with pytest.raises(PermissionDenied, match="Only the article's reviewers"):
        translation_transition(translation=translation, to=Status.PUBLISHED, by=bystander)
    with pytest.raises(PermissionDenied):
        translation_transition(translation=translation, to=Status.DRAFT, by=bystander, comment="No.")
    assert status_of(translation) == Status.IN_REVIEW
    assert not ArticleReview.objects.exists()


def test_an_admin_approves_without_being_assigned(piotr, laura, rasa):
    translation = make_article(piotr)
    assign(translation.article, laura, by=piotr)
    submit(translation, piotr)

    translation_transition(translation=translation, to=Status.PUBLISHED, by=rasa)

    assert status_of(translation) == Status.PUBLISHED


@pytest.mark.parametrize("persona", ["ona", "aino"])
def test_agents_and_supervisors_cannot_review(request, piotr, laura, persona):
    translation = make_article(piotr)
    assign(translation.article, laura, by=piotr)
    submit(translation, piotr)

    with pytest.raises(PermissionDenied):
        translation_transition(
            translation=translation, to=Status.PUBLISHED, by=request.getfixturevalue(persona)
        )
    assert status_of(translation) == Status.IN_REVIEW


def test_a_reviewer_who_edited_the_text_in_review_may_not_approve_their_own_edit(piotr, laura):
    translation = make_article(piotr)
    assign(translation.article, laura, by=piotr)
    submit(translation, piotr)
    translation_save(
        article=translation.article, language="en", title="Better title", body_html="<p>x</p>", by=laura
    )

    with pytest.raises(PermissionDenied, match="You saved the latest version"):
        translation_transition(translation=translation, to=Status.PUBLISHED, by=laura)
    assert status_of(translation) == Status.IN_REVIEW


def test_sending_back_needs_a_comment_and_changes_nothing_without_one(piotr, laura):
    translation = make_article(piotr)
    assign(translation.article, laura, by=piotr)
    submit(translation, piotr)

    with pytest.raises(ValidationError) as raised:
        translation_transition(translation=translation, to=Status.DRAFT, by=laura, comment="   ")
    assert "comment" in raised.value.message_dict
    assert status_of(translation) == Status.IN_REVIEW
    assert not ArticleReview.objects.exists()


def test_sending_back_records_the_comment(piotr, laura):
    translation = make_article(piotr)
    assign(translation.article, laura, by=piotr)
    submit(translation, piotr)

    translation_transition(translation=translation, to=Status.DRAFT, by=laura, comment=" Add a screenshot. ")

    review = translation.reviews.get()
    assert (review.decision, review.comment, review.reviewer) == ("returned", "Add a screenshot.", laura)
    assert status_of(translation) == Status.DRAFT
    assert OutboxEvent.objects.filter(name="kb.translation_return").exists()


# --- Waiting for my review


def test_waiting_for_review_lists_what_i_am_assigned_and_may_approve(piotr, laura, rasa):
    mine = make_article(piotr, title="Mine to review")
    assign(mine.article, laura, by=piotr)
    submit(mine, piotr)
    not_assigned = make_article(piotr, title="Someone else's")
    assign(not_assigned.article, rasa, by=piotr)
    submit(not_assigned, piotr)
    draft = make_article(piotr, title="Still a draft")
    assign(draft.article, laura, by=piotr)
    own = make_article(laura, title="Laura's own")
    assign(own.article, laura, piotr, by=laura)
    submit(own, laura)

    assert [t.title for t in waiting_for_review(laura)] == ["Mine to review"]
    assert [t.title for t in waiting_for_review(rasa)] == ["Someone else's"]
    assert [t.title for t in waiting_for_review(piotr)] == ["Laura's own"]
