"""split_reply on real replies from many clients and languages (shared corpus; skipped when absent)."""

from __future__ import annotations

import re

from parsers.mime import decode
from parsers.quotes import split_reply
from tests.parsers.corpora import REALWORLD, load_records

_MOBILE = re.compile(r"^\s*(sent from|sent with|get outlook)\b.*$", re.IGNORECASE | re.MULTILINE)


def _norm(text: str) -> str:
    # the sources disagree on signatures: compare without a "-- " block or mobile lines
    text = re.split(r"\n-- ?\n", text, maxsplit=1)[0]
    return re.sub(r"\s+", " ", _MOBILE.sub("", text)).strip()


def test_realworld_quotes_rate() -> None:
    folder = REALWORLD / "quotes"
    records = load_records(folder, "quotes.jsonl")
    right = 0
    for rec in records:
        raw = (folder / rec["file"]).read_bytes()
        body = decode(raw).text if rec["format"] == "eml" else raw.decode("utf-8")
        right += _norm(split_reply(body).reply) == _norm(rec["reply_text"])
    assert right / len(records) >= 0.9
