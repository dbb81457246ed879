"""The help center: the public knowledge base in the portal, for anonymous visitors and customers.

Everyone reads the same thing here, agents included: published public articles, in the visitor's
language with a fallback (see backoffice.kb.selectors). The request form suggests articles while
the customer types (`suggest`); opening one of them is recorded to measure deflection.
"""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from backoffice.kb import selectors, services

QUERY_MAX = 200  # longer input is cut, not refused: a pasted error message still finds its article
SUGGEST_MIN = 2
FROM_REQUEST = "request"  # the ?from= marker of links in the request form's suggestions
LANGUAGE_CODES = {code for code, _name in settings.LANGUAGES}


def _language() -> str:
    return (get_language() or settings.LANGUAGE_CODE).split("-")[0]


def _query(request: HttpRequest, *, field: str = "q") -> str:
    return request.GET.get(field, "")[:QUERY_MAX].strip()


def _session_key(request: HttpRequest) -> str:
    """The visitor's session key, creating the session: anonymous visitors are told apart by it."""
    if not request.session.session_key:
        request.session.save()
    return request.session.session_key or ""


def index(request: HttpRequest) -> HttpResponse:
    language = _language()
    context = {
        "categories": list(selectors.help_categories()),
        "popular": list(selectors.help_popular(language)),
        "recent": list(selectors.help_recent(language)),
    }
    return render(request, "portal/help/index.html", context)


def category(request: HttpRequest, pk: int) -> HttpResponse:
    chosen = selectors.help_category(pk)
    articles = list(selectors.articles_for_customer(_language(), category=chosen))
    return render(request, "portal/help/category.html", {"category": chosen, "articles": articles})


def search(request: HttpRequest) -> HttpResponse:
    query = _query(request)
    results = selectors.help_search(query, language=_language()) if query else []
    return render(request, "portal/help/search.html", {"query": query, "results": results})


def suggest(request: HttpRequest) -> HttpResponse:
    """htmx: up to five articles matching the request's subject as it is typed; nothing under two
    characters (every keystroke would match half the knowledge base). htmx sends the form's field
    under its own name, `subject`; `q` is for anyone else."""
    query = _query(request) or _query(request, field="subject")
    if len(query) < SUGGEST_MIN:
        return HttpResponse("")
    results = selectors.help_suggest(query, language=_language())
    context = {"query": query, "results": results, "marker": FROM_REQUEST}
    return render(request, "portal/help/_suggestions.html", context)


def article(request: HttpRequest, language: str, slug: str) -> HttpResponse:
    if language not in LANGUAGE_CODES:
        raise Http404
    translation = selectors.help_translation(language=language, slug=slug)
    services.translation_record_view(translation=translation)
    from_request = request.GET.get("from") == FROM_REQUEST
    if from_request:
        services.suggestion_opened_record(
            translation=translation, user=request.user, session_key=_session_key(request), now=timezone.now()
        )
    context = {
        "translation": translation,
        "article": translation.article,
        "others": translation.article.translations.public().exclude(pk=translation.pk),
        "from_request": from_request,
    }
    return render(request, "portal/help/article.html", context)


@require_POST
def vote(request: HttpRequest, language: str, slug: str) -> HttpResponse:
    """ "Was this helpful?": one answer per signed-in user, or per session for anonymous visitors."""
    translation = selectors.help_translation(language=language, slug=slug)
    try:
        counted = services.translation_vote(
            translation=translation,
            helpful=request.POST.get("helpful") == "yes",
            user=request.user,
            session_key=_session_key(request),
        )
    except ValidationError:
        counted = False
    if counted:
        messages.success(request, _("Thank you for your feedback."))
    else:
        messages.info(request, _("You have already rated this article."))
    return redirect("portal:help_article", language=translation.language, slug=translation.slug)
