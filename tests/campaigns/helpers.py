"""Shared builders for the engine tests: the shipped default campaign as specs."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from campaigns.snapshot import CampaignSpec, SendWindowSpec, StepSpec

UTC = dt.UTC

DEFAULT_STEPS = (
    StepSpec("reminder", -3), StepSpec("due_today", 0), StepSpec("polite", 3), StepSpec("why_delay", 10),
    StepSpec("concerned", 20), StepSpec("stern", 30), StepSpec("final_notice", 45, escalate=True),
)
ALWAYS = SendWindowSpec(frozenset(range(7)), dt.time(0, 0), dt.time(23, 59, 59))


def campaign(name: str = "default", **kw: object) -> CampaignSpec:
    fields: dict[str, object] = {"steps": DEFAULT_STEPS, "default": name == "default", "send_window": ALWAYS,
                                 "min_balance": Decimal(0), **kw}
    return CampaignSpec(name=name, **fields)  # type: ignore[arg-type]


def utc(y: int, m: int, d: int, h: int = 10) -> dt.datetime:
    return dt.datetime(y, m, d, h, tzinfo=UTC)
