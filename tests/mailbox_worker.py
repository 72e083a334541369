"""A mailbox watcher process for the kill-and-restart test: ``python -m tests.mailbox_worker CONFIG``.

Runs :meth:`MailboxWatcher.run` with the recording hook until SIGTERM (or SIGKILL).
"""

from __future__ import annotations

import asyncio
import signal
import sys

from bot.config import load_config
from bot.db import Database
from bot.mailbox import MailboxWatcher
from tests.mailbox_helpers import RecordingHook


async def main(config_path: str) -> None:
    cfg = load_config(config_path)
    db = Database(cfg.database_url)
    watcher = MailboxWatcher(db, cfg, process=RecordingHook(db))
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    loop.add_signal_handler(signal.SIGTERM, stop.set)
    await watcher.run(stop)


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1]))
