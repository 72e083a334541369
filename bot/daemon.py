"""``arbot run``: one supervisor over a few long-lived asyncio tasks.

Each task has ``run_once(now)`` (what tests and ``arbot run --once`` call) and
``run(stop)`` (its loop until ``stop`` is set). The supervisor:

* starts every task, restarts one that crashes with exponential backoff (the daemon
  never dies because one task failed), logging the error class;
* on SIGTERM/SIGINT sets ``stop``: tasks stop taking new work, finish what is in flight
  and return; whatever is still running after ``[daemon] stop_timeout_seconds`` is
  cancelled (everything is committed per unit of work, so cancelling loses nothing);
* ``run_cycle`` runs one full cycle in a fixed order: tick (queue due steps), send,
  read the mailbox and act, poll payments, digest if due, send again (answers, alerts).
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
import random
import signal
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from typing import Protocol

log = logging.getLogger("arbot.daemon")

Clock = Callable[[], dt.datetime]


class Task(Protocol):
    name: str

    async def run_once(self, now: dt.datetime) -> str:
        """Do one unit of the task's work at ``now``; return a one-line summary."""

    async def run(self, stop: asyncio.Event) -> None:
        """Loop until ``stop`` is set, then return promptly."""


async def wait_or_stop(stop: asyncio.Event, seconds: float) -> bool:
    """Sleep up to ``seconds``; True if ``stop`` was set meanwhile."""
    with contextlib.suppress(asyncio.TimeoutError):
        await asyncio.wait_for(stop.wait(), timeout=max(0.0, seconds))
    return stop.is_set()


@dataclass
class PeriodicTask:
    """A task that calls a synchronous unit of work every ``interval`` seconds (in a thread)."""

    name: str
    interval: float
    work: Callable[[dt.datetime], str]
    clock: Clock
    last_summary: str = ""

    async def run_once(self, now: dt.datetime) -> str:
        self.last_summary = await asyncio.to_thread(self.work, now)
        return self.last_summary

    async def run(self, stop: asyncio.Event) -> None:
        while not stop.is_set():
            summary = await self.run_once(self.clock())
            if summary:
                log.info("%s: %s", self.name, summary)
            if await wait_or_stop(stop, self.interval):
                return


@dataclass
class AsyncTask:
    """Adapter for tasks that already have async ``run_once``/``run`` (sender, mailbox)."""

    name: str
    once: Callable[[dt.datetime], Awaitable[str]]
    loop: Callable[[asyncio.Event], Awaitable[None]]

    async def run_once(self, now: dt.datetime) -> str:
        return await self.once(now)

    async def run(self, stop: asyncio.Event) -> None:
        await self.loop(stop)


@dataclass
class Supervisor:
    tasks: Sequence[Task]
    stop_timeout: float = 10.0
    max_backoff: float = 300.0
    stop: asyncio.Event = field(default_factory=asyncio.Event)
    restarts: dict[str, int] = field(default_factory=dict)

    async def _guard(self, task: Task) -> None:
        delay = 1.0
        while not self.stop.is_set():
            try:
                await task.run(self.stop)
                return
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # noqa: BLE001 - a task's failure must not kill the daemon
                self.restarts[task.name] = self.restarts.get(task.name, 0) + 1
                log.error("task %s failed (%s: %s); restarting in %.0fs", task.name, type(exc).__name__,
                          str(exc).splitlines()[0] if str(exc) else "", delay)
                if await wait_or_stop(self.stop, delay * random.uniform(0.8, 1.2)):
                    return
                delay = min(delay * 2, self.max_backoff)

    def install_signal_handlers(self) -> None:
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            with contextlib.suppress(NotImplementedError, RuntimeError):
                loop.add_signal_handler(sig, self.request_stop)

    def request_stop(self) -> None:
        log.info("stop requested: finishing in-flight work")
        self.stop.set()

    async def run(self) -> None:
        running = [asyncio.create_task(self._guard(t), name=t.name) for t in self.tasks]
        await self.stop.wait()
        _done, pending = await asyncio.wait(running, timeout=self.stop_timeout)
        for t in pending:
            log.warning("task %s did not stop in %.0fs: cancelled", t.get_name(), self.stop_timeout)
            t.cancel()
        if pending:
            await asyncio.gather(*pending, return_exceptions=True)


async def run_cycle(tasks: Sequence[Task], now: dt.datetime, *, send_again: str | None = "send") -> list[str]:
    """One full cycle in order (the ``--once`` mode); a failing task is reported, not fatal."""
    lines = []
    order = list(tasks)
    if send_again and any(t.name == send_again for t in order):
        order.append(next(t for t in order if t.name == send_again))
    for task in order:
        try:
            lines.append(f"{task.name}: {await task.run_once(now)}")
        except Exception as exc:
            log.exception("task %s failed", task.name)
            lines.append(f"{task.name}: FAILED {type(exc).__name__}: {exc}".splitlines()[0])
    return lines
