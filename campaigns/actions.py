"""Decisions as data: the actions ``campaigns`` returns and ``bot`` applies.

Each action is a small frozen dataclass carrying ``reason`` (the rule that decided) and
``evidence`` (what it decided on: message id, words, confidence, dates). ``bot`` applies
a list of actions in one transaction and writes each into the account's timeline.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class Why:
    """The explanation attached to every action."""

    rule: str
    summary: str
    evidence: tuple[tuple[str, str], ...] = ()   # (key, value) pairs, e.g. ("words", "...")

    def as_dict(self) -> dict[str, str]:
        return dict(self.evidence)


@dataclass(frozen=True, slots=True)
class SendStep:
    """Send dunning step ``step`` of ``campaign`` to the customer, about ``invoices``."""

    customer_id: int
    campaign: str
    step: str
    step_index: int
    cycle: int
    invoices: tuple[str, ...]
    why: Why


@dataclass(frozen=True, slots=True)
class Pause:
    customer_id: int
    until: dt.datetime | None   # None: until staff act
    why: Why


@dataclass(frozen=True, slots=True)
class Resume:
    customer_id: int
    why: Why


@dataclass(frozen=True, slots=True)
class ChangeState:
    """Apply an ``AccountEvent`` to the account's state machine."""

    customer_id: int
    event: str
    until: dt.datetime | None
    why: Why


@dataclass(frozen=True, slots=True)
class MarkDisputed:
    customer_id: int
    invoices: tuple[str, ...]
    reason_text: str
    why: Why


@dataclass(frozen=True, slots=True)
class RecordPromise:
    customer_id: int
    date: dt.date
    amount: str | None          # decimal string
    currency: str | None
    invoices: tuple[str, ...]
    why: Why


@dataclass(frozen=True, slots=True)
class Escalate:
    customer_id: int | None
    kind: str                   # dispute, broken_promise, payment_plan, redirect, bounce, review ...
    summary: str
    immediate: bool
    why: Why


@dataclass(frozen=True, slots=True)
class AddNote:
    customer_id: int
    invoices: tuple[str, ...]
    author_kind: str            # customer | staff | bot
    text: str
    why: Why


@dataclass(frozen=True, slots=True)
class AnswerWith:
    """Answer in the same thread with documents (invoice PDFs, statement)."""

    customer_id: int
    documents: tuple[str, ...]  # "statement", "invoice:<number>", "bank_details"
    in_reply_to: str | None
    to: str
    why: Why


@dataclass(frozen=True, slots=True)
class FlagContact:
    customer_id: int
    address: str
    permanent: bool
    why: Why


@dataclass(frozen=True, slots=True)
class ProposeContact:
    customer_id: int
    address: str
    why: Why


@dataclass(frozen=True, slots=True)
class Postpone:
    """Do not send the next step before ``until`` (e.g. an out-of-office return date)."""

    customer_id: int
    until: dt.datetime
    why: Why


@dataclass(frozen=True, slots=True)
class NoAction:
    """An explicit "nothing to do", kept so the timeline can say why."""

    customer_id: int | None
    why: Why = field(default_factory=lambda: Why("none", "nothing to do"))


Action = (SendStep | Pause | Resume | ChangeState | MarkDisputed | RecordPromise | Escalate | AddNote
          | AnswerWith | FlagContact | ProposeContact | Postpone | NoAction)
