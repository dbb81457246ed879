"""The KB editor at /backoffice/kb/: back-office staff and admins write, review and publish."""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from backoffice.kb import selectors, services
from backoffice.kb.forms import (
    ArticleCreateForm,
    ArticleSettingsForm,
    CategoryForm,
    DiffForm,
    TranslationForm,
)
from backoffice.kb.models import Article, ArticleTranslation, Category, Status
from helpdesk.access import backoffice_required

LANGUAGE_NAMES = dict(settings.LANGUAGES)


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
    return render(
        request,
        "backoffice/kb/index.html",
        {"articles": articles, "statuses": Status.choices, "status": status},
    )


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


@backoffice_required
def article_detail(request: HttpRequest, pk: int) -> HttpResponse:
    article = selectors.article_for_backoffice(pk)
    initial = {
        "category": article.category,
        "visibility": article.visibility,
        "tags": ", ".join(tag.name for tag in article.tags.all()),
    }
    form = ArticleSettingsForm(request.POST or None, initial=initial)
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
    translations = {t.language: t for t in article.translations.all()}
    rows = [
        {
            "code": code,
            "name": name,
            "translation": translations.get(code),
            "actions": _actions(request.user, translations.get(code)),
            "waiting": code in translations
            and translations[code].status == Status.IN_REVIEW
            and not services.can_publish(request.user, translations[code]),
        }
        for code, name in settings.LANGUAGES
    ]
    context = {
        "article": article,
        "rows": rows,
        "form": form,
        "uses": selectors.article_uses(article)[:50],
    }
    return render(request, "backoffice/kb/article.html", context)


def _actions(user, translation: ArticleTranslation | None) -> list[dict]:
    if translation is None:
        return []
    labels = {
        "submit": _("Submit for review"),
        "return": _("Send back to draft"),
        "publish": _("Publish"),
        "archive": _("Archive"),
        "reopen": _("Reopen as draft"),
    }
    actions = []
    for (old, new), action in services.TRANSITIONS.items():
        if old != translation.status:
            continue
        if action == "publish" and not services.can_publish(user, translation):
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
            translation=translation, to=request.POST.get("to", ""), by=request.user
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
    version = _translation(article, language).versions.filter(number=number).first()
    if version is None:
        raise Http404
    services.version_restore(version=version, by=request.user)
    messages.success(request, _("Version %(number)s restored as a new version.") % {"number": number})
    return redirect("backoffice:kb:versions", pk=article.pk, language=language)


@backoffice_required
def categories(request: HttpRequest) -> HttpResponse:
    form = CategoryForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.category_create(by=request.user, **form.cleaned_data)
        except ValidationError as error:
            _form_errors(form, error)
        else:
            messages.success(request, _("Category added."))
            return redirect("backoffice:kb:categories")
    context = {"categories": Category.objects.all(), "form": form}
    return render(request, "backoffice/kb/categories.html", context, status=400 if form.errors else 200)
