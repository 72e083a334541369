"""An embedded IMAP server (pymap, in-memory ``dict`` backend) on loopback.

Used by ``arbot demo`` (offline, no system services) and by the tests. The server runs
its own asyncio loop in a daemon thread; :class:`LocalImapServer` is a context manager::

    with LocalImapServer(user="ar", password="secret") as srv:
        srv.port  # plaintext IMAP on 127.0.0.1

pymap 0.36 supports IDLE, MOVE and UIDPLUS but not CONDSTORE, and drops custom
keywords: arbot keeps its state in the database and moves messages instead of flagging.
Messages are delivered with IMAP APPEND (:meth:`LocalImapServer.append`).
"""

from __future__ import annotations

import asyncio
import socket
import threading
from argparse import Namespace
from contextlib import AsyncExitStack
from types import TracebackType
from typing import Self


def free_port(host: str = "127.0.0.1") -> int:
    """A TCP port that was free a moment ago (bind to 0 and release)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((host, 0))
        return int(s.getsockname()[1])


class LocalImapServer:
    """pymap with one user and an empty INBOX, plaintext on ``host:port``."""

    def __init__(self, *, user: str = "ar", password: str = "secret",
                 host: str = "127.0.0.1", port: int | None = None,
                 cert_file: str | None = None, key_file: str | None = None) -> None:
        """With ``cert_file``/``key_file`` the server offers STARTTLS (and then
        accepts logins only after it); without, plaintext logins are allowed."""
        self.cert_file, self.key_file = cert_file, key_file
        self.user = user
        self.password = password
        self.host = host
        self.port = port or free_port(host)
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._stop: asyncio.Event | None = None
        self._ready = threading.Event()
        self._error: BaseException | None = None

    # -- lifecycle -------------------------------------------------------------------
    def start(self, timeout: float = 10.0) -> Self:
        self._thread = threading.Thread(target=self._main, name="pymap", daemon=True)
        self._thread.start()
        if not self._ready.wait(timeout):
            raise RuntimeError("embedded IMAP server did not start in time")
        if self._error is not None:
            raise RuntimeError(f"embedded IMAP server failed: {self._error}") from self._error
        return self

    def stop(self) -> None:
        if self._loop is not None and self._stop is not None:
            self._loop.call_soon_threadsafe(self._stop.set)
        if self._thread is not None:
            self._thread.join(10)
        self._thread = None

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, et: type[BaseException] | None, ev: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.stop()

    def _main(self) -> None:
        try:
            asyncio.run(self._serve())
        except BaseException as exc:  # noqa: BLE001 - reported to start()
            self._error = exc
            self._ready.set()

    async def _serve(self) -> None:
        from pymap.backend.dict import DictBackend
        from pymap.imap import IMAPService

        self._loop = asyncio.get_running_loop()
        self._stop = asyncio.Event()
        args = Namespace(
            debug=False, host=[self.host], port=str(self.port), cert=self.cert_file,
            key=self.key_file, tls=self.cert_file is not None, inherited_sockets=None, proxy_protocol=None, passlib_cfg=None,
            demo_data=False, demo_user=self.user, demo_password=self.password,
            skip_services=[],
        )
        from pysasl.hashing import BuiltinHash

        # A loopback server for tests and the demo: cheap password hashing (pymap's
        # default, 500,000 PBKDF2 rounds, costs ~0.5 s per login) and no sleep after a
        # failed login.
        backend, config = await DictBackend.init(
            args, invalid_user_sleep=0.0, hash_context=BuiltinHash(rounds=1000))
        config.apply_context()
        async with AsyncExitStack() as stack:
            await backend.start(stack)
            await IMAPService(backend, config).start(stack)
            self._ready.set()
            await self._stop.wait()

    # -- conveniences ----------------------------------------------------------------
    def append(self, raw: bytes, folder: str = "INBOX") -> None:
        """Deliver one message (IMAP APPEND, creating the folder if needed)."""
        append_messages(self.host, self.port, self.user, self.password, [raw], folder)


def append_messages(host: str, port: int, user: str, password: str,
                    messages: list[bytes], folder: str = "INBOX") -> None:
    """Deliver messages by IMAP APPEND over one connection (creates ``folder``)."""
    from imapclient import IMAPClient

    with IMAPClient(host, port=port, ssl=False, timeout=30) as c:
        c.login(user, password)
        if folder.upper() != "INBOX" and not c.folder_exists(folder):
            c.create_folder(folder)
        for raw in messages:
            c.append(folder, raw)
