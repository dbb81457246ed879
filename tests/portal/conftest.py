"""The portal tests' people: two organizations, a manager, colleagues and an outsider, each with a
portal login."""

import pytest

from tests.factories import OrganizationFactory
from tests.portal.people import portal_person


@pytest.fixture
def acme(db):
    return OrganizationFactory(name="Acme")


@pytest.fixture
def globex(db):
    return OrganizationFactory(name="Globex")


@pytest.fixture
def laura(acme):
    """Acme's organization manager."""
    return portal_person(
        "Laura Bērziņa", "laura@acme.example", organization=acme, organization_manager=True, language="lv"
    )


@pytest.fixture
def janis(acme):
    return portal_person("Jānis Kalniņš", "janis@acme.example", organization=acme, language="lv")


@pytest.fixture
def outsider(globex):
    return portal_person("Grace Globex", "grace@globex.example", organization=globex)


@pytest.fixture
def globex_manager(globex):
    return portal_person("Gus Globex", "gus@globex.example", organization=globex, organization_manager=True)
