"""``arbot inbox list|show|retry|fetch``: the stored inbound mail and the mailbox watcher."""

from __future__ import annotations

import asyncio
import signal
from typing import Annotated, Any

import typer
from sqlalchemy import func, select

from bot.cli_common import fail, print_json, state
from bot.imap_client import ImapError
from bot.mailbox import MailboxWatcher, default_process_hook, header_facts
from bot.models import InboundMessage

STATUSES = ("new", "processed", "review", "failed", "ignored", "own")


def register(app: typer.Typer) -> None:
    inbox = typer.Typer(help="Inbound mail: what arrived, what became of it, replays.",
                        no_args_is_help=True)

    @inbox.command("list")
    def list_cmd(
        ctx: typer.Context,
        status: Annotated[str | None, typer.Option("--status", help=f"One of {', '.join(STATUSES)}.")] = None,
        limit: Annotated[int, typer.Option("--limit", help="At most N rows (newest first).")] = 50,
        as_json: Annotated[bool, typer.Option("--json", help="Machine-readable output.")] = False,
    ) -> None:
        """List stored inbound messages, newest first."""
        if status is not None and status not in STATUSES:
            fail(f"--status: unknown status {status!r} (one of {', '.join(STATUSES)})")
        db = state(ctx).db()
        with db.session() as s:
            q = select(InboundMessage).order_by(InboundMessage.id.desc()).limit(limit)
            if status:
                q = q.where(InboundMessage.status == status)
            rows = list(s.scalars(q))
            counts = dict(s.execute(select(InboundMessage.status, func.count())
                                    .group_by(InboundMessage.status)).all())
        items: list[dict[str, Any]] = []
        for r in rows:
            _mid, frm = header_facts(r.raw)
            items.append({"id": r.id, "status": r.status, "attempts": r.attempts,
                          "received_at": r.received_at.isoformat(), "from": frm,
                          "message_id": r.message_id, "customer_id": r.customer_id,
                          "moved": r.mailbox_done, "last_error": r.last_error})
        if as_json:
            print_json({"counts": counts, "messages": items})
            return
        typer.echo("  ".join(f"{k}={v}" for k, v in sorted(counts.items())) or "no messages")
        for it in items:
            err = f"  error: {it['last_error'][:80]}" if it["last_error"] else ""
            typer.echo(f"{it['id']:>6}  {it['status']:<9} {it['received_at'][:19]}  "
                       f"{(it['from'] or '?')[:40]:<40}{err}")

    @inbox.command("show")
    def show_cmd(
        ctx: typer.Context,
        inbound_id: Annotated[int, typer.Argument(help="The message's id (from `arbot inbox list`).")],
        raw: Annotated[bool, typer.Option("--raw", help="Print the raw message bytes.")] = False,
    ) -> None:
        """Show one stored message: where it came from, what became of it, why."""
        db = state(ctx).db()
        with db.session() as s:
            r = s.get(InboundMessage, inbound_id)
            if r is None:
                fail(f"inbound message {inbound_id} not found")
            if raw:
                typer.echo(r.raw.decode("utf-8", "replace"))
                return
            _mid, frm = header_facts(r.raw)
            print_json({"id": r.id, "folder": r.folder, "uidvalidity": r.uidvalidity, "uid": r.uid,
                        "message_id": r.message_id, "from": frm, "status": r.status,
                        "attempts": r.attempts, "last_error": r.last_error,
                        "received_at": r.received_at, "processed_at": r.processed_at,
                        "customer_id": r.customer_id, "tie": r.tie, "reading": r.reading,
                        "moved": r.mailbox_done, "size": len(r.raw)})

    @inbox.command("retry")
    def retry_cmd(
        ctx: typer.Context,
        inbound_id: Annotated[int, typer.Argument(help="A failed or review message's id.")],
    ) -> None:
        """Replay a failed (or needs-review) message through the processing step."""
        st = state(ctx)
        db, cfg = st.db(), st.config()
        hook = default_process_hook(db, cfg)
        if hook is None:
            fail("no processing step is installed (bot.inbox.process_message)")
        with db.session() as s:
            r = s.get(InboundMessage, inbound_id)
            if r is None:
                fail(f"inbound message {inbound_id} not found")
            if r.status not in ("failed", "review", "new"):
                fail(f"inbound message {inbound_id} is {r.status}; only failed, review or new "
                     "messages can be replayed")
            r.status = "new"     # the hook records the outcome and the final status
        watcher = MailboxWatcher(db, cfg, process=hook)
        ok = watcher.process_one(inbound_id)
        with db.session() as s:
            r2 = s.get(InboundMessage, inbound_id)
            assert r2 is not None
            typer.echo(f"inbound {inbound_id}: {r2.status}" + ("" if ok else f" ({r2.last_error})"))
        if not ok:
            raise typer.Exit(1)

    @inbox.command("fetch")
    def fetch_cmd(
        ctx: typer.Context,
        once: Annotated[bool, typer.Option("--once", help="One pass, then exit (for cron and tests).")] = False,
    ) -> None:
        """Read the AR mailbox: store new mail, process it, move it. Without --once, watch."""
        st = state(ctx)
        db, cfg = st.db(), st.config()
        from bot.runtime import Runtime

        # One runtime for both steps, as the daemon has: a batch's reader processes also
        # read the retries of a failed batch (see bot.readpool).
        rt = Runtime(db, cfg)
        watcher = MailboxWatcher(db, cfg, process=rt.process, process_batch=rt.process_batch,
                                 backlog=rt.backlog_ahead)
        if once:
            try:
                rep = watcher.run_once()
            except ImapError as exc:
                fail(f"{type(exc).__name__}: {exc}")
            finally:
                watcher.close()
                rt.close()
            if rep.standby:
                typer.echo("another mailbox watcher holds the lock; nothing done")
                return
            typer.echo(f"stored {rep.stored} (own {rep.own}, re-adopted {rep.readopted}), "
                       f"processed {rep.processed}, failed {rep.failed}, moved {rep.moved}")
            return
        try:
            asyncio.run(_watch(watcher))
        finally:
            rt.close()

    @inbox.command("baseline")
    def baseline_cmd(ctx: typer.Context) -> None:
        """Start watching from now: leave the messages already in the folder alone."""
        st = state(ctx)
        watcher = MailboxWatcher(st.db(), st.config())
        try:
            skipped = watcher.baseline()
        except ImapError as exc:
            fail(f"{type(exc).__name__}: {exc}")
        finally:
            watcher.close()
        typer.echo(f"{skipped} existing messages left alone; new mail from now on is read")

    app.add_typer(inbox, name="inbox")


async def _watch(watcher: MailboxWatcher) -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    await watcher.run(stop)
