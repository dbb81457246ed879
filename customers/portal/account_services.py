"""Writes behind the portal's accounts: signing up (and verifying the address), sign-in links, the
customer's own profile and their own data download.

No answer here tells a visitor whether an address has an account: signing up with a known address
emails its owner instead, and a sign-in link is only ever sent to an account's own address.
"""

import logging
import smtplib
from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from customers.models import Customer, Identity, IdentityKind, normalise_identity
from customers.portal.tokens import signin_link, verify_link
from customers.services import (
    customer_by_identity,
    customer_create,
    customer_update,
    normalise_phone,
    organization_for_address,
)
from helpdesk.models import Role, User
from helpdesk.services import audit_record, user_create, user_set_language

log = logging.getLogger(__name__)
# Out-of-office replies and the like must not answer these.
AUTO_SUBMITTED = {"Auto-Submitted": "auto-generated"}


def _send(*, to: str, language: str, template: str, subject, context: dict) -> None:
    """One plain-text email in the recipient's language (`subject`, lazy, is translated in it too)."""
    language = language or settings.LANGUAGE_CODE
    with translation.override(language):
        body = render_to_string(f"portal/emails/{template}.txt", context)
        headers = AUTO_SUBMITTED | {"Content-Language": language}
        message = EmailMessage(subject=str(subject), body=body, to=[to], headers=headers)
    try:
        message.send()
    except (OSError, smtplib.SMTPException):
        # The page already says "if nothing arrives, try again"; a 500 would tell the visitor less.
        log.exception("Portal account email (%s) could not be sent.", template)


def _language_of(user: User, fallback: str) -> str:
    """The language to write to an account in: the login's, else its customer's, else the page's."""
    customer = Customer.objects.filter(user=user).only("language").first()
    return user.language or (customer.language if customer else "") or fallback


def _link(name: str, token: str) -> str:
    return settings.SITE_URL + reverse(name, args=[token])


def _pending(user: User) -> bool:
    """A sign-up waiting for its address to be verified (not an account someone switched off)."""
    return (
        not user.is_active
        and user.role == Role.CUSTOMER
        and user.last_login is None
        and not Customer.objects.filter(user=user).exists()
    )


def account_signup(*, name: str, email: str, password: str, language: str) -> None:
    """Start a portal sign-up: an inactive login and a verification email, nothing else until the
    address is proven. A repeated sign-up replaces the pending one (its earlier links stop working);
    a known address gets an "you already have an account" email instead, so the page says nothing."""
    email = normalise_identity(IdentityKind.EMAIL, email)
    user = User.objects.filter(email__iexact=email).first()
    owner = customer_by_identity(IdentityKind.EMAIL, email)
    if (user is not None and not _pending(user)) or (owner is not None and owner.user_id):
        _send_already_registered(
            email=email, user=user if user is not None else owner.user, language=language
        )
        return
    try:
        with transaction.atomic():
            if user is None:
                user = user_create(email=email, full_name=name, role=Role.CUSTOMER)  # hashed once, below
            user.full_name, user.language, user.is_active = name, language, False
            user.date_joined = timezone.now()  # the pending sign-up's start, for its expiry
            user.set_password(password)
            user.save(update_fields=["full_name", "language", "is_active", "password", "date_joined"])
    except (IntegrityError, ValidationError):  # a sign-up for the same address a moment ago
        log.info("Portal sign-up: a concurrent sign-up for the same address; this one is dropped.")
        return
    _send(
        to=user.email,
        language=language,
        template="account_verify",
        subject=gettext_lazy("Confirm your email address"),
        context={
            "user": user,
            "link": _link("portal:signup_verify", verify_link.make(user)),
            "hours": settings.PORTAL_VERIFY_HOURS,
        },
    )


def _send_already_registered(*, email: str, user: User, language: str) -> None:
    """Tell the owner of `email` (always the address typed, never another) how to get in instead."""
    if not user.is_active:
        log.info("Portal sign-up for the address of switched-off user %s: no email sent.", user.pk)
        return
    _send(
        to=email,
        language=_language_of(user, language),
        template="account_exists",
        subject=gettext_lazy("You already have an account"),
        context={
            "user": user,
            "signin": settings.SITE_URL + reverse("login"),
            "signin_link": settings.SITE_URL + reverse("portal:signin_link"),
            "reset": settings.SITE_URL + reverse("password_reset"),
        },
    )


@transaction.atomic
def account_activate(*, user: User) -> Customer:
    """Activate a verified sign-up and give it its customer: the one who already wrote to us from this
    address (so their earlier tickets are theirs in the portal), or a new one. Claimed with a
    conditional UPDATE, so a verification link works once even when clicked twice at once."""
    if Customer.objects.filter(user=user).exists():
        raise ValidationError(_("This link was used already."))
    claimed = User.objects.filter(
        pk=user.pk, role=Role.CUSTOMER, is_active=False, last_login__isnull=True
    ).update(is_active=True)
    if not claimed:
        raise ValidationError(_("This link was used already."))
    user.is_active = True
    customer = customer_by_identity(IdentityKind.EMAIL, user.email)
    if customer is None:
        customer = customer_create(
            name=user.full_name,
            email=user.email,
            language=user.language,
            organization=organization_for_address(user.email),
            user=user,
        )
        summary = f"Signed up in the portal as {user.email}"
    elif customer.user_id is None:
        customer.user = user
        customer.language = customer.language or user.language
        customer.save(update_fields=["user", "language"])
        summary = f"Signed up in the portal as {user.email}, claiming their earlier tickets"
    else:
        raise ValidationError(_("This address belongs to another account. Please contact us."))
    # They proved the address is theirs by opening the link sent to it.
    Identity.objects.filter(kind=IdentityKind.EMAIL, value=user.email.lower()).update(verified=True)
    audit_record(actor=user, action="customer.portal_signup", target=customer, summary=summary)
    return customer


def signin_link_send(*, email: str, language: str) -> None:
    """Email a one-time sign-in link to the active customer account at this address, if there is one."""
    user = User.objects.filter(email__iexact=email.strip(), role=Role.CUSTOMER, is_active=True).first()
    if user is None:
        return
    _send(
        to=user.email,
        language=_language_of(user, language),
        template="account_signin_link",
        subject=gettext_lazy("Your sign-in link"),
        context={
            "user": user,
            "link": _link("portal:signin_link_open", signin_link.make(user)),
            "minutes": settings.PORTAL_SIGNIN_LINK_MINUTES,
        },
    )


def signin_link_claim(*, user: User) -> bool:
    """Use up a sign-in link: only one request moves the last sign-in on from what the link was made
    with (a conditional UPDATE), so the link signs in once. Only active customers."""
    unchanged = {"last_login": user.last_login} if user.last_login else {"last_login__isnull": True}
    active = User.objects.filter(pk=user.pk, role=Role.CUSTOMER, is_active=True, **unchanged)
    return active.update(last_login=timezone.now()) == 1


@transaction.atomic
def customer_profile_update(
    *, customer: Customer, user: User, name: str, phone: str, language: str, time_zone: str
) -> Customer:
    """The customer's own changes in the portal. A new phone number becomes an identity (refused when
    it is another customer's: only staff may move identities); the name and language go to the login
    too, so the emails we send follow the language they chose."""
    phone = normalise_phone(phone)
    if phone and phone != normalise_phone(customer.phone):
        if Identity.objects.filter(kind=IdentityKind.PHONE, value=phone).exclude(customer=customer).exists():
            raise ValidationError(
                {"phone": _("This number is already known for someone else. Please contact us to change it.")}
            )
        Identity.objects.get_or_create(kind=IdentityKind.PHONE, value=phone, defaults={"customer": customer})
    customer.phone = phone
    customer_update(customer=customer, by=user, name=name.strip(), language=language, time_zone=time_zone)
    user.full_name = customer.name[:150]
    user.save(update_fields=["full_name"])
    user_set_language(user=user, language=language)
    return customer


def portal_signups_expire(*, now: datetime) -> int:
    """Forget sign-ups never verified within PORTAL_VERIFY_HOURS (their links no longer work): the
    inactive logins that `_pending` describes, so a switched-off account is never touched."""
    stale = User.objects.filter(
        role=Role.CUSTOMER,
        is_active=False,
        last_login__isnull=True,
        customer__isnull=True,
        date_joined__lt=now - timedelta(hours=settings.PORTAL_VERIFY_HOURS),
    )
    deleted = stale.count()
    stale.delete()
    if deleted:
        log.info("Portal sign-ups: forgot %s never verified.", deleted)
    return deleted
