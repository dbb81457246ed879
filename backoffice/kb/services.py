"""Every write to the knowledge base.

Workflow, per translation: draft → in review → published → archived (→ draft again). Back-office
staff and admins write. Publishing needs a second pair of eyes: a back-office user may not publish a
translation whose latest version they wrote; admins may (they answer for the KB). Once published,
later saves stay published (each is a version that can be compared and restored) — taking a live
answer away from customers while a typo is fixed would help nobody.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from backoffice.kb.models import (
    Article,
    ArticleTranslation,
    ArticleUse,
    ArticleVersion,
    ArticleVote,
    Category,
    KbTag,
    Status,
    Visibility,
)
from backoffice.kb.search import index_translation
from helpdesk.lib.html import html_to_text, sanitize_html
from helpdesk.models import BACKOFFICE_ROLES, DESK_ROLES, Role
from helpdesk.outbox import outbox_publish

# (from, to) → the name of the action, as shown on its button.
TRANSITIONS = {
    (Status.DRAFT, Status.IN_REVIEW): "submit",
    (Status.IN_REVIEW, Status.DRAFT): "return",
    (Status.IN_REVIEW, Status.PUBLISHED): "publish",
    (Status.PUBLISHED, Status.ARCHIVED): "archive",
    (Status.DRAFT, Status.ARCHIVED): "archive",
    (Status.ARCHIVED, Status.DRAFT): "reopen",
}
LANGUAGE_CODES = {code for code, _name in ArticleTranslation._meta.get_field("language").choices}


def ensure_writer(user) -> None:
    if user is None or getattr(user, "role", None) not in BACKOFFICE_ROLES:
        raise PermissionDenied(_("Only back-office staff may edit the knowledge base."))


def can_publish(user, translation: ArticleTranslation) -> bool:
    if getattr(user, "role", None) == Role.ADMIN:
        return True
    return getattr(user, "role", None) == Role.BACKOFFICE and translation.updated_by_id != user.pk


def _slug_taken() -> ValidationError:
    return ValidationError({"slug": _("Another article in this language already has this slug.")})


def _tags(names: list[str]) -> list[KbTag]:
    cleaned = {name.strip()[:50] for name in names if name.strip()}
    return [KbTag.objects.get_or_create(name=name)[0] for name in sorted(cleaned)]


@transaction.atomic
def category_create(*, name: str, slug: str = "", order: int = 0, by) -> Category:
    ensure_writer(by)
    slug = slug or slugify(name)
    if not name.strip() or not slug:
        raise ValidationError({"name": _("A category needs a name.")})
    if Category.objects.filter(slug=slug).exists():
        raise ValidationError({"slug": _("Another category already has this slug.")})
    return Category.objects.create(name=name.strip(), slug=slug, order=order)


@transaction.atomic
def article_create(
    *,
    by,
    language: str,
    title: str,
    body_html: str,
    slug: str = "",
    category: Category | None = None,
    visibility: str = Visibility.PUBLIC,
    tags: list[str] | tuple = (),
) -> ArticleTranslation:
    """A new article with its first translation (a draft, version 1)."""
    ensure_writer(by)
    now = timezone.now()
    article = Article.objects.create(
        category=category, visibility=visibility, author=by, created_at=now, updated_at=now
    )
    article.tags.set(_tags(list(tags)))
    return translation_save(
        article=article, language=language, title=title, body_html=body_html, slug=slug, by=by
    )


@transaction.atomic
def article_update(
    *, article: Article, by, category: Category | None, visibility: str, tags: list[str] | tuple
) -> Article:
    ensure_writer(by)
    if visibility not in Visibility.values:
        raise ValidationError({"visibility": _("Choose public or internal.")})
    article.category = category
    article.visibility = visibility
    article.updated_at = timezone.now()
    article.save(update_fields=["category", "visibility", "updated_at"])
    article.tags.set(_tags(list(tags)))
    return article


@transaction.atomic
def translation_save(
    *, article: Article, language: str, title: str, body_html: str, by, slug: str = "", note: str = ""
) -> ArticleTranslation:
    """Create or change the `language` text of `article`; the HTML is sanitised before it is stored
    and the save is kept as a new version."""
    ensure_writer(by)
    title = title.strip()
    if language not in LANGUAGE_CODES:
        raise ValidationError({"language": _("Choose one of the supported languages.")})
    if not title:
        raise ValidationError({"title": _("An article needs a title.")})
    clean_html = sanitize_html(body_html or "")
    body_text = html_to_text(clean_html)
    if not body_text:
        raise ValidationError({"body_html": _("An article needs some text.")})
    translation = (
        ArticleTranslation.objects.select_for_update().filter(article=article, language=language).first()
    )
    slug = slugify(slug or "", allow_unicode=True) or (translation.slug if translation else "")
    slug = slug or slugify(title, allow_unicode=True)[:200] or f"article-{article.pk}"
    clash = ArticleTranslation.objects.filter(language=language, slug=slug).exclude(article=article)
    if clash.exists():
        raise _slug_taken()
    now = timezone.now()
    if translation is None:
        translation = ArticleTranslation(article=article, language=language)
    elif translation.title == title and translation.body_html == clean_html and translation.slug == slug:
        return translation  # nothing changed: no empty version
    translation.title, translation.slug = title, slug
    translation.body_html, translation.body_text = clean_html, body_text
    translation.updated_by, translation.updated_at = by, now
    try:
        with transaction.atomic():
            translation.save()
    except IntegrityError:
        # Two writers took the same slug (or added the same language) at the same moment.
        raise _slug_taken() from None
    number = (translation.versions.order_by("-number").values_list("number", flat=True).first() or 0) + 1
    ArticleVersion.objects.create(
        translation=translation,
        number=number,
        title=title,
        body_html=clean_html,
        body_text=body_text,
        author=by,
        created_at=now,
        note=note,
    )
    Article.objects.filter(pk=article.pk).update(updated_at=now)
    index_translation(translation)
    return translation


@transaction.atomic
def translation_transition(*, translation: ArticleTranslation, to: str, by) -> ArticleTranslation:
    """Move a translation along the workflow; refuses what the table above does not allow."""
    ensure_writer(by)
    translation = ArticleTranslation.objects.select_for_update().get(pk=translation.pk)
    if (translation.status, to) not in TRANSITIONS:
        raise ValidationError(
            _("A %(old)s translation cannot become %(new)s.")
            % {"old": translation.get_status_display().lower(), "new": str(Status(to).label).lower()}
            if to in Status.values
            else _("Unknown status.")
        )
    action = TRANSITIONS[(translation.status, to)]
    if to == Status.PUBLISHED:
        if not can_publish(by, translation):
            raise PermissionDenied(_("Another back-office user must review and publish what you wrote."))
        translation.published_at, translation.published_by = timezone.now(), by
        translation.article.reviewers.add(by)
    translation.status = to
    translation.save(update_fields=["status", "published_at", "published_by"])
    outbox_publish(
        name=f"kb.translation_{action}",
        payload={"article_id": translation.article_id, "language": translation.language, "status": to},
    )
    return translation


def version_restore(*, version: ArticleVersion, by) -> ArticleTranslation:
    """Bring back an old text as a new version (history is never rewritten)."""
    translation = version.translation
    return translation_save(
        article=translation.article,
        language=translation.language,
        title=version.title,
        body_html=version.body_html,
        slug=translation.slug,
        by=by,
        note=_("Restored from version %(number)s") % {"number": version.number},
    )


def translation_record_view(*, translation: ArticleTranslation) -> None:
    # One UPDATE, no read-modify-write: concurrent readers never lose a count.
    ArticleTranslation.objects.filter(pk=translation.pk).update(view_count=F("view_count") + 1)


@transaction.atomic
def translation_vote(
    *, translation: ArticleTranslation, helpful: bool, user=None, session_key: str = ""
) -> bool:
    """Record "was this helpful?"; returns False when this reader had voted already (one vote each)."""
    signed_in = user is not None and getattr(user, "is_authenticated", False)
    if not signed_in and not session_key:
        raise ValidationError(_("A vote needs a reader."))
    try:
        with transaction.atomic():
            ArticleVote.objects.create(
                translation=translation,
                user=user if signed_in else None,
                session_key="" if signed_in else session_key,
                helpful=helpful,
            )
    except IntegrityError:
        return False
    field = "helpful_yes" if helpful else "helpful_no"
    ArticleTranslation.objects.filter(pk=translation.pk).update(**{field: F(field) + 1})
    return True


@transaction.atomic
def article_use_record(*, ticket, translation: ArticleTranslation, by, kind: str) -> ArticleUse:
    """Note that an agent put this article into a reply on `ticket` (once per ticket and article)."""
    if getattr(by, "role", None) not in DESK_ROLES:
        raise PermissionDenied(_("Only agents use articles in replies."))
    if kind not in ArticleUse.Kind.values:
        raise ValidationError(_("Insert a link or the text."))
    use, _created = ArticleUse.objects.get_or_create(
        ticket=ticket,
        article=translation.article,
        defaults={"translation": translation, "by": by, "kind": kind},
    )
    return use
