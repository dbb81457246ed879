"""The publish workflow and who may write: back-office staff and admins; a reviewer publishes."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from backoffice.kb.models import Article, ArticleTranslation, Status
from backoffice.kb.services import article_create, translation_save, translation_transition
from helpdesk.models import OutboxEvent
from tests.kb.conftest import assign, make_article, publish


def test_a_new_article_is_a_draft_with_its_first_version(piotr):
    translation = make_article(piotr)

    assert translation.status == Status.DRAFT
    assert translation.slug == "resetting-your-router"
    assert translation.versions.get().number == 1
    assert translation.article.author == piotr


def test_a_reviewer_publishes_what_a_writer_submitted(piotr, laura):
    translation = make_article(piotr)

    publish(translation, writer=piotr, reviewer=laura)

    translation.refresh_from_db()
    assert translation.status == Status.PUBLISHED
    assert translation.published_by == laura
    assert list(translation.article.reviewers.all()) == [laura]
    assert OutboxEvent.objects.filter(name="kb.translation_publish").exists()


def test_a_writer_cannot_publish_their_own_text_even_as_a_reviewer(piotr, laura):
    translation = make_article(piotr)
    assign(translation.article, piotr, laura, by=piotr)
    translation_transition(translation=translation, to=Status.IN_REVIEW, by=piotr)

    with pytest.raises(PermissionDenied, match="You saved the latest version"):
        translation_transition(translation=translation, to=Status.PUBLISHED, by=piotr)
    translation.refresh_from_db()
    assert translation.status == Status.IN_REVIEW
    assert not translation.reviews.exists()


def test_an_admin_may_publish_their_own_text(rasa):
    translation = make_article(rasa)

    publish(translation, writer=rasa, reviewer=rasa)

    translation.refresh_from_db()
    assert translation.status == Status.PUBLISHED


def test_a_draft_cannot_be_published_without_review(piotr, laura):
    translation = make_article(piotr)

    with pytest.raises(ValidationError, match="draft translation cannot become published"):
        translation_transition(translation=translation, to=Status.PUBLISHED, by=laura)


def test_an_unknown_status_is_refused(piotr):
    translation = make_article(piotr)

    with pytest.raises(ValidationError, match="Unknown status"):
        translation_transition(translation=translation, to="deleted", by=piotr)


def test_a_reviewer_can_send_a_text_back_and_archive_and_reopen(piotr, laura):
    translation = make_article(piotr)
    assign(translation.article, laura, by=piotr)
    translation_transition(translation=translation, to=Status.IN_REVIEW, by=piotr)
    translation_transition(translation=translation, to=Status.DRAFT, by=laura, comment="Add a picture.")
    translation_transition(translation=translation, to=Status.ARCHIVED, by=laura)
    translation_transition(translation=translation, to=Status.DRAFT, by=piotr)

    translation.refresh_from_db()
    assert translation.status == Status.DRAFT


def test_each_language_has_its_own_status(piotr, laura):
    en = make_article(piotr)
    lt = translation_save(
        article=en.article, language="lt", title="Labas", body_html="<p>Tekstas</p>", by=piotr
    )

    publish(en, writer=piotr, reviewer=laura)

    assert dict(ArticleTranslation.objects.values_list("language", "status")) == {
        "en": Status.PUBLISHED,
        "lt": Status.DRAFT,
    }
    assert lt.article == en.article


def test_editing_a_published_text_keeps_it_published_and_adds_a_version(piotr, laura):
    translation = make_article(piotr)
    publish(translation, writer=piotr, reviewer=laura)

    translation_save(
        article=translation.article,
        language="en",
        title="Resetting your router",
        body_html="<p>New</p>",
        by=piotr,
    )

    translation.refresh_from_db()
    assert translation.status == Status.PUBLISHED
    assert translation.versions.count() == 2


@pytest.mark.parametrize("role", ["agent", "supervisor", "customer"])
def test_only_back_office_staff_and_admins_write(db, role):
    from tests.factories import UserFactory

    with pytest.raises(PermissionDenied):
        make_article(UserFactory(role=role))
    assert not Article.objects.exists()


def test_others_cannot_move_a_text_along_the_workflow(piotr, ona):
    translation = make_article(piotr)

    with pytest.raises(PermissionDenied):
        translation_transition(translation=translation, to=Status.IN_REVIEW, by=ona)


@pytest.mark.parametrize(
    ("fields", "error"),
    [
        ({"title": "  "}, "title"),
        ({"body_html": "<script>alert(1)</script>"}, "body_html"),
        ({"language": "de"}, "language"),
    ],
)
def test_bad_input_is_refused_and_changes_nothing(piotr, fields, error):
    values = {"by": piotr, "language": "en", "title": "Title", "body_html": "<p>Text</p>"} | fields

    with pytest.raises(ValidationError) as raised:
        article_create(**values)
    assert error in raised.value.message_dict
    assert not Article.objects.exists()


def test_a_slug_is_unique_per_language_but_not_across_languages(piotr):
    first = make_article(piotr, title="Billing")
    translation_save(article=first.article, language="lt", title="Billing", body_html="<p>x</p>", by=piotr)
    second = make_article(piotr, title="Other", language="lt")

    with pytest.raises(ValidationError) as raised:
        translation_save(
            article=second.article, language="lt", title="x", slug="billing", body_html="y", by=piotr
        )
    assert "slug" in raised.value.message_dict
