"""Golden files for the structural readers: each ``tests/golden/structure/*.eml`` has a ``.json``
with what decode, split_reply, read_bounce, read_auto_reply, is_automated and the attachment
reader must produce. The messages were written for this project (varied clients, languages
and MTAs); the expectations were checked by hand.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.parsers.structure_observe import observe

GOLDEN = Path(__file__).resolve().parents[1] / "golden" / "structure"
CASES = sorted(GOLDEN.glob("*.eml"))


@pytest.mark.parametrize("path", CASES, ids=[p.stem for p in CASES])
def test_golden(path: Path) -> None:
    expected = json.loads(path.with_suffix(".json").read_text(encoding="utf-8"))
    assert observe(path.read_bytes()) == expected


def test_there_are_golden_cases() -> None:
    assert len(CASES) >= 12
