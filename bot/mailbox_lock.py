"""One mailbox watcher at a time per database and folder.

* PostgreSQL: a session-level advisory lock (``pg_try_advisory_lock``) held on a
  dedicated connection for as long as the watcher runs. It disappears with the session,
  so a killed daemon never leaves a stale lock behind.
* SQLite: an exclusive ``flock`` on a file next to the database (``<db>.mailbox.lock``);
  released by the kernel when the process dies. (A lock row would outlive a kill -9.)
"""

from __future__ import annotations

import contextlib
import hashlib
import os
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, text

from bot.db import Database


def lock_key(name: str) -> int:
    """A stable signed 64-bit key for ``pg_try_advisory_lock``."""
    return int.from_bytes(hashlib.sha256(name.encode()).digest()[:8], "big", signed=True)


class WatcherLock:
    """``acquire()`` without waiting; ``release()``; idempotent both ways."""

    def __init__(self, db: Database, name: str) -> None:
        self.db = db
        self.name = name
        self._conn: Connection | None = None
        self._fd: int | None = None

    @property
    def held(self) -> bool:
        return self._conn is not None or self._fd is not None

    def acquire(self) -> bool:
        """Take the lock without waiting (True), or report another holder (False).

        On PostgreSQL a held lock is re-checked: if its session died (server restart,
        network), the lock went with it and is taken again -- or lost to another watcher.
        """
        if self._conn is not None and not self._session_alive():
            self.release()
        if self.held:
            return True
        if self.db.dialect == "postgresql":
            return self._acquire_pg()
        return self._acquire_file()

    def _session_alive(self) -> bool:
        assert self._conn is not None
        try:
            self._conn.execute(text("SELECT 1"))
            self._conn.commit()
            return True
        except Exception:  # noqa: BLE001 - any failure means the session is gone
            return False

    def _acquire_pg(self) -> bool:
        conn = self.db.engine.connect()
        try:
            got = conn.execute(text("SELECT pg_try_advisory_lock(:k)"), {"k": lock_key(self.name)}).scalar()
            conn.commit()   # end the implicit transaction; the lock is session-level
        except Exception:
            conn.close()
            raise
        if not got:
            conn.close()
            return False
        self._conn = conn
        return True

    def _acquire_file(self) -> bool:
        import fcntl

        path = self.lock_path()
        if path is None:          # in-memory database: one process by construction
            self._fd = -1
            return True
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            os.close(fd)
            return False
        self._fd = fd
        return True

    def lock_path(self) -> Path | None:
        database: Any = self.db.engine.url.database
        if not database or database == ":memory:":
            return None
        safe = hashlib.sha256(self.name.encode()).hexdigest()[:12]
        return Path(f"{database}.mailbox-{safe}.lock")

    def release(self) -> None:
        conn, self._conn = self._conn, None
        if conn is not None:
            try:
                # Closing the session releases the lock anyway; unlock first to be tidy.
                with contextlib.suppress(Exception):
                    conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": lock_key(self.name)})
                    conn.commit()
            finally:
                conn.close()
        fd, self._fd = self._fd, None
        if fd is not None and fd >= 0:
            os.close(fd)   # closing the descriptor drops the flock
