"""A portal customer: a Customer with a portal login (sign in with `client.force_login(person.user)`)."""

from tests.factories import CustomerFactory, UserFactory


def portal_person(name: str, email: str, **fields):
    user = UserFactory(email=email, full_name=name, role="customer", language=fields.get("language", "en"))
    return CustomerFactory(name=name, email=email, user=user, **fields)


def in_language(language: str, text: str) -> str:
    """`text` as the catalog of `language` has it (what a customer of that language is shown)."""
    from django.utils import translation

    with translation.override(language):
        return translation.gettext(text)
