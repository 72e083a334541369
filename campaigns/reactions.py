"""What arbot does when a customer answers: the intent-to-action policy.

Pure: given a :class:`parsers.types.Reading`, what is known about the account the reply
was tied to (:class:`ReplyContext`) and the policy knobs (:class:`ReactionPolicy`), return
the actions to apply, each with its rule and evidence. The policy is one table,
:data:`REACTIONS`, from intent to a small handler, so a reader sees it on one screen.

Safety rules applied before the table:
* ``unproven_sender``: a reply whose sender is not among the account's contacts or
  domains (a forwarded thread, a spoof) can never pause, promise, dispute or redirect:
  it is noted and escalated for review;
* ``low_confidence``: below ``policy.min_confidence`` a person reads it;
* automated mail (auto-replies, bounces) is never answered (RFC 3834).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from campaigns.actions import (
    Action,
    AddNote,
    AnswerWith,
    ChangeState,
    Escalate,
    FlagContact,
    MarkDisputed,
    NoAction,
    Postpone,
    ProposeContact,
    RecordPromise,
    Why,
)
from campaigns.state import AccountEvent
from parsers.types import Intent, Reading


@dataclass(frozen=True, slots=True)
class ReactionPolicy:
    promise_grace_days: int = 3
    max_promise_days: int = 90
    reconciliation_business_days: int = 5
    min_confidence: float = 0.6
    auto_answer_copies: bool = True
    copies_left_today: int = 3


@dataclass(frozen=True, slots=True)
class ReplyContext:
    """What ``bot`` knows about the account a reply was tied to."""

    customer_id: int
    sender: str | None
    sender_proven: bool              # sender among the account's contacts or domains
    tie_method: str                  # reply_token, in_reply_to, invoice_number, sender, domain
    thread_invoices: tuple[str, ...]  # what the email being answered was about
    open_invoices: tuple[str, ...]    # the account's open invoices (to validate references)
    next_send_at: dt.datetime | None  # when the next dunning email is due, if known
    message_ref: str                  # our id of the inbound message (for evidence)
    timezone: str                     # the customer's (or company's) zone
    now: dt.datetime


def _evidence(reading: Reading, ctx: ReplyContext, **extra: str) -> tuple[tuple[str, str], ...]:
    words = reading.reply_text.strip().replace("\r", "")[:300]
    base = {
        "message": ctx.message_ref,
        "intent": reading.intent.value,
        "confidence": f"{reading.confidence:.2f}",
        "words": words,
        "tie": ctx.tie_method,
        "rules": ", ".join(e.rule for e in reading.evidence[:8]),
    }
    base.update(extra)
    return tuple(base.items())


def _why(rule: str, summary: str, reading: Reading, ctx: ReplyContext, **extra: str) -> Why:
    return Why(rule=rule, summary=summary, evidence=_evidence(reading, ctx, **extra))


def _targets(reading: Reading, ctx: ReplyContext) -> tuple[str, ...]:
    """The invoices a reply is about: the ones it names (if open), else the thread's."""
    named = tuple(r for r in reading.invoice_refs if r in ctx.open_invoices)
    if named:
        return named
    thread = tuple(i for i in ctx.thread_invoices if i in ctx.open_invoices)
    return thread or ctx.open_invoices


def _local_midnight_after(day: dt.date, tz: str) -> dt.datetime:
    """The end of ``day`` in the customer's zone, as UTC: a pause lasts the whole day."""
    local = dt.datetime.combine(day + dt.timedelta(days=1), dt.time(0, 0), tzinfo=ZoneInfo(tz))
    return local.astimezone(dt.UTC)


def add_business_days(start: dt.date, days: int) -> dt.date:
    d = start
    while days > 0:
        d += dt.timedelta(days=1)
        if d.weekday() < 5:
            days -= 1
    return d


def _note(reading: Reading, ctx: ReplyContext, invoices: tuple[str, ...], rule: str) -> AddNote:
    text = reading.reply_text.strip() or "(no text)"
    return AddNote(ctx.customer_id, invoices, "customer", text[:4000],
                   _why(rule, "customer's words logged", reading, ctx))


def on_promise(reading: Reading, ctx: ReplyContext, policy: ReactionPolicy) -> list[Action]:
    invoices = _targets(reading, ctx)
    today = ctx.now.astimezone(ZoneInfo(ctx.timezone)).date()
    date = reading.promise_date
    if date is None or date < today or (date - today).days > policy.max_promise_days:
        why = _why("promise_without_usable_date", "promise to pay without a usable date: staff to confirm",
                   reading, ctx, promise_date=str(date))
        return [
            ChangeState(ctx.customer_id, AccountEvent.NEEDS_DECISION.value, None, why),
            Escalate(ctx.customer_id, "promise_review", "Promise to pay without a usable date", False, why),
            _note(reading, ctx, invoices, "promise_to_pay"),
        ]
    until = _local_midnight_after(date + dt.timedelta(days=policy.promise_grace_days), ctx.timezone)
    why = _why("promise_to_pay", f"promise to pay by {date.isoformat()}; paused until {until.date()} "
               f"(+{policy.promise_grace_days} days grace)", reading, ctx, promise_date=date.isoformat(),
               amount=str(reading.amount or ""), currency=reading.currency or "")
    return [
        RecordPromise(ctx.customer_id, date, str(reading.amount) if reading.amount is not None else None,
                      reading.currency, invoices, why),
        ChangeState(ctx.customer_id, AccountEvent.PROMISE_MADE.value, until, why),
        _note(reading, ctx, invoices, "promise_to_pay"),
    ]


def on_dispute(reading: Reading, ctx: ReplyContext, policy: ReactionPolicy) -> list[Action]:
    invoices = _targets(reading, ctx)
    why = _why("dispute", f"dispute on {', '.join(invoices) or 'the account'}: stop chasing those invoices",
               reading, ctx, invoices=",".join(invoices))
    return [
        MarkDisputed(ctx.customer_id, invoices, reading.reply_text.strip()[:2000], why),
        Escalate(ctx.customer_id, "dispute", f"Dispute on {', '.join(invoices)}", True, why),
        _note(reading, ctx, invoices, "dispute"),
    ]


def on_remittance(reading: Reading, ctx: ReplyContext, policy: ReactionPolicy) -> list[Action]:
    invoices = _targets(reading, ctx)
    today = ctx.now.astimezone(ZoneInfo(ctx.timezone)).date()
    until_day = add_business_days(today, policy.reconciliation_business_days)
    until = _local_midnight_after(until_day, ctx.timezone)
    why = _why("remittance_advice", f"customer reports payment; awaiting reconciliation until {until_day}",
               reading, ctx, amount=str(reading.amount or ""), currency=reading.currency or "",
               invoices=",".join(invoices))
    return [
        ChangeState(ctx.customer_id, AccountEvent.REMITTANCE_CLAIMED.value, until, why),
        _note(reading, ctx, invoices, "remittance_advice"),
    ]


def _requested_documents(reading: Reading, ctx: ReplyContext) -> tuple[str, ...]:
    words = reading.reply_text.lower()
    docs: list[str] = []
    named = [r for r in reading.invoice_refs if r in ctx.open_invoices]
    if any(w in words for w in ("statement", "relevé", "kontoauszug", "estado de cuenta", "rekeningoverzicht",
                                "extrato", "estratto")):
        docs.append("statement")
    if any(w in words for w in ("bank", "iban", "rib ", "bancaire", "bankverbindung", "bancari", "bancário")):
        docs.append("bank_details")
    docs.extend(f"invoice:{n}" for n in (named or list(_targets(reading, ctx))))
    return tuple(dict.fromkeys(docs))


def on_request_copy(reading: Reading, ctx: ReplyContext, policy: ReactionPolicy) -> list[Action]:
    invoices = _targets(reading, ctx)
    actions: list[Action] = [_note(reading, ctx, invoices, "request_copy")]
    wants_w9_or_po = any(w in reading.reply_text.lower() for w in ("w-9", "w9", "purchase order", " po "))
    if reading.is_automated or not ctx.sender:
        return actions
    if not policy.auto_answer_copies or policy.copies_left_today <= 0 or wants_w9_or_po:
        why = _why("request_copy_for_staff", "document request that needs a person "
                   + ("(W-9/PO)" if wants_w9_or_po else "(auto-answers off or rate limit reached)"), reading, ctx)
        actions.append(Escalate(ctx.customer_id, "request_copy", "Document request", False, why))
        return actions
    docs = _requested_documents(reading, ctx)
    why = _why("request_copy", f"answer with {', '.join(docs)}", reading, ctx, documents=",".join(docs))
    actions.append(AnswerWith(ctx.customer_id, docs, None, ctx.sender, why))
    return actions


def on_payment_plan(reading: Reading, ctx: ReplyContext, policy: ReactionPolicy) -> list[Action]:
    invoices = _targets(reading, ctx)
    why = _why("payment_plan", "asks for instalments or more time: staff decision", reading, ctx)
    return [
        ChangeState(ctx.customer_id, AccountEvent.NEEDS_DECISION.value, None, why),
        Escalate(ctx.customer_id, "payment_plan", "Payment plan request", False, why),
        _note(reading, ctx, invoices, "payment_plan"),
    ]


def on_redirect(reading: Reading, ctx: ReplyContext, policy: ReactionPolicy) -> list[Action]:
    invoices = _targets(reading, ctx)
    actions: list[Action] = [_note(reading, ctx, invoices, "redirect")]
    if reading.redirect_to:
        why = _why("redirect", f"proposes {reading.redirect_to} as contact: staff to confirm", reading, ctx,
                   address=reading.redirect_to)
        actions.append(ProposeContact(ctx.customer_id, reading.redirect_to.lower(), why))
        actions.append(Escalate(ctx.customer_id, "redirect", f"Confirm new contact {reading.redirect_to}",
                                False, why))
    else:
        why = _why("redirect_without_address", "says wrong contact but names no address", reading, ctx)
        actions.append(Escalate(ctx.customer_id, "redirect", "Wrong contact, no new address given", False, why))
    return actions


def on_auto_reply(reading: Reading, ctx: ReplyContext, policy: ReactionPolicy) -> list[Action]:
    if reading.return_date is None:
        return [NoAction(ctx.customer_id, _why("auto_reply_ignored", "automatic reply, no return date", reading,
                                               ctx))]
    back = dt.datetime.combine(reading.return_date, dt.time(9, 0), tzinfo=ZoneInfo(ctx.timezone))
    back_utc = back.astimezone(dt.UTC)
    if ctx.next_send_at is not None and back_utc <= ctx.next_send_at:
        return [NoAction(ctx.customer_id, _why("auto_reply_ignored", "back before the next email anyway",
                                               reading, ctx, return_date=reading.return_date.isoformat()))]
    why = _why("auto_reply_postpone", f"out of office until {reading.return_date}: next email postponed",
               reading, ctx, return_date=reading.return_date.isoformat())
    return [Postpone(ctx.customer_id, back_utc, why)]


def on_bounce(reading: Reading, ctx: ReplyContext, policy: ReactionPolicy) -> list[Action]:
    address = (reading.bounce_recipient or "").lower()
    if not address:
        why = _why("bounce_without_recipient", "delivery failure, recipient unknown", reading, ctx)
        return [Escalate(ctx.customer_id, "bounce", "Delivery failure (recipient unknown)", False, why)]
    if reading.bounce_permanent is False:
        why = _why("bounce_transient", f"temporary delivery problem for {address}", reading, ctx,
                   address=address, status=reading.bounce_status or "")
        return [FlagContact(ctx.customer_id, address, False, why)]
    why = _why("bounce_permanent", f"{address} does not accept mail: contact flagged", reading, ctx,
               address=address, status=reading.bounce_status or "",
               diagnostic=(reading.bounce_diagnostic or "")[:300])
    return [FlagContact(ctx.customer_id, address, True, why)]


def on_other(reading: Reading, ctx: ReplyContext, policy: ReactionPolicy) -> list[Action]:
    invoices = _targets(reading, ctx)
    text = reading.reply_text.strip()
    if not text:
        return [NoAction(ctx.customer_id, _why("other_empty", "nothing to act on", reading, ctx))]
    why = _why("other_review", "reply a person may need to read", reading, ctx)
    return [_note(reading, ctx, invoices, "other"),
            Escalate(ctx.customer_id, "review", "Reply needs reading", False, why)]


Handler = Callable[[Reading, ReplyContext, ReactionPolicy], list[Action]]

#: The policy on one screen: intent -> handler.
REACTIONS: dict[Intent, Handler] = {
    Intent.PROMISE_TO_PAY: on_promise,
    Intent.DISPUTE: on_dispute,
    Intent.REMITTANCE_ADVICE: on_remittance,
    Intent.REQUEST_COPY: on_request_copy,
    Intent.PAYMENT_PLAN: on_payment_plan,
    Intent.REDIRECT: on_redirect,
    Intent.AUTO_REPLY: on_auto_reply,
    Intent.BOUNCE: on_bounce,
    Intent.OTHER: on_other,
}

#: Intents that change an account's course and so need a proven sender.
NEEDS_PROOF = frozenset({Intent.PROMISE_TO_PAY, Intent.DISPUTE, Intent.REMITTANCE_ADVICE,
                         Intent.PAYMENT_PLAN, Intent.REDIRECT, Intent.REQUEST_COPY})

#: Intents trusted from automated senders (machine-written by nature).
AUTOMATED_OK = frozenset({Intent.AUTO_REPLY, Intent.BOUNCE})


def react(reading: Reading, ctx: ReplyContext, policy: ReactionPolicy) -> list[Action]:
    """The actions for one reply tied to one account. Deterministic; never raises."""
    if reading.intent in NEEDS_PROOF and not ctx.sender_proven:
        why = _why("unproven_sender", f"{ctx.sender or 'unknown sender'} is not a known contact of this account: "
                   "logged for review, no automatic change", reading, ctx)
        return [_note(reading, ctx, _targets(reading, ctx), "unproven_sender"),
                Escalate(ctx.customer_id, "review", "Reply from an unknown sender", False, why)]
    if reading.intent not in AUTOMATED_OK and reading.confidence < policy.min_confidence:
        why = _why("low_confidence", f"unsure ({reading.confidence:.2f}) whether this is "
                   f"{reading.intent.value}: a person reads it", reading, ctx)
        return [_note(reading, ctx, _targets(reading, ctx), "low_confidence"),
                Escalate(ctx.customer_id, "review", "Reply needs reading (low confidence)", False, why)]
    return REACTIONS[reading.intent](reading, ctx, policy)
