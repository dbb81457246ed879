"""Who reads what: back office everything, agents published public and internal, customers and
anonymous visitors published public only; the portal's selector falls back to English."""

import pytest
from django.contrib.auth.models import AnonymousUser

from backoffice.kb.models import ArticleTranslation, Visibility
from backoffice.kb.selectors import articles_for_customer, articles_for_reader
from backoffice.kb.services import translation_save
from tests.kb.conftest import make_article, publish


@pytest.fixture
def library(piotr, laura):
    """A published public article, a published internal one and a draft."""
    public = make_article(piotr, title="Public answer")
    internal = make_article(piotr, title="Internal answer", visibility=Visibility.INTERNAL)
    draft = make_article(piotr, title="Draft answer")
    publish(public, writer=piotr, reviewer=laura)
    publish(internal, writer=piotr, reviewer=laura)
    return {"public": public, "internal": internal, "draft": draft}


def titles(queryset) -> set[str]:
    return set(queryset.values_list("title", flat=True))


def test_back_office_sees_every_state(library, piotr, rasa):
    for user in (piotr, rasa):
        assert titles(ArticleTranslation.objects.visible_to(user)) == {
            "Public answer",
            "Internal answer",
            "Draft answer",
        }


def test_agents_and_supervisors_read_published_public_and_internal(library, ona, aino):
    for user in (ona, aino):
        assert titles(ArticleTranslation.objects.visible_to(user)) == {"Public answer", "Internal answer"}


def test_customers_and_anonymous_visitors_read_published_public_only(library, alice):
    for user in (alice, AnonymousUser()):
        assert titles(ArticleTranslation.objects.visible_to(user)) == {"Public answer"}


def test_the_customer_selector_falls_back_to_english_where_there_is_no_translation(piotr, laura, library):
    lt = translation_save(
        article=library["public"].article,
        language="lt",
        title="Viešas atsakymas",
        body_html="<p>x</p>",
        by=piotr,
    )
    other = make_article(piotr, title="Only in English")
    publish(other, writer=piotr, reviewer=laura)

    assert titles(articles_for_customer("lt")) == {"Public answer", "Only in English"}  # lt is a draft
    publish(lt, writer=piotr, reviewer=laura)
    assert titles(articles_for_customer("lt")) == {"Viešas atsakymas", "Only in English"}
    assert titles(articles_for_customer("en")) == {"Public answer", "Only in English"}


def test_agents_read_internal_articles_in_their_language_with_fallback(library, ona):
    assert titles(articles_for_reader(ona, "fi")) == {"Public answer", "Internal answer"}


def test_the_customer_list_is_one_query(library, django_assert_num_queries):
    with django_assert_num_queries(1):
        rows = list(articles_for_customer("pl"))
        [row.article.category for row in rows]
