"""Applying decided actions to the ledger, in the caller's transaction.

``campaigns`` decides; this module is the one place where each kind of action reaches
the database. Every applied action appends a timeline event carrying the rule that
decided it and its evidence (which message, which words, what confidence).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from bot import timeline
from bot.config import Config
from bot.models import Contact, Customer, Invoice, Note, Promise
from bot.money import MoneyError, to_minor
from bot.tie import forget_contact
from campaigns.actions import (
    Action,
    AddNote,
    AnswerWith,
    ChangeState,
    Escalate,
    FlagContact,
    MarkDisputed,
    NoAction,
    Pause,
    Postpone,
    ProposeContact,
    RecordPromise,
    Resume,
    SendStep,
    Why,
)
from campaigns.state import AccountEvent, AccountState, transition

#: Queues an answer with documents; provided by the caller (it needs rendering).
AnswerQueuer = Callable[[Session, AnswerWith, dt.datetime, int | None], None]
#: Queues an immediate staff alert; provided by the caller.
AlertQueuer = Callable[[Session, Escalate, dt.datetime], None]


@dataclass
class ApplyContext:
    config: Config
    now: dt.datetime
    source_message_id: int | None = None     # inbound_messages.id that led to these actions
    answer: AnswerQueuer | None = None
    alert: AlertQueuer | None = None
    applied: list[str] = field(default_factory=list)


def _evidence(why: Why, ctx: ApplyContext) -> dict[str, str | int]:
    ev: dict[str, str | int] = dict(why.as_dict())
    if ctx.source_message_id is not None:
        ev["inbound_message_id"] = ctx.source_message_id
    return ev


def _record(s: Session, ctx: ApplyContext, customer_id: int | None, kind: str, why: Why,
            summary: str | None = None, invoice_id: int | None = None) -> None:
    timeline.record(s, at=ctx.now, kind=kind, actor="bot", rule=why.rule, customer_id=customer_id,
                    invoice_id=invoice_id, summary=summary or why.summary, evidence=_evidence(why, ctx))
    ctx.applied.append(f"{kind}: {summary or why.summary}")


def _invoices(s: Session, customer_id: int, numbers: Iterable[str]) -> list[Invoice]:
    nums = list(numbers)
    if not nums:
        return []
    # A batch of replies loaded the accounts' open invoices at once (bot.inbox); the
    # numbers all among them need no query.
    cached: dict[str, Invoice] | None = s.info.get("arbot_open_invoices", {}).get(customer_id)
    if cached is not None and all(n in cached for n in nums):
        return [cached[n] for n in dict.fromkeys(nums)]
    with s.no_autoflush:    # applying replies never adds invoices; changes to loaded ones are kept
        return list(s.scalars(select(Invoice).where(Invoice.customer_id == customer_id,
                                                    Invoice.number.in_(nums))))


def _locked_customer(s: Session, customer_id: int) -> Customer | None:
    """The account row, locked for this transaction (SELECT ... FOR UPDATE).

    Without an autoflush: the lock needs no pending change written first, and changes
    already made to the loaded object in this transaction are kept as they are.
    """
    bind = s.get_bind()
    if bind.dialect.name == "sqlite":
        # SQLite has no row locks: the write transaction (BEGIN IMMEDIATE) already holds
        # the whole database, so the account loaded earlier in it is used as is.
        return s.get(Customer, customer_id)
    with s.no_autoflush:
        return s.get(Customer, customer_id, with_for_update=True)


def _supersede_promises(s: Session, customer_id: int, now: dt.datetime) -> None:
    """Mark the account's open promises superseded, those written and those still pending
    in this transaction (a batch of replies), without flushing the pending ones first."""
    with s.no_autoflush:
        s.execute(update(Promise).where(Promise.customer_id == customer_id, Promise.status == "open")
                  .values(status="superseded", resolved_at=now))
    for obj in s.new:
        if isinstance(obj, Promise) and obj.customer_id == customer_id and obj.status == "open":
            obj.status, obj.resolved_at = "superseded", now


def change_state(s: Session, ctx: ApplyContext, customer_id: int, event: AccountEvent,
                 until: dt.datetime | None, why: Why) -> str:
    """Run the account's state machine; an unexpected event lands in needs_staff, recorded."""
    cust = _locked_customer(s, customer_id)
    if cust is None:
        return "missing"
    try:
        current = AccountState(cust.state)
    except ValueError:
        current = AccountState.ERROR
    new, expected = transition(current, event)
    cust.state = new.value
    cust.state_until = until if new in (AccountState.PROMISED, AccountState.AWAITING_RECONCILIATION) else None
    cust.updated_at = ctx.now
    summary = f"{current.value} -> {new.value} on {event.value}" + (f" until {until.isoformat()}" if until else "")
    if not expected:
        summary += " (unexpected event: staff to check)"
    _record(s, ctx, customer_id, "state_changed", why, summary)
    return new.value


def _apply_one(s: Session, ctx: ApplyContext, action: Action) -> None:
    match action:
        case ChangeState(customer_id=cid, event=event, until=until, why=why):
            change_state(s, ctx, cid, AccountEvent(event), until, why)
        case Pause(customer_id=cid, until=until, why=why):
            change_state(s, ctx, cid, AccountEvent.NEEDS_DECISION, until, why)
        case Resume(customer_id=cid, why=why):
            change_state(s, ctx, cid, AccountEvent.STAFF_RESUME, None, why)
        case RecordPromise(customer_id=cid, date=date, amount=amount, currency=cur, invoices=invs, why=why):
            _supersede_promises(s, cid, ctx.now)
            minor = None
            if amount is not None and cur:
                try:
                    minor = to_minor(Decimal(amount), cur)
                except (MoneyError, ArithmeticError):
                    minor = None
            s.add(Promise(customer_id=cid, promised_date=date, amount_minor=minor, currency=cur if minor else None,
                          invoice_numbers=list(invs), status="open", source_message_id=ctx.source_message_id,
                          created_at=ctx.now))
            _record(s, ctx, cid, "promise_recorded", why)
        case MarkDisputed(customer_id=cid, invoices=invs, reason_text=reason, why=why):
            for inv in _invoices(s, cid, invs):
                inv.disputed = True
                inv.dispute_reason = reason
                inv.updated_at = ctx.now
                _record(s, ctx, cid, "invoice_disputed", why, f"{inv.number} disputed: chasing stopped", inv.id)
        case Escalate(customer_id=cid, kind=kind, summary=summary, immediate=immediate, why=why):
            _record(s, ctx, cid, "escalation", why, f"[{kind}] {summary}")
            if immediate and ctx.alert is not None:
                ctx.alert(s, action, ctx.now)
        case AddNote(customer_id=cid, invoices=invs, author_kind=kind, text=text, why=why):
            targets: list[Invoice | None] = list(_invoices(s, cid, invs)) or [None]
            for target in targets:
                s.add(Note(customer_id=cid, invoice_id=target.id if target else None, author_kind=kind,
                           text=text, source_message_id=ctx.source_message_id, created_at=ctx.now))
            _record(s, ctx, cid, "note_added", why, f"customer's words noted on "
                    f"{', '.join(i.number for i in targets if i) or 'the account'}")
        case AnswerWith(customer_id=cid, why=why):
            if ctx.answer is None:
                _record(s, ctx, cid, "escalation", Why("answer_unavailable", "no answer renderer: staff to send "
                        "the documents", why.evidence))
            else:
                ctx.answer(s, action, ctx.now, ctx.source_message_id)
                _record(s, ctx, cid, "answer_queued", why)
        case FlagContact(customer_id=cid, address=address, permanent=permanent, why=why):
            _flag_contact(s, ctx, cid, address, permanent, why)
        case ProposeContact(customer_id=cid, address=address, why=why):
            exists = s.scalar(select(Contact).where(Contact.customer_id == cid, Contact.email == address))
            if exists is None:
                s.add(Contact(customer_id=cid, email=address, proposed=True, source="reply", created_at=ctx.now))
                forget_contact(s, cid, address)
            _record(s, ctx, cid, "contact_proposed", why)
        case Postpone(customer_id=cid, until=until, why=why):
            cust = _locked_customer(s, cid)
            if cust is not None:
                if cust.next_action_at is None or cust.next_action_at < until:
                    cust.next_action_at = until
                cust.updated_at = ctx.now
            _record(s, ctx, cid, "postponed", why)
        case NoAction(customer_id=cid, why=why):
            _record(s, ctx, cid, "no_action", why)
        case SendStep():
            raise ValueError("SendStep is applied by the scheduler, not here")


def _flag_contact(s: Session, ctx: ApplyContext, cid: int, address: str, permanent: bool, why: Why) -> None:
    contact = s.scalar(select(Contact).where(Contact.customer_id == cid, Contact.email == address.lower()))
    if not permanent:
        _record(s, ctx, cid, "bounce_transient", why, f"temporary delivery problem for {address}; will retry")
        return
    if contact is not None:
        contact.bounced = True
        contact.invalid_reason = why.summary[:500]
    others = list(s.scalars(select(Contact.email).where(
        Contact.customer_id == cid, Contact.bounced.is_(False), Contact.proposed.is_(False),
        Contact.email != address.lower())))
    if others:
        _record(s, ctx, cid, "contact_bounced", why, f"{address} bounced; chasing continues with {others[0]}")
    else:
        _record(s, ctx, cid, "contact_bounced", why, f"{address} bounced; no other contact")
        esc = Escalate(cid, "bounce", f"Fix this address: {address} bounced and there is no other contact",
                       False, why)
        _apply_one(s, ctx, esc)


def apply_actions(session: Session, ctx: ApplyContext, actions: Iterable[Action]) -> list[str]:
    """Apply ``actions`` in order in the caller's transaction; return one line per effect."""
    for action in actions:
        _apply_one(session, ctx, action)
    return ctx.applied
