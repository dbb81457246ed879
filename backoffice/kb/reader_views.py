"""Reading the KB: one article page for every reader (what each may see is decided by the
selectors), the agents' list at the desk, and the search box in a ticket's reply area."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from backoffice.kb import selectors, services
from backoffice.kb.models import ArticleTranslation, ArticleUse
from helpdesk.access import desk_required
from tickets.access import ticket_for_user
from tickets.views.queues import desk_context


def _language() -> str:
    return (get_language() or "en").split("-")[0]


def read(request: HttpRequest, language: str, slug: str) -> HttpResponse:
    """An article, for anyone allowed to read it: public ones for everyone, internal ones for staff."""
    translation = selectors.translation_for_reader(request.user, language=language, slug=slug)
    if translation.is_live:
        services.translation_record_view(translation=translation)
    others = translation.article.translations.visible_to(request.user).exclude(pk=translation.pk)
    context = {"translation": translation, "article": translation.article, "others": others}
    return render(request, "backoffice/kb/read.html", context)


@require_POST
def vote(request: HttpRequest, language: str, slug: str) -> HttpResponse:
    translation = selectors.translation_for_reader(request.user, language=language, slug=slug)
    if not translation.is_live:
        raise Http404  # only published texts are rated (back office may open drafts here)
    if not request.session.session_key:
        request.session.save()  # an anonymous reader votes once per session
    try:
        counted = services.translation_vote(
            translation=translation,
            helpful=request.POST.get("helpful") == "yes",
            user=request.user,
            session_key=request.session.session_key or "",
        )
    except ValidationError:
        counted = False
    if counted:
        messages.success(request, _("Thank you for your feedback."))
    else:
        messages.info(request, _("You have already rated this article."))
    return redirect(translation)


@desk_required
def desk_list(request: HttpRequest) -> HttpResponse:
    """Agents and supervisors read published articles, internal ones included."""
    query = request.GET.get("q", "").strip()[:200]
    language = _language()
    if query:
        articles = selectors.kb_search(request.user, query, language=language, fallback=True)
    else:
        articles = selectors.articles_for_reader(request.user, language)[:200]
    context = {"articles": articles, "query": query} | desk_context(request, "kb")
    return render(request, "backoffice/kb/desk_list.html", context)


@desk_required
def ticket_search(request: HttpRequest, pk: int) -> HttpResponse:
    """htmx: articles matching what the agent typed in the reply area, to insert into the reply."""
    ticket = ticket_for_user(request.user, pk)
    query = request.GET.get("kb_q", "").strip()[:200]
    language = ticket.language or _language()
    results = selectors.kb_search(request.user, query, language=language, fallback=True) if query else []
    context = {"ticket": ticket, "results": results, "query": query}
    return render(request, "backoffice/kb/_ticket_results.html", context)


@desk_required
@require_POST
def ticket_use(request: HttpRequest, pk: int) -> HttpResponse:
    """Records that the agent inserted an article into this ticket's reply (desk.js does the insert)."""
    ticket = ticket_for_user(request.user, pk)
    raw = request.POST.get("translation", "")
    visible = ArticleTranslation.objects.visible_to(request.user).select_related("article")
    translation = (
        visible.filter(pk=int(raw)).first() if raw.isascii() and raw.isdigit() and len(raw) < 12 else None
    )
    if translation is None:
        return HttpResponse(status=404)
    kind = request.POST.get("kind", ArticleUse.Kind.LINK)
    try:
        services.article_use_record(ticket=ticket, translation=translation, by=request.user, kind=kind)
    except (ValidationError, PermissionDenied):
        return HttpResponse(status=400)
    return ticket_used(request, pk)


@desk_required
def ticket_used(request: HttpRequest, pk: int) -> HttpResponse:
    """htmx: the articles already used on this ticket (shown in the reply area's KB box)."""
    ticket = ticket_for_user(request.user, pk)
    used = list(selectors.ticket_article_uses(ticket))
    return render(request, "backoffice/kb/_ticket_used.html", {"ticket": ticket, "used": used})
