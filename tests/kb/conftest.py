import pytest
from django.conf import settings

from backoffice.kb.models import Status, Visibility
from backoffice.kb.services import (
    article_create,
    article_reviewers_set,
    translation_save,
    translation_transition,
)


@pytest.fixture(autouse=True)
def _default_language():
    """A request in another language leaves it active in this thread; the next test starts in English."""
    yield
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture
def laura(db):
    """A second back-office user: the reviewer of what Piotr writes."""
    from tests.factories import UserFactory

    return UserFactory(email="laura@example.com", full_name="Laura Bērziņa", role="backoffice")


def assign(article, *reviewers, by):
    """Add `reviewers` to the article's reviewers (keeping those already there)."""
    return article_reviewers_set(article=article, reviewers={*article.reviewers.all(), *reviewers}, by=by)


def publish(translation, *, writer, reviewer):
    assign(translation.article, reviewer, by=writer)
    translation_transition(translation=translation, to=Status.IN_REVIEW, by=writer)
    return translation_transition(translation=translation, to=Status.PUBLISHED, by=reviewer)


def make_article(
    writer,
    *,
    title="Resetting your router",
    body="<p>Hold the button for ten seconds.</p>",
    language="en",
    visibility=Visibility.PUBLIC,
    **fields,
):
    return article_create(
        by=writer, language=language, title=title, body_html=body, visibility=visibility, **fields
    )


@pytest.fixture
def published(piotr, laura):
    """A published public article in English and Lithuanian."""
    en = make_article(piotr)
    lt = translation_save(
        article=en.article,
        language="lt",
        title="Maršrutizatoriaus paleidimas iš naujo",
        body_html="<p>Laikykite mygtuką dešimt sekundžių.</p>",
        by=piotr,
    )
    publish(en, writer=piotr, reviewer=laura)
    publish(lt, writer=piotr, reviewer=laura)
    en.refresh_from_db()
    lt.refresh_from_db()
    return en, lt
