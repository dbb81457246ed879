import pytest

from tests.factories import CustomerFactory, TeamFactory


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    # Attachments are written to disk: never into the project's var/ folder.
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def first_line(ona):
    """Ona's team."""
    return TeamFactory(name="First line", members=[ona])


@pytest.fixture
def billing(db):
    """A team Ona is not in."""
    return TeamFactory(name="Billing")


@pytest.fixture
def alice_customer(alice):
    """Alice as the requester of tickets (her portal login is `alice`)."""
    return CustomerFactory(name=alice.full_name, email=alice.email, user=alice, language="en")
