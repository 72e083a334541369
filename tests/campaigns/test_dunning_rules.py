"""Example-based tests: one or more per named rule of the dunning engine."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from campaigns.actions import ChangeState, Escalate, NoAction, SendStep
from campaigns.dunning import apply_actions, due_actions, send_of
from campaigns.snapshot import AccountView, InvoiceView, SendWindowSpec
from campaigns.state import AccountState

from .helpers import campaign, utc

D = dt.date
CAMPAIGNS = {"default": campaign()}


def acct(*invoices: InvoiceView, **kw: object) -> AccountView:
    fields: dict[str, object] = {"invoices": invoices, "timezone": "UTC", **kw}
    return AccountView(1, "C1", **fields)  # type: ignore[arg-type]


def inv(number: str, due: dt.date, balance: int = 10000, **kw: object) -> InvoiceView:
    return InvoiceView(number, due, balance, "EUR", **kw)  # type: ignore[arg-type]


def rule(actions: list) -> str:  # type: ignore[type-arg]
    s = send_of(actions)
    return s.why.rule if s else actions[-1].why.rule


def run(account: AccountView, start: dt.datetime, days: int, campaigns=CAMPAIGNS):  # type: ignore[no-untyped-def]
    """Tick once a day; return [(date, step, cycle, invoices)] and the final account."""
    sent = []
    for k in range(days):
        now = start + dt.timedelta(days=k)
        acts = due_actions(account, campaigns, now)
        s = send_of(acts)
        if s:
            sent.append((now.date(), s.step, s.cycle, s.invoices))
        account = apply_actions(account, acts, now)
    return sent, account


# --- campaign selection -------------------------------------------------------------------

def test_selection_override_tags_balance_default() -> None:
    camps = {"default": campaign(), "vip": campaign("vip", applies_tags=("vip",)),
             "big": campaign("big", applies_min_balance=Decimal(1000)),
             "bigvip": campaign("bigvip", applies_tags=("vip",), applies_min_balance=Decimal(1000))}
    base = acct(inv("A", D(2026, 3, 1), 5000))
    now = utc(2026, 3, 5)
    assert send_of(due_actions(base, camps, now)).campaign == "default"
    assert send_of(due_actions(base.evolve(tags=("vip",)), camps, now)).campaign == "vip"
    big = acct(inv("A", D(2026, 3, 1), 500000))
    assert send_of(due_actions(big, camps, now)).campaign == "big"
    assert send_of(due_actions(big.evolve(tags=("vip",)), camps, now)).campaign == "bigvip"
    assert send_of(due_actions(big.evolve(campaign_override="vip"), camps, now)).campaign == "vip"
    assert rule(due_actions(base.evolve(campaign_override="nope"), camps, now)) == "campaign.unknown_override"
    assert rule(due_actions(base, {"vip": camps["vip"]}, now)) == "campaign.none"


# --- ledger ---------------------------------------------------------------------------------

def test_paid_void_written_off_and_disputed_are_never_chased() -> None:
    a = acct(inv("P", D(2026, 1, 1), 0, status="paid"), inv("V", D(2026, 1, 1), 500, status="void"),
             inv("W", D(2026, 1, 1), 500, status="written_off"), inv("X", D(2026, 1, 1), disputed=True),
             inv("OK", D(2026, 1, 20)))
    s = send_of(due_actions(a, CAMPAIGNS, utc(2026, 2, 1)))
    assert s is not None and s.invoices == ("OK",)


def test_nothing_left_to_chase_gets_nothing() -> None:
    a = acct(inv("P", D(2026, 1, 1), 0, status="paid"), inv("X", D(2026, 1, 1), disputed=True))
    assert rule(due_actions(a, CAMPAIGNS, utc(2026, 2, 1))) == "ledger.nothing_to_chase"
    assert rule(due_actions(acct(), CAMPAIGNS, utc(2026, 2, 1))) == "ledger.nothing_to_chase"


def test_credit_note_covering_the_balance_stops_chasing() -> None:
    a = acct(inv("A", D(2026, 1, 1), 5000), inv("CN", D(2026, 1, 5), -5000))
    assert rule(due_actions(a, CAMPAIGNS, utc(2026, 2, 1))) == "ledger.credit_covers"


def test_min_balance() -> None:
    camps = {"default": campaign(min_balance=Decimal(50))}
    a = acct(inv("A", D(2026, 1, 1), 4999))
    assert rule(due_actions(a, camps, utc(2026, 2, 1))) == "ledger.below_min_balance"
    assert send_of(due_actions(acct(inv("A", D(2026, 1, 1), 5000)), camps, utc(2026, 2, 1)))


def test_partial_payment_keeps_the_step() -> None:
    a = acct(inv("A", D(2026, 3, 1), 10000))
    sent, a = run(a, utc(2026, 2, 26), 14)          # reminder, due_today, polite, why_delay
    assert [s[1] for s in sent] == ["reminder", "due_today", "polite", "why_delay"]
    paid_part = a.evolve(invoices=(inv("A", D(2026, 3, 1), 4000),))
    sent2, _ = run(paid_part, utc(2026, 3, 12), 15)
    assert [s[1] for s in sent2] == ["concerned"]  # the step continues, not restarted


# --- the step -------------------------------------------------------------------------------

def test_default_sequence_and_final_handover() -> None:
    sent, a = run(acct(inv("A", D(2026, 3, 2))), utc(2026, 2, 20), 70)
    assert [(d.isoformat(), s) for d, s, _, _ in sent] == [
        ("2026-02-27", "reminder"), ("2026-03-02", "due_today"), ("2026-03-05", "polite"),
        ("2026-03-12", "why_delay"), ("2026-03-22", "concerned"), ("2026-04-01", "stern"),
        ("2026-04-16", "final_notice")]
    assert a.state == AccountState.IN_COLLECTIONS
    final = due_actions(acct(inv("A", D(2026, 3, 2)), dunning_step=5, last_dunning_at=utc(2026, 4, 1)),
                        CAMPAIGNS, utc(2026, 4, 16))
    assert [type(x) for x in final] == [SendStep, Escalate, ChangeState]
    assert final[2].event == "final_step_sent"


def test_newly_overdue_invoice_joins_the_running_sequence() -> None:
    a = acct(inv("A", D(2026, 3, 1)), dunning_step=3, last_dunning_at=utc(2026, 3, 11))
    a = a.evolve(invoices=a.invoices + (inv("B", D(2026, 3, 15)),))
    sent, _ = run(a, utc(2026, 3, 12), 12)
    assert sent == [(D(2026, 3, 21), "concerned", 0, ("A", "B"))]


def test_step_never_goes_back_when_the_oldest_is_paid() -> None:
    # stern sent for A; A is paid; B is only 5 days overdue: no "polite" again, wait for +45.
    a = acct(inv("A", D(2026, 1, 1), 0, status="paid"), inv("B", D(2026, 1, 26)),
             dunning_step=5, last_dunning_at=utc(2026, 1, 31))
    acts = due_actions(a, CAMPAIGNS, utc(2026, 2, 1))
    assert rule(acts) == "step.waiting"
    sent, _ = run(a, utc(2026, 2, 1), 60)
    assert [(d, s) for d, s, _, _ in sent] == [(D(2026, 3, 12), "final_notice")]


def test_new_sequence_after_everything_was_settled() -> None:
    # Sequence for A reached "stern" and A was paid; B came in later: a new cycle, from the start.
    a = acct(inv("A", D(2026, 1, 1), 0, status="paid"), inv("B", D(2026, 3, 10)),
             dunning_step=5, dunning_cycle=0, last_dunning_at=utc(2026, 1, 31))
    sent, _ = run(a, utc(2026, 3, 1), 10)
    assert sent[:2] == [(D(2026, 3, 7), "reminder", 1, ("B",)), (D(2026, 3, 10), "due_today", 1, ("B",))]


def test_catch_up_sends_one_email_at_the_step_now_due() -> None:
    a = acct(inv("A", D(2026, 3, 1)), dunning_step=1, last_dunning_at=utc(2026, 3, 1))
    acts = due_actions(a, CAMPAIGNS, utc(2026, 4, 2))      # down from +1 to +32
    s = send_of(acts)
    assert s.step == "stern" and rule(acts) == "step.catch_up"
    sent, _ = run(a, utc(2026, 4, 2), 10)
    assert len(sent) == 1


def test_reminders_per_invoice_coming_due() -> None:
    a = acct(inv("A", D(2026, 3, 2)), inv("B", D(2026, 3, 4)))
    sent, _ = run(a, utc(2026, 2, 25), 6)
    # A's reminder on 27th; B's reminder (1st) and A's due day (2nd) are one email each day.
    assert [(d.day, s, i) for d, s, _, i in sent] == [
        (27, "reminder", ("A",)), (2, "due_today", ("A", "B"))]


def test_repeat_after_last_step() -> None:
    camps = {"default": campaign(after_last="repeat", repeat_every_days=7)}
    a = acct(inv("A", D(2026, 1, 1)), dunning_step=6, last_dunning_at=utc(2026, 2, 15))
    sent, a = run(a, utc(2026, 2, 16), 15, camps)
    assert [(d.day, s, c) for d, s, c, _ in sent] == [(22, "final_notice", 1), (1, "final_notice", 2)]
    assert a.state == AccountState.ACTIVE


def test_stop_after_last_step() -> None:
    a = acct(inv("A", D(2026, 1, 1)), dunning_step=6, last_dunning_at=utc(2026, 2, 15))
    assert rule(due_actions(a, CAMPAIGNS, utc(2026, 4, 1))) == "step.sequence_finished"


# --- account gates ----------------------------------------------------------------------------

def test_excluded_held_postponed_and_staff_states() -> None:
    a = acct(inv("A", D(2026, 3, 1)))
    now = utc(2026, 3, 5)
    assert rule(due_actions(a.evolve(excluded=True), CAMPAIGNS, now)) == "account.excluded"
    assert rule(due_actions(a.evolve(hold_until=D(2026, 3, 6)), CAMPAIGNS, now)) == "account.on_hold"
    assert send_of(due_actions(a.evolve(hold_until=D(2026, 3, 5)), CAMPAIGNS, now))
    assert rule(due_actions(a.evolve(next_action_at=utc(2026, 3, 5, 11)), CAMPAIGNS, now)) == "account.postponed"
    for st in (AccountState.NEEDS_STAFF, AccountState.IN_COLLECTIONS, AccountState.ERROR):
        assert rule(due_actions(a.evolve(state=st), CAMPAIGNS, now)) == f"state.{st.value}"


def test_promise_pauses_until_its_end_then_breaks() -> None:
    # state_until = the promised date + grace, as the reactions record it.
    a = acct(inv("A", D(2026, 3, 1)), state=AccountState.PROMISED, state_until=utc(2026, 3, 13, 0))
    assert rule(due_actions(a, CAMPAIGNS, utc(2026, 3, 12, 23))) == "state.promised"
    acts = due_actions(a, CAMPAIGNS, utc(2026, 3, 13, 1))
    assert isinstance(acts[0], ChangeState) and acts[0].event == "promise_broken"
    assert isinstance(acts[1], Escalate) and acts[1].kind == "broken_promise"
    assert send_of(acts) is not None
    assert apply_actions(a, acts, utc(2026, 3, 13, 1)).state == AccountState.ACTIVE
    # Paid before the deadline: no broken promise.
    paid = a.evolve(invoices=(inv("A", D(2026, 3, 1), 0, status="paid"),))
    assert isinstance(due_actions(paid, CAMPAIGNS, utc(2026, 3, 20))[0], NoAction)


def test_reconciliation_timeout() -> None:
    a = acct(inv("A", D(2026, 3, 1)), state=AccountState.AWAITING_RECONCILIATION,
             state_until=utc(2026, 3, 9, 0))
    assert rule(due_actions(a, CAMPAIGNS, utc(2026, 3, 8))) == "state.awaiting_reconciliation"
    acts = due_actions(a, CAMPAIGNS, utc(2026, 3, 9))
    assert acts[0].event == "reconciliation_timeout" and send_of(acts)


def test_closed_account_owing_again_reopens() -> None:
    a = acct(inv("A", D(2026, 3, 1)), state=AccountState.CLOSED)
    acts = due_actions(a, CAMPAIGNS, utc(2026, 3, 5))
    assert acts[0].event == "balance_reopened" and send_of(acts)


def test_no_deliverable_contact() -> None:
    a = acct(inv("A", D(2026, 3, 1)), has_deliverable_contact=False)
    assert rule(due_actions(a, CAMPAIGNS, utc(2026, 3, 5))) == "contact.none_deliverable"


# --- timing -----------------------------------------------------------------------------------

def test_one_per_day_and_min_days_between() -> None:
    a = acct(inv("A", D(2026, 3, 1)), dunning_step=2, last_dunning_at=utc(2026, 3, 11, 8))
    assert rule(due_actions(a, CAMPAIGNS, utc(2026, 3, 11, 12))) == "timing.one_per_day"
    camps = {"default": campaign(min_days_between=5)}
    b = acct(inv("A", D(2026, 2, 19)), dunning_step=2, last_dunning_at=utc(2026, 2, 27))
    assert rule(due_actions(b, camps, utc(2026, 3, 1))) == "timing.min_days_between"
    assert send_of(due_actions(b, camps, utc(2026, 3, 4)))


def test_send_window_in_customer_zone_and_holidays() -> None:
    camps = {"default": campaign(send_window=SendWindowSpec(frozenset({0, 1, 2, 3, 4}), dt.time(9),
                                                            dt.time(17)),
                                 holidays=frozenset({D(2026, 3, 6)}))}
    a = acct(inv("A", D(2026, 3, 1)), timezone="America/New_York")
    # Thursday 5 March, 10:00 UTC = 05:00 in New York: too early there.
    assert rule(due_actions(a, camps, utc(2026, 3, 5, 10))) == "timing.send_window"
    assert send_of(due_actions(a, camps, utc(2026, 3, 5, 15)))            # 10:00 in New York
    assert rule(due_actions(a, camps, utc(2026, 3, 6, 15))) == "timing.holiday"
    assert rule(due_actions(a, camps, utc(2026, 3, 7, 15))) == "timing.send_window"   # Saturday


def test_no_handover_without_a_warning_first() -> None:
    # First sight of an account 60 days overdue: the stern demand goes first, never straight
    # to the final notice that hands the account to collections.
    a = acct(inv("A", D(2026, 1, 1)))
    acts = due_actions(a, CAMPAIGNS, utc(2026, 3, 2))
    s = send_of(acts)
    assert s.step == "stern" and rule(acts) == "step.warning_before_handover"
    sent, a = run(a, utc(2026, 3, 2), 10)
    assert [s for _, s, _, _ in sent] == ["stern", "final_notice"]
    assert (sent[1][0] - sent[0][0]).days >= 3          # after the minimum gap
