"""Where the shipped sample ledger is: the installed ``bot.sample_data`` package, or the
source tree's ``examples/`` folder when running from a checkout without installing."""

from __future__ import annotations

from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path


def sample_dir() -> Traversable:
    try:
        return resources.files("bot.sample_data")
    except ModuleNotFoundError:
        return Path(__file__).resolve().parent.parent / "examples"
