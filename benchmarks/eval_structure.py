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

from parsers.mime import decode  # noqa: E402
from parsers.quotes import split_reply  # noqa: E402

SHARED = Path(os.environ.get("ARBOT_SHARED", REPO.parent / "shared"))
VERBOSE = "-v" in sys.argv

_MOBILE = re.compile(r"^\s*(sent from|get outlook|envoyé de|von meinem|enviado desde|verzonden vanaf)\b.*$",
                     re.IGNORECASE | re.MULTILINE)


def _norm(text: str) -> str:
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
            print(f"    want: {want[:300]!r}\n    got:  {got[:300]!r}")


def main() -> None:
    which = [a for a in sys.argv[1:] if not a.startswith("-")] or ["all"]
    if "all" in which or "quotes" in which:
        eval_quotes()


if __name__ == "__main__":
    main()
