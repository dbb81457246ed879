"""Writes about customers (identities, merging and GDPR build on this)."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models.functions import Lower
from django.utils.translation import gettext as _

from customers.models import Customer


@transaction.atomic
def customer_find_or_create(*, email: str, name: str = "", language: str = "") -> Customer:
    """The customer with this email address, created if we have never heard from them."""
    email = email.strip().lower()
    if not email:
        raise ValidationError({"email": _("An email address is required.")})
    # lower(email) = … matches the functional index; email__iexact would compile to UPPER() and scan.
    customer = (
        Customer.objects.alias(email_lower=Lower("email")).filter(email_lower=email).order_by("pk").first()
    )
    if customer is None:
        customer = Customer.objects.create(email=email, name=name.strip() or email, language=language)
    return customer


def normalise_phone(number: str) -> str:
    """+37061234567 from "+370 612 34567", "00370-612-34567" and the like; "" if there are no digits."""
    digits = "".join(character for character in number if character.isdigit())
    if not digits:
        return ""
    start = number.strip().lstrip("(")
    if start.startswith("00"):
        digits = digits[2:]
    return f"+{digits}" if start.startswith(("+", "00")) else digits


@transaction.atomic
def customer_find_or_create_by_phone(*, phone: str, name: str = "") -> Customer:
    """The customer with this phone number, created if the number is new to us."""
    phone = normalise_phone(phone)
    if not phone:
        raise ValidationError({"phone": _("A phone number is required.")})
    customer = Customer.objects.filter(phone=phone).order_by("pk").first()
    if customer is None:
        customer = Customer.objects.create(phone=phone, name=name.strip() or phone)
    return customer
