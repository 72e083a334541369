"""Locating the shared real-world corpora next to the repository (tests skip when absent)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[2]
SHARED = REPO.parent / "shared"
REALWORLD = SHARED / "realworld"


def load_records(folder: Path, name: str) -> list[dict[str, Any]]:
    index = folder / name
    if not index.exists():
        pytest.skip(f"corpus {index} not present")
    return [json.loads(line) for line in index.read_text(encoding="utf-8").splitlines() if line.strip()]
