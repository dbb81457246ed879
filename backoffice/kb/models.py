"""The knowledge base: categories, articles, their translations and every saved version of each.

One `Article` holds what is shared by every language (category, visibility, tags, author, reviewers);
each language is an `ArticleTranslation` with its own slug, body and workflow status, because a
Lithuanian text is written, reviewed and published on its own schedule. Every save of a translation
adds an `ArticleVersion`, so a change can be compared and undone.
"""

from django.conf import settings
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from helpdesk.models import BACKOFFICE_ROLES, DESK_ROLES

LANGUAGES = settings.LANGUAGES


class Status(models.TextChoices):
    DRAFT = "draft", _("Draft")
    IN_REVIEW = "in_review", _("In review")
    PUBLISHED = "published", _("Published")
    ARCHIVED = "archived", _("Archived")


class Visibility(models.TextChoices):
    PUBLIC = "public", _("Public (portal)")
    INTERNAL = "internal", _("Internal (agents)")


class Category(models.Model):
    # `name` is the default language's (English); the other languages' names sit in `names` on the same
    # row ({"lt": "…"}), so showing a category in the reader's language costs no extra query.
    name = models.CharField(_("name"), max_length=100)
    names = models.JSONField(_("names in other languages"), default=dict, blank=True)
    slug = models.SlugField(_("slug"), max_length=100, unique=True)
    order = models.PositiveIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["order", "name"]
        verbose_name = _("category")
        verbose_name_plural = _("categories")

    def __str__(self) -> str:
        # Every template and form that shows a category shows it in the active language.
        return self.name_in()

    def name_in(self, language: str | None = None) -> str:
        """The name in `language` (default: the active one), falling back to the default name."""
        language = (language or get_language() or settings.LANGUAGE_CODE).split("-")[0]
        return (self.names or {}).get(language) or self.name


class KbTag(models.Model):
    """The KB's own tags: they describe answers, not tickets, so they do not share tickets' Tag list."""

    name = models.CharField(_("name"), max_length=50, unique=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("tag")

    def __str__(self) -> str:
        return self.name


class Article(models.Model):
    category = models.ForeignKey(
        Category, on_delete=models.PROTECT, null=True, blank=True, related_name="articles"
    )
    visibility = models.CharField(
        _("visibility"), max_length=10, choices=Visibility.choices, default=Visibility.PUBLIC
    )
    tags = models.ManyToManyField(KbTag, blank=True, related_name="articles")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="kb_articles_written"
    )
    # Assigned by back-office staff on the article page: who may approve (publish) its translations or
    # send them back (see services.can_review); submitting for review needs one of them.
    reviewers = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="kb_articles_reviewed", verbose_name=_("reviewers")
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-updated_at", "-id"]
        verbose_name = _("article")

    def __str__(self) -> str:
        return f"#{self.pk}"

    def get_absolute_url(self) -> str:
        return reverse("backoffice:kb:article", args=[self.pk])


class TranslationQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=Status.PUBLISHED)

    def public(self):
        return self.published().filter(article__visibility=Visibility.PUBLIC)

    def visible_to(self, user):
        """Back office sees every state; agents read published (public and internal); everyone else
        (customers, anonymous visitors) reads published public translations only."""
        role = getattr(user, "role", None) if getattr(user, "is_authenticated", False) else None
        if role in BACKOFFICE_ROLES:
            return self
        if role in DESK_ROLES:
            return self.published()
        return self.public()


class ArticleTranslation(models.Model):
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="translations")
    language = models.CharField(_("language"), max_length=10, choices=LANGUAGES)
    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=200, allow_unicode=True)
    body_html = models.TextField(_("body"), blank=True)
    body_text = models.TextField(blank=True, editable=False)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.DRAFT)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    updated_at = models.DateTimeField(default=timezone.now)
    published_at = models.DateTimeField(null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    view_count = models.PositiveIntegerField(default=0)
    helpful_yes = models.PositiveIntegerField(default=0)
    helpful_no = models.PositiveIntegerField(default=0)
    search_vector = SearchVectorField(null=True, editable=False)

    objects = TranslationQuerySet.as_manager()

    class Meta:
        ordering = ["language"]
        constraints = [
            models.UniqueConstraint(fields=["article", "language"], name="kb_one_translation_per_language"),
            models.UniqueConstraint(fields=["language", "slug"], name="kb_slug_unique_per_language"),
        ]
        indexes = [
            GinIndex(fields=["search_vector"], name="kb_translation_search"),
            models.Index(fields=["language", "status"], name="kb_translation_lang_status"),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.language})"

    def get_absolute_url(self) -> str:
        """Where anyone allowed to read it reads it (the portal's own pages come with issue 8)."""
        return reverse("backoffice:kb:read", args=[self.language, self.slug])

    @property
    def is_live(self) -> bool:
        return self.status == Status.PUBLISHED


class ArticleVersion(models.Model):
    translation = models.ForeignKey(ArticleTranslation, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    title = models.CharField(max_length=200)
    body_html = models.TextField(blank=True)
    body_text = models.TextField(blank=True)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    note = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["-number"]
        constraints = [
            models.UniqueConstraint(fields=["translation", "number"], name="kb_version_number_unique"),
        ]

    def __str__(self) -> str:
        return f"v{self.number}"


class ArticleReview(models.Model):
    """A reviewer's decision on a translation in review: approved (published) or sent back to draft,
    with the version that was reviewed, so "who reviewed what, and when" survives later edits."""

    class Decision(models.TextChoices):
        APPROVED = "approved", _("Approved")
        RETURNED = "returned", _("Sent back to draft")

    translation = models.ForeignKey(ArticleTranslation, on_delete=models.CASCADE, related_name="reviews")
    version = models.ForeignKey(ArticleVersion, on_delete=models.SET_NULL, null=True, related_name="+")
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    decision = models.CharField(_("decision"), max_length=10, choices=Decision.choices)
    comment = models.TextField(_("comment"), blank=True)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("review")

    def __str__(self) -> str:
        return f"{self.translation_id}: {self.decision}"


class ArticleVote(models.Model):
    """One "was this helpful?" answer per reader: by user when signed in, else by session."""

    translation = models.ForeignKey(ArticleTranslation, on_delete=models.CASCADE, related_name="votes")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, blank=True)
    session_key = models.CharField(max_length=64, blank=True)
    helpful = models.BooleanField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["translation", "user"], condition=Q(user__isnull=False), name="kb_vote_once_per_user"
            ),
            models.UniqueConstraint(
                fields=["translation", "session_key"],
                condition=Q(user__isnull=True),
                name="kb_vote_once_per_session",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.translation_id}: {'yes' if self.helpful else 'no'}"


class ArticleUse(models.Model):
    """An agent put this article (a link or its text) into a reply on this ticket."""

    class Kind(models.TextChoices):
        LINK = "link", _("Link")
        TEXT = "text", _("Text")

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="uses")
    translation = models.ForeignKey(
        ArticleTranslation, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    ticket = models.ForeignKey("tickets.Ticket", on_delete=models.CASCADE, related_name="kb_uses")
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=4, choices=Kind.choices)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-at"]
        constraints = [models.UniqueConstraint(fields=["ticket", "article"], name="kb_use_once_per_ticket")]

    def __str__(self) -> str:
        return f"{self.article_id} on #{self.ticket_id}"


class SuggestionOpened(models.Model):
    """A portal visitor opened an article suggested while writing a request (see kb/deflection.py):
    when no request follows within PORTAL_DEFLECTION_MINUTES, the article answered the question."""

    translation = models.ForeignKey(ArticleTranslation, on_delete=models.CASCADE, related_name="+")
    # Kept (as anonymous) when the user is deleted: the figure is about articles, not people.
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True)
    session_key = models.CharField(max_length=64, blank=True)
    opened_at = models.DateTimeField(default=timezone.now)
    request_filed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-opened_at", "-id"]
        verbose_name = _("suggestion opened")
        verbose_name_plural = _("suggestions opened")
        indexes = [
            models.Index(fields=["opened_at"], name="kb_suggestion_opened_at"),
            models.Index(fields=["user", "opened_at"], name="kb_suggestion_user"),
            models.Index(fields=["session_key", "opened_at"], name="kb_suggestion_session"),
        ]

    def __str__(self) -> str:
        return f"{self.translation_id} at {self.opened_at:%Y-%m-%d %H:%M}"
