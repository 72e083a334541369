"""The structural readers import nothing of arbot's outside ``parsers`` (layering rule)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PARSERS = Path(__file__).resolve().parents[2] / "parsers"
MODULES = ["mime", "quotes", "bounce", "autoreply", "html2text", "attachments"]


@pytest.mark.parametrize("name", MODULES)
def test_imports_stay_inside_parsers(name: str) -> None:
    tree = ast.parse((PARSERS / f"{name}.py").read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            assert not node.module.startswith(("bot", "campaigns", "templates")), node.module
        if isinstance(node, ast.Import):
            for alias in node.names:
                assert not alias.name.startswith(("bot", "campaigns", "templates")), alias.name


@pytest.mark.parametrize("name", MODULES)
def test_no_clock_reads(name: str) -> None:
    source = (PARSERS / f"{name}.py").read_text(encoding="utf-8")
    assert "datetime.now" not in source and "time.time(" not in source and "date.today" not in source
