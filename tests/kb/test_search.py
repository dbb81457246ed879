"""KB search: per-language PostgreSQL full text (stemmed where PostgreSQL has a stemmer), ranked;
LIKE on SQLite."""

import pytest

from backoffice.kb import search
from backoffice.kb.models import ArticleTranslation, Visibility
from backoffice.kb.selectors import kb_search
from backoffice.kb.services import translation_save
from tests.kb.conftest import make_article, publish

postgres_only = pytest.mark.skipif(not search.is_postgres(), reason="needs PostgreSQL full-text search")


def found(user, text, language="en") -> list[str]:
    return [t.title for t in kb_search(user, text, language=language)]


@pytest.fixture
def articles(piotr, laura):
    in_title = make_article(piotr, title="Invoice corrections", body="<p>Write to billing.</p>")
    in_body = make_article(piotr, title="Payments", body="<p>Each invoice is sent by email.</p>")
    internal = make_article(
        piotr, title="Invoice disputes (internal)", body="<p>Escalate.</p>", visibility=Visibility.INTERNAL
    )
    for translation in (in_title, in_body, internal):
        publish(translation, writer=piotr, reviewer=laura)
    return in_title, in_body, internal


def test_search_finds_only_what_the_reader_may_see(articles, alice, ona):
    assert set(found(alice, "invoice")) == {"Invoice corrections", "Payments"}
    assert set(found(ona, "invoice")) == {"Invoice corrections", "Payments", "Invoice disputes (internal)"}


def test_search_looks_in_the_readers_language_only(articles, piotr, laura):
    lt = translation_save(
        article=articles[0].article,
        language="lt",
        title="Sąskaitų taisymas",
        body_html="<p>Rašykite.</p>",
        by=piotr,
    )
    publish(lt, writer=piotr, reviewer=laura)

    assert found(piotr, "sąskaitų", language="lt") == ["Sąskaitų taisymas"]
    assert found(piotr, "sąskaitų", language="en") == []


@postgres_only
def test_a_title_match_ranks_above_a_body_match(articles, alice):
    assert found(alice, "invoice") == ["Invoice corrections", "Payments"]


@postgres_only
def test_english_is_stemmed(articles, alice):
    assert set(found(alice, "invoices")) == {"Invoice corrections", "Payments"}


@postgres_only
def test_finnish_is_stemmed_with_the_finnish_configuration(piotr, laura, alice):
    fi = make_article(piotr, language="fi", title="Laskut", body="<p>Lähetämme laskun sähköpostitse.</p>")
    publish(fi, writer=piotr, reviewer=laura)

    assert search.search_config("fi") == "finnish"
    assert found(alice, "lasku", language="fi") == ["Laskut"]


@postgres_only
def test_languages_without_a_stemmer_use_simple(db):
    assert search.search_config("lv") == "simple"
    assert search.search_config("pl") == "simple"
    assert search.search_config("lt") in {"lithuanian", "simple"}  # depends on the server's build


@postgres_only
def test_the_vector_is_stored_on_save(piotr):
    translation = make_article(piotr, title="Kettle", body="<p>Descaling</p>")

    assert ArticleTranslation.objects.filter(pk=translation.pk, search_vector__isnull=False).exists()


def test_an_empty_query_finds_nothing(articles, alice):
    assert found(alice, "   ") == []
