"""Scoring the reply reader against labelled folders (the shared corpus schema).

A folder holds ``*.eml`` (or body-only ``*.txt``) files and one or more label files:

* ``labels.jsonl``: full readings (intent, promise_date, amount, currency, invoice_refs, ...);
* ``bounces.jsonl``: ``is_bounce``, ``recipients``, ``permanent``, ``unsure``;
* ``autoreplies.jsonl``: ``is_auto_reply``;
* ``quotes.jsonl``: ``reply_text`` (the customer's exact new text).

:func:`evaluate_folders` reads every folder and returns a plain report dict (printed as a table or
as JSON by ``arbot eval-replies``). Pure apart from reading the files.
"""

from __future__ import annotations

import json
import re
import time
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from parsers.read import read_reply
from parsers.types import Intent, ReadContext, Reading

__all__ = ["EvalError", "evaluate_folders", "load_message", "subset_filter"]

INTENTS = [i.value for i in Intent]


class EvalError(Exception):
    """A labelled folder cannot be read: the message names the file and line."""


def load_message(path: Path) -> bytes:
    """The raw bytes of ``path``; a body-only ``.txt`` is wrapped as a plain-text message."""
    data = path.read_bytes()
    if path.suffix.lower() == ".txt":
        return b"Content-Type: text/plain; charset=utf-8\r\nMIME-Version: 1.0\r\n\r\n" + data
    return data


def _read_jsonl(path: Path) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as exc:
            raise EvalError(f"{path}:{number}: not valid JSON ({exc.msg})") from None
        if not isinstance(row, dict) or not isinstance(row.get("file"), str):
            raise EvalError(f"{path}:{number}: expected an object with a 'file' key")
        rows.append(row)
    return rows


def subset_filter(subset: str | None) -> Any:
    """``odd``/``even``: keep files whose first number is odd/even (a held-out split)."""
    def keep(name: str) -> bool:
        if not subset or subset == "all":
            return True
        m = re.search(r"\d+", name)
        if not m:
            return subset == "even"
        return (int(m.group(0)) % 2 == 1) == (subset == "odd")
    return keep


@dataclass
class _Timer:
    seconds: float = 0.0
    count: int = 0
    worst: float = 0.0
    worst_file: str = ""


@dataclass
class _Folder:
    path: Path
    timer: _Timer = field(default_factory=_Timer)

    def read(self, name: str, invoices: Iterable[str] = ()) -> Reading:
        raw = load_message(self.path / name)
        start = time.perf_counter()
        reading = read_reply(raw, ReadContext(invoices=tuple(str(i) for i in invoices)))
        took = time.perf_counter() - start
        self.timer.seconds += took
        self.timer.count += 1
        if took > self.timer.worst:
            self.timer.worst, self.timer.worst_file = took, name
        return reading


def _prf(gold: list[str], pred: list[str]) -> dict[str, Any]:
    labels = [i for i in INTENTS if i in set(gold) | set(pred)]
    per: dict[str, dict[str, float]] = {}
    for label in labels:
        tp = sum(1 for g, p in zip(gold, pred) if g == label and p == label)
        fp = sum(1 for g, p in zip(gold, pred) if g != label and p == label)
        fn = sum(1 for g, p in zip(gold, pred) if g == label and p != label)
        precision = tp / (tp + fp) if tp + fp else 0.0
        recall = tp / (tp + fn) if tp + fn else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        per[label] = {"precision": round(precision, 4), "recall": round(recall, 4), "f1": round(f1, 4),
                      "support": sum(1 for g in gold if g == label)}
    gold_labels = [lab for lab in labels if per[lab]["support"]]
    macro = sum(per[lab]["f1"] for lab in gold_labels) / len(gold_labels) if gold_labels else 0.0
    confusion: dict[str, dict[str, int]] = {g: dict(Counter(p for gg, p in zip(gold, pred) if gg == g))
                                             for g in labels}
    accuracy = sum(1 for g, p in zip(gold, pred) if g == p) / len(gold) if gold else 0.0
    return {"per_intent": per, "macro_f1": round(macro, 4), "accuracy": round(accuracy, 4),
            "confusion": confusion}


def _norm_refs(refs: Iterable[str]) -> set[str]:
    return {re.sub(r"[^0-9A-Za-z]", "", str(r)).upper() for r in refs}


def _rate(hits: int, total: int) -> dict[str, Any]:
    return {"exact": round(hits / total, 4) if total else None, "n": total, "hits": hits}


def _eval_labels(folder: _Folder, rows: list[dict[str, Any]]) -> dict[str, Any]:
    gold: list[str] = []
    pred: list[str] = []
    fields: dict[str, list[bool]] = defaultdict(list)
    misses: list[dict[str, Any]] = []
    for row in rows:
        reading = folder.read(row["file"], row.get("invoices") or ())
        got: dict[str, Any] = reading.to_json()
        gold.append(row.get("intent", "other"))
        pred.append(got["intent"])
        problems: dict[str, Any] = {}
        if gold[-1] != pred[-1]:
            problems["intent"] = [gold[-1], pred[-1]]
        if gold[-1] == "promise_to_pay":
            ok = got["promise_date"] == row.get("promise_date")
            fields["promise_date"].append(ok)
            if not ok:
                problems["promise_date"] = [row.get("promise_date"), got["promise_date"]]
        gold_amount = row.get("amount")
        ok = (got["amount"] == gold_amount and (gold_amount is None or got["currency"] == row.get("currency")))
        fields["amount_all"].append(ok)
        if gold_amount is not None:
            fields["amount"].append(ok)
        if not ok:
            problems["amount"] = [[gold_amount, row.get("currency")], [got["amount"], got["currency"]]]
        ok = _norm_refs(got["invoice_refs"]) == _norm_refs(row.get("invoice_refs") or [])
        fields["invoice_refs"].append(ok)
        if row.get("invoice_refs"):
            fields["invoice_refs_nonempty"].append(ok)
        if not ok:
            problems["invoice_refs"] = [row.get("invoice_refs"), got["invoice_refs"]]
        if gold[-1] == "redirect":
            ok = (got["redirect_to"] or None) == (row.get("redirect_to") or None)
            fields["redirect_to"].append(ok)
            if not ok:
                problems["redirect_to"] = [row.get("redirect_to"), got["redirect_to"]]
        if gold[-1] == "auto_reply":
            ok = got["return_date"] == row.get("return_date")
            fields["return_date"].append(ok)
            if not ok:
                problems["return_date"] = [row.get("return_date"), got["return_date"]]
        if gold[-1] == "bounce":
            ok = (got["bounce_recipient"] or "").lower() == (row.get("bounce_recipient") or "").lower()
            fields["bounce_recipient"].append(ok)
            okp = got["bounce_permanent"] == row.get("bounce_permanent")
            fields["bounce_permanent"].append(okp)
            if not ok or not okp:
                problems["bounce"] = [[row.get("bounce_recipient"), row.get("bounce_permanent")],
                                      [got["bounce_recipient"], got["bounce_permanent"]]]
        if row.get("language"):
            ok = got["language"] == row.get("language")
            fields["language"].append(ok)
            if not ok:
                problems["language"] = [row.get("language"), got["language"]]
        if problems:
            misses.append({"file": row["file"], "confidence": got["confidence"], **problems})
    report = _prf(gold, pred)
    report["fields"] = {name: _rate(sum(v), len(v)) for name, v in fields.items()}
    report["n"] = len(rows)
    report["misses"] = misses
    return report


def _eval_bounces(folder: _Folder, rows: list[dict[str, Any]]) -> dict[str, Any]:
    detect = recipients = permanence = combined = total = unsure = 0
    true_bounces = 0
    misses: list[dict[str, Any]] = []
    for row in rows:
        if row.get("unsure"):
            unsure += 1
            continue
        reading = folder.read(row["file"])
        total += 1
        is_bounce = bool(row.get("is_bounce"))
        got_bounce = reading.intent is Intent.BOUNCE
        gold_rcpts = {r.lower() for r in row.get("recipients") or []}
        got_rcpts = {r.lower() for r in reading.bounce_recipients}
        if not got_rcpts and reading.bounce_recipient:
            got_rcpts = {reading.bounce_recipient.lower()}
        detect += got_bounce == is_bounce
        right = True
        if is_bounce:
            true_bounces += 1
            rc_ok = got_bounce and bool(got_rcpts) and got_rcpts == gold_rcpts
            recipients += rc_ok
            right = rc_ok
            if row.get("permanent") is not None:
                permanence += reading.bounce_permanent == row.get("permanent")
        ok = (got_bounce == is_bounce) and right
        combined += ok
        if not ok:
            misses.append({"file": row["file"], "is_bounce": [is_bounce, got_bounce],
                           "recipients": [sorted(gold_rcpts), sorted(got_rcpts)], "intent": reading.intent.value})
    return {"n": total, "unsure_skipped": unsure,
            "detection_accuracy": round(detect / total, 4) if total else None,
            "recipient_accuracy": round(recipients / true_bounces, 4) if true_bounces else None,
            "permanence_accuracy": round(permanence / true_bounces, 4) if true_bounces else None,
            "detected_with_right_recipient": round(combined / total, 4) if total else None,
            "misses": misses}


def _eval_autoreplies(folder: _Folder, rows: list[dict[str, Any]]) -> dict[str, Any]:
    right = 0
    misses: list[dict[str, Any]] = []
    for row in rows:
        reading = folder.read(row["file"])
        ok = (reading.intent is Intent.AUTO_REPLY) == bool(row.get("is_auto_reply"))
        right += ok
        if not ok:
            misses.append({"file": row["file"], "is_auto_reply": [row.get("is_auto_reply"), reading.intent.value]})
    return {"n": len(rows), "accuracy": round(right / len(rows), 4) if rows else None, "misses": misses}


def _squash(text: str) -> str:
    return " ".join(text.split())


def _eval_quotes(folder: _Folder, rows: list[dict[str, Any]]) -> dict[str, Any]:
    right = 0
    misses: list[dict[str, Any]] = []
    for row in rows:
        reading = folder.read(row["file"])
        ok = _squash(reading.reply_text) == _squash(str(row.get("reply_text", "")))
        right += ok
        if not ok:
            misses.append({"file": row["file"], "expected": str(row.get("reply_text", ""))[:120],
                           "got": reading.reply_text[:120]})
    return {"n": len(rows), "reply_text_exact": round(right / len(rows), 4) if rows else None, "misses": misses}


_KINDS = (("labels.jsonl", _eval_labels), ("bounces.jsonl", _eval_bounces),
          ("autoreplies.jsonl", _eval_autoreplies), ("quotes.jsonl", _eval_quotes))


def evaluate_folders(paths: list[Path], subset: str | None = None) -> dict[str, Any]:
    """Score every labelled folder in ``paths``; raises :class:`EvalError` on unreadable input."""
    keep = subset_filter(subset)
    report: dict[str, Any] = {"folders": {}, "subset": subset or "all"}
    total = _Timer()
    for path in paths:
        if not path.is_dir():
            raise EvalError(f"{path}: not a directory")
        folder = _Folder(path)
        found = False
        for name, evaluate in _KINDS:
            label_file = path / name
            if not label_file.exists():
                continue
            found = True
            rows = [r for r in _read_jsonl(label_file) if keep(r["file"])]
            for row in rows:
                if not (path / row["file"]).is_file():
                    raise EvalError(f"{label_file}: file {row['file']!r} does not exist")
            report["folders"].setdefault(str(path), {})[name.split(".")[0]] = evaluate(folder, rows)
        if not found:
            raise EvalError(f"{path}: no labels.jsonl, bounces.jsonl, autoreplies.jsonl or quotes.jsonl")
        total.seconds += folder.timer.seconds
        total.count += folder.timer.count
        if folder.timer.worst > total.worst:
            total.worst, total.worst_file = folder.timer.worst, f"{path}/{folder.timer.worst_file}"
    report["throughput"] = {
        "messages": total.count, "seconds": round(total.seconds, 3),
        "messages_per_second": round(total.count / total.seconds, 1) if total.seconds else None,
        "mean_ms": round(1000 * total.seconds / total.count, 2) if total.count else None,
        "worst_ms": round(1000 * total.worst, 2), "worst_file": total.worst_file,
    }
    return report
