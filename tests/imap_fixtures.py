"""IMAP servers for the integration tests: embedded pymap everywhere, real Dovecot on demand.

* ``pymap``: :class:`bot.devtools.imap_local.LocalImapServer` (in-memory, a thread).
* ``dovecot``: a throwaway Dovecot 2.3 instance (passwd-file auth, plaintext on
  127.0.0.1, a free port, maildir and base_dir in a temp dir, run in the foreground as a
  child process) when ``ARBOT_TEST_DOVECOT=1`` and ``dovecot`` is installed. As root,
  Dovecot refuses to run its login process or mail processes as root, so the login and
  internal users are ``dovenull`` and the mail user runs as dovenull's uid.

Both are session-scoped; each test watches its own fresh folder, so tests never see each
other's mail. Import the fixtures in a test module with
``from tests.imap_fixtures import imap_server  # noqa: F401``.
"""

from __future__ import annotations

import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from imapclient import IMAPClient

from bot.devtools.imap_local import LocalImapServer, free_port

DOVECOT_ENV = "ARBOT_TEST_DOVECOT"
PASSWORD_ENV = "ARBOT_TEST_IMAP_PASSWORD"


@dataclass
class ImapServer:
    """What a test needs to know about a running server."""

    kind: str
    host: str
    port: int
    user: str
    password: str
    separator: str = "/"
    _stop: list[object] = field(default_factory=list, repr=False)

    def client(self) -> IMAPClient:
        c = IMAPClient(self.host, port=self.port, ssl=False, timeout=30)
        c.login(self.user, self.password)
        return c

    def name(self, folder: str) -> str:
        return folder if folder.upper() == "INBOX" else folder.replace("/", self.separator)

    def append(self, folder: str, *messages: bytes) -> None:
        with self.client() as c:
            for raw in messages:
                c.append(self.name(folder), raw)

    def create(self, folder: str) -> None:
        with self.client() as c:
            if not c.folder_exists(self.name(folder)):
                c.create_folder(self.name(folder))

    def recreate(self, folder: str) -> None:
        """Delete and create ``folder``: the server gives it a new UIDVALIDITY."""
        with self.client() as c:
            c.delete_folder(self.name(folder))
            c.create_folder(self.name(folder))

    def uids(self, folder: str) -> list[int]:
        with self.client() as c:
            if not c.folder_exists(self.name(folder)):
                return []
            c.select_folder(self.name(folder), readonly=True)
            return list(c.search(["ALL"]))

    def uidvalidity(self, folder: str) -> int:
        with self.client() as c:
            info = c.select_folder(self.name(folder), readonly=True)
            return int(info[b"UIDVALIDITY"])

    def toml(self, folder: str, *, idle: bool = True, poll_seconds: float = 0.5) -> str:
        """An ``[imap]`` section watching ``folder`` (moves to ``folder/Processed`` etc.)."""
        return (
            "[imap]\n"
            f'host = "{self.host}"\nport = {self.port}\nsecurity = "none"\n'
            f'username = "{self.user}"\npassword_env = "{PASSWORD_ENV}"\n'
            f'folder = "{folder}"\nprocessed_folder = "{folder}/Processed"\n'
            f'review_folder = "{folder}/Needs review"\n'
            f"idle = {'true' if idle else 'false'}\npoll_seconds = {poll_seconds}\n"
        )


def new_folder() -> str:
    return f"T{uuid.uuid4().hex[:10]}"


# ---------------------------------------------------------------------------- pymap
def start_pymap() -> ImapServer:
    srv = LocalImapServer(user="ar", password="secret").start()
    s = ImapServer("pymap", srv.host, srv.port, srv.user, srv.password, "/")
    s._stop.append(srv.stop)
    return s


# ---------------------------------------------------------------------------- dovecot
DOVECOT_CONF = """\
protocols = imap
listen = 127.0.0.1
base_dir = {base}/run
state_dir = {base}/state
instance_name = arbot-test-{port}
default_login_user = {login_user}
default_internal_user = {login_user}
first_valid_uid = {uid}
last_valid_uid = 0
disable_plaintext_auth = no
ssl = no
auth_mechanisms = plain login
auth_failure_delay = 0
log_path = {base}/dovecot.log
mail_location = maildir:~/Maildir
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {base}/passwd
}}
userdb {{
  driver = passwd-file
  args = username_format=%u {base}/passwd
}}
service imap-login {{
  inet_listener imap {{
    address = 127.0.0.1
    port = {port}
  }}
  inet_listener imaps {{
    port = 0
  }}
}}
service anvil {{
  chroot =
}}
service stats {{
  chroot =
}}
"""


def dovecot_unavailable() -> str | None:
    """Why the Dovecot variant is skipped, or None when it can run."""
    if os.environ.get(DOVECOT_ENV) != "1":
        return f"real-Dovecot tests need {DOVECOT_ENV}=1 (CI sets it; install dovecot-imapd)"
    if not shutil.which("dovecot") and not Path("/usr/sbin/dovecot").exists():
        return "dovecot is not installed (apt-get install dovecot-imapd)"
    return None


def start_dovecot() -> ImapServer:
    exe = shutil.which("dovecot") or "/usr/sbin/dovecot"
    base = Path(tempfile.mkdtemp(prefix="arbot-dovecot-"))
    os.chmod(base, 0o755)
    if os.getuid() == 0:
        try:
            nobody = pwd.getpwnam("dovenull")
        except KeyError:
            nobody = pwd.getpwnam("nobody")
        login_user, uid, gid = nobody.pw_name, nobody.pw_uid, nobody.pw_gid
    else:
        me = pwd.getpwuid(os.getuid())
        login_user, uid, gid = me.pw_name, me.pw_uid, me.pw_gid
    mail = base / "mail"
    mail.mkdir()
    (base / "run").mkdir()
    (base / "state").mkdir()
    if os.getuid() == 0:
        os.chown(mail, uid, gid)
    port = free_port()
    (base / "passwd").write_text(f"ar:{{PLAIN}}secret:{uid}:{gid}::{mail}/ar::\n")
    conf = base / "dovecot.conf"
    conf.write_text(DOVECOT_CONF.format(base=base, port=port, login_user=login_user, uid=uid))
    proc = subprocess.Popen([exe, "-c", str(conf), "-F"], stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE)
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            err = proc.stderr.read().decode() if proc.stderr else ""
            log = (base / "dovecot.log").read_text() if (base / "dovecot.log").exists() else ""
            raise RuntimeError(f"dovecot exited: {err} {log}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                break
        except OSError:
            time.sleep(0.05)
    else:
        proc.kill()
        raise RuntimeError("dovecot did not start listening")

    def stop() -> None:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(5)
        shutil.rmtree(base, ignore_errors=True)

    s = ImapServer("dovecot", "127.0.0.1", port, "ar", "secret", ".")
    s._stop.append(stop)
    s._stop.append(base)   # kept for tests that look at the maildir
    return s


def _stop(s: ImapServer) -> None:
    for item in s._stop:
        if callable(item):
            item()


@pytest.fixture(scope="session")
def pymap_server() -> Iterator[ImapServer]:
    s = start_pymap()
    yield s
    _stop(s)


@pytest.fixture(scope="session")
def dovecot_server() -> Iterator[ImapServer]:
    why = dovecot_unavailable()
    if why:
        pytest.skip(why)
    s = start_dovecot()
    yield s
    _stop(s)


@pytest.fixture(params=["pymap", "dovecot"])
def imap_server(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> ImapServer:
    """Each IMAP integration test runs against both servers."""
    server: ImapServer = request.getfixturevalue(f"{request.param}_server")
    monkeypatch.setenv(PASSWORD_ENV, server.password)
    return server
