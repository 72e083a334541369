"""IMAP servers for the integration tests: embedded pymap everywhere, real Dovecot on demand.

* ``pymap``: :class:`bot.devtools.imap_local.LocalImapServer` (in-memory, a thread).
* ``dovecot``: a throwaway Dovecot 2.3 instance (passwd-file auth, plaintext on
  127.0.0.1, a free port, maildir and base_dir in a temp dir, run in the foreground as a
  child process) when ``ARBOT_TEST_DOVECOT=1`` and ``dovecot`` is installed. As root,
  Dovecot refuses to run its login process or mail processes as root, so the login and
  internal users are ``dovenull`` and the mail user runs as dovenull's uid.

Both are session-scoped; each test watches its own fresh folder, so tests never see each
other's mail. tests/conftest.py registers this module as a plugin, so the fixtures
(``imap_server`` parametrised over both, ``pymap_server``, ``dovecot_server``) are
available everywhere.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field

import pytest
from imapclient import IMAPClient

from bot.devtools.dovecot_local import LocalDovecot, dovecot_binary
from bot.devtools.imap_local import LocalImapServer

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
def dovecot_unavailable() -> str | None:
    """Why the Dovecot variant is skipped, or None when it can run."""
    if os.environ.get(DOVECOT_ENV) != "1":
        return f"real-Dovecot tests need {DOVECOT_ENV}=1 (CI sets it; install dovecot-imapd)"
    if dovecot_binary() is None:
        return "dovecot is not installed (apt-get install dovecot-imapd)"
    return None


def start_dovecot() -> ImapServer:
    d = LocalDovecot().start()
    s = ImapServer("dovecot", d.host, d.port, d.user, d.password, ".")
    s._stop.append(d.stop)
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
