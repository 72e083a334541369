"""The engine's input: frozen, plain snapshots of an account and of the campaign rules.

``bot`` builds these from the database and the configuration; ``campaigns`` never sees
an ORM row or a pydantic model (it must not import ``bot``). Everything here is
immutable and hashable so the engine is trivially deterministic.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace
from decimal import Decimal

from campaigns.state import AccountState

OPEN = "open"


@dataclass(frozen=True, slots=True)
class InvoiceView:
    """One invoice (or credit note, with a negative balance) of the account."""

    number: str
    due_date: dt.date
    balance_minor: int
    currency: str
    status: str = OPEN          # open | paid | void | written_off
    disputed: bool = False

    @property
    def is_open(self) -> bool:
        return self.status == OPEN

    @property
    def chaseable(self) -> bool:
        """Open, not disputed and something still owed: the only invoices ever chased."""
        return self.status == OPEN and not self.disputed and self.balance_minor > 0


@dataclass(frozen=True, slots=True)
class AccountView:
    """A customer account as the engine sees it at one moment.

    * ``timezone`` is the zone used for calendar days and the send window: the
      customer's own, or the company's when the customer has none (``bot`` resolves the
      fallback);
    * ``state_until`` ends a pause (``PROMISED``: the promised date plus the grace days,
      as recorded by the reactions; ``AWAITING_RECONCILIATION``: the deadline); None
      means "until staff act";
    * ``dunning_step`` is the index (in the selected campaign) of the last step sent in
      cycle ``dunning_cycle``; None when no step was ever sent;
    * ``has_deliverable_contact``: at least one non-bounced contact address exists.
    """

    customer_id: int
    external_id: str
    state: AccountState = AccountState.ACTIVE
    state_until: dt.datetime | None = None
    dunning_step: int | None = None
    dunning_cycle: int = 0
    last_dunning_at: dt.datetime | None = None
    next_action_at: dt.datetime | None = None
    hold_until: dt.date | None = None
    excluded: bool = False
    campaign_override: str | None = None
    tags: tuple[str, ...] = ()
    timezone: str = "UTC"
    currency: str | None = None
    invoices: tuple[InvoiceView, ...] = ()
    has_deliverable_contact: bool = True

    def evolve(self, **changes: object) -> AccountView:
        return replace(self, **changes)  # type: ignore[arg-type]


WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


@dataclass(frozen=True, slots=True)
class StepSpec:
    name: str
    offset_days: int            # relative to the due date; <= 0: a reminder
    escalate: bool = False

    @property
    def is_reminder(self) -> bool:
        return self.offset_days <= 0


@dataclass(frozen=True, slots=True)
class SendWindowSpec:
    """Weekdays (0 = Monday) and local hours [start, end) when emails may go out."""

    weekdays: frozenset[int] = frozenset({0, 1, 2, 3, 4})
    start: dt.time = dt.time(9, 0)
    end: dt.time = dt.time(17, 0)


@dataclass(frozen=True, slots=True)
class CampaignSpec:
    """A campaign's rules, mirrored from ``bot.config.CampaignConfig``.

    Amounts (``min_balance``, ``applies_min_balance``) are decimals in the unit of each
    currency the account owes in.
    """

    name: str
    steps: tuple[StepSpec, ...]
    default: bool = False
    applies_tags: tuple[str, ...] = ()
    applies_min_balance: Decimal | None = None
    min_days_between: int = 3
    send_window: SendWindowSpec = field(default_factory=SendWindowSpec)
    holidays: frozenset[dt.date] = frozenset()
    min_balance: Decimal = Decimal(0)
    after_last: str = "stop"    # stop | repeat
    repeat_every_days: int = 14

    def __post_init__(self) -> None:
        if not self.steps:
            raise ValueError(f"campaign {self.name!r} has no steps")
        offsets = [s.offset_days for s in self.steps]
        if offsets != sorted(set(offsets)):
            raise ValueError(f"campaign {self.name!r}: step offsets must be strictly increasing")
        if self.after_last not in ("stop", "repeat"):
            raise ValueError(f"campaign {self.name!r}: after_last must be stop or repeat")

    @property
    def first_offset(self) -> int:
        return self.steps[0].offset_days

    @property
    def last_index(self) -> int:
        return len(self.steps) - 1
