"""``arbot send [--now T]`` drains the outbox once; ``arbot outbox`` lists it and lets staff
resolve messages whose delivery is uncertain (``arbot outbox release ID --sent|--resend``)."""

from __future__ import annotations

import asyncio
import datetime as dt
from typing import Annotated, Any

import typer
from sqlalchemy import func, select

from bot import outbox
from bot.cli_common import NOW_HELP, fail, parse_now, print_json, state
from bot.db import utcnow
from bot.models import OutboxMessage


def _row(r: Any) -> dict[str, Any]:
    return {
        "id": r.id, "status": r.status, "kind": r.kind, "customer_id": r.customer_id,
        "campaign": r.campaign, "step": r.step, "to": list(r.rcpt_to or []), "subject": r.subject,
        "message_id": r.message_id, "attempts": r.attempts,
        "next_attempt_at": r.next_attempt_at.isoformat() if r.next_attempt_at else None,
        "created_at": r.created_at.isoformat() if r.created_at else None,
        "sent_at": r.sent_at.isoformat() if r.sent_at and r.status == outbox.SENT else None,
        "last_error": r.last_error,
    }


def register(app: typer.Typer) -> None:
    @app.command("send")
    def send_cmd(
        ctx: typer.Context,
        now: Annotated[str | None, typer.Option(help=NOW_HELP)] = None,
        json_out: Annotated[bool, typer.Option("--json", help="Print the counts as JSON.")] = False,
    ) -> None:
        """Send every due email in the outbox once, then exit (prints what happened)."""
        from bot.config import ConfigError
        from bot.sender import Sender

        st = state(ctx)
        cfg = st.config()
        at = parse_now(now, cfg.company.tz) if now else None
        try:
            sender = Sender(st.db(), cfg, clock=(lambda: at) if at else utcnow)
        except ConfigError as exc:
            fail(str(exc))

        async def once() -> Any:
            try:
                return await sender.run_once(at)
            finally:
                await sender.aclose()

        stats = asyncio.run(once())
        if json_out:
            print_json(stats.as_dict())
            return
        typer.echo(" ".join(f"{k}={v}" for k, v in stats.as_dict().items()))

    outbox_app = typer.Typer(help="The outbox: queued, sent, failed and uncertain emails.",
                             invoke_without_command=True)

    @outbox_app.callback()
    def outbox_list(
        ctx: typer.Context,
        status: Annotated[str | None, typer.Option(
            help="Only this status: " + ", ".join(outbox.STATUSES) + ".")] = None,
        limit: Annotated[int, typer.Option(help="At most this many rows (newest first).")] = 100,
        json_out: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    ) -> None:
        """List outbox messages (newest first) and counts per status."""
        if ctx.invoked_subcommand:
            return
        if status and status not in outbox.STATUSES:
            fail(f"--status: unknown status {status!r} (one of {', '.join(outbox.STATUSES)})")
        db = state(ctx).db()
        cols = [OutboxMessage.id, OutboxMessage.status, OutboxMessage.kind, OutboxMessage.customer_id,
                OutboxMessage.campaign, OutboxMessage.step, OutboxMessage.rcpt_to,
                OutboxMessage.subject, OutboxMessage.message_id, OutboxMessage.attempts,
                OutboxMessage.next_attempt_at, OutboxMessage.created_at, OutboxMessage.sent_at,
                OutboxMessage.last_error]
        q = select(*cols).order_by(OutboxMessage.id.desc()).limit(limit)   # never loads raw
        if status:
            q = q.where(OutboxMessage.status == status)
        with db.session() as s:
            rows = [_row(r) for r in s.execute(q)]
            counts = dict(s.execute(select(OutboxMessage.status, func.count())
                                    .group_by(OutboxMessage.status)).all())
        if json_out:
            print_json(rows)
            return
        typer.echo("  ".join(f"{k}: {counts.get(k, 0)}" for k in outbox.STATUSES))
        for r in rows:
            err = f"  [{r['last_error'][:70]}]" if r["last_error"] else ""
            typer.echo(f"{r['id']:>7}  {r['status']:<9} {r['kind']:<8} "
                       f"{(r['step'] or ''):<6} {','.join(r['to'])[:40]:<40} "
                       f"{r['subject'][:40]}  tries={r['attempts']}{err}")

    @outbox_app.command("release")
    def release_cmd(
        ctx: typer.Context,
        message: Annotated[int, typer.Argument(help="Outbox id (see `arbot outbox --status uncertain`).")],
        sent: Annotated[bool, typer.Option("--sent", help="It did arrive: record it as sent.")] = False,
        resend: Annotated[bool, typer.Option("--resend", help="It did not arrive: queue it again.")] = False,
        now: Annotated[str | None, typer.Option(help=NOW_HELP)] = None,
    ) -> None:
        """Resolve an uncertain (or failed) message: an explicit --sent or --resend is required."""
        if sent == resend:
            fail("say what happened: exactly one of --sent or --resend")
        st = state(ctx)
        at: dt.datetime = parse_now(now, st.config().company.tz)
        try:
            with st.db().session() as s:
                row = outbox.release(s, message, resend=resend, now=at, actor="staff")
                line = f"outbox {row.id}: {row.status}"
        except outbox.OutboxError as exc:
            fail(str(exc))
        typer.echo(line)

    app.add_typer(outbox_app, name="outbox")
