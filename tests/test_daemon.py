"""The supervisor: restarts failed tasks, stops gracefully, one ordered cycle for --once."""

from __future__ import annotations

import asyncio
import datetime as dt

from bot.daemon import PeriodicTask, Supervisor, run_cycle

NOW = dt.datetime(2026, 11, 23, 9, 0, tzinfo=dt.UTC)


class Flaky:
    name = "flaky"

    def __init__(self) -> None:
        self.calls = 0
        self.finished = False

    async def run_once(self, now: dt.datetime) -> str:
        return "ok"

    async def run(self, stop: asyncio.Event) -> None:
        self.calls += 1
        if self.calls == 1:
            raise ConnectionError("server went away")
        await stop.wait()
        await asyncio.sleep(0.05)     # in-flight work finishing
        self.finished = True


class Stubborn:
    name = "stubborn"
    cancelled = False

    async def run_once(self, now: dt.datetime) -> str:
        return "ok"

    async def run(self, stop: asyncio.Event) -> None:
        try:
            await asyncio.sleep(3600)
        except asyncio.CancelledError:
            self.cancelled = True
            raise


def test_supervisor_restarts_and_stops_gracefully() -> None:
    async def main() -> tuple[Flaky, Stubborn, Supervisor]:
        flaky, stubborn = Flaky(), Stubborn()
        sup = Supervisor([flaky, stubborn], stop_timeout=0.5)
        runner = asyncio.create_task(sup.run())
        for _ in range(200):
            if flaky.calls >= 2:
                break
            await asyncio.sleep(0.02)
        sup.request_stop()
        await asyncio.wait_for(runner, timeout=5)
        return flaky, stubborn, sup

    flaky, stubborn, sup = asyncio.run(main())
    assert flaky.calls == 2 and flaky.finished          # restarted once, then finished in-flight work
    assert sup.restarts == {"flaky": 1}
    assert stubborn.cancelled                           # past the stop timeout: cancelled


def test_run_cycle_order_and_failure_isolation() -> None:
    seen: list[str] = []

    def work(name: str, fail: bool = False):  # type: ignore[no-untyped-def]
        def f(now: dt.datetime) -> str:
            seen.append(name)
            if fail:
                raise RuntimeError("boom")
            return f"{name} done at {now:%H:%M}"
        return f

    tasks = [PeriodicTask("tick", 60, work("tick"), lambda: NOW),
             PeriodicTask("send", 60, work("send"), lambda: NOW),
             PeriodicTask("mailbox", 60, work("mailbox", fail=True), lambda: NOW),
             PeriodicTask("digest", 60, work("digest"), lambda: NOW)]
    lines = asyncio.run(run_cycle(tasks, NOW))
    assert seen == ["tick", "send", "mailbox", "digest", "send"]
    assert lines[0] == "tick: tick done at 09:00"
    assert lines[2] == "mailbox: FAILED RuntimeError: boom"
