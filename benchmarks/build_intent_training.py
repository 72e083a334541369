"""Rebuild parsers/data/intent_training.jsonl, the examples the word model learns from.

    python benchmarks/build_intent_training.py

Sources, all written for development (never a measurement corpus):

* every ``benchmarks/corpora/*-develop`` folder: the customer's own text of each labelled reply
  whose intent a person writes (bounces and auto-replies have structural readers);
* the sentence sets of ``tests/parsers/test_intent.py`` and ``test_generalisation*.py``: tuples
  whose first string is an intent (or a language code, then an intent) and whose next string is
  the text; plain lists of neutral replies count as ``other``.

The output is sorted and deterministic, so a rebuild with unchanged sources changes nothing.
"""

from __future__ import annotations

import importlib
import json
import re
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from parsers.intent.model import HUMAN_INTENTS
from parsers.read import read_reply
from parsers.types import ReadContext

OUT = REPO / "parsers" / "data" / "intent_training.jsonl"
TEST_MODULES = ("tests.parsers.test_intent", "tests.parsers.test_generalisation",
                "tests.parsers.test_generalisation_2", "tests.parsers.test_generalisation_3")
_NAMES = {i.value for i in HUMAN_INTENTS}


def corpus_examples() -> list[tuple[str, str, str]]:
    rows: list[tuple[str, str, str]] = []
    for folder in sorted((REPO / "benchmarks" / "corpora").glob("*-develop")):
        for line in (folder / "labels.jsonl").read_text(encoding="utf-8").splitlines():
            label = json.loads(line)
            if label["intent"] not in _NAMES:
                continue
            reading = read_reply((folder / label["file"]).read_bytes(), ReadContext(invoices=tuple(label["invoices"])))
            if reading.reply_text.strip():
                rows.append((reading.reply_text.strip()[:4000], label["intent"], f"{folder.name}/{label['file']}"))
    return rows


def _from_item(item: object) -> tuple[str, str] | None:
    if isinstance(item, str):
        return item, "other"
    if not isinstance(item, tuple):
        return None
    strings = [x for x in item if isinstance(x, str)]
    for i, value in enumerate(strings[:-1]):
        if value in _NAMES:
            text = strings[i + 1]
            return (text, value) if len(re.findall(r"[^\W\d_]{2,}", text)) >= 2 else None
    return None


def sentence_examples() -> list[tuple[str, str, str]]:
    rows: list[tuple[str, str, str]] = []
    for name in TEST_MODULES:
        module = importlib.import_module(name)
        for attr, value in vars(module).items():
            if not attr.isupper() or not isinstance(value, list):
                continue
            for item in value:
                found = _from_item(item)
                if found and found[0].strip():
                    rows.append((found[0].strip(), found[1], f"{name.rsplit('.', 1)[1]}.{attr}"))
    return rows


def main() -> None:
    rows = sorted(set(corpus_examples() + sentence_examples()))
    OUT.parent.mkdir(parents=True, exist_ok=True)
    with OUT.open("w", encoding="utf-8") as out:
        for text, intent, source in rows:
            out.write(json.dumps({"intent": intent, "text": text, "source": source}, ensure_ascii=False) + "\n")
    counts: dict[str, int] = {}
    for _, intent, _ in rows:
        counts[intent] = counts.get(intent, 0) + 1
    print(f"{len(rows)} examples -> {OUT.relative_to(REPO)}: {counts}")


if __name__ == "__main__":
    main()
