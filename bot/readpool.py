"""Reading replies in worker processes, for a backlog.

The reader (``parsers.read.read_reply``) is a pure function of the raw bytes and a
:class:`~parsers.types.ReadContext`, and CPU-bound; the rest of processing is database
work in the daemon's process. A :class:`ReadPool` runs the reader in a small, bounded
pool of worker processes so that reading the next messages overlaps the database work
of the current one.

Contract:

* **lazy**: no process is started until the first :meth:`ReadPool.submit`; a daemon that
  never sees a backlog never starts one (single messages are read in-process);
* **bounded**: ``workers`` processes (default: one fewer than the CPUs, at least one, at
  most :data:`MAX_WORKERS`); the caller submits at most one batch at a time;
* **a worker failure is a message failure**: :meth:`ReadPool.result` raises
  :class:`ReadFailed` when the reader raised, a worker died (the pool is then restarted
  on the next submit) or a read took longer than ``timeout`` seconds (the workers are
  killed: a stuck reader must not hold a CPU forever). The caller's transaction then
  rolls back and the mailbox watcher sets the message aside exactly as for any other
  processing failure (``failed``, attempts + 1, poison after three);
* :meth:`ReadPool.close` stops the workers (graceful daemon stop, end of a command).
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import signal
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from concurrent.futures.process import BrokenProcessPool

from parsers.types import ReadContext, Reading

log = logging.getLogger("arbot.readpool")

MAX_WORKERS = 4
#: A read that takes longer is a stuck reader (the worst pathological input reads in
#: well under a second).
READ_TIMEOUT_SECONDS = 30.0
#: Batches with fewer messages to read are read in-process: starting workers costs more.
MIN_BATCH = 16


class ReadFailed(RuntimeError):
    """The reader raised, its worker died, or it timed out; the message is set aside."""


def default_workers() -> int:
    return max(1, min(MAX_WORKERS, (os.cpu_count() or 2) - 1))


def _warm_up(parent: int) -> None:
    """Worker initializer: import the reader and compile its patterns once, up front.

    Ctrl-C in a terminal reaches the whole process group: the daemon decides when its
    workers stop (``close``), so they ignore SIGINT. A worker whose daemon died (kill -9)
    exits by itself instead of lingering.
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    threading.Thread(target=_exit_with_parent, args=(parent,), daemon=True).start()
    from parsers.read import read_reply

    read_reply(b"From: a@b.test\r\nSubject: Re: invoice 1\r\n\r\nWe will pay on Friday.\r\n", ReadContext())


def _exit_with_parent(parent: int) -> None:
    while os.getppid() == parent:
        time.sleep(1.0)
    os._exit(0)


def _noop() -> None:
    pass


def _read(raw: bytes, context: ReadContext) -> Reading:
    from parsers.read import read_reply

    return read_reply(raw, context)


class ReadPool:
    """A lazily started, bounded pool of reader processes (see the module docstring)."""

    def __init__(self, workers: int | None = None, timeout: float = READ_TIMEOUT_SECONDS,
                 read: Callable[[bytes, ReadContext], Reading] = _read) -> None:
        """``read`` must be a module-level function (it is pickled to the workers)."""
        self.workers = workers or default_workers()
        self.timeout = timeout
        self.read = read
        self._executor: ProcessPoolExecutor | None = None
        self._lock = threading.Lock()
        self._active = False

    @property
    def active(self) -> bool:
        """In use since a backlog started it (and not closed since): single messages are
        then read here too, so a reader that hangs or crashes on a message that failed
        in a batch fails that message again instead of the daemon."""
        return self._active

    def _ensure(self) -> ProcessPoolExecutor:
        with self._lock:
            if self._executor is None:
                # spawn, not fork: the daemon has threads and open database connections.
                ctx = multiprocessing.get_context("spawn")
                self._executor = ProcessPoolExecutor(self.workers, mp_context=ctx, initializer=_warm_up,
                                                     initargs=(os.getpid(),))
                log.info("read pool: %d worker process(es) started", self.workers)
            return self._executor

    def warm_up(self, _backlog: int = 0) -> None:
        """Start the workers now (they import the reader), ahead of the first batch."""
        self._active = True
        try:
            ex = self._ensure()
            for _ in range(self.workers):    # workers are spawned on demand, one per task
                ex.submit(_noop)
        except (BrokenProcessPool, RuntimeError):
            self._discard(kill=True)

    def submit(self, raw: bytes, context: ReadContext) -> Future[Reading]:
        self._active = True
        try:
            return self._ensure().submit(self.read, raw, context)
        except (BrokenProcessPool, RuntimeError):
            self._discard(kill=True)          # a dead pool: start a fresh one once
            return self._ensure().submit(self.read, raw, context)

    def result(self, future: Future[Reading]) -> Reading:
        """The reading, or :class:`ReadFailed` (reader error, dead worker, timeout)."""
        try:
            return future.result(timeout=self.timeout)
        except FutureTimeout:
            future.cancel()
            self._discard(kill=True)
            raise ReadFailed(f"reader timed out after {self.timeout:.0f} s") from None
        except BrokenProcessPool as exc:
            self._discard(kill=True)
            raise ReadFailed(f"reader worker died: {exc}") from None
        except Exception as exc:
            raise ReadFailed(f"reader failed: {type(exc).__name__}: {exc}") from exc

    def _discard(self, *, kill: bool) -> None:
        with self._lock:
            ex, self._executor = self._executor, None
        if ex is None:
            return
        if kill:
            # A stuck or dead worker: kill the processes (shutdown alone would wait for it).
            procs = getattr(ex, "_processes", None) or {}
            for p in list(procs.values()):
                if p.is_alive():
                    p.kill()
        ex.shutdown(wait=not kill, cancel_futures=True)

    def close(self) -> None:
        """Stop the workers (pending reads are cancelled); the pool may start again later."""
        self._active = False
        self._discard(kill=False)
