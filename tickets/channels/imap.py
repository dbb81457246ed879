"""Email in by IMAP polling: new mail in a mailbox's folder goes through receive_email.

    imap_poll(source)     # every minute from beat (tickets.tasks.imap_poll_all), or `manage.py imap_poll`

Progress is the folder's UIDVALIDITY and the highest UID filed, never the \\Seen flag: mail that
someone already read in their mail client is still fetched. Each message is filed (committed)
first and only then flagged (or moved) on the server and counted as done, so a crash in between
re-reads it, and the Message-ID constraint in receive_email drops the second copy.

A mailbox that cannot log in or fetch for IMAP_ALERT_AFTER_MINUTES alerts the admins by email
once; the first poll that works again clears the failure and tells them it recovered.
"""

import imaplib
import logging
import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.mail import send_mail
from django.db import DatabaseError
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from imap_tools import AND, MailBox, MailBoxStartTls, MailBoxUnencrypted, MailMessage, U
from imap_tools.errors import ImapToolsError

from helpdesk.models import Role, User
from tickets.channels.email_in import receive_email
from tickets.channels.oauth2 import OAuthError, oauth2_access_token
from tickets.models import ImapAuth, ImapSecurity, ImapSource, InboundEmail, InboundStatus

log = logging.getLogger(__name__)
FILED_KEYWORD = "$HelpdeskFiled"
SIZE = re.compile(rb"RFC822\.SIZE (\d+)")
# What counts as "the server or the network failed" (alerted), rather than a fault on our side.
SERVER_ERRORS = (ImapToolsError, imaplib.IMAP4.error, OSError, OAuthError)


@dataclass
class PollResult:
    filed: int = 0
    error: str = ""
    skipped: bool = False  # another poll of this source holds the lease


class RawMessage(MailMessage):
    """Keeps the fetched bytes as they came: receive_email parses and stores them itself."""

    def __init__(self, fetch_data: list) -> None:
        self.raw, self._raw_uid_data, self._raw_flag_data = self._get_message_data_parts(fetch_data)


def imap_poll(source: ImapSource, *, now: datetime | None = None) -> PollResult:
    """File the folder's new mail (up to IMAP_BATCH_SIZE messages) and record how it went."""
    now = now or timezone.now()
    if not _take_lease(source, now):
        return PollResult(skipped=True)
    try:
        filed = _fetch_new_mail(source)
    except SERVER_ERRORS as error:
        message = f"{type(error).__name__}: {error}"[:1000]
        log.warning("IMAP source %s failed: %s", source, message)
        _record_failure(source, message, now)
        return PollResult(error=message)
    finally:
        ImapSource.objects.filter(pk=source.pk).update(lease_until=None)
    _record_success(source, now)
    return PollResult(filed=filed)


def _take_lease(source: ImapSource, now: datetime) -> bool:
    free = Q(lease_until__isnull=True) | Q(lease_until__lt=now)
    until = now + timedelta(seconds=settings.IMAP_LEASE_SECONDS)
    return ImapSource.objects.filter(free, pk=source.pk, active=True).update(lease_until=until) == 1


def _fetch_new_mail(source: ImapSource) -> int:
    with _connect(source) as box:
        uidvalidity = box.folder.status(source.folder, ["UIDVALIDITY"])["UIDVALIDITY"]
        box.folder.set(source.folder)
        if uidvalidity != source.uidvalidity:
            # A new folder, or one recreated on the server: its UIDs start over. Read it all again;
            # what we already filed is recognised by its Message-ID and dropped.
            source.uidvalidity, source.last_uid = uidvalidity, 0
            ImapSource.objects.filter(pk=source.pk).update(uidvalidity=uidvalidity, last_uid=0)
        # "UID n:*" also returns the newest message when n is past the end, hence the filter.
        uids = sorted(int(uid) for uid in box.uids(AND(uid=U(source.last_uid + 1, "*"))))
        new = [uid for uid in uids if uid > source.last_uid][: settings.IMAP_BATCH_SIZE]
        for uid in new:
            _file_one(box, source, uid)
        return len(new)


def _connect(source: ImapSource):
    timeout = settings.IMAP_TIMEOUT_SECONDS
    if source.security == ImapSecurity.SSL:
        box = MailBox(source.host, source.port, timeout=timeout)
    elif source.security == ImapSecurity.STARTTLS:
        box = MailBoxStartTls(source.host, source.port, timeout=timeout)
    else:
        box = MailBoxUnencrypted(source.host, source.port, timeout=timeout)
    box.email_message_class = RawMessage
    try:
        if source.auth == ImapAuth.XOAUTH2:
            return box.xoauth2(source.username, oauth2_access_token(source), initial_folder=None)
        return box.login(source.username, source.password, initial_folder=None)
    except BaseException:
        box.client.shutdown()  # the connection is open even though signing in failed
        raise


def _file_one(box, source: ImapSource, uid: int) -> None:
    status, data = box.client.uid("FETCH", str(uid), "(RFC822.SIZE)")
    size = SIZE.search(b" ".join(item for item in data if isinstance(item, bytes)) or b"")
    if status == "OK" and size is None:
        pass  # expunged since the search: nothing to file
    elif size and int(size.group(1)) > settings.EMAIL_INBOUND_MAX_BYTES:
        _quarantine_too_large(box, source, uid, int(size.group(1)))
    else:
        for message in box.fetch(uid_list=[str(uid)], mark_seen=False, bulk=False):
            receive_email(raw=message.raw, mailbox=source.mailbox)  # committed when it returns
    _mark_filed(box, source, uid)
    ImapSource.objects.filter(pk=source.pk).update(last_uid=uid)
    source.last_uid = uid


def _quarantine_too_large(box, source: ImapSource, uid: int, size: int) -> None:
    """Keep the headers and the reason where admins see quarantined mail; the email itself stays
    on the server (flagged), so nothing is lost and nothing that large is downloaded."""
    headers = b"".join(m.raw for m in box.fetch(uid_list=[str(uid)], mark_seen=False, headers_only=True))
    inbound = InboundEmail(
        mailbox=source.mailbox,
        size=size,
        status=InboundStatus.QUARANTINED,
        reason=(
            f"Too large: {size} bytes, over EMAIL_INBOUND_MAX_BYTES ({settings.EMAIL_INBOUND_MAX_BYTES}). "
            f"Only its headers were fetched; it stays in {source.folder} on {source.host} (UID {uid})."
        ),
    )
    inbound.raw.save(f"imap-{source.pk}-{uid}.eml", ContentFile(headers), save=False)
    inbound.save()


def _mark_filed(box, source: ImapSource, uid: int) -> None:
    box.flag(str(uid), ["\\Seen", FILED_KEYWORD], True)
    if source.move_to:
        box.move(str(uid), source.move_to)


def _record_success(source: ImapSource, now: datetime) -> None:
    recovered = source.alerted_at is not None
    ImapSource.objects.filter(pk=source.pk).update(
        last_success_at=now, failing_since=None, last_error="", alerted_at=None
    )
    if recovered:
        _alert_admins(source, failing=False)


def _record_failure(source: ImapSource, error: str, now: datetime) -> None:
    source.refresh_from_db(fields=["failing_since", "alerted_at"])
    failing_since = source.failing_since or now
    ImapSource.objects.filter(pk=source.pk).update(failing_since=failing_since, last_error=error)
    due = now - failing_since >= timedelta(minutes=settings.IMAP_ALERT_AFTER_MINUTES)
    if due and source.alerted_at is None:
        source.failing_since, source.last_error = failing_since, error
        if _alert_admins(source, failing=True):
            ImapSource.objects.filter(pk=source.pk).update(alerted_at=now)


def _alert_admins(source: ImapSource, *, failing: bool) -> bool:
    """Email every active admin, each in their language; False if the email could not be sent (the
    next failing poll tries again)."""
    admins = User.objects.filter(role=Role.ADMIN, is_active=True).exclude(email="")
    try:
        for admin in admins:
            with translation.override(admin.language or settings.LANGUAGE_CODE):
                send_mail(*_alert_text(source, failing), None, [admin.email])
    except (OSError, DatabaseError) as error:
        log.error("Could not alert admins about IMAP source %s: %s", source, error)
        return False
    return True


def _alert_text(source: ImapSource, failing: bool) -> tuple[str, str]:
    mailbox = source.mailbox.address
    if not failing:
        subject = _("Mailbox %(mailbox)s is fetching mail again") % {"mailbox": mailbox}
        return subject, _("IMAP polling of %(source)s works again; mail that waited is being filed.") % {
            "source": source
        }
    subject = _("Mailbox %(mailbox)s cannot fetch mail") % {"mailbox": mailbox}
    body = _(
        "IMAP polling of %(source)s has failed since %(since)s.\n\nLast error: %(error)s\n\n"
        "New mail stays on the server and is fetched as soon as polling works again. Check the "
        "server, the user name and the password or OAuth settings in the admin (IMAP sources)."
    ) % {"source": source, "since": source.failing_since, "error": source.last_error}
    return subject, body
