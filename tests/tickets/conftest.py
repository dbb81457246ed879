import os
import uuid

import pytest

from tests.factories import CustomerFactory, TeamFactory
from tests.mail import Collector, free_port  # noqa: F401 - imported from here by older tests
from tickets.models import ImapSecurity, ImapSource, Mailbox


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    # Attachments are written to disk: never into the project's var/ folder.
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def first_line(ona):
    """Ona's team."""
    return TeamFactory(name="First line", members=[ona])


@pytest.fixture
def team(first_line):
    """Ona's team, as the desk's view tests call it."""
    return first_line


@pytest.fixture
def desk(client, ona):
    """A browser session signed in as Ona, an agent."""
    client.force_login(ona)
    return client


@pytest.fixture
def mailbox(db):
    """The support mailbox: new tickets go to the Support team; the webhook secret is "s3cret"."""
    return Mailbox.objects.create(
        name="support",
        address="support@helpdesk.test",
        team=TeamFactory(name="Support"),
        webhook_secret="s3cret",
    )


@pytest.fixture
def billing(db):
    """A team Ona is not in."""
    return TeamFactory(name="Billing")


@pytest.fixture
def alice_customer(alice):
    """Alice as the requester of tickets (her portal login is `alice`)."""
    return CustomerFactory(name=alice.full_name, email=alice.email, user=alice, language="en")


@pytest.fixture(scope="session")
def dovecot():
    """A real IMAP server (dovecot) for this test process; see tests/tickets/imap_server.py."""
    from tests.tickets.imap_server import DOVECOT, Dovecot

    if not os.path.exists(DOVECOT):
        pytest.skip("dovecot is not installed (apt-get install dovecot-imapd; .ci/run does it)")
    server = Dovecot()
    server.start()
    yield server
    server.stop()


@pytest.fixture
def imap_source(mailbox, dovecot):
    """The support mailbox fetched by IMAP from its own, empty dovecot user."""
    from tests.tickets.imap_server import IMAP_PASSWORD

    return ImapSource.objects.create(
        mailbox=mailbox,
        host="127.0.0.1",
        port=dovecot.port,
        security=ImapSecurity.NONE,
        username=f"support-{uuid.uuid4().hex[:12]}",
        password=IMAP_PASSWORD,
    )


@pytest.fixture
def provider_api(settings):
    """A messaging provider's HTTP API on 127.0.0.1 (Telegram's, or a generic reply URL); see
    tests/tickets/social_fakes.py."""
    from tests.tickets.social_fakes import FakeProviderApi

    with FakeProviderApi() as api:
        settings.TELEGRAM_API_BASE = api.url
        yield api


@pytest.fixture
def telegram_account(team):
    """A Telegram bot whose new conversations go to Ona's team."""
    from tests.tickets.social_fakes import BOT_TOKEN, SECRET
    from tickets.models import SocialAccount, SocialKind

    return SocialAccount.objects.create(
        name="support-bot", kind=SocialKind.TELEGRAM, secret=SECRET, bot_token=BOT_TOKEN, team=team
    )


@pytest.fixture
def webhook_account(team, provider_api):
    """A generic webhook channel (say, a web chat vendor) whose replies go to the provider stand-in."""
    from tests.tickets.social_fakes import WEBHOOK_SECRET
    from tickets.models import SocialAccount, SocialKind

    return SocialAccount.objects.create(
        name="webchat",
        kind=SocialKind.WEBHOOK,
        secret=WEBHOOK_SECRET,
        reply_url=f"{provider_api.url}/replies",
        team=team,
    )
