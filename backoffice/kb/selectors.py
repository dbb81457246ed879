"""Reads of the knowledge base, each limited to what the reader may see (see
`TranslationQuerySet.visible_to`): back office everything, agents published public and internal,
customers and anonymous visitors published public only."""

import difflib
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Exists, OuterRef, Prefetch, Q
from django.http import Http404

from backoffice.kb.models import Article, ArticleTranslation, ArticleUse, ArticleVersion
from backoffice.kb.search import search_translations


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
    """One translation per article: in `language` where it has one, else in the default language."""
    default = settings.LANGUAGE_CODE
    if language == default:
        return translations.filter(language=language)
    has_own = translations.filter(article=OuterRef("article"), language=language)
    return translations.filter(Q(language=language) | Q(language=default) & ~Exists(has_own))


def articles_for_customer(language: str, *, category=None):
    """Published public articles for the portal, one per article in the customer's language with
    a fallback to the default language (English)."""
    translations = ArticleTranslation.objects.public()
    if category is not None:
        translations = translations.filter(article__category=category)
    return _with_fallback(translations, language).select_related("article__category").order_by("title")


def articles_for_reader(user, language: str):
    """What a signed-in reader (an agent at the desk) may read, one per article, with fallback."""
    translations = ArticleTranslation.objects.visible_to(user)
    return _with_fallback(translations, language).select_related("article__category").order_by("title")


def kb_search(user, text: str, *, language: str):
    return search_translations(
        ArticleTranslation.objects.visible_to(user).select_related("article"), text, language=language
    )


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


def article_uses(article: Article):
    """The tickets this article helped answer, newest first."""
    return ArticleUse.objects.filter(article=article).select_related("ticket", "by", "translation")


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
