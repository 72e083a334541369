"""A thin synchronous wrapper over imapclient for the AR mailbox.

imapclient is synchronous: the watcher runs one of these per thread and never shares a
connection between threads. Every failure leaving this module is one of three classes,
so the daemon can choose how to react:

* :class:`ImapAuthError` -- the server refused our credentials. Retrying quickly only
  gets the account locked: alert staff and back off for a long time.
* :class:`ImapConfigError` -- the configuration cannot work as written (host name does
  not resolve, folder missing and cannot be created, TLS requested but refused).
* :class:`ImapTransientError` -- the connection dropped, timed out, or the server said
  BYE: reconnect with exponential backoff.

Folder names in the configuration use ``/`` as hierarchy separator (``AR/Processed``);
they are translated to the server's separator (``.`` on a default Dovecot) from LIST.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import imaplib
import shlex
import socket
import ssl
import subprocess
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass

from imapclient import IMAPClient
from imapclient import exceptions as imapx

from bot.config import ConfigError, ImapConfig, secret

FETCH_BATCH = 200
FETCH_BATCH_BYTES = 32 * 1024 * 1024   # bounded memory per fetched batch
IDLE_MAX_SECONDS = 29 * 60   # RFC 2177: re-issue IDLE at least every 29 minutes


class ImapError(Exception):
    """Base class of the three mailbox failure classes."""


class ImapAuthError(ImapError):
    """The server refused the credentials (or the OAuth token could not be obtained)."""


class ImapConfigError(ImapError):
    """Host, port, TLS mode or folder as configured cannot work."""


class ImapTransientError(ImapError):
    """Connection dropped, timed out, or the server said BYE: retry later."""


@dataclass(frozen=True)
class FetchedMessage:
    uid: int
    raw: bytes


@contextmanager
def classified(what: str) -> Iterator[None]:
    """Translate library and socket exceptions raised inside into the three classes."""
    try:
        yield
    except ImapError:
        raise
    except imapx.LoginError as exc:
        raise ImapAuthError(f"{what}: login refused: {_short(exc)}") from exc
    except socket.gaierror as exc:
        raise ImapConfigError(f"{what}: host name does not resolve: {exc}") from exc
    except ssl.SSLCertVerificationError as exc:
        raise ImapConfigError(f"{what}: TLS certificate rejected: {exc}") from exc
    except ConnectionRefusedError as exc:
        # Often a wrong port, but also a server restarting: transient, backed off.
        raise ImapTransientError(f"{what}: connection refused: {exc}") from exc
    except (imaplib.IMAP4.abort, OSError, EOFError) as exc:
        # abort covers BYE and EOF; OSError covers resets, timeouts and SSL errors.
        raise ImapTransientError(f"{what}: connection lost: {_short(exc)}") from exc
    except imapx.CapabilityError as exc:
        raise ImapConfigError(f"{what}: server lacks a capability: {_short(exc)}") from exc
    except (imaplib.IMAP4.error, imapx.IMAPClientError) as exc:
        raise ImapTransientError(f"{what}: server error: {_short(exc)}") from exc


def _short(exc: BaseException) -> str:
    text = str(exc)
    if text.startswith(("b'", 'b"')):
        text = text[2:-1]
    return text.splitlines()[0][:300] if text else type(exc).__name__


def oauth_token(cfg: ImapConfig) -> str | None:
    """The OAuth2 access token from ``oauth_token_env`` or ``oauth_token_command``.

    The command's standard output (stripped) is the token; it runs without a shell.
    Returns None when neither is configured.
    """
    if cfg.oauth_token_env:
        try:
            return secret(cfg.oauth_token_env, "IMAP OAuth token")
        except ConfigError as exc:
            raise ImapAuthError(str(exc)) from exc
    if cfg.oauth_token_command:
        try:
            out = subprocess.run(
                shlex.split(cfg.oauth_token_command), capture_output=True, timeout=60, check=True,
            )
        except (OSError, subprocess.SubprocessError) as exc:
            raise ImapAuthError(f"imap.oauth_token_command failed: {type(exc).__name__}") from exc
        token = out.stdout.decode("utf-8", "replace").strip()
        if not token:
            raise ImapAuthError("imap.oauth_token_command printed no token")
        return token
    return None


class ImapConnection:
    """One logged-in IMAP connection (not thread-safe: one per thread).

    ``ssl_context`` overrides the default verifying context; pass an insecure one only
    for a local test server, explicitly.
    """

    def __init__(self, cfg: ImapConfig, *, timeout: float = 30.0,
                 ssl_context: ssl.SSLContext | None = None) -> None:
        self.cfg = cfg
        self.timeout = timeout
        self.ssl_context = ssl_context
        self.client: IMAPClient | None = None
        self.separator = "/"
        self.selected: str | None = None
        self._known_folders: set[str] = set()
        self.idling = False

    @property
    def where(self) -> str:
        return f"imap {self.cfg.host}:{self.cfg.port}"

    # -- connection ------------------------------------------------------------------
    def connect(self) -> ImapConnection:
        """Connect, negotiate TLS, log in and learn the hierarchy separator."""
        cfg = self.cfg
        context = self.ssl_context or ssl.create_default_context()
        with classified(self.where):
            client = IMAPClient(cfg.host, port=cfg.port, ssl=cfg.security == "tls",
                                ssl_context=context if cfg.security == "tls" else None,
                                timeout=self.timeout)
            self.client = client
            if cfg.security == "starttls":
                if not client.has_capability("STARTTLS"):
                    raise ImapConfigError(f"{self.where}: security = starttls but the server "
                                          "does not offer STARTTLS")
                client.starttls(context)
            self._login(client)
            self.separator = self._find_separator(client)
        return self

    def _login(self, client: IMAPClient) -> None:
        cfg = self.cfg
        if not cfg.username:
            raise ImapConfigError("imap.username is not set")
        token = oauth_token(cfg)
        if token is not None:
            if client.has_capability("AUTH=OAUTHBEARER") and not client.has_capability("AUTH=XOAUTH2"):
                client.oauthbearer_login(cfg.username, token)
            else:
                client.oauth2_login(cfg.username, token)
            return
        try:
            password = secret(cfg.password_env, "IMAP password")
        except ConfigError as exc:
            raise ImapConfigError(str(exc)) from exc
        if password is None:
            raise ImapConfigError("imap: set password_env, oauth_token_env or oauth_token_command")
        client.login(cfg.username, password)

    @staticmethod
    def _find_separator(client: IMAPClient) -> str:
        for _flags, delim, _name in client.list_folders("", "INBOX"):
            if delim:
                return delim.decode() if isinstance(delim, bytes) else str(delim)
        return "/"

    def close(self) -> None:
        """Log out, or drop the socket if the server is already gone. Never raises."""
        client, self.client = self.client, None
        self.selected = None
        self.idling = False
        if client is None:
            return
        try:
            client.logout()
        except Exception:  # noqa: BLE001 - closing a broken connection
            with contextlib.suppress(Exception):
                client.shutdown()

    @property
    def connected(self) -> bool:
        return self.client is not None

    def _c(self) -> IMAPClient:
        if self.client is None:
            raise ImapTransientError(f"{self.where}: not connected")
        return self.client

    def has(self, capability: str) -> bool:
        with classified(self.where):
            return bool(self._c().has_capability(capability))

    def noop(self) -> None:
        with classified(self.where):
            self._c().noop()

    # -- folders ---------------------------------------------------------------------
    def server_name(self, name: str) -> str:
        """Our ``A/B`` folder name in the server's hierarchy separator."""
        if name.upper() == "INBOX" or self.separator == "/":
            return name
        return name.replace("/", self.separator)

    def select(self, folder: str) -> int:
        """SELECT ``folder`` (read-write) and return its UIDVALIDITY."""
        c = self._c()
        name = self.server_name(folder)
        with classified(self.where):
            try:
                info = c.select_folder(name)
            except imapx.IMAPClientError as exc:
                if not c.folder_exists(name):
                    raise ImapConfigError(f"{self.where}: folder {folder!r} does not exist "
                                          "(check imap.folder)") from exc
                raise
        self.selected = folder
        return int(info[b"UIDVALIDITY"])

    def ensure_folder(self, folder: str) -> str:
        """Create ``folder`` (and parents, as servers do) unless it exists; server name."""
        name = self.server_name(folder)
        if name in self._known_folders:
            return name
        c = self._c()
        with classified(self.where):
            if not c.folder_exists(name):
                try:
                    c.create_folder(name)
                except imapx.IMAPClientError as exc:
                    if not c.folder_exists(name):   # lost a race with another client: fine
                        raise ImapConfigError(f"{self.where}: cannot create folder {folder!r}: "
                                              f"{_short(exc)}") from exc
        self._known_folders.add(name)
        return name

    # -- reading ---------------------------------------------------------------------
    def uids_after(self, last_uid: int) -> list[int]:
        """UIDs greater than ``last_uid`` in the selected folder, ascending.

        ``UID n:*`` always matches the highest message even when it is below n
        (RFC 3501), hence the filter.
        """
        with classified(self.where):
            found = self._c().search(["UID", f"{last_uid + 1}:*"])
        return sorted(u for u in found if u > last_uid)

    def existing(self, uids: Sequence[int]) -> list[int]:
        """Which of ``uids`` are still in the selected folder."""
        if not uids:
            return []
        with classified(self.where):
            return sorted(self._c().search(["UID", _uid_set(uids)]))

    def sizes(self, uids: Sequence[int]) -> dict[int, int]:
        """RFC822.SIZE of ``uids`` (one round trip per 1,000)."""
        c = self._c()
        out: dict[int, int] = {}
        for i in range(0, len(uids), 1000):
            chunk = list(uids[i:i + 1000])
            with classified(self.where):
                data = c.fetch(chunk, [b"RFC822.SIZE"])
            for uid, item in data.items():
                size = item.get(b"RFC822.SIZE")
                if size is not None:
                    out[int(uid)] = int(size)
        return out

    def fetch(self, uids: Sequence[int], batch: int = FETCH_BATCH,
              max_bytes: int = FETCH_BATCH_BYTES) -> Iterator[list[FetchedMessage]]:
        """The raw bytes of ``uids`` in batches (BODY.PEEK[]: does not set \\Seen).

        A batch holds at most ``batch`` messages and, beyond its first message, at
        most ``max_bytes`` (sizes asked first): memory stays bounded when a backlog
        carries large attachments. UIDs that vanished meanwhile are skipped.
        """
        c = self._c()
        for chunk in _batches(list(uids), self.sizes(uids), batch, max_bytes):
            with classified(self.where):
                data = c.fetch(chunk, [b"BODY.PEEK[]"])
            out = []
            for uid in chunk:
                item = data.get(uid)
                if item is None:
                    continue
                raw = item.get(b"BODY[]")
                if raw is None:
                    continue
                out.append(FetchedMessage(uid=uid, raw=bytes(raw)))
            yield out

    # -- changing --------------------------------------------------------------------
    def move(self, uids: Sequence[int], folder: str) -> None:
        """Move ``uids`` of the selected folder to ``folder`` (created on demand).

        UID MOVE when offered, else UID COPY + STORE \\Deleted + (UID) EXPUNGE.
        """
        if not uids:
            return
        dest = self.ensure_folder(folder)
        c = self._c()
        with classified(self.where):
            uidset = _uid_set(uids)
            if c.has_capability("MOVE"):
                c.move(uidset, dest)
                return
            c.copy(uidset, dest)
            c.add_flags(uidset, [b"\\Deleted"], silent=True)
            if c.has_capability("UIDPLUS"):
                c.uid_expunge(uidset)
            else:
                c.expunge()

    def mark_seen(self, uids: Sequence[int]) -> None:
        """Flag ``uids`` \\Seen (when no destination folder is configured)."""
        if not uids:
            return
        with classified(self.where):
            self._c().add_flags(_uid_set(uids), [b"\\Seen"], silent=True)

    def append(self, folder: str, raw: bytes, when: dt.datetime | None = None) -> None:
        with classified(self.where):
            self._c().append(self.server_name(folder), raw, msg_time=when)

    # -- IDLE ------------------------------------------------------------------------
    def idle_start(self) -> None:
        with classified(self.where):
            self._c().idle()
        self.idling = True

    def idle_wait(self, timeout: float) -> bool:
        """Wait up to ``timeout`` s in IDLE; True when the server reported a change."""
        with classified(self.where):
            responses = self._c().idle_check(timeout=timeout)
        for resp in responses:
            if len(resp) >= 2 and resp[1] in (b"EXISTS", b"RECENT"):
                return True
            if resp and resp[0] == b"BYE":
                raise ImapTransientError(f"{self.where}: server said BYE while idling")
        return False

    def idle_stop(self) -> None:
        if not self.idling:
            return
        self.idling = False
        with classified(self.where):
            self._c().idle_done()


def _batches(uids: list[int], sizes: dict[int, int], count: int, max_bytes: int) -> Iterator[list[int]]:
    """Split ``uids`` into runs of at most ``count`` and (past the first) ``max_bytes``."""
    chunk: list[int] = []
    total = 0
    for uid in uids:
        size = sizes.get(uid, 0)
        if chunk and (len(chunk) >= count or total + size > max_bytes):
            yield chunk
            chunk, total = [], 0
        chunk.append(uid)
        total += size
    if chunk:
        yield chunk


def _uid_set(uids: Sequence[int]) -> str:
    """A compact UID set: ``1:5,9,11:12``."""
    s = sorted(set(uids))
    parts: list[str] = []
    start = prev = s[0]
    for u in s[1:]:
        if u == prev + 1:
            prev = u
            continue
        parts.append(f"{start}:{prev}" if prev != start else str(start))
        start = prev = u
    parts.append(f"{start}:{prev}" if prev != start else str(start))
    return ",".join(parts)
