"""A real IMAP server for the tests: Debian's dovecot (installed by .ci/run), started per test
process on a free port, with every user's mail in a temporary directory.

Any user name signs in with the password IMAP_PASSWORD (so each test uses its own user and its
own folders), or with XOAUTH2 and an access token from the fake OAuth provider below: the one
part that stands in for something outside this machine (Microsoft's or Google's token service),
answering in the documented RFC 6749 / RFC 7662 formats.
"""

import contextlib
import imaplib
import os
import pwd
import shutil
import signal
import socket
import subprocess
import tempfile
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from tests.tickets.helpers import send_json

DOVECOT = shutil.which("dovecot") or "/usr/sbin/dovecot"
IMAP_PASSWORD = "imap-pw"
OAUTH_CLIENT = ("helpdesk-client", "client-s3cret")

CONFIG = """
protocols = imap
listen = 127.0.0.1
base_dir = {root}/run
state_dir = {root}/state
instance_name = helpdesk-test-{port}
log_path = {root}/dovecot.log
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login xoauth2
auth_failure_delay = 0
default_internal_user = {internal_user}
default_login_user = {login_user}
first_valid_uid = 1
mail_location = maildir:{root}/mail/%u
passdb {{
  driver = oauth2
  mechanisms = xoauth2
  args = {root}/oauth2.conf.ext
}}
passdb {{
  driver = static
  mechanisms = plain login
  args = password={password}
}}
userdb {{
  driver = static
  args = uid={uid} gid={gid} home={root}/mail/%u
}}
service imap-login {{
  inet_listener imap {{
    address = 127.0.0.1
    port = {port}
  }}
  inet_listener imaps {{
    port = 0
  }}
  chroot =
}}
"""
OAUTH2_CONFIG = """
introspection_mode = auth
introspection_url = http://127.0.0.1:{oauth_port}/userinfo
tokeninfo_url = http://127.0.0.1:{oauth_port}/userinfo?access_token=
username_attribute = email
"""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class OAuthProvider(BaseHTTPRequestHandler):
    """POST /token exchanges "refresh-<user>" for "access-<user>"; GET /userinfo (what dovecot asks)
    names the user behind a bearer token. `server.refused` makes /token answer invalid_grant."""

    def do_POST(self) -> None:
        fields = urllib.parse.parse_qs(self.rfile.read(int(self.headers["Content-Length"])).decode())
        field = {name: values[0] for name, values in fields.items()}
        self.server.token_requests.append(field)
        refresh = field.get("refresh_token", "")
        client = (field.get("client_id"), field.get("client_secret"))
        if self.server.refused or client != OAUTH_CLIENT or not refresh.startswith("refresh-"):
            return self._answer(400, {"error": "invalid_grant", "error_description": "Token expired."})
        user = refresh.removeprefix("refresh-")
        self._answer(200, {"access_token": f"access-{user}", "token_type": "Bearer", "expires_in": 3599})

    def do_GET(self) -> None:
        token = self.headers.get("Authorization", "").removeprefix("Bearer ")
        if not token.startswith("access-"):
            return self._answer(401, {"error": "invalid_token"})
        self._answer(200, {"email": token.removeprefix("access-"), "active": True})

    def _answer(self, status: int, body: dict) -> None:
        send_json(self, status, body)

    def log_message(self, *args) -> None:
        pass


class Dovecot:
    def __init__(self) -> None:
        self.root = Path(tempfile.mkdtemp(prefix="helpdesk-dovecot-"))
        self.root.chmod(0o755)  # dovecot's own users must reach the mail under it
        self.port = free_port()
        self.oauth = ThreadingHTTPServer(("127.0.0.1", 0), OAuthProvider)
        self.oauth.token_requests, self.oauth.refused = [], False
        self.token_url = f"http://127.0.0.1:{self.oauth.server_port}/token"

    def start(self) -> None:
        threading.Thread(target=self.oauth.serve_forever, daemon=True).start()
        if os.geteuid() == 0:  # dovecot refuses root for mail: run mail as its own `dovecot` user
            internal, login, owner = "dovecot", "dovenull", pwd.getpwnam("dovecot")
        else:
            internal = login = pwd.getpwuid(os.geteuid()).pw_name
            owner = pwd.getpwuid(os.geteuid())
        for folder in ("run", "state", "mail"):
            (self.root / folder).mkdir()
        os.chown(self.root / "mail", owner.pw_uid, owner.pw_gid)
        (self.root / "oauth2.conf.ext").write_text(OAUTH2_CONFIG.format(oauth_port=self.oauth.server_port))
        (self.root / "dovecot.conf").write_text(
            CONFIG.format(
                root=self.root,
                port=self.port,
                password=IMAP_PASSWORD,
                internal_user=internal,
                login_user=login,
                uid=owner.pw_uid,
                gid=owner.pw_gid,
            )
        )
        subprocess.run([DOVECOT, "-c", str(self.root / "dovecot.conf")], check=True)
        for _ in range(100):
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", self.port), timeout=1):
                return
            time.sleep(0.05)
        raise RuntimeError(f"dovecot did not start: {self.log()}")

    def stop(self) -> None:
        pid_file = self.root / "run" / "master.pid"
        if pid_file.exists():
            with contextlib.suppress(ProcessLookupError, ValueError):
                os.kill(int(pid_file.read_text().strip()), signal.SIGTERM)
        self.oauth.shutdown()
        time.sleep(0.2)
        shutil.rmtree(self.root, ignore_errors=True)

    def log(self) -> str:
        path = self.root / "dovecot.log"
        return path.read_text() if path.exists() else ""

    @contextlib.contextmanager
    def client(self, user: str):
        imap = imaplib.IMAP4("127.0.0.1", self.port)
        imap.login(user, IMAP_PASSWORD)
        try:
            yield imap
        finally:
            imap.logout()

    def deliver(self, user: str, raw: bytes, *, folder: str = "INBOX", flags: str = "") -> None:
        """Put an email in the user's folder the way a mail server would."""
        with self.client(user) as imap:
            imap.create(folder)  # fails harmlessly when it exists
            status, _ = imap.append(folder, flags or None, None, raw)
            assert status == "OK"

    def flags(self, user: str, folder: str = "INBOX") -> dict[int, str]:
        """UID → the flags the server has on it."""
        with self.client(user) as imap:
            imap.select(folder)
            _, data = imap.uid("FETCH", "1:*", "(FLAGS)")
        found = {}
        for line in data:
            if isinstance(line, bytes) and b"UID" in line:
                text = line.decode()
                uid = int(text.split("UID ")[1].split()[0].rstrip(")"))
                found[uid] = text.split("FLAGS (")[1].split(")")[0]
        return found
