"""The per-account collection state: an explicit enum and its transition table.

Persisted by value (``customers.state``). An event with no entry in the table for
the current state moves the account to ``NEEDS_STAFF`` (never silently nowhere);
``ERROR`` is for accounts whose data the engine could not interpret.
"""

from __future__ import annotations

from enum import StrEnum


class AccountState(StrEnum):
    ACTIVE = "active"                      # being chased by its campaign
    PROMISED = "promised"                  # paused until a promised date (+ grace)
    AWAITING_RECONCILIATION = "awaiting_reconciliation"  # remittance claimed, payment not yet seen
    NEEDS_STAFF = "needs_staff"            # paused until a person decides
    IN_COLLECTIONS = "in_collections"      # handed over after the final step
    CLOSED = "closed"                      # nothing left to chase
    ERROR = "error"                        # inconsistent data; staff must look


class AccountEvent(StrEnum):
    PROMISE_MADE = "promise_made"
    PROMISE_BROKEN = "promise_broken"
    REMITTANCE_CLAIMED = "remittance_claimed"
    RECONCILIATION_TIMEOUT = "reconciliation_timeout"
    NEEDS_DECISION = "needs_decision"      # payment plan, redirect, review
    STAFF_RESUME = "staff_resume"
    FINAL_STEP_SENT = "final_step_sent"
    PAID_IN_FULL = "paid_in_full"
    BALANCE_REOPENED = "balance_reopened"  # new invoice, refund, chargeback
    DATA_ERROR = "data_error"


S, E = AccountState, AccountEvent

#: (state, event) -> next state. Anything missing goes to NEEDS_STAFF.
TRANSITIONS: dict[tuple[AccountState, AccountEvent], AccountState] = {
    (S.ACTIVE, E.PROMISE_MADE): S.PROMISED,
    (S.ACTIVE, E.REMITTANCE_CLAIMED): S.AWAITING_RECONCILIATION,
    (S.ACTIVE, E.NEEDS_DECISION): S.NEEDS_STAFF,
    (S.ACTIVE, E.FINAL_STEP_SENT): S.IN_COLLECTIONS,
    (S.ACTIVE, E.PAID_IN_FULL): S.CLOSED,
    (S.ACTIVE, E.STAFF_RESUME): S.ACTIVE,
    (S.ACTIVE, E.BALANCE_REOPENED): S.ACTIVE,
    (S.PROMISED, E.PROMISE_MADE): S.PROMISED,
    (S.PROMISED, E.PROMISE_BROKEN): S.ACTIVE,
    (S.PROMISED, E.REMITTANCE_CLAIMED): S.AWAITING_RECONCILIATION,
    (S.PROMISED, E.NEEDS_DECISION): S.NEEDS_STAFF,
    (S.PROMISED, E.PAID_IN_FULL): S.CLOSED,
    (S.PROMISED, E.STAFF_RESUME): S.ACTIVE,
    (S.PROMISED, E.BALANCE_REOPENED): S.PROMISED,
    (S.AWAITING_RECONCILIATION, E.RECONCILIATION_TIMEOUT): S.ACTIVE,
    (S.AWAITING_RECONCILIATION, E.REMITTANCE_CLAIMED): S.AWAITING_RECONCILIATION,
    (S.AWAITING_RECONCILIATION, E.PROMISE_MADE): S.PROMISED,
    (S.AWAITING_RECONCILIATION, E.NEEDS_DECISION): S.NEEDS_STAFF,
    (S.AWAITING_RECONCILIATION, E.PAID_IN_FULL): S.CLOSED,
    (S.AWAITING_RECONCILIATION, E.STAFF_RESUME): S.ACTIVE,
    (S.AWAITING_RECONCILIATION, E.BALANCE_REOPENED): S.AWAITING_RECONCILIATION,
    (S.NEEDS_STAFF, E.STAFF_RESUME): S.ACTIVE,
    (S.NEEDS_STAFF, E.NEEDS_DECISION): S.NEEDS_STAFF,
    (S.NEEDS_STAFF, E.PROMISE_MADE): S.NEEDS_STAFF,
    (S.NEEDS_STAFF, E.REMITTANCE_CLAIMED): S.NEEDS_STAFF,
    (S.NEEDS_STAFF, E.PAID_IN_FULL): S.CLOSED,
    (S.NEEDS_STAFF, E.BALANCE_REOPENED): S.NEEDS_STAFF,
    (S.IN_COLLECTIONS, E.PAID_IN_FULL): S.CLOSED,
    (S.IN_COLLECTIONS, E.STAFF_RESUME): S.ACTIVE,
    (S.IN_COLLECTIONS, E.BALANCE_REOPENED): S.IN_COLLECTIONS,
    (S.IN_COLLECTIONS, E.PROMISE_MADE): S.IN_COLLECTIONS,
    (S.IN_COLLECTIONS, E.REMITTANCE_CLAIMED): S.IN_COLLECTIONS,
    (S.IN_COLLECTIONS, E.NEEDS_DECISION): S.IN_COLLECTIONS,
    (S.CLOSED, E.BALANCE_REOPENED): S.ACTIVE,
    (S.CLOSED, E.PAID_IN_FULL): S.CLOSED,
    (S.CLOSED, E.STAFF_RESUME): S.ACTIVE,
    (S.ERROR, E.STAFF_RESUME): S.ACTIVE,
}
# DATA_ERROR from any state goes to ERROR.
for _state in AccountState:
    TRANSITIONS[(_state, E.DATA_ERROR)] = S.ERROR


def _check_table() -> None:
    """Fail at import if the table names a state or event that does not exist."""
    for (state, event), target in TRANSITIONS.items():
        if not (isinstance(state, AccountState) and isinstance(event, AccountEvent)
                and isinstance(target, AccountState)):
            raise TypeError(f"bad transition entry {(state, event)} -> {target}")


_check_table()


def transition(state: AccountState, event: AccountEvent) -> tuple[AccountState, bool]:
    """Return ``(next_state, expected)``; an unexpected event yields ``(NEEDS_STAFF, False)``."""
    target = TRANSITIONS.get((state, event))
    if target is None:
        return AccountState.NEEDS_STAFF, False
    return target, True
