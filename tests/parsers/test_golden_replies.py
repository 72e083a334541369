"""Golden replies: every ``tests/golden/replies/*.eml`` read against its ``*.json`` expectation.

Each JSON file holds ``context.invoices`` (what the thread is about) and ``expected``: the keys of
``Reading.to_json()`` that must match exactly (``invoice_refs`` compared as a set).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from parsers.read import read_reply
from parsers.types import ReadContext

GOLDEN = Path(__file__).resolve().parent.parent / "golden" / "replies"
CASES = sorted(GOLDEN.glob("*.eml"))


@pytest.mark.parametrize("eml", CASES, ids=[p.stem for p in CASES])
def test_golden_reply(eml: Path) -> None:
    spec = json.loads(eml.with_suffix(".json").read_text(encoding="utf-8"))
    context = ReadContext(invoices=tuple(spec.get("context", {}).get("invoices", ())))
    got = read_reply(eml.read_bytes(), context).to_json()
    expected = spec["expected"]
    mismatches = {}
    for key, want in expected.items():
        have = got[key]
        if key == "invoice_refs":
            have, want = sorted(have), sorted(want)
        if have != want:
            mismatches[key] = {"expected": want, "got": have}
    assert not mismatches, f"{eml.name}: {mismatches}\nreply_text={got['reply_text']!r}\nevidence={got['evidence']}"
    assert got["reply_text"].strip(), "reply_text must never be empty for a non-empty message"


def test_golden_set_is_varied() -> None:
    """At least 25 cases covering all nine intents and seven languages."""
    specs = [json.loads(p.with_suffix(".json").read_text(encoding="utf-8")) for p in CASES]
    assert len(specs) >= 25
    assert {s["expected"]["intent"] for s in specs} == {
        "promise_to_pay", "dispute", "remittance_advice", "request_copy", "payment_plan", "redirect",
        "auto_reply", "bounce", "other"}
    languages = {p.name.split("_")[0] for p in CASES}
    assert {"en", "fr", "de", "es", "nl", "pt", "it"} <= languages
