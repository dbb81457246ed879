"""Signing up for the portal and signing in with an emailed link.

The links in our emails open a page with one button; only pressing it (a POST) uses the link, so a
mail scanner that fetches every link neither uses it up nor gets a signed-in session.
"""

from django.conf import settings
from django.contrib.auth import login
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_post_parameters

from customers.portal.account_forms import SigninLinkForm, SignupForm
from customers.portal.account_limits import too_many_for_email, too_many_from_client
from customers.portal.account_services import (
    account_activate,
    account_signup,
    signin_link_claim,
    signin_link_send,
)
from customers.portal.tokens import signin_link, verify_link
from helpdesk.models import Role, User

BACKEND = "django.contrib.auth.backends.ModelBackend"


def _too_many(request: HttpRequest, form, scope: str) -> bool:
    """Count this request against the address and, when the form names one, the email address."""
    if too_many_from_client(request, scope):
        return True
    email = form.cleaned_data.get("email", "") if form.is_valid() else ""
    return bool(email) and too_many_for_email(email, scope)


def _refuse(request: HttpRequest, template: str, form) -> HttpResponse:
    form.add_error(None, _("Too many requests. Please wait a few minutes and try again."))
    return render(request, template, {"form": form}, status=429)


def remember_language(response: HttpResponse, language: str) -> HttpResponse:
    """The pages follow the profile's language from now on, as after password sign-in
    (helpdesk.views.LoginView)."""
    if language:
        response.set_cookie(
            settings.LANGUAGE_COOKIE_NAME,
            language,
            max_age=settings.LANGUAGE_COOKIE_AGE,
            samesite="Lax",
            secure=settings.SESSION_COOKIE_SECURE,
        )
    return response


def _sign_in(request: HttpRequest, user: User) -> HttpResponse:
    """Sign in (a new session) and go to the portal, in the profile's language."""
    login(request, user, backend=BACKEND)
    return remember_language(redirect("portal:home"), user.language)


def _invalid_link(request: HttpRequest, reason: str = "") -> HttpResponse:
    return render(request, "portal/accounts/link_invalid.html", {"reason": reason}, status=400)


@sensitive_post_parameters("password")
def signup(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect(request.user.home_url())
    template = "portal/accounts/signup.html"
    form = SignupForm(request.POST or None)
    if request.method != "POST":
        return render(request, template, {"form": form})
    if _too_many(request, form, "signup"):
        return _refuse(request, template, form)
    if not form.is_valid():
        return render(request, template, {"form": form}, status=400)
    account_signup(**form.cleaned_data)
    return render(request, "portal/accounts/check_email.html", {"email": form.cleaned_data["email"]})


def signup_verify(request: HttpRequest, token: str) -> HttpResponse:
    """GET: the button that confirms the address; POST: activate, claim or create the customer,
    sign in."""
    user = verify_link.user(token)
    if user is None or user.role != Role.CUSTOMER or user.is_active:
        return _invalid_link(request)
    if request.method != "POST":
        return render(request, "portal/accounts/link_confirm.html", {"action": "verify", "person": user})
    try:
        account_activate(user=user)
    except ValidationError as error:
        return _invalid_link(request, " ".join(error.messages))
    return _sign_in(request, user)


def signin_link_request(request: HttpRequest) -> HttpResponse:
    template = "portal/accounts/signin_link.html"
    form = SigninLinkForm(request.POST or None)
    if request.method != "POST":
        return render(request, template, {"form": form})
    if _too_many(request, form, "signin-link"):
        return _refuse(request, template, form)
    if not form.is_valid():
        return render(request, template, {"form": form}, status=400)
    signin_link_send(email=form.cleaned_data["email"], language=get_language() or "")
    return render(request, "portal/accounts/check_email.html", {"email": form.cleaned_data["email"]})


def signin_link_open(request: HttpRequest, token: str) -> HttpResponse:
    """GET: the sign-in button; POST: use the link up and sign in (active customers only)."""
    user = signin_link.user(token)
    if user is None or user.role != Role.CUSTOMER or not user.is_active:
        return _invalid_link(request)
    if request.method != "POST":
        return render(request, "portal/accounts/link_confirm.html", {"action": "signin", "person": user})
    if not signin_link_claim(user=user):
        return _invalid_link(request)
    return _sign_in(request, user)
