"""Every write to the knowledge base.

Workflow, per translation: draft → in review → published → archived (→ draft again). Back-office
staff and admins write. Review is a second pair of eyes:
- back-office staff assign an article's reviewers (back-office users or admins);
- submitting a translation for review needs at least one assigned reviewer who may approve it;
- approving (publishing) or sending back to draft (with a comment for the writer) is for the
  article's reviewers and admins, and never for whoever saved the translation's latest version —
  except admins, who answer for the KB;
- each decision is kept as an `ArticleReview` (who, when, which version, the comment).
Once published, later saves stay published (each is a version that can be compared and restored) —
taking a live answer away from customers while a typo is fixed would help nobody.
"""

from datetime import datetime

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

# Deflection has its own module; the portal's request form calls these two through services.
from backoffice.kb.deflection import deflection_request_filed, suggestion_opened_record  # noqa: F401
from backoffice.kb.models import (
    Article,
    ArticleReview,
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
# The two decisions a reviewer takes on a text in review.
REVIEW_DECISIONS = {"publish": ArticleReview.Decision.APPROVED, "return": ArticleReview.Decision.RETURNED}
LANGUAGE_CODES = {code for code, _name in ArticleTranslation._meta.get_field("language").choices}


def ensure_writer(user) -> None:
    if user is None or getattr(user, "role", None) not in BACKOFFICE_ROLES:
        raise PermissionDenied(_("Only back-office staff may edit the knowledge base."))


def _may_approve(reviewer, translation: ArticleTranslation) -> bool:
    """Whether `reviewer`, if assigned (or an admin), may decide on `translation`: not their own text."""
    role = getattr(reviewer, "role", None)
    if not getattr(reviewer, "is_active", False) or role not in BACKOFFICE_ROLES:
        return False
    return role == Role.ADMIN or translation.updated_by_id != reviewer.pk


def can_review(user, translation: ArticleTranslation) -> bool:
    """May `user` approve or send back `translation`? Its article's reviewers may, except on a text
    whose latest version they saved; admins may always. Uses the article's prefetched reviewers."""
    if getattr(user, "role", None) == Role.ADMIN:
        return _may_approve(user, translation)
    assigned = any(reviewer.pk == user.pk for reviewer in translation.article.reviewers.all())
    return assigned and _may_approve(user, translation)


def review_refusal(user, translation: ArticleTranslation) -> str:
    """Why `user` may not review `translation`, in words for the page."""
    if getattr(user, "role", None) in BACKOFFICE_ROLES and translation.updated_by_id == user.pk:
        return _("You saved the latest version of this text: another reviewer must approve it.")
    return _("Only the article's reviewers (or an admin) may approve this text or send it back.")


def _slug_taken() -> ValidationError:
    return ValidationError({"slug": _("Another article in this language already has this slug.")})


def _tags(names: list[str]) -> list[KbTag]:
    cleaned = {name.strip()[:50] for name in names if name.strip()}
    return [KbTag.objects.get_or_create(name=name)[0] for name in sorted(cleaned)]


def _category_names(names: dict[str, str] | None) -> dict[str, str]:
    """The names in the languages other than the default one; empty ones fall back, so are dropped."""
    cleaned = {}
    for language, value in (names or {}).items():
        if language not in LANGUAGE_CODES or language == settings.LANGUAGE_CODE:
            raise ValidationError({"names": _("Choose one of the supported languages.")})
        value = (value or "").strip()
        if len(value) > 100:
            raise ValidationError({f"name_{language}": _("A name has at most 100 characters.")})
        if value:
            cleaned[language] = value
    return cleaned


def _category_fields(*, name: str, slug: str, names, exclude_pk=None) -> dict:
    name, slug = name.strip(), slug or slugify(name)
    if not name or not slug:
        raise ValidationError({"name": _("A category needs a name.")})
    if Category.objects.filter(slug=slug).exclude(pk=exclude_pk).exists():
        raise ValidationError({"slug": _("Another category already has this slug.")})
    return {"name": name, "slug": slug, "names": _category_names(names)}


@transaction.atomic
def category_create(
    *, name: str, slug: str = "", order: int = 0, names: dict[str, str] | None = None, by
) -> Category:
    """A category; `names` holds its name in the other languages ({"lt": "…"})."""
    ensure_writer(by)
    fields = _category_fields(name=name, slug=slug, names=names)
    return Category.objects.create(order=order, **fields)


@transaction.atomic
def category_update(
    *, category: Category, name: str, slug: str, order: int, names: dict[str, str] | None, by
) -> Category:
    ensure_writer(by)
    fields = _category_fields(name=name, slug=slug, names=names, exclude_pk=category.pk)
    for field, value in (fields | {"order": order}).items():
        setattr(category, field, value)
    category.save(update_fields=["name", "slug", "names", "order"])
    return category


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
def article_reviewers_set(*, article: Article, reviewers, by, now: datetime | None = None) -> Article:
    """Replace who reviews `article`: back-office staff or admins, active ones."""
    ensure_writer(by)
    reviewers = list(reviewers)
    refused = [r for r in reviewers if r.role not in BACKOFFICE_ROLES or not r.is_active]
    if refused:
        raise ValidationError(
            {
                "reviewers": _("Only active back-office staff and admins review articles: %(names)s.")
                % {"names": ", ".join(sorted(r.get_short_name() for r in refused))}
            }
        )
    article.reviewers.set(reviewers)
    Article.objects.filter(pk=article.pk).update(updated_at=now or timezone.now())
    outbox_publish(
        name="kb.reviewers_changed",
        payload={"article_id": article.pk, "reviewer_ids": sorted(r.pk for r in reviewers)},
    )
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


def _ensure_reviewable(translation: ArticleTranslation) -> None:
    """Submitting needs someone who may approve: an assigned reviewer other than the latest writer."""
    reviewers = list(translation.article.reviewers.all())
    if not reviewers:
        raise ValidationError(
            _("Assign at least one reviewer to this article before submitting it for review.")
        )
    if not any(_may_approve(reviewer, translation) for reviewer in reviewers):
        raise ValidationError(
            _(
                "None of the assigned reviewers may approve this text (they wrote its latest version or "
                "are no longer back-office staff): assign another reviewer first."
            )
        )


@transaction.atomic
def translation_transition(
    *, translation: ArticleTranslation, to: str, by, comment: str = "", now: datetime | None = None
) -> ArticleTranslation:
    """Move a translation along the workflow; refuses what the table above does not allow.
    Approving (→ published) and sending back (→ draft, with a `comment`) are recorded as reviews."""
    ensure_writer(by)
    now = now or timezone.now()
    translation = (
        ArticleTranslation.objects.select_for_update(of=("self",))
        .select_related("article")
        .get(pk=translation.pk)
    )
    if (translation.status, to) not in TRANSITIONS:
        raise ValidationError(
            _("A %(old)s translation cannot become %(new)s.")
            % {"old": translation.get_status_display().lower(), "new": str(Status(to).label).lower()}
            if to in Status.values
            else _("Unknown status.")
        )
    action = TRANSITIONS[(translation.status, to)]
    comment = (comment or "").strip()
    if action == "submit":
        _ensure_reviewable(translation)
    if action in REVIEW_DECISIONS:
        if not can_review(by, translation):
            raise PermissionDenied(review_refusal(by, translation))
        if action == "return" and not comment:
            raise ValidationError({"comment": _("Say what needs to change when sending a text back.")})
        ArticleReview.objects.create(
            translation=translation,
            version=translation.versions.order_by("-number").first(),
            reviewer=by,
            decision=REVIEW_DECISIONS[action],
            comment=comment,
            at=now,
        )
    if to == Status.PUBLISHED:
        translation.published_at, translation.published_by = now, by
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
