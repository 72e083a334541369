"""Backlog ingest: APPEND N realistic replies, then time one watcher pass over them.

    python benchmarks/bench_ingest.py [N] [--batch]

Fetch (batches of 200), store (one transaction per batch), process (the real pipeline,
wired as the daemon wires it: ``bot.runtime.Runtime``; with ``--batch`` 100 messages per
transaction, read in worker processes), commit, UID MOVE in batches. Prints replies/s
end to end and the CPU time per reply (this process and the reader processes). Bar:
>= 300 replies/s with the real pipeline.
Uses Dovecot when installed, else the embedded pymap server; SQLite unless
``ARBOT_BENCH_DB_URL`` names another database.
"""

from __future__ import annotations

import resource
import sys
import time

from _imap_bench import bench_setup, passthrough_batch, real_or_passthrough, realistic_reply, seed_ledger
from imapclient import IMAPClient

from bot.mailbox import MailboxWatcher


def main(n: int, batch: bool) -> None:
    with bench_setup("Replies") as b:
        seed_ledger(b.db)
        msgs = [realistic_reply(i) for i in range(n)]
        t = time.perf_counter()
        with IMAPClient(b.host, port=b.port, ssl=False) as c:
            c.login(b.user, b.password)
            c.create_folder("Replies")
            for i in range(0, n, 100):
                c.multiappend("Replies", msgs[i:i + 100])
        t_append = time.perf_counter() - t
        hook, which = real_or_passthrough(b.db, b.config)
        batch_hook = None
        rt = None
        backlog = None
        if which.startswith("real"):
            # Wired as the daemon wires it (bot.runtime.Runtime.mailbox_task): one runtime,
            # its reader processes started when the backlog is seen.
            from bot.runtime import Runtime

            rt = Runtime(b.db, b.config)
            hook, backlog = rt.process, rt.backlog_ahead
            if batch:
                batch_hook = rt.process_batch
                which += ", batched (100 messages per transaction, reads in worker processes)"
        elif batch:
            batch_hook = passthrough_batch(b.db)
            which += ", batched (one transaction per 100 messages)"
        w = MailboxWatcher(b.db, b.config, process=hook, process_batch=batch_hook, backlog=backlog)
        children0 = resource.getrusage(resource.RUSAGE_CHILDREN)
        try:
            c0 = time.process_time()
            t0 = time.perf_counter()
            rep = w.run_once()
            elapsed = time.perf_counter() - t0
            cpu_main = time.process_time() - c0
        finally:
            w.close()
            if rt is not None:
                rt.close()      # joins the reader processes: their CPU time is then counted
        children1 = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu_workers = (children1.ru_utime + children1.ru_stime) - (children0.ru_utime + children0.ru_stime)
        assert rep.stored == n and rep.moved == n, rep
        print(f"server: {b.kind}; database: {b.db.dialect}; hook: {which}")
        print(f"appended {n} replies in {t_append:.1f} s (setup, not measured)")
        print(f"ingested {n} replies in {elapsed:.2f} s: {n / elapsed:.0f} replies/s end to end "
              f"(stored {rep.stored}, processed {rep.processed}, moved {rep.moved}); bar >= 300/s")
        print("phases: " + ", ".join(f"{k} {v:.2f} s" for k, v in rep.seconds.items()))
        print(f"CPU: this process {cpu_main:.2f} s, reader processes {cpu_workers:.2f} s (with their start-up); "
              f"{1000 * (cpu_main + cpu_workers) / n:.2f} ms CPU per reply")
        from sqlalchemy import func, select

        from bot.models import InboundMessage

        with b.db.session() as s:
            outcome = dict(s.execute(select(InboundMessage.status, func.count())
                                     .group_by(InboundMessage.status)).all())
        print(f"outcomes: {outcome}")


if __name__ == "__main__":
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    main(int(args[0]) if args else 2000, batch="--batch" in sys.argv)
