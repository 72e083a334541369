"""``arbot import customers|invoices|payments FILE``: the ledger from ERP exports."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated

import typer
from sqlalchemy.exc import SQLAlchemyError

from bot.cli_common import NOW_HELP, fail, parse_now, print_json, state
from bot.importer import ImportRejected, ImportSummary, import_customers, import_invoices, import_payments
from bot.importer.common import ProgressFn
from bot.money import to_str

FileArg = Annotated[Path, typer.Argument(help="CSV (UTF-8 or Windows-1252, , or ;) or XLSX file.")]
DryRun = Annotated[bool, typer.Option("--dry-run", help="Show what would change; write nothing.")]
Now = Annotated[str | None, typer.Option("--now", help=NOW_HELP)]
Json = Annotated[bool, typer.Option("--json", help="Print the counts as JSON.")]


@contextmanager
def _progress(enabled: bool, label: str) -> Iterator[ProgressFn | None]:
    """A rich progress bar on stderr, only when stderr is a terminal."""
    if not enabled or not sys.stderr.isatty():
        yield None
        return
    from rich.console import Console
    from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn

    with Progress(TextColumn("{task.description}"), BarColumn(), TextColumn("{task.percentage:>3.0f}%"),
                  TimeRemainingColumn(), console=Console(stderr=True), transient=True) as bar:
        task = bar.add_task(label, total=None)

        def update(position: int, total: int) -> None:
            bar.update(task, completed=position, total=total or None)

        yield update


def _report(summary: ImportSummary, as_json: bool) -> None:
    if as_json:
        data = summary.as_dict()
        data["allocated"] = {c: to_str(v, c) for c, v in summary.allocated_minor.items()}
        data["credit"] = {c: to_str(v, c) for c, v in summary.credit_minor.items()}
        print_json(data)
        return
    parts = [f"{summary.new} new", f"{summary.updated} updated", f"{summary.unchanged} unchanged"]
    if summary.kind == "invoices":
        parts.append(f"{summary.closed} closed")
    if summary.kind == "payments":
        parts.append(f"{summary.reconciled} reconciled")
    head = "dry run, nothing written: " if summary.dry_run else ""
    typer.echo(f"{summary.file}: {head}{summary.rows} rows: {', '.join(parts)} ({summary.seconds:.1f} s)")
    for cur, minor in sorted(summary.allocated_minor.items()):
        typer.echo(f"  allocated {to_str(minor, cur)} {cur}")
    for cur, minor in sorted(summary.credit_minor.items()):
        typer.echo(f"  credit on account {to_str(minor, cur)} {cur}")


def _run(ctx: typer.Context, file: Path, now: str | None, as_json: bool,
         call: Callable[..., ImportSummary]) -> None:
    st = state(ctx)
    cfg = st.config()
    at = parse_now(now, cfg.company.tz)
    db = st.db()
    with _progress(not as_json, f"importing {file.name}") as progress:
        try:
            summary = call(db, file, now=at, progress=progress, label=str(file))
        except ImportRejected as exc:
            for problem in exc.problems:
                typer.echo(str(problem), err=True)
            n = len(exc.problems)
            typer.echo(f"error: {file}: {n} problem{'s' if n != 1 else ''}; nothing imported", err=True)
            raise typer.Exit(1) from None
        except SQLAlchemyError as exc:
            # e.g. a concurrent import of the same invoice numbers: the transaction was
            # rolled back; one line, not a traceback.
            first = str(getattr(exc, "orig", None) or exc).splitlines()[0]
            fail(f"{file}: database error, nothing imported (retry): {type(exc).__name__}: {first}", code=1)
    _report(summary, as_json)


def register(app: typer.Typer) -> None:
    imp = typer.Typer(help="Import the ledger from ERP exports (CSV or XLSX).", no_args_is_help=True)

    @imp.command("customers")
    def customers_cmd(ctx: typer.Context, file: FileArg, dry_run: DryRun = False, now: Now = None,
                      as_json: Json = False) -> None:
        """Import customers and AR contacts (upsert by customer_id)."""
        cfg = state(ctx).config()
        _run(ctx, file, now, as_json, lambda db, path, **kw: import_customers(
            db, path, options=cfg.imports.customers, dry_run=dry_run, **kw))

    @imp.command("invoices")
    def invoices_cmd(
        ctx: typer.Context, file: FileArg, dry_run: DryRun = False,
        snapshot: Annotated[bool, typer.Option(
            "--snapshot", help="The file lists ALL open items: close open invoices missing from it as paid.")] = False,
        now: Now = None, as_json: Json = False,
    ) -> None:
        """Import invoices and credit notes (upsert by invoice_number)."""
        cfg = state(ctx).config()
        pdf_folder = cfg.source_dir / cfg.imports.pdf_folder if cfg.imports.pdf_folder else None
        _run(ctx, file, now, as_json, lambda db, path, **kw: import_invoices(
            db, path, options=cfg.imports.invoices, default_currency=cfg.company.currency,
            snapshot=snapshot, dry_run=dry_run, pdf_folder=pdf_folder, **kw))

    @imp.command("payments")
    def payments_cmd(ctx: typer.Context, file: FileArg, dry_run: DryRun = False, now: Now = None,
                     as_json: Json = False) -> None:
        """Import payments and allocate them (named invoice first, then oldest first)."""
        cfg = state(ctx).config()
        _run(ctx, file, now, as_json, lambda db, path, **kw: import_payments(
            db, path, options=cfg.imports.payments, default_currency=cfg.company.currency,
            dry_run=dry_run, **kw))

    app.add_typer(imp, name="import")
