"""The public API is typed: mypy (strict, see pyproject.toml) passes over bot, parsers, campaigns."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent


@pytest.mark.skipif(importlib.util.find_spec("mypy") is None, reason="mypy is in the test extras")
def test_mypy_strict_is_clean() -> None:
    res = subprocess.run([sys.executable, "-m", "mypy", "bot", "parsers", "campaigns"], cwd=REPO,
                         capture_output=True, text=True, timeout=600)
    assert res.returncode == 0, res.stdout[-4000:] + res.stderr[-2000:]
