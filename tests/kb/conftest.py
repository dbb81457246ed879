import pytest

from backoffice.kb.models import Status, Visibility
from backoffice.kb.services import article_create, translation_save, translation_transition


@pytest.fixture
def laura(db):
    """A second back-office user: the reviewer of what Piotr writes."""
    from tests.factories import UserFactory

    return UserFactory(email="laura@example.com", full_name="Laura Bērziņa", role="backoffice")


def publish(translation, *, writer, reviewer):
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
