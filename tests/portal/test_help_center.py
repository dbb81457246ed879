"""The portal's help center: public articles for anonymous visitors and customers alike, in the
visitor's language with a fallback, searched with highlights and suggested while a request is typed."""

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation as i18n

from backoffice.kb.models import ArticleTranslation, ArticleVote, Visibility
from backoffice.kb.services import category_create, translation_save
from tests.factories import UserFactory
from tests.kb.conftest import make_article, publish


@pytest.fixture(autouse=True)
def _english_afterwards():
    """A request in another language leaves it active in this thread; the next test starts in English."""
    yield
    i18n.activate(settings.LANGUAGE_CODE)


@pytest.fixture
def reviewer(db):
    return UserFactory(email="laura@example.com", full_name="Laura Bērziņa", role="backoffice")


@pytest.fixture
def library(piotr, reviewer):
    """Router (English and Lithuanian), Invoices (English only), one article in Lithuanian only, and
    what customers never see: an internal article, a draft, and a Lithuanian draft of Invoices."""
    network = category_create(name="Network", names={"lt": "Tinklas"}, by=piotr)
    billing = category_create(name="Billing", names={"lt": "Sąskaitos"}, by=piotr)
    router = make_article(piotr, category=network)
    router_lt = translation_save(
        article=router.article,
        language="lt",
        title="Maršrutizatoriaus paleidimas iš naujo",
        body_html="<p>Laikykite mygtuką dešimt sekundžių.</p>",
        by=piotr,
    )
    invoices = make_article(
        piotr,
        title="Invoice corrections",
        body="<p>Write to billing about the invoice.</p>",
        category=billing,
    )
    translation_save(
        article=invoices.article, language="lt", title="Sąskaitų juodraštis", body_html="x", by=piotr
    )
    lt_only = make_article(piotr, language="lt", title="Tik lietuviškai", body="<p>Modemas.</p>")
    internal = make_article(
        piotr,
        title="Router escalation",
        visibility=Visibility.INTERNAL,
        category=network,
        body="<p>Router.</p>",
    )
    draft = make_article(piotr, title="Router firmware", category=network)
    for translation in (router, router_lt, invoices, lt_only, internal):
        publish(translation, writer=piotr, reviewer=reviewer)
    return {"router": router, "router_lt": router_lt, "invoices": invoices, "lt_only": lt_only} | {
        "internal": internal,
        "draft": draft,
        "network": network,
        "billing": billing,
    }


def in_language(client, language: str):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return client


def page(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def article_url(translation: ArticleTranslation, **query) -> str:
    url = reverse("portal:help_article", args=[translation.language, translation.slug])
    return url + ("?" + "&".join(f"{key}={value}" for key, value in query.items()) if query else "")


def listed(response) -> list[str]:
    return [t.title for t in response.context["articles"]]


# --- The help center's front page and categories.
def test_an_anonymous_visitor_sees_categories_with_counts_and_articles(client, library):
    response = client.get(reverse("portal:help"))

    html = page(response)
    assert [(c.name, c.article_count) for c in response.context["categories"]] == [
        ("Billing", 1),
        ("Network", 1),
    ]
    assert 'for="help-q"' in html  # the search box has its label
    assert "Resetting your router" in html
    assert "Router escalation" not in html and "Router firmware" not in html
    assert f'href="{reverse("portal:help")}" aria-current="page"' in html


def test_a_customer_reads_the_help_center_in_their_language_with_fallback(client, alice, library):
    client.force_login(alice)
    html = page(in_language(client, "lt").get(reverse("portal:help")))

    assert "Tinklas" in html and "Sąskaitos" in html
    assert "Maršrutizatoriaus paleidimas iš naujo" in html
    assert "Invoice corrections" in html  # no Lithuanian text published: the English one
    assert "Sąskaitų juodraštis" not in html
    assert f'href="{reverse("portal:help")}" aria-current="page"' in html


def test_an_article_without_english_reaches_visitors_of_a_third_language(client, library):
    response = in_language(client, "pl").get(reverse("portal:help"))

    titles = {t.title for t in response.context["recent"]}
    assert {"Tik lietuviškai", "Resetting your router", "Invoice corrections"} == titles
    assert 'lang="lt"' in page(response)


def test_the_most_read_articles_come_first(client, library):
    ArticleTranslation.objects.filter(pk=library["invoices"].pk).update(view_count=7)

    response = client.get(reverse("portal:help"))

    assert [t.title for t in response.context["popular"]][0] == "Invoice corrections"


def test_a_category_lists_its_public_articles_only(client, library):
    response = client.get(reverse("portal:help_category", args=[library["network"].pk]))

    assert listed(response) == ["Resetting your router"]
    assert "<h1>Network</h1>" in page(response)


def test_a_category_is_named_in_the_visitors_language(client, library):
    response = in_language(client, "lt").get(reverse("portal:help_category", args=[library["network"].pk]))

    assert "<h1>Tinklas</h1>" in page(response)
    assert listed(response) == ["Maršrutizatoriaus paleidimas iš naujo"]


def test_an_unknown_category_is_not_found(client, db):
    assert client.get(reverse("portal:help_category", args=[999999])).status_code == 404


# --- One article.
def test_an_article_is_read_in_the_portal_layout_and_counted(client, library):
    router = library["router"]

    html = page(client.get(article_url(router)))

    assert "<h1>Resetting your router</h1>" in html
    assert "Hold the button for ten seconds." in html
    assert 'class="portal-nav"' in html
    assert article_url(library["router_lt"]) in html  # its other language
    assert 'aria-current="page">Help center' in html
    router.refresh_from_db()
    assert router.view_count == 1


@pytest.mark.parametrize("which", ["internal", "draft"])
def test_internal_and_unpublished_articles_are_not_found_for_anyone_in_the_portal(
    client, alice, ona, library, which
):
    url = article_url(library[which])
    assert client.get(url).status_code == 404
    client.force_login(alice)
    assert client.get(url).status_code == 404
    client.force_login(ona)  # agents read internal articles at the desk, not here
    assert client.get(url).status_code == 404


def test_an_unknown_language_or_slug_is_not_found(client, library):
    assert client.get(reverse("portal:help_article", args=["xx", library["router"].slug])).status_code == 404
    assert client.get(reverse("portal:help_article", args=["en", "no-such-article"])).status_code == 404


def test_an_anonymous_visitor_votes_once_per_session(client, library):
    router = library["router"]
    vote = reverse("portal:help_vote", args=["en", router.slug])

    first = client.post(vote, {"helpful": "yes"}, follow=True)
    second = client.post(vote, {"helpful": "no"}, follow=True)

    assert "Thank you for your feedback." in page(first)
    assert "You have already rated this article." in page(second)
    router.refresh_from_db()
    assert (router.helpful_yes, router.helpful_no) == (1, 0)
    assert first.redirect_chain[-1][0] == article_url(router)


def test_a_customer_votes_once_even_from_another_session(client, alice, library):
    router = library["router"]
    vote = reverse("portal:help_vote", args=["en", router.slug])
    client.force_login(alice)
    client.post(vote, {"helpful": "no"})
    client.logout()
    client.force_login(alice)
    client.post(vote, {"helpful": "yes"})

    assert list(ArticleVote.objects.values_list("user", "helpful")) == [(alice.pk, False)]


def test_votes_on_hidden_articles_are_refused(client, library):
    draft = library["draft"]
    assert (
        client.post(reverse("portal:help_vote", args=["en", draft.slug]), {"helpful": "yes"}).status_code
        == 404
    )
    assert client.get(reverse("portal:help_vote", args=["en", library["router"].slug])).status_code == 405


# --- Search.
def search(client, text: str):
    return client.get(reverse("portal:help_search"), {"q": text})


def test_search_results_highlight_the_matched_words(client, library):
    response = search(client, "router")

    assert [t.title for t in response.context["results"]] == ["Resetting your router"]
    assert "Resetting your <mark>router</mark>" in page(response)
    assert "Router escalation" not in page(response)


def test_search_falls_back_to_english_articles_without_a_translation(client, library):
    response = search(in_language(client, "lt"), "invoice")

    assert [t.title for t in response.context["results"]] == ["Invoice corrections"]
    assert "<mark>invoice</mark>" in page(response)


def test_an_empty_search_explains_what_to_type(client, library):
    html = page(search(client, "   "))

    assert 'data-testid="help-empty-query"' in html
    assert 'data-testid="help-no-results"' not in html


def test_a_search_without_results_offers_to_submit_a_request(client, library):
    html = page(search(client, "teleportation"))

    assert 'data-testid="help-no-results"' in html
    assert reverse("portal:request_new") in html


def test_hostile_input_is_shown_escaped_and_long_input_is_cut(client, library):
    html = page(search(client, "<script>alert(1)</script> router"))
    assert "<script>alert(1)" not in html
    assert "&lt;script&gt;" in html

    response = search(client, "router " * 1000)
    assert len(response.context["query"]) <= 200
    page(response)


def test_markup_written_as_text_in_an_article_never_reaches_the_page_as_markup(client, piotr, reviewer):
    tricky = make_article(
        piotr, title="Angle <i>brackets</i>", body="<p>Type &lt;b&gt;router&lt;/b&gt; in the box.</p>"
    )
    publish(tricky, writer=piotr, reviewer=reviewer)

    html = page(search(client, "router"))

    assert "<mark>router</mark>" in html
    assert "<b>" not in html and "<i>" not in html


# --- Suggestions for the request form.
def suggest(client, text: str):
    return client.get(reverse("portal:help_suggest"), {"q": text}, headers={"HX-Request": "true"})


def test_suggestions_match_words_as_they_are_typed_and_mark_the_links(client, library):
    response = suggest(client, "rout")

    html = page(response)
    assert [t.title for t in response.context["results"]] == ["Resetting your router"]
    assert article_url(library["router"], **{"from": "request"}) in html
    assert 'target="_blank"' in html


@pytest.mark.parametrize("text", ["", "r", "  r  "])
def test_under_two_characters_the_response_is_empty(client, library, text):
    response = suggest(client, text)

    assert response.status_code == 200 and response.content == b""


@pytest.mark.parametrize("text", ["???", "teleportation"])
def test_without_matches_the_suggestions_say_so(client, library, text):
    html = page(suggest(client, text))

    assert 'data-testid="help-no-suggestions"' in html and "<li>" not in html


def test_the_request_forms_subject_field_is_understood(client, library):
    response = client.get(reverse("portal:help_suggest"), {"subject": "rout"}, headers={"HX-Request": "true"})

    assert [t.title for t in response.context["results"]] == ["Resetting your router"]


def test_suggestions_are_at_most_five_and_fall_back_to_english(client, piotr, reviewer, library):
    for number in range(6):
        extra = make_article(piotr, title=f"Router tip {number}", body="<p>Router.</p>")
        publish(extra, writer=piotr, reviewer=reviewer)

    assert len(suggest(client, "router").context["results"]) == 5
    lt_titles = [t.title for t in suggest(in_language(client, "lt"), "router").context["results"]]
    assert len(lt_titles) == 5 and "Router escalation" not in lt_titles


def test_hostile_suggestion_input_is_harmless(client, library):
    for text in ["<script>alert(1)</script>", "rout:* | !x & (", "' OR 1=1 --", "x" * 5000]:
        response = suggest(client, text)
        assert response.status_code == 200
        assert "<script>" not in response.content.decode()


# --- Query counts.
def test_the_front_page_takes_a_fixed_number_of_queries(
    client, alice, piotr, reviewer, library, django_assert_max_num_queries
):
    for number in range(10):
        extra = make_article(piotr, title=f"Tip {number}", category=library["billing"])
        publish(extra, writer=piotr, reviewer=reviewer)
    client.force_login(alice)
    with django_assert_max_num_queries(6):  # session, user, categories, most read, recent (+1 spare)
        page(client.get(reverse("portal:help")))


def test_a_category_a_search_and_an_article_take_a_fixed_number_of_queries(
    client, piotr, reviewer, library, django_assert_max_num_queries
):
    for number in range(10):
        extra = make_article(piotr, title=f"Invoice tip {number}", category=library["billing"])
        publish(extra, writer=piotr, reviewer=reviewer)
    in_language(client, "lt")
    with django_assert_max_num_queries(3):  # category, articles (+1 spare)
        page(client.get(reverse("portal:help_category", args=[library["billing"].pk])))
    with django_assert_max_num_queries(4):  # in Lithuanian, in English, the headlines (+1)
        page(search(client, "invoice"))
    with django_assert_max_num_queries(4):  # the article, its view count, its other languages (+1)
        page(client.get(article_url(library["router_lt"])))
    with django_assert_max_num_queries(3):  # in Lithuanian, in English (+1)
        page(suggest(client, "invoice"))
