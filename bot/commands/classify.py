"""``arbot classify`` and ``arbot eval-replies``: read customer replies from files.

* ``arbot classify FILE.eml [FILE.eml ...] [--invoice NUM ...]``: one JSON object per file
  (one line each), with ``path`` and the keys of :meth:`parsers.types.Reading.to_json`.
* ``arbot classify --batch MANIFEST.jsonl``: lines ``{"path": ..., "invoices": [...]}``; relative
  paths are relative to the manifest's folder; one JSON line per input, in order.
* ``arbot eval-replies DIR [DIR ...] [--json] [--subset odd|even]``: scores labelled folders.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Any

import typer

from bot.cli_common import fail, print_json

__all__ = ["register"]


def _emit(obj: dict[str, Any]) -> None:
    sys.stdout.write(json.dumps(obj, ensure_ascii=False) + "\n")


def _classify_one(path: Path, invoices: tuple[str, ...]) -> dict[str, Any]:
    from bot.reply_eval import load_message
    from parsers.read import read_reply
    from parsers.types import ReadContext

    try:
        raw = load_message(path)
    except OSError as exc:
        return {"path": str(path), "error": f"{path}: {exc.strerror or exc}"}
    reading = read_reply(raw, ReadContext(invoices=invoices))
    return {"path": str(path), **reading.to_json()}


def _manifest(path: Path) -> list[tuple[Path, tuple[str, ...]]]:
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        fail(f"{path}: {exc.strerror or exc}")
    items: list[tuple[Path, tuple[str, ...]]] = []
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as exc:
            fail(f"{path}:{number}: not valid JSON ({exc.msg})")
        if not isinstance(row, dict) or not isinstance(row.get("path"), str):
            fail(f"{path}:{number}: expected an object with a string 'path'")
        invoices = row.get("invoices") or []
        if not isinstance(invoices, list) or not all(isinstance(i, (str, int)) for i in invoices):
            fail(f"{path}:{number}: 'invoices' must be a list of invoice numbers")
        target = Path(row["path"])
        if not target.is_absolute():
            target = path.parent / target
        items.append((target, tuple(str(i) for i in invoices)))
    return items


def register(app: typer.Typer) -> None:
    @app.command("classify")
    def classify_cmd(
        files: Annotated[list[Path] | None, typer.Argument(help="Raw RFC 5322 messages (.eml).")] = None,
        invoice: Annotated[list[str] | None, typer.Option(
            "--invoice", help="An invoice number the thread is about (repeatable).")] = None,
        batch: Annotated[Path | None, typer.Option(
            "--batch", help='JSON-lines manifest: {"path": ..., "invoices": [...]} per line.')] = None,
    ) -> None:
        """Read customer replies and print one JSON object per message."""
        if batch is None and not files:
            fail("give one or more FILE.eml, or --batch MANIFEST.jsonl")
        items: list[tuple[Path, tuple[str, ...]]] = []
        if batch is not None:
            items.extend(_manifest(batch))
        items.extend((f, tuple(invoice or ())) for f in files or [])
        failed = 0
        for path, invoices in items:
            result = _classify_one(path, invoices)
            failed += "error" in result
            if "error" in result:
                typer.echo(f"error: {result['error']}", err=True)
            _emit(result)
        if failed:
            raise typer.Exit(1)

    @app.command("eval-replies")
    def eval_cmd(
        dirs: Annotated[list[Path], typer.Argument(help="Labelled folders (labels.jsonl, bounces.jsonl, ...).")],
        as_json: Annotated[bool, typer.Option("--json", help="Print the full report as JSON.")] = False,
        subset: Annotated[str | None, typer.Option(
            "--subset", help="all | odd | even: score only files whose number is odd/even (held-out split).")] = None,
        misses: Annotated[int, typer.Option("--misses", help="How many misses to list per folder.")] = 40,
    ) -> None:
        """Score the reply reader on labelled folders: per-intent P/R/F1, fields, bounces, speed."""
        from bot.reply_eval import EvalError, evaluate_folders

        if subset not in (None, "all", "odd", "even"):
            fail(f"--subset: expected all, odd or even, not {subset!r}")
        try:
            report = evaluate_folders(list(dirs), subset)
        except EvalError as exc:
            fail(str(exc))
        if as_json:
            print_json(report)
            return
        _print_report(report, misses)


def _print_report(report: dict[str, Any], max_misses: int) -> None:
    out = typer.echo
    for folder, kinds in report["folders"].items():
        out(f"== {folder}  (subset: {report['subset']})")
        labels = kinds.get("labels")
        if labels:
            out(f"  cases: {labels['n']}   accuracy: {labels['accuracy']:.3f}   macro-F1: {labels['macro_f1']:.3f}")
            out(f"  {'intent':<18}{'prec':>7}{'rec':>7}{'F1':>7}{'n':>5}")
            for intent, m in labels["per_intent"].items():
                out(f"  {intent:<18}{m['precision']:>7.3f}{m['recall']:>7.3f}{m['f1']:>7.3f}{m['support']:>5}")
            out("  fields (exact match):")
            for name, rate in labels["fields"].items():
                value = "n/a" if rate["exact"] is None else f"{rate['exact']:.3f}"
                out(f"    {name:<24}{value:>7}  ({rate['hits']}/{rate['n']})")
            names = list(labels["per_intent"])
            out("  confusion (rows gold, columns predicted):")
            out("    " + " " * 18 + "".join(f"{n[:6]:>7}" for n in names))
            for gold in names:
                row = labels["confusion"].get(gold, {})
                out(f"    {gold:<18}" + "".join(f"{row.get(p, 0):>7}" for p in names))
            _print_misses(labels["misses"], max_misses)
        bounces = kinds.get("bounces")
        if bounces:
            out(f"  bounces: n={bounces['n']} (unsure skipped {bounces['unsure_skipped']})  detection "
                f"{bounces['detection_accuracy']}  recipients {bounces['recipient_accuracy']}  permanence "
                f"{bounces['permanence_accuracy']}  detected+right recipient {bounces['detected_with_right_recipient']}")
            _print_misses(bounces["misses"], max_misses)
        autos = kinds.get("autoreplies")
        if autos:
            out(f"  auto-replies: n={autos['n']}  accuracy {autos['accuracy']}")
            _print_misses(autos["misses"], max_misses)
        quotes = kinds.get("quotes")
        if quotes:
            out(f"  quotes: n={quotes['n']}  reply_text exact {quotes['reply_text_exact']}")
            _print_misses(quotes["misses"], max_misses)
    t = report["throughput"]
    out(f"throughput: {t['messages']} messages in {t['seconds']} s = {t['messages_per_second']} msg/s; "
        f"mean {t['mean_ms']} ms, worst {t['worst_ms']} ms ({t['worst_file']})")


def _print_misses(misses: list[dict[str, Any]], limit: int) -> None:
    if not misses:
        return
    typer.echo(f"  misses ({len(misses)}):")
    for miss in misses[:limit]:
        typer.echo("    " + json.dumps(miss, ensure_ascii=False)[:300])
