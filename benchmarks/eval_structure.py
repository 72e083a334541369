"""Measure the structural readers on the shared corpora and print the rates and the misses.

    python benchmarks/eval_structure.py [quotes|bounces|autoreplies|replies|all] [-v]

Looks for the corpora in ``<repo>/../shared`` (override with ``ARBOT_SHARED``).
"""

from __future__ import annotations

import json
import os
import re
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from parsers.mime import decode
from parsers.quotes import split_reply

SHARED = Path(os.environ.get("ARBOT_SHARED", REPO.parent / "shared"))
VERBOSE = "-v" in sys.argv

_MOBILE = re.compile(r"^\s*(sent from|sent with|get outlook|envoyé de|von meinem|enviado desde|verzonden vanaf)\b.*$",
                     re.IGNORECASE | re.MULTILINE)


def _norm(text: str) -> str:
    """Compare across the sources' signature conventions: drop a "-- " signature and mobile lines."""
    text = re.split(r"\n-- ?\n", text, maxsplit=1)[0]
    text = _MOBILE.sub("", text)
    return re.sub(r"\s+", " ", text).strip()


def _load(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


def eval_quotes() -> None:
    folder = SHARED / "realworld" / "quotes"
    records = _load(folder / "quotes.jsonl")
    exact = norm = 0
    misses = []
    times = []
    for rec in records:
        raw = (folder / rec["file"]).read_bytes()
        t0 = time.perf_counter()
        if rec["format"] == "eml":
            body = decode(raw).text
        else:
            body = raw.decode("utf-8")
        got = split_reply(body).reply
        times.append(time.perf_counter() - t0)
        want = rec["reply_text"].strip()
        if got == want:
            exact += 1
            norm += 1
        elif _norm(got) == _norm(want):
            norm += 1
        else:
            misses.append((rec["file"], want, got))
    n = len(records)
    print(f"quotes: {n} records  exact {exact / n:.3f}  normalised {norm / n:.3f}  "
          f"median {sorted(times)[n // 2] * 1000:.2f} ms  max {max(times) * 1000:.2f} ms")
    for name, want, got in misses:
        print(f"  MISS {name}")
        if VERBOSE:
            k = next((i for i, (a, b) in enumerate(zip(want, got)) if a != b), min(len(want), len(got)))
            print(f"    want: ...{want[max(0, k - 40):k + 200]!r}\n    got:  ...{got[max(0, k - 40):k + 200]!r}")


def eval_bounces() -> None:
    from parsers.bounce import read_bounce

    folder = SHARED / "realworld" / "bounces"
    records = _load(folder / "bounces.jsonl")
    right = perm_right = perm_n = 0
    misses = []
    times = []
    for rec in records:
        raw = (folder / rec["file"]).read_bytes()
        t0 = time.perf_counter()
        report = read_bounce(decode(raw))
        times.append(time.perf_counter() - t0)
        want = {r.lower() for r in rec["recipients"]} if rec["is_bounce"] else None
        if not rec["is_bounce"]:
            ok = report is None
        else:
            ok = report is not None and (not want or set(report.recipients) == want)
        right += ok
        if rec["is_bounce"] and rec["permanent"] is not None and report is not None:
            perm_n += 1
            perm_right += report.permanent == rec["permanent"]
            if report.permanent != rec["permanent"]:
                misses.append((rec["file"], f"permanent want {rec['permanent']} got {report.permanent}", report))
        if not ok:
            misses.append((rec["file"], f"want {sorted(want) if want is not None else 'not bounce'}", report))
    n = len(records)
    print(f"bounces: {n} records  detection+recipient {right / n:.3f}  permanence {perm_right}/{perm_n}  "
          f"median {sorted(times)[n // 2] * 1000:.2f} ms  max {max(times) * 1000:.2f} ms")
    for name, why, report in misses:
        got = (report.recipients, report.permanent, report.evidence[:2]) if report else None
        print(f"  MISS {name}: {why}; got {got}")


def eval_autoreplies() -> None:
    from parsers.autoreply import read_auto_reply

    folder = SHARED / "realworld" / "autoreplies"
    records = _load(folder / "autoreplies.jsonl")
    right = 0
    times = []
    for rec in records:
        t0 = time.perf_counter()
        msg = decode((folder / rec["file"]).read_bytes())
        verdict = read_auto_reply(msg, split_reply(msg.text).reply)
        times.append(time.perf_counter() - t0)
        ok = verdict.is_auto == rec["is_auto_reply"]
        right += ok
        if not ok or VERBOSE:
            print(f"  {'MISS' if not ok else 'ok  '} {rec['file']}: want {rec['is_auto_reply']} got {verdict.is_auto} "
                  f"{verdict.confidence} {verdict.kind} {verdict.evidence}")
    n = len(records)
    print(f"autoreplies: {n} records  accuracy {right / n:.3f}  median {sorted(times)[n // 2] * 1000:.2f} ms")


def eval_replies() -> None:
    from parsers.autoreply import read_auto_reply
    from parsers.bounce import read_bounce

    folder = SHARED / "replies"
    records = _load(folder / "labels.jsonl")
    stats = {"bounce_right": 0, "bounce_n": 0, "false_bounce": 0}
    for rec in records:
        msg = decode((folder / rec["file"]).read_bytes())
        report = read_bounce(msg)
        verdict = read_auto_reply(msg, split_reply(msg.text).reply)
        if rec["intent"] != "bounce":
            want_auto = rec["intent"] == "auto_reply"
            stats["auto_right"] = stats.get("auto_right", 0) + (verdict.is_auto == want_auto)
            stats["auto_n"] = stats.get("auto_n", 0) + 1
            if verdict.is_auto != want_auto:
                print(f"  MISS auto {rec['file']} ({rec['intent']}): got {verdict.is_auto} {verdict.confidence} "
                      f"{verdict.evidence}")
            elif want_auto and VERBOSE:
                print(f"  return {rec['file']} want {rec['return_date']}: {verdict.return_text!r}")
        if rec["intent"] == "bounce":
            stats["bounce_n"] += 1
            ok = (report is not None and rec["bounce_recipient"] in report.recipients
                  and report.permanent == rec["bounce_permanent"])
            stats["bounce_right"] += ok
            if not ok:
                print(f"  MISS bounce {rec['file']}: want {rec['bounce_recipient']} {rec['bounce_permanent']} got "
                      f"{(report.recipients, report.permanent) if report else None}")
        elif report is not None:
            stats["false_bounce"] += 1
            print(f"  MISS false bounce {rec['file']} ({rec['intent']}): {report.recipients} {report.evidence[:2]}")
    print(f"replies: bounces right {stats['bounce_right']}/{stats['bounce_n']}  "
          f"false bounces {stats['false_bounce']}/{len(records) - stats['bounce_n']}  "
          f"auto-reply accuracy (non-bounces) {stats.get('auto_right', 0)}/{stats.get('auto_n', 0)}")


def main() -> None:
    which = [a for a in sys.argv[1:] if not a.startswith("-")] or ["all"]
    if "all" in which or "quotes" in which:
        eval_quotes()
    if "all" in which or "bounces" in which:
        eval_bounces()
    if "all" in which or "autoreplies" in which:
        eval_autoreplies()
    if "all" in which or "replies" in which:
        eval_replies()


if __name__ == "__main__":
    main()
