"""The KB editor at /backoffice/kb/: back-office staff and admins write, review and publish."""

from datetime import timedelta

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from backoffice.kb import selectors, services
from backoffice.kb.forms import (
    ArticleCreateForm,
    ArticleSettingsForm,
    CategoryForm,
    DiffForm,
    ReviewersForm,
    TranslationForm,
)
from backoffice.kb.models import Article, ArticleTranslation, Category, Status
from helpdesk.access import backoffice_required

LANGUAGE_NAMES = dict(settings.LANGUAGES)
DEFLECTION_PERIOD = timedelta(days=30)  # the index's deflection card covers the last 30 days


def _language(code: str) -> str:
    if code not in LANGUAGE_NAMES:
        raise Http404
    return code


def _translation(article: Article, language: str) -> ArticleTranslation:
    translation = next((t for t in article.translations.all() if t.language == _language(language)), None)
    if translation is None:
        raise Http404
    return translation


def _form_errors(form, error: ValidationError) -> None:
    for field, errors in getattr(error, "message_dict", {None: error.messages}).items():
        form.add_error(field if field in form.fields else None, errors)


@backoffice_required
def index(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status", "")
    status = status if status in Status.values else ""
    articles = selectors.backoffice_article_list(status=status)
    waiting = list(selectors.waiting_for_review(request.user))
    now = timezone.now()
    deflection = selectors.deflection_rate(since=now - DEFLECTION_PERIOD, until=now, now=now)
    context = {"statuses": Status.choices, "status": status, "waiting": waiting, "deflection": deflection}
    return render(request, "backoffice/kb/index.html", context | {"articles": articles})


@backoffice_required
def article_new(request: HttpRequest) -> HttpResponse:
    form = ArticleCreateForm(request.POST or None, initial={"language": request.LANGUAGE_CODE})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            translation = services.article_create(
                by=request.user,
                language=data["language"],
                title=data["title"],
                slug=data["slug"],
                body_html=data["body_html"],
                category=data["category"],
                visibility=data["visibility"],
                tags=[name.strip() for name in data["tags"].split(",")],
            )
        except ValidationError as error:
            _form_errors(form, error)
        else:
            messages.success(request, _("Draft saved."))
            return redirect(translation.article)
    return render(
        request, "backoffice/kb/article_new.html", {"form": form}, status=400 if form.errors else 200
    )


def _settings_initial(article: Article) -> dict:
    tags = ", ".join(tag.name for tag in article.tags.all())
    return {"category": article.category, "visibility": article.visibility, "tags": tags}


@backoffice_required
def article_detail(request: HttpRequest, pk: int) -> HttpResponse:
    article = selectors.article_for_backoffice(pk)
    form = ArticleSettingsForm(request.POST or None, initial=_settings_initial(article))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        services.article_update(
            article=article,
            by=request.user,
            category=data["category"],
            visibility=data["visibility"],
            tags=data["tags"].split(","),
        )
        messages.success(request, _("Article settings saved."))
        return redirect(article)
    reviewers_form = ReviewersForm(
        initial={"reviewers": list(article.reviewers.all())}, candidates=selectors.reviewer_candidates()
    )
    return _render_article(request, article, form=form, reviewers_form=reviewers_form)


def _render_article(request, article: Article, *, form, reviewers_form, status: int = 200) -> HttpResponse:
    translations = {t.language: t for t in article.translations.all()}
    reviews = selectors.article_reviews(article)
    latest_review = {}
    for review in reviews:  # newest first: the first one seen per translation is its latest
        latest_review.setdefault(review.translation_id, review)
    reviewer_names = ", ".join(r.get_short_name() for r in article.reviewers.all())
    rows = []
    for code, name in settings.LANGUAGES:
        translation = translations.get(code)
        in_review = translation is not None and translation.status == Status.IN_REVIEW
        rows.append(
            {
                "code": code,
                "name": name,
                "translation": translation,
                "actions": _actions(request.user, translation),
                "may_review": in_review and services.can_review(request.user, translation),
                "waiting": in_review and not services.can_review(request.user, translation),
                "last_review": latest_review.get(translation.pk) if translation else None,
            }
        )
    context = {
        "article": article,
        "rows": rows,
        "form": form,
        "reviewers_form": reviewers_form,
        "reviewer_names": reviewer_names,
        "reviews": reviews[:20],
        "uses": selectors.article_uses(article)[:50],
    }
    return render(request, "backoffice/kb/article.html", context, status=status)


@backoffice_required
@require_POST
def article_reviewers(request: HttpRequest, pk: int) -> HttpResponse:
    article = selectors.article_for_backoffice(pk)
    reviewers_form = ReviewersForm(request.POST, candidates=selectors.reviewer_candidates())
    if reviewers_form.is_valid():
        try:
            services.article_reviewers_set(
                article=article, reviewers=reviewers_form.cleaned_data["reviewers"], by=request.user
            )
        except ValidationError as error:
            _form_errors(reviewers_form, error)
        else:
            messages.success(request, _("Reviewers saved."))
            return redirect(article)
    form = ArticleSettingsForm(initial=_settings_initial(article))
    return _render_article(request, article, form=form, reviewers_form=reviewers_form, status=400)


def _actions(user, translation: ArticleTranslation | None) -> list[dict]:
    """The workflow buttons for one row; sending back is a form of its own (it needs a comment)."""
    if translation is None:
        return []
    labels = {
        "submit": _("Submit for review"),
        "publish": _("Approve and publish"),
        "archive": _("Archive"),
        "reopen": _("Reopen as draft"),
    }
    actions = []
    for (old, new), action in services.TRANSITIONS.items():
        if old != translation.status or action not in labels:
            continue
        if action == "publish" and not services.can_review(user, translation):
            continue  # the writer waits for a reviewer
        actions.append({"to": new, "action": action, "label": labels[action]})
    return actions


@backoffice_required
def translation_edit(request: HttpRequest, pk: int, language: str) -> HttpResponse:
    article = selectors.article_for_backoffice(pk)
    language = _language(language)
    translation = next((t for t in article.translations.all() if t.language == language), None)
    initial = {}
    if translation is not None:
        initial = {"title": translation.title, "slug": translation.slug, "body_html": translation.body_html}
    form = TranslationForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.translation_save(
                article=article, language=language, by=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            _form_errors(form, error)
        else:
            messages.success(request, _("Saved."))
            return redirect(article)
    context = {
        "article": article,
        "translation": translation,
        "language": language,
        "language_name": LANGUAGE_NAMES[language],
        "form": form,
    }
    return render(request, "backoffice/kb/translation_edit.html", context, status=400 if form.errors else 200)


@backoffice_required
@require_POST
def translation_status(request: HttpRequest, pk: int, language: str) -> HttpResponse:
    article = selectors.article_for_backoffice(pk)
    translation = _translation(article, language)
    try:
        services.translation_transition(
            translation=translation,
            to=request.POST.get("to", ""),
            by=request.user,
            comment=request.POST.get("comment", "")[:2000],
        )
    except (ValidationError, PermissionDenied) as error:
        messages.error(request, " ".join(getattr(error, "messages", [str(error)])))
    else:
        translation.refresh_from_db(fields=["status"])
        messages.success(
            request,
            _("%(language)s: %(status)s.")
            % {"language": LANGUAGE_NAMES[translation.language], "status": translation.get_status_display()},
        )
    return redirect(article)


@backoffice_required
def versions(request: HttpRequest, pk: int, language: str) -> HttpResponse:
    article = selectors.article_for_backoffice(pk)
    translation = _translation(article, language)
    history = list(translation.versions.select_related("author"))
    diff, compared = None, None
    form = DiffForm(request.GET or None)
    if form.is_valid():
        by_number = {version.number: version for version in history}
        old, new = by_number.get(form.cleaned_data["old"]), by_number.get(form.cleaned_data["new"])
        if old is None or new is None:
            raise Http404
        diff, compared = selectors.version_diff(old, new), (old, new)
    context = {
        "article": article,
        "translation": translation,
        "versions": history,
        "diff": diff,
        "compared": compared,
    }
    return render(request, "backoffice/kb/versions.html", context)


@backoffice_required
@require_POST
def version_restore(request: HttpRequest, pk: int, language: str, number: int) -> HttpResponse:
    article = selectors.article_for_backoffice(pk)
    translation = _translation(article, language)
    version = translation.versions.filter(number=number).first()
    if version is None:
        raise Http404
    if (version.title, version.body_html) == (translation.title, translation.body_html):
        messages.info(request, _("Version %(number)s is the current text already.") % {"number": number})
    else:
        services.version_restore(version=version, by=request.user)
        messages.success(request, _("Version %(number)s restored as a new version.") % {"number": number})
    return redirect("backoffice:kb:versions", pk=article.pk, language=language)


@backoffice_required
def categories(request: HttpRequest) -> HttpResponse:
    form = CategoryForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.category_create(by=request.user, **form.service_kwargs())
        except ValidationError as error:
            _form_errors(form, error)
        else:
            messages.success(request, _("Category added."))
            return redirect("backoffice:kb:categories")
    others = [(code, name) for code, name in settings.LANGUAGES if code != settings.LANGUAGE_CODE]
    rows = [
        (category, [(name, (category.names or {}).get(code, "")) for code, name in others])
        for category in Category.objects.all()
    ]
    context = {"categories": rows, "form": form}
    return render(request, "backoffice/kb/categories.html", context, status=400 if form.errors else 200)


@backoffice_required
def category_edit(request: HttpRequest, pk: int) -> HttpResponse:
    category = selectors.category_for_backoffice(pk)
    form = CategoryForm(request.POST or None, initial=CategoryForm.initial_for(category))
    if request.method == "POST" and form.is_valid():
        try:
            services.category_update(category=category, by=request.user, **form.service_kwargs())
        except ValidationError as error:
            _form_errors(form, error)
        else:
            messages.success(request, _("Category saved."))
            return redirect("backoffice:kb:categories")
    context = {"category": category, "form": form}
    return render(request, "backoffice/kb/category_edit.html", context, status=400 if form.errors else 200)
