"""Project-wide pages: the role-based landing, sign-in, language switch and health."""

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.db import connection
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST
from django.views.i18n import set_language

from helpdesk.celery import app as celery_app
from helpdesk.models import Heartbeat, OutboxEvent
from helpdesk.services import user_set_language


def home(request: HttpRequest) -> HttpResponse:
    """Send everyone to the home of their role; visitors to sign-in."""
    if not request.user.is_authenticated:
        return redirect("login")
    return redirect(request.user.home_url())


class LoginView(auth_views.LoginView):
    redirect_authenticated_user = True

    def get_default_redirect_url(self) -> str:
        # Without ?next=, everyone lands on the home of their role.
        return self.request.user.home_url()

    def form_valid(self, form) -> HttpResponse:
        response = super().form_valid(form)
        # Staff and customers keep their language across devices: the profile wins on sign-in.
        if form.get_user().language:
            response.set_cookie(
                settings.LANGUAGE_COOKIE_NAME,
                form.get_user().language,
                max_age=settings.LANGUAGE_COOKIE_AGE,
                samesite="Lax",
                secure=settings.SESSION_COOKIE_SECURE,
            )
        return response


@require_POST
def language_switch(request: HttpRequest) -> HttpResponse:
    """Django's set_language, and for a signed-in user the choice is also saved to the profile."""
    response = set_language(request)
    language = request.POST.get("language", "")
    if request.user.is_authenticated and language in dict(settings.LANGUAGES):
        user_set_language(user=request.user, language=language)
    if isinstance(response, HttpResponseRedirect) and request.htmx:
        response["HX-Redirect"] = response.url
    return response


@never_cache
def health(request: HttpRequest) -> JsonResponse:
    """Liveness of every part: database, broker, the outbox backlog and background processes."""
    report: dict[str, object] = {}
    healthy = True
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        report["database"] = "ok"
        oldest = OutboxEvent.objects.pending().order_by("id").values_list("created_at", flat=True).first()
        report["outbox_oldest_pending_seconds"] = (
            round((timezone.now() - oldest).total_seconds(), 1) if oldest else 0
        )
        beat = Heartbeat.objects.filter(name="beat+worker").values_list("seen_at", flat=True).first()
        report["worker_seen_seconds_ago"] = (
            round((timezone.now() - beat).total_seconds(), 1) if beat else None
        )
    except Exception as exc:  # any database failure makes us unhealthy, whatever its class
        healthy = False
        report["database"] = f"error: {type(exc).__name__}"
    try:
        with celery_app.connection_for_write() as broker:
            broker.ensure_connection(max_retries=1)
        report["broker"] = "ok"
    except Exception as exc:  # likewise for the broker's transport-specific errors
        healthy = False
        report["broker"] = f"error: {type(exc).__name__}"
    report["status"] = "ok" if healthy else "error"
    return JsonResponse(report, status=200 if healthy else 503)
