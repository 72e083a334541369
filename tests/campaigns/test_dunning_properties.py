"""Property-based tests of the dunning engine's invariants over random ledgers and clocks."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal
from zoneinfo import ZoneInfo

from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from campaigns.actions import SendStep
from campaigns.dunning import apply_actions, due_actions, zone
from campaigns.snapshot import AccountView, CampaignSpec, InvoiceView, SendWindowSpec
from campaigns.state import AccountState

from .helpers import ALWAYS, DEFAULT_STEPS

UTC = dt.UTC
BASE = dt.date(2026, 3, 1)
ZONES = ("UTC", "Europe/London", "America/New_York", "Asia/Tokyo", "Pacific/Auckland")
STATUSES = ("open", "open", "open", "paid", "void", "written_off")

PROFILE = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
SIM_PROFILE = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@st.composite
def invoices(draw: st.DrawFn) -> tuple[InvoiceView, ...]:
    n = draw(st.integers(0, 6))
    out = []
    for k in range(n):
        status = draw(st.sampled_from(STATUSES))
        balance = 0 if status == "paid" else draw(st.integers(-5000, 200000))
        out.append(InvoiceView(
            number=f"INV-{k}", due_date=BASE + dt.timedelta(days=draw(st.integers(-90, 60))),
            balance_minor=balance, currency=draw(st.sampled_from(("EUR", "GBP", "JPY"))),
            status=status, disputed=draw(st.integers(0, 5)) == 0))
    return tuple(out)


@st.composite
def moments(draw: st.DrawFn, lo: int = -60, hi: int = 90) -> dt.datetime:
    minutes = draw(st.integers(lo * 1440, hi * 1440))
    return dt.datetime.combine(BASE, dt.time(0), tzinfo=UTC) + dt.timedelta(minutes=minutes)


@st.composite
def accounts(draw: st.DrawFn) -> AccountView:
    started = draw(st.booleans())
    return AccountView(
        customer_id=draw(st.integers(1, 10**6)), external_id="C",
        state=draw(st.sampled_from([AccountState.ACTIVE] * 8 + list(AccountState))),
        state_until=draw(st.none() | moments()),
        dunning_step=draw(st.integers(0, 6)) if started else None,
        dunning_cycle=draw(st.integers(0, 3)),
        last_dunning_at=draw(moments(-90, 30)) if started else None,
        next_action_at=draw(st.none() | st.none() | moments()),
        hold_until=draw(st.none() | st.none() | st.dates(BASE - dt.timedelta(days=30),
                                                         BASE + dt.timedelta(days=60))),
        excluded=draw(st.integers(0, 9)) == 0,
        campaign_override=draw(st.sampled_from((None,) * 6 + ("default", "vip", "missing"))),
        tags=tuple(draw(st.lists(st.sampled_from(("vip", "public", "eu")), max_size=2))),
        timezone=draw(st.sampled_from(ZONES)),
        invoices=draw(invoices()),
        has_deliverable_contact=draw(st.integers(0, 9)) > 0,
    )


@st.composite
def chased_accounts(draw: st.DrawFn) -> AccountView:
    """Accounts the gates let through (active, contactable, not held): exercises the step rules."""
    acc = draw(accounts())
    owed = InvoiceView("INV-9", BASE + dt.timedelta(days=draw(st.integers(-90, 60))),
                       draw(st.integers(1000, 10**6)), "EUR")
    return acc.evolve(invoices=acc.invoices + (owed,),state=draw(st.sampled_from((AccountState.ACTIVE, AccountState.CLOSED))), excluded=False,
                      campaign_override=None, has_deliverable_contact=True, next_action_at=None,
                      hold_until=None)


def any_accounts() -> st.SearchStrategy[AccountView]:
    return st.one_of(accounts(), chased_accounts(), chased_accounts())


@st.composite
def campaign_sets(draw: st.DrawFn) -> dict[str, CampaignSpec]:
    days = frozenset(draw(st.lists(st.integers(0, 6), min_size=1, max_size=7)))
    start = draw(st.integers(0, 20))
    end = draw(st.integers(start + 1, 24))
    window = SendWindowSpec(days, dt.time(start), dt.time(end - 1, 59) if end == 24 else dt.time(end))
    if draw(st.booleans()):
        window = ALWAYS
    holidays = frozenset(BASE + dt.timedelta(days=d) for d in draw(st.lists(st.integers(-30, 90), max_size=5)))
    common = dict(send_window=window, holidays=holidays, min_days_between=draw(st.integers(0, 7)),
                  min_balance=Decimal(draw(st.sampled_from(("0", "0", "10", "500")))))
    return {
        "default": CampaignSpec("default", DEFAULT_STEPS, default=True,
                                after_last=draw(st.sampled_from(("stop", "repeat"))),
                                repeat_every_days=draw(st.integers(1, 30)), **common),  # type: ignore[arg-type]
        "vip": CampaignSpec("vip", DEFAULT_STEPS[2:], applies_tags=("vip",), after_last="repeat",
                            repeat_every_days=7, **common),  # type: ignore[arg-type]
    }


def sends(actions: list) -> list[SendStep]:  # type: ignore[type-arg]
    return [a for a in actions if isinstance(a, SendStep)]


# --- single-call invariants -----------------------------------------------------------------

@PROFILE
@given(any_accounts(), campaign_sets(), moments())
def test_single_call_invariants(acc: AccountView, camps: dict[str, CampaignSpec], now: dt.datetime) -> None:
    actions = due_actions(acc, camps, now)
    ss = sends(actions)
    event(f"rule: {(ss[0] if ss else actions[-1]).why.rule}")
    assert len(ss) <= 1                                       # at most one email per call
    assert actions, "always an explanation"
    if not ss:
        return
    s = ss[0]
    chaseable = {i.number for i in acc.invoices if i.chaseable}
    assert set(s.invoices) <= chaseable and s.invoices        # never paid, void, written-off, disputed
    assert not acc.excluded and acc.has_deliverable_contact
    tz = zone(acc.timezone)
    local = now.astimezone(tz)
    today = local.date()
    spec = camps[s.campaign]
    win = spec.send_window
    assert local.weekday() in win.weekdays and win.start <= local.time() < win.end
    assert today not in spec.holidays
    if acc.hold_until is not None:
        assert today >= acc.hold_until
    if acc.next_action_at is not None:
        assert now >= acc.next_action_at
    assert acc.state not in (AccountState.NEEDS_STAFF, AccountState.IN_COLLECTIONS, AccountState.ERROR)
    if acc.state == AccountState.PROMISED:
        assert acc.state_until is not None
        assert now >= acc.state_until
    if acc.state == AccountState.AWAITING_RECONCILIATION:
        assert acc.state_until is not None and now >= acc.state_until
    if acc.last_dunning_at is not None:
        last = acc.last_dunning_at.astimezone(tz).date()
        assert (today - last).days >= max(spec.min_days_between, 1)
        if acc.dunning_step is not None:                          # never backwards within a cycle
            assert (s.cycle, s.step_index) > (acc.dunning_cycle, min(acc.dunning_step, spec.last_index))


@PROFILE
@given(any_accounts(), campaign_sets(), moments(), st.randoms(use_true_random=False))
def test_deterministic_and_order_independent(acc: AccountView, camps: dict[str, CampaignSpec],
                                             now: dt.datetime, rnd: random.Random) -> None:
    first = due_actions(acc, camps, now)
    assert due_actions(acc, camps, now) == first
    shuffled = list(acc.invoices)
    rnd.shuffle(shuffled)
    assert due_actions(acc.evolve(invoices=tuple(shuffled)), camps, now) == first


# --- simulated sequences of days --------------------------------------------------------------

@st.composite
def payment_plans(draw: st.DrawFn) -> dict[int, tuple[str, float]]:
    """day -> (invoice number, fraction of its balance paid that day)."""
    return draw(st.dictionaries(st.integers(0, 120), st.tuples(
        st.sampled_from([f"INV-{k}" for k in (0, 1, 2, 9)]), st.sampled_from((0.3, 1.0))), max_size=4))


def pay(acc: AccountView, number: str, fraction: float) -> AccountView:
    out = []
    for i in acc.invoices:
        if i.number == number and i.status == "open" and i.balance_minor > 0:
            left = int(i.balance_minor * (1 - fraction))
            i = InvoiceView(i.number, i.due_date, left, i.currency, "paid" if left == 0 else "open", i.disputed)
        out.append(i)
    return acc.evolve(invoices=tuple(out))


@SIM_PROFILE
@given(any_accounts(), campaign_sets(), payment_plans(), st.sampled_from((1, 3, 6, 8)))
def test_simulated_days(acc: AccountView, camps: dict[str, CampaignSpec],
                        payments: dict[int, tuple[str, float]], ticks_per_day: int) -> None:
    """Ticks through 150 days with payments arriving: the sequence invariants hold throughout."""
    acc = acc.evolve(dunning_step=None, last_dunning_at=None, dunning_cycle=0, next_action_at=None)
    tz = zone(acc.timezone)
    start = dt.datetime.combine(BASE - dt.timedelta(days=30), dt.time(0), tzinfo=tz)
    sent: list[tuple[dt.datetime, SendStep]] = []
    for day in range(150):
        if day in payments:
            acc = pay(acc, *payments[day])
        for k in range(ticks_per_day):
            now = (start + dt.timedelta(days=day, hours=24 * k / ticks_per_day + 0.5)).astimezone(UTC)
            before = acc
            actions = due_actions(acc, camps, now)
            ss = sends(actions)
            assert len(ss) <= 1
            for s in ss:
                assert set(s.invoices) <= {i.number for i in acc.invoices if i.chaseable}
                if before.hold_until is not None:
                    assert now.astimezone(tz).date() >= before.hold_until
                sent.append((now, s))
            acc = apply_actions(acc, actions, now)
    event(f"emails sent: {min(len(sent), 5)}{'+' if len(sent) >= 5 else ''}")
    event(f"cycles: {len({s.cycle for _, s in sent})}")
    days_sent = [now.astimezone(tz).date() for now, _ in sent]
    assert len(days_sent) == len(set(days_sent))             # at most one email per customer per day
    for (t1, a), (t2, b) in zip(sent, sent[1:]):
        assert (b.cycle, b.step_index) > (a.cycle, a.step_index)   # (cycle, step) only moves forward
        if b.cycle == a.cycle:
            assert b.step_index > a.step_index                  # the step never goes back in a cycle
        if not payments:                                        # nothing settled: never back at all
            assert b.step_index >= a.step_index
        spec = camps[b.campaign]
        gap = (t2.astimezone(tz).date() - t1.astimezone(tz).date()).days
        assert gap >= max(spec.min_days_between, 1)
        win = spec.send_window
        local = t2.astimezone(tz)
        assert local.weekday() in win.weekdays and win.start <= local.time() < win.end


@SIM_PROFILE
@given(any_accounts(), campaign_sets(), st.integers(1, 200), moments(0, 90))
def test_catch_up_after_downtime_sends_at_most_one(acc: AccountView, camps: dict[str, CampaignSpec],
                                                   down_days: int, back: dt.datetime) -> None:
    """Whatever was missed, the day the bot comes back brings at most one email, at the step now due."""
    acc = acc.evolve(last_dunning_at=back - dt.timedelta(days=down_days))
    count = 0
    now = back
    tz = ZoneInfo(acc.timezone or "UTC")
    day = back.astimezone(tz).date()
    while now.astimezone(tz).date() == day:                       # every 30 minutes, that local day
        actions = due_actions(acc, camps, now)
        ss = sends(actions)
        if ss:
            s = ss[0]
            if acc.dunning_step is not None and s.cycle == acc.dunning_cycle and s.step_index > 0:
                # the step sent is the latest one reached, never an intermediate missed one
                spec = camps[s.campaign]
                assert s.step_index == spec.last_index or s.why.rule in (
                    "step.advance", "step.catch_up", "step.reminder", "step.warning_before_handover")
        count += len(ss)
        acc = apply_actions(acc, actions, now)
        now += dt.timedelta(minutes=30)
    assert count <= 1
