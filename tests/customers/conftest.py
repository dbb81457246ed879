import pytest


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    # Attachments and raw emails are written to disk: never into the project's var/ folder.
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def ruta(db):
    """Rūta, the data subject of the GDPR tests: a portal login, three identities, a consent
    history and a tag. (Imported here, not at the top: the app registry is ready by now.)"""
    from customers.models import Identity
    from customers.services import consent_record
    from tests.factories import CustomerFactory, UserFactory
    from tickets.models import Tag

    login = UserFactory(email="ruta@example.lt", full_name="Rūta Jankauskienė", role="customer")
    customer = CustomerFactory(
        name="Rūta Jankauskienė",
        email="ruta@example.lt",
        phone="+37061234567",
        notes="Skambinti rytais",
        language="lt",
        time_zone="Europe/Vilnius",
        user=login,
    )
    Identity.objects.create(customer=customer, kind="telegram", value="555111", display="@ruta_j")
    consent_record(customer=customer, purpose="marketing", granted=True, source="portal")
    consent_record(customer=customer, purpose="marketing", granted=False, source="email", note="Nebenoriu")
    customer.tags.add(Tag.objects.create(name="grąžinimas"))
    return customer
