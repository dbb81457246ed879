import os
import socket
import uuid
from email import message_from_bytes, policy
from email.message import EmailMessage

import pytest
from aiosmtpd.controller import Controller

from tests.factories import CustomerFactory, TeamFactory
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


class Collector:
    """An aiosmtpd handler that keeps every envelope it is given."""

    def __init__(self) -> None:
        self.envelopes = []
        self.port = 0

    async def handle_DATA(self, server, session, envelope) -> str:
        self.envelopes.append(envelope)
        return "250 Message accepted for delivery"

    @property
    def emails(self) -> list[EmailMessage]:
        return [message_from_bytes(envelope.content, policy=policy.default) for envelope in self.envelopes]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def smtp(settings):
    """A real SMTP server on 127.0.0.1, and Django's SMTP backend pointed at it."""
    collector = Collector()
    controller = Controller(collector, hostname="127.0.0.1", port=free_port())
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = controller.port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_USE_SSL = False
    settings.EMAIL_TIMEOUT = 5
    collector.port = controller.port
    yield collector
    controller.stop()


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
