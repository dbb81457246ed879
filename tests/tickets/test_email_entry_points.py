"""The ways email comes in: the ingest_email pipe (with MTA exit codes) and the signed webhook."""

import hashlib
import hmac
import io
import subprocess
import sys
import time

import pytest
from django.core.management import CommandError, call_command
from django.db import OperationalError

from tests.processes import ROOT, database_url
from tests.tickets.test_email_in import make_email
from tickets.models import InboundEmail, InboundStatus, Mailbox, Ticket


def test_ingest_email_delivers_files_and_reports_each(mailbox, tmp_path, capsys):
    first, second = tmp_path / "1.eml", tmp_path / "2.eml"
    first.write_bytes(make_email(subject="First"))
    second.write_bytes(make_email(subject="Second"))

    call_command("ingest_email", str(first), str(second), "--mailbox", "support")

    assert sorted(Ticket.objects.values_list("subject", flat=True)) == ["First", "Second"]
    assert capsys.readouterr().out.count("opened a ticket: ticket #") == 2


def test_ingest_email_reads_standard_input(mailbox, monkeypatch):
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(make_email(subject="Piped"))))

    call_command("ingest_email", "--mailbox", "support@helpdesk.test")

    assert Ticket.objects.get().subject == "Piped"


def test_an_unreadable_email_exits_65_and_is_quarantined(mailbox, tmp_path):
    bad = tmp_path / "bad.eml"
    bad.write_bytes(b"not an email at all")

    with pytest.raises(CommandError) as error:
        call_command("ingest_email", str(bad), "--mailbox", "support")

    assert error.value.returncode == 65
    assert InboundEmail.objects.get().status == InboundStatus.QUARANTINED


def test_an_unknown_mailbox_exits_67(mailbox, tmp_path):
    mail = tmp_path / "1.eml"
    mail.write_bytes(make_email())

    with pytest.raises(CommandError) as error:
        call_command("ingest_email", str(mail), "--mailbox", "nobody")

    assert error.value.returncode == 67
    assert not InboundEmail.objects.exists()


def test_a_database_failure_exits_75_so_the_mail_server_retries(mailbox, tmp_path, monkeypatch):
    from tickets.management.commands import ingest_email

    def database_away(**kwargs):
        raise OperationalError("could not connect to server")

    monkeypatch.setattr(ingest_email, "receive_email", database_away)
    mail = tmp_path / "1.eml"
    mail.write_bytes(make_email())

    with pytest.raises(CommandError) as error:
        call_command("ingest_email", str(mail))

    assert error.value.returncode == 75


@pytest.mark.django_db(transaction=True)
def test_a_mail_server_pipe_delivers_through_a_real_process(settings, tmp_path):
    Mailbox.objects.create(name="support", address="support@helpdesk.test")
    env = {
        "PATH": "/usr/bin:/bin",
        "DJANGO_SETTINGS_MODULE": "tests.settings",
        "DATABASE_URL": database_url(),
        "MEDIA_ROOT": str(tmp_path),
        "HELPDESK_VAR_DIR": str(tmp_path / "var"),
    }

    delivered = subprocess.run(  # noqa: S603 - our interpreter and manage.py
        [sys.executable, "manage.py", "ingest_email", "--mailbox", "support"],
        cwd=ROOT,
        env=env,
        input=make_email(subject="Through the pipe"),
        capture_output=True,
        timeout=120,
        check=False,
    )
    garbage = subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", "ingest_email", "--mailbox", "support"],
        cwd=ROOT,
        env=env,
        input=b"\x00\x01 garbage",
        capture_output=True,
        timeout=120,
        check=False,
    )

    assert delivered.returncode == 0, delivered.stderr
    assert Ticket.objects.get().subject == "Through the pipe"
    assert garbage.returncode == 65


def sign(body: bytes, secret: str = "s3cret", timestamp: int | None = None) -> tuple[str, str]:
    stamp = str(int(time.time()) if timestamp is None else timestamp)
    digest = hmac.new(secret.encode(), stamp.encode() + b"." + body, hashlib.sha256).hexdigest()
    return f"sha256={digest}", stamp


def post(client, body: bytes, signed: tuple[str, str], mailbox: str = "support"):
    signature, stamp = signed
    return client.post(
        f"/channels/email/{mailbox}/",
        body,
        content_type="message/rfc822",
        HTTP_X_HELPDESK_SIGNATURE=signature,
        HTTP_X_HELPDESK_TIMESTAMP=stamp,
    )


def test_the_webhook_accepts_signed_raw_mime(client, mailbox):
    body = make_email(subject="Posted by the provider")

    response = post(client, body, sign(body))

    assert response.status_code == 202
    assert response.json()["status"] == "ticket"
    assert Ticket.objects.get().subject == "Posted by the provider"


def test_the_webhook_refuses_a_bad_signature_and_stores_nothing(client, mailbox):
    body = make_email()

    assert post(client, body, sign(body, "wrong")).status_code == 403
    assert post(client, body, ("", "")).status_code == 403
    assert post(client, body, sign(body, timestamp=int(time.time()) - 600)).status_code == 403  # a replay
    assert not InboundEmail.objects.exists()


def test_the_webhook_takes_emails_larger_than_djangos_upload_limit(client, mailbox, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024
    body = make_email(attachment=("scan.pdf", b"%PDF-1.4" + bytes(4096), "application/pdf"))

    response = post(client, body, sign(body))

    assert response.status_code == 202
    assert Ticket.objects.get().messages.get().attachments.count() == 1


def test_the_webhook_answers_404_for_an_unknown_mailbox(client, mailbox):
    body = make_email()

    assert post(client, body, sign(body), mailbox="nobody").status_code == 404


def test_the_webhook_reports_an_unreadable_email_as_422_and_keeps_it(client, mailbox):
    body = b"garbage"

    response = post(client, body, sign(body))

    assert response.status_code == 422
    assert InboundEmail.objects.get().status == InboundStatus.QUARANTINED


def test_the_webhook_refuses_an_email_over_the_size_limit(client, mailbox, settings):
    settings.EMAIL_INBOUND_MAX_BYTES = 100
    body = make_email()

    assert post(client, body, sign(body)).status_code == 413
    assert not InboundEmail.objects.exists()


def test_a_duplicate_post_is_accepted_and_recognised(client, mailbox):
    body = make_email(message_id="<once@example.lt>")

    post(client, body, sign(body))
    response = post(client, body, sign(body))

    assert response.status_code == 202 and response.json()["duplicate"] is True
    assert Ticket.objects.count() == 1
