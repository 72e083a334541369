"""The dunning engine: which campaign email (if any) an account is due for at ``now``, and why.

Pure and deterministic: the same :class:`~campaigns.snapshot.AccountView`, campaigns and
``now`` always give the same actions. No database, no clock, no I/O.

The rules, in the order they are applied (each name is recorded in ``Why.rule``; see
docs/campaigns.md for the prose):

1. account gates: ``account.excluded``, ``state.*`` (paused states; a broken promise or a
   reconciliation timeout re-activates the account), ``account.on_hold``,
   ``account.postponed``;
2. ``campaign.*``: per-customer override, then tags, then balance threshold, then default;
3. ledger: only open, undisputed invoices with a balance are chased (``ledger.*``);
4. the step (``step.*``): driven by the oldest overdue invoice; newly overdue invoices
   join the running sequence; the step never goes back within a cycle; after downtime
   one email at the step now due (``step.catch_up``), never the missed ones; reminders
   (offset <= 0) per invoice coming due while nothing is overdue;
5. timing (``timing.*``): one email per customer per day, minimum days between emails,
   holidays, the send window in the customer's time zone;
6. ``contact.none_deliverable``: nothing is sent without an address.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from zoneinfo import ZoneInfo

from campaigns.actions import Action, ChangeState, Escalate, NoAction, SendStep, Why
from campaigns.snapshot import AccountView, CampaignSpec, InvoiceView
from campaigns.state import AccountEvent, AccountState, transition

Evidence = tuple[tuple[str, str], ...]


# --------------------------------------------------------------------------- helpers


@lru_cache(maxsize=256)
def zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)


@lru_cache(maxsize=256)
def _exponent(currency: str) -> int:
    from babel.numbers import get_currency_precision

    try:
        return int(get_currency_precision(currency))
    except (LookupError, ValueError):  # unknown code: the common case
        return 2


def minor_to_decimal(minor: int, currency: str) -> Decimal:
    return Decimal(minor).scaleb(-_exponent(currency))


def local_date(moment: dt.datetime, tz: ZoneInfo) -> dt.date:
    return moment.astimezone(tz).date()


def open_totals(invoices: Iterable[InvoiceView]) -> dict[str, int]:
    """Net open, undisputed balance per currency (credit notes reduce it), minor units."""
    out: dict[str, int] = {}
    for inv in invoices:
        if inv.is_open and not inv.disputed:
            out[inv.currency] = out.get(inv.currency, 0) + inv.balance_minor
    return out


def _meets(totals: Mapping[str, int], threshold: Decimal) -> bool:
    """True when the balance in at least one currency reaches ``threshold`` (in its units)."""
    return any(minor_to_decimal(m, c) >= threshold for c, m in totals.items() if m > 0)


@dataclass(frozen=True, slots=True)
class _Ctx:
    account: AccountView
    now: dt.datetime
    tz: ZoneInfo
    today: dt.date
    last_date: dt.date | None       # local date of the last dunning email


def _no(account: AccountView, rule: str, summary: str, evidence: Evidence = ()) -> list[Action]:
    return [NoAction(account.customer_id, Why(rule, summary, evidence))]


# --------------------------------------------------------------------------- campaign selection


@dataclass(frozen=True, slots=True)
class Selection:
    name: str
    spec: CampaignSpec
    rule: str
    summary: str


def select_campaign(account: AccountView, campaigns: Mapping[str, CampaignSpec]) -> Selection | Why:
    """Override, then the most specific matching campaign (tags, then balance), then default."""
    if account.campaign_override:
        spec = campaigns.get(account.campaign_override)
        if spec is None:
            return Why("campaign.unknown_override",
                       f"customer override names unknown campaign {account.campaign_override!r}",
                       (("campaign", account.campaign_override),))
        return Selection(account.campaign_override, spec, "campaign.override",
                         f"customer override: campaign {account.campaign_override!r}")
    totals = open_totals(account.invoices)
    tags = set(account.tags)
    best: tuple[tuple[int, Decimal, int], str, str] | None = None
    for order, (name, spec) in enumerate(campaigns.items()):
        if not spec.applies_tags and spec.applies_min_balance is None:
            continue
        if spec.applies_tags and not tags.intersection(spec.applies_tags):
            continue
        if spec.applies_min_balance is not None and not _meets(totals, spec.applies_min_balance):
            continue
        rule = "campaign.tags" if spec.applies_tags else "campaign.balance"
        key = (1 if spec.applies_tags else 0, spec.applies_min_balance or Decimal(0), -order)
        if best is None or key > best[0]:
            best = (key, name, rule)
    if best is not None:
        _, name, rule = best
        return Selection(name, campaigns[name], rule, f"campaign {name!r} applies ({rule})")
    for name, spec in campaigns.items():
        if spec.default:
            return Selection(name, spec, "campaign.default", f"default campaign {name!r}")
    return Why("campaign.none", "no campaign applies to this customer")


# --------------------------------------------------------------------------- account gates


def _state_gate(ctx: _Ctx, spec: CampaignSpec, has_chase: bool) -> tuple[list[Action], list[Action] | None]:
    """Return (state-change actions to prefix, blocking result or None)."""
    acc = ctx.account
    st = acc.state
    cid = acc.customer_id
    if st in (AccountState.ACTIVE,):
        return [], None
    if st == AccountState.CLOSED:
        if not has_chase:
            return [], _no(acc, "state.closed", "account closed: nothing to chase")
        why = Why("state.balance_reopened", "closed account owes again: campaign resumes",
                  (("state", st.value),))
        return [ChangeState(cid, AccountEvent.BALANCE_REOPENED.value, None, why)], None
    if st in (AccountState.PROMISED, AccountState.AWAITING_RECONCILIATION):
        if acc.state_until is None:
            return [], _no(acc, f"state.{st.value}", f"account {st.value} until staff act")
        promised = st == AccountState.PROMISED
        deadline = acc.state_until     # grace already included by whoever recorded the promise
        ev = (("state", st.value), ("until", acc.state_until.isoformat()), ("deadline", deadline.isoformat()))
        if ctx.now < deadline:
            return [], _no(acc, f"state.{st.value}", f"account {st.value}: nothing until {deadline.isoformat()}",
                           ev)
        if not has_chase:
            return [], _no(acc, f"state.{st.value}", f"account {st.value}: deadline passed, nothing owed", ev)
        if promised:
            event, kind, rule = AccountEvent.PROMISE_BROKEN, "broken_promise", "state.promise_broken"
            summary = f"promise pause ended {acc.state_until.isoformat()} (grace included) with invoices unpaid"
        else:
            event, kind, rule = (AccountEvent.RECONCILIATION_TIMEOUT, "reconciliation_timeout",
                                 "state.reconciliation_timeout")
            summary = "claimed remittance not seen by the reconciliation deadline"
        why = Why(rule, summary, ev)
        return [ChangeState(cid, event.value, None, why),
                Escalate(cid, kind, summary, False, why)], None
    # NEEDS_STAFF, IN_COLLECTIONS, ERROR: a person decides.
    return [], _no(acc, f"state.{st.value}", f"account {st.value}: no automatic email",
                   (("state", st.value),))


# --------------------------------------------------------------------------- the step


@dataclass(frozen=True, slots=True)
class _Due:
    index: int
    cycle: int
    rule: str
    summary: str
    evidence: Evidence


def _reached(spec: CampaignSpec, days_overdue: int) -> int:
    """Index of the latest step whose offset has been reached (-1 if none)."""
    idx = -1
    for i, s in enumerate(spec.steps):
        if s.offset_days <= days_overdue:
            idx = i
    return idx


def _warned_first(due: _Due, spec: CampaignSpec, cur: int, same_cycle: bool) -> _Due:
    """Never hand over without warning: an escalating step (the final notice before
    collections) is only sent when the step before it went out in this cycle; a catch-up
    or a first contact that lands on it sends the preceding step instead, and the handover
    follows after the minimum gap."""
    idx = due.index
    if idx <= 0 or not spec.steps[idx].escalate or due.rule == "step.repeat" or (same_cycle and cur >= idx - 1):
        return due
    prev = spec.steps[idx - 1]
    return _Due(idx - 1, due.cycle, "step.warning_before_handover",
                f"{due.summary}; {spec.steps[idx].name} hands the account over, so {prev.name} goes "
                f"first", due.evidence + (("handover_step", spec.steps[idx].name),))


def _step_due(ctx: _Ctx, spec: CampaignSpec, chase: Sequence[InvoiceView]) -> _Due | Why:
    due = _step_due_raw(ctx, spec, chase)
    if not isinstance(due, _Due):
        return due
    acc = ctx.account
    cur = min(acc.dunning_step, spec.last_index) if acc.dunning_step is not None else -1
    same_cycle = acc.dunning_step is not None and due.cycle == acc.dunning_cycle
    return _warned_first(due, spec, cur, same_cycle)


def _step_due_raw(ctx: _Ctx, spec: CampaignSpec, chase: Sequence[InvoiceView]) -> _Due | Why:
    acc = ctx.account
    today = ctx.today
    started = acc.dunning_step is not None
    cur = min(acc.dunning_step, spec.last_index) if acc.dunning_step is not None else -1
    last = ctx.last_date
    first = spec.first_offset
    # A sequence is over when every invoice it chased is settled: all that is chased now
    # entered the campaign window after the last email. Then a new cycle starts.
    fresh = (not started or last is None
             or all(inv.due_date + dt.timedelta(days=first) > last for inv in chase))
    ev: Evidence = (("previous_step", str(acc.dunning_step)), ("cycle", str(acc.dunning_cycle)),
                    ("last_dunning_at", acc.last_dunning_at.isoformat() if acc.last_dunning_at else ""))
    overdue = [inv for inv in chase if inv.due_date < today]
    if overdue:
        driver = overdue[0]
        days = (today - driver.due_date).days
        reached = _reached(spec, days)
        ev += (("driver_invoice", driver.number), ("driver_due_date", driver.due_date.isoformat()),
               ("days_overdue", str(days)), ("reached_step", spec.steps[reached].name))
        if fresh:
            cycle = acc.dunning_cycle + (1 if started else 0)
            rule = "step.catch_up" if any(s.offset_days > 0 for s in spec.steps[:reached]) else "step.start"
            return _Due(reached, cycle, rule,
                        f"{driver.number} is {days} days overdue: step {spec.steps[reached].name}"
                        + (" (missed steps skipped)" if rule == "step.catch_up" else ""), ev)
        if reached > cur:
            rule = "step.advance" if reached == cur + 1 else "step.catch_up"
            return _Due(reached, acc.dunning_cycle, rule,
                        f"oldest overdue {driver.number} is {days} days overdue: "
                        f"step {spec.steps[reached].name}"
                        + (" (missed steps skipped)" if rule == "step.catch_up" else ""), ev)
        if cur == spec.last_index:
            if spec.after_last != "repeat":
                return Why("step.sequence_finished", "last step already sent; campaign stops here", ev)
            if last is not None and (today - last).days < spec.repeat_every_days:
                return Why("step.repeat_wait",
                           f"last step repeats every {spec.repeat_every_days} days", ev)
            return _Due(cur, acc.dunning_cycle + 1, "step.repeat",
                        f"last step repeated (every {spec.repeat_every_days} days): new cycle", ev)
        nxt = spec.steps[cur + 1]
        when = driver.due_date + dt.timedelta(days=nxt.offset_days)
        return Why("step.waiting", f"next step {nxt.name} due on {when.isoformat()}",
                   ev + (("next_step", nxt.name), ("next_date", when.isoformat())))
    # Nothing overdue: reminders per invoice coming due (offset <= 0).
    pending: list[tuple[int, InvoiceView]] = []
    for inv in chase:
        r = _reached(spec, (today - inv.due_date).days)
        milestone = inv.due_date + dt.timedelta(days=spec.steps[r].offset_days)
        if last is None or last < milestone:
            pending.append((r, inv))
    if not pending:
        return Why("step.reminder_sent", "every invoice coming due has had its reminder", ev)
    r, inv = max(pending, key=lambda p: (p[0], p[1].due_date))
    ev += (("reminder_invoice", inv.number), ("due_date", inv.due_date.isoformat()),
           ("reached_step", spec.steps[r].name))
    if not started:
        return _Due(r, acc.dunning_cycle, "step.reminder", f"{inv.number} comes due on {inv.due_date}", ev)
    if not fresh and r > cur:
        return _Due(r, acc.dunning_cycle, "step.reminder", f"{inv.number} comes due on {inv.due_date}", ev)
    return _Due(r, acc.dunning_cycle + 1, "step.reminder_new_sequence",
                f"{inv.number} comes due on {inv.due_date}; previous sequence settled: new cycle", ev)


# --------------------------------------------------------------------------- timing gates


def _timing_gates(ctx: _Ctx, spec: CampaignSpec) -> Why | None:
    last, today = ctx.last_date, ctx.today
    if last is not None and last >= today:
        return Why("timing.one_per_day", "an email already went to this customer today",
                   (("last_dunning_at", ctx.account.last_dunning_at.isoformat()
                     if ctx.account.last_dunning_at else ""),))
    if last is not None and (today - last).days < spec.min_days_between:
        nxt = last + dt.timedelta(days=spec.min_days_between)
        return Why("timing.min_days_between",
                   f"at least {spec.min_days_between} days between emails: not before {nxt.isoformat()}",
                   (("last_date", last.isoformat()), ("earliest", nxt.isoformat())))
    if today in spec.holidays:
        return Why("timing.holiday", f"{today.isoformat()} is a holiday", (("date", today.isoformat()),))
    local = ctx.now.astimezone(ctx.tz)
    win = spec.send_window
    if local.weekday() not in win.weekdays or not (win.start <= local.time() < win.end):
        return Why("timing.send_window",
                   f"outside the send window ({local.strftime('%a %H:%M')} {ctx.tz.key})",
                   (("local_time", local.isoformat()),))
    return None


# --------------------------------------------------------------------------- the entry point


def due_actions(account: AccountView, campaigns: Mapping[str, CampaignSpec], now: dt.datetime) -> list[Action]:
    """The actions due for ``account`` at ``now`` (aware), each with its reasons.

    Returns either a single :class:`NoAction` explaining why nothing happens, or state
    changes (broken promise, reopened balance) possibly followed by one
    :class:`SendStep` and its consequences (:class:`Escalate` for escalating steps,
    ``ChangeState(final_step_sent)`` after the last step of a campaign that stops).
    At most one ``SendStep`` ever.
    """
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    tz = zone(account.timezone)
    last_date = local_date(account.last_dunning_at, tz) if account.last_dunning_at else None
    ctx = _Ctx(account, now, tz, local_date(now, tz), last_date)
    cid = account.customer_id

    if account.excluded:
        return _no(account, "account.excluded", "customer excluded from dunning")
    sel = select_campaign(account, campaigns)
    if isinstance(sel, Why):
        return [NoAction(cid, sel)]
    spec = sel.spec
    window = dt.timedelta(days=spec.first_offset)
    chase = sorted((inv for inv in account.invoices if inv.chaseable and inv.due_date + window <= ctx.today),
                   key=lambda i: (i.due_date, i.number))
    prefix, blocked = _state_gate(ctx, spec, bool(chase))
    if blocked is not None:
        return blocked
    if account.hold_until is not None and ctx.today < account.hold_until:
        return prefix + _no(account, "account.on_hold", f"on hold until {account.hold_until.isoformat()}",
                   (("hold_until", account.hold_until.isoformat()),))
    if account.next_action_at is not None and now < account.next_action_at:
        return prefix + _no(account, "account.postponed",
                            f"postponed until {account.next_action_at.isoformat()}",
                            (("next_action_at", account.next_action_at.isoformat()),))
    if not chase:
        return prefix + _no(account, "ledger.nothing_to_chase",
                            "no open, undisputed invoice with a balance is due")
    totals = open_totals(account.invoices)
    chased_ccy = {inv.currency for inv in chase}
    if all(totals.get(c, 0) <= 0 for c in chased_ccy):
        return prefix + _no(account, "ledger.credit_covers", "credits on account cover what is due")
    if spec.min_balance > 0 and not _meets({c: totals.get(c, 0) for c in chased_ccy}, spec.min_balance):
        return prefix + _no(account, "ledger.below_min_balance",
                            f"balance below the campaign minimum {spec.min_balance}")
    due = _step_due(ctx, spec, chase)
    if isinstance(due, Why):
        return prefix + [NoAction(cid, due)]
    gate = _timing_gates(ctx, spec)
    if gate is not None:
        return prefix + [NoAction(cid, gate)]
    if not account.has_deliverable_contact:
        return prefix + _no(account, "contact.none_deliverable",
                            "no deliverable contact address (all bounced or none)")
    step = spec.steps[due.index]
    numbers = tuple(inv.number for inv in chase)
    evidence = (("campaign", sel.name), ("campaign_rule", sel.rule), ("step", step.name),
                ("cycle", str(due.cycle)), ("invoices", ",".join(numbers))) + due.evidence
    why = Why(due.rule, due.summary, evidence)
    out: list[Action] = list(prefix)
    out.append(SendStep(cid, sel.name, step.name, due.index, due.cycle, numbers, why))
    if step.escalate:
        out.append(Escalate(cid, "step_escalation",
                            f"step {step.name} of campaign {sel.name} sent: staff follow-up", True,
                            Why("step.escalate", f"step {step.name} escalates", evidence)))
    if due.index == spec.last_index and spec.after_last == "stop":
        out.append(ChangeState(cid, AccountEvent.FINAL_STEP_SENT.value, None,
                               Why("step.final_handover", "last step sent: handed over to collections",
                                   evidence)))
    return out


def send_of(actions: Iterable[Action]) -> SendStep | None:
    for a in actions:
        if isinstance(a, SendStep):
            return a
    return None


def apply_actions(account: AccountView, actions: Iterable[Action], at: dt.datetime) -> AccountView:
    """The account as it is after ``bot`` applied ``actions`` at ``at`` (pure mirror of the writes).

    Used by ``arbot plan`` to simulate several days and by the scheduler to compute the
    new column values, so both stay the same code.
    """
    acc = account
    for a in actions:
        if isinstance(a, ChangeState):
            state, _ = transition(acc.state, AccountEvent(a.event))
            acc = acc.evolve(state=state, state_until=a.until)
        elif isinstance(a, SendStep):
            acc = acc.evolve(dunning_step=a.step_index, dunning_cycle=a.cycle, last_dunning_at=at)
    return acc

