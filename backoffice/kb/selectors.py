"""Reads of the knowledge base, each limited to what the reader may see (see
`TranslationQuerySet.visible_to`): back office everything, agents published public and internal,
customers and anonymous visitors published public only."""

import difflib
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.db.models import Case, Count, Exists, OuterRef, Prefetch, Q, Subquery, When
from django.http import Http404

from backoffice.kb.deflection import deflection_rate  # noqa: F401 - the KB index shows it
from backoffice.kb.models import (
    Article,
    ArticleReview,
    ArticleTranslation,
    ArticleUse,
    ArticleVersion,
    Category,
    Status,
    Visibility,
)
from backoffice.kb.search import highlight, search_translations, suggest_translations
from helpdesk.models import BACKOFFICE_ROLES, Role, User


def translation_for_reader(user, *, language: str, slug: str) -> ArticleTranslation:
    """The translation at a reader's URL; 404 for what they may not see."""
    translation = (
        ArticleTranslation.objects.visible_to(user)
        .select_related("article__category")
        .filter(language=language, slug=slug)
        .first()
    )
    if translation is None:
        raise Http404
    return translation


def _with_fallback(translations, language: str):
    """One translation per article: in `language` where it has one, else in the default language,
    else in the first other language it has (an article written only in Lithuanian still reaches a
    Polish reader). Chosen per article by a correlated subquery, so it stays one query."""
    preference = Case(
        When(language=language, then=0), When(language=settings.LANGUAGE_CODE, then=1), default=2
    )
    best = (
        translations.filter(article=OuterRef("article"))
        .annotate(preference=preference)
        .order_by("preference", "language")
        .values("language")[:1]
    )
    return translations.filter(language=Subquery(best))


def articles_for_customer(language: str, *, category=None):
    """Published public articles for the portal, one per article in the customer's language with
    a fallback to the default language (English), then to any other."""
    translations = ArticleTranslation.objects.public()
    if category is not None:
        translations = translations.filter(article__category=category)
    return (
        _with_fallback(translations, language)
        .select_related("article__category")
        .defer("search_vector")
        .order_by("title")
    )


def articles_for_reader(user, language: str):
    """What a signed-in reader (an agent at the desk) may read, one per article, with fallback."""
    translations = ArticleTranslation.objects.visible_to(user)
    return (
        _with_fallback(translations, language)
        .select_related("article__category")
        .defer("search_vector")
        .order_by("title")
    )


def kb_search(user, text: str, *, language: str, fallback: bool = False):
    """Ranked matches in `language`; with `fallback`, in the default language when that finds none."""
    visible = _for_lists(ArticleTranslation.objects.visible_to(user))
    results = search_translations(visible, text, language=language)
    if fallback and language != settings.LANGUAGE_CODE and not results:
        results = search_translations(visible, text, language=settings.LANGUAGE_CODE)
    return results


def _for_lists(translations):
    return translations.select_related("article__category").defer("search_vector")  # large, never shown


def _without_own(translations, language: str):
    """Those of `translations` whose article has no published public text in `language`."""
    own = ArticleTranslation.objects.public().filter(article=OuterRef("article"), language=language)
    return translations.filter(~Exists(own))


# --- The portal's help center: published public articles only, whoever reads (agents included).
def help_categories():
    """Categories with their number of readable articles; empty ones are left out."""
    live = Q(articles__visibility=Visibility.PUBLIC, articles__translations__status=Status.PUBLISHED)
    counted = Category.objects.annotate(article_count=Count("articles", filter=live, distinct=True))
    return counted.filter(article_count__gt=0).order_by("order", "name")  # GROUP BY drops Meta.ordering


def help_category(pk: int) -> Category:
    """Any category (one without public articles shows as empty); the editor's lookup does the same."""
    return category_for_backoffice(pk)


def help_popular(language: str, *, limit: int = 5):
    return articles_for_customer(language).order_by("-view_count", "title")[:limit]


def help_recent(language: str, *, limit: int = 5):
    return articles_for_customer(language).order_by("-published_at", "-pk")[:limit]


def help_translation(*, language: str, slug: str) -> ArticleTranslation:
    """An article as the portal shows it: public and published, or 404 (even for agents)."""
    return translation_for_reader(AnonymousUser(), language=language, slug=slug)


def help_search(text: str, *, language: str) -> list[ArticleTranslation]:
    """Matches in `language`, then in the default language among articles not written in `language`;
    each with `title_html` and `snippet_html` (escaped, the matched words in <mark>)."""
    public = _for_lists(ArticleTranslation.objects.public())
    results = list(search_translations(public, text, language=language))
    if language != settings.LANGUAGE_CODE:
        others = _without_own(public, language)
        results += search_translations(others, text, language=settings.LANGUAGE_CODE)
    highlight(results, text)
    return results


def help_suggest(text: str, *, language: str, limit: int = 5) -> list[ArticleTranslation]:
    """Articles whose words start with what a customer is typing (the request form's suggestions)."""
    public = _for_lists(ArticleTranslation.objects.public())
    results = list(suggest_translations(public, text, language=language)[:limit])
    if len(results) < limit and language != settings.LANGUAGE_CODE:
        others = _without_own(public, language)
        more = suggest_translations(others, text, language=settings.LANGUAGE_CODE)
        results += more[: limit - len(results)]
    return results


def backoffice_article_list(*, status: str = "", language: str = ""):
    translations = ArticleTranslation.objects.order_by("language")
    articles = Article.objects.select_related("category", "author").prefetch_related(
        Prefetch("translations", queryset=translations), "tags"
    )
    if status:
        articles = articles.filter(translations__status=status).distinct()
    if language:
        articles = articles.filter(translations__language=language).distinct()
    return articles


def article_for_backoffice(pk: int) -> Article:
    article = (
        Article.objects.select_related("category", "author")
        .prefetch_related(
            Prefetch("translations", queryset=ArticleTranslation.objects.select_related("updated_by")),
            "tags",
            "reviewers",
        )
        .filter(pk=pk)
        .first()
    )
    if article is None:
        raise Http404
    return article


def category_for_backoffice(pk: int) -> Category:
    category = Category.objects.filter(pk=pk).first()
    if category is None:
        raise Http404
    return category


def reviewer_candidates():
    """Who may be assigned as an article's reviewer: active back-office staff and admins."""
    return User.objects.filter(role__in=BACKOFFICE_ROLES, is_active=True).order_by("full_name", "email")


def waiting_for_review(user):
    """Translations in review that `user` is assigned to and may approve (not the ones whose latest
    version they saved, unless they are an admin), oldest first."""
    waiting = ArticleTranslation.objects.filter(status=Status.IN_REVIEW, article__reviewers=user)
    if user.role != Role.ADMIN:
        waiting = waiting.exclude(updated_by=user)
    return waiting.select_related("article", "updated_by").order_by("updated_at", "pk")


def article_reviews(article: Article) -> list[ArticleReview]:
    """Every review decision on the article's translations, newest first."""
    return list(
        ArticleReview.objects.filter(translation__article=article).select_related(
            "reviewer", "translation", "version"
        )
    )


def article_uses(article: Article):
    """The tickets this article helped answer, newest first (the page shows each one's status)."""
    return (
        ArticleUse.objects.filter(article=article)
        .select_related("ticket", "by", "translation")
        .defer("ticket__search_vector", "translation__search_vector")  # large, never shown
    )


def ticket_article_uses(ticket):
    return ArticleUse.objects.filter(ticket=ticket).select_related("translation", "by")


@dataclass(frozen=True)
class DiffLine:
    kind: str  # "added", "removed" or "same"
    text: str


def version_diff(old: ArticleVersion, new: ArticleVersion) -> list[DiffLine]:
    """A line-by-line comparison of two versions' title and text, readable without HTML knowledge."""
    before = [f"# {old.title}", *old.body_text.splitlines()]
    after = [f"# {new.title}", *new.body_text.splitlines()]
    lines = []
    for line in difflib.ndiff(before, after):
        code, text = line[:2], line[2:]
        if code == "? ":
            continue  # ndiff's hint lines point at characters; the two lines beside it say enough
        kind = {"+ ": "added", "- ": "removed"}.get(code, "same")
        lines.append(DiffLine(kind=kind, text=text))
    return lines
