"""The intent-to-action policy (pure)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from campaigns.actions import (
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
)
from campaigns.reactions import ReactionPolicy, ReplyContext, add_business_days, react
from parsers.types import Evidence, Intent, Reading

NOW = dt.datetime(2026, 11, 23, 10, 0, tzinfo=dt.UTC)   # a Monday
POLICY = ReactionPolicy()


def ctx(**kw: object) -> ReplyContext:
    base: dict[str, object] = dict(
        customer_id=7, sender="ap@acme.example", sender_proven=True, tie_method="reply_token",
        thread_invoices=("INV-1", "INV-2"), open_invoices=("INV-1", "INV-2", "INV-3"),
        next_send_at=NOW + dt.timedelta(days=3), message_ref="inbound:1", timezone="Europe/London", now=NOW)
    base.update(kw)
    return ReplyContext(**base)  # type: ignore[arg-type]


def reading(intent: Intent, text: str = "some words", conf: float = 0.9, **kw: object) -> Reading:
    return Reading(intent=intent, confidence=conf, reply_text=text,
                   evidence=(Evidence("test_rule", text[:20]),), **kw)  # type: ignore[arg-type]


def kinds(actions: list[object]) -> list[type]:
    return [type(a) for a in actions]


def test_promise_pauses_until_date_plus_grace_and_records_evidence() -> None:
    r = reading(Intent.PROMISE_TO_PAY, "We will pay INV-2 on Friday", promise_date=dt.date(2026, 11, 27),
                amount=Decimal("250.00"), currency="GBP", invoice_refs=("INV-2",))
    acts = react(r, ctx(), POLICY)
    assert kinds(acts) == [RecordPromise, ChangeState, AddNote]
    promise, pause, note = acts
    assert isinstance(promise, RecordPromise) and promise.invoices == ("INV-2",) and promise.amount == "250.00"
    assert isinstance(pause, ChangeState) and pause.event == "promise_made"
    # 27 Nov + 3 days grace = 30 Nov, paused through the end of that day in London
    assert pause.until == dt.datetime(2026, 12, 1, 0, 0, tzinfo=dt.UTC)
    ev = dict(pause.why.evidence)
    assert ev["words"] == "We will pay INV-2 on Friday" and ev["confidence"] == "0.90"
    assert ev["message"] == "inbound:1" and ev["rules"] == "test_rule"
    assert isinstance(note, AddNote) and note.invoices == ("INV-2",)


def test_promise_in_the_past_or_too_far_goes_to_staff() -> None:
    for d in (dt.date(2026, 11, 1), dt.date(2027, 6, 1), None):
        acts = react(reading(Intent.PROMISE_TO_PAY, promise_date=d), ctx(), POLICY)
        assert isinstance(acts[0], ChangeState) and acts[0].event == "needs_decision"
        assert any(isinstance(a, Escalate) and a.kind == "promise_review" for a in acts)


def test_dispute_marks_named_invoices_else_thread_and_alerts_now() -> None:
    acts = react(reading(Intent.DISPUTE, "INV-3 was never delivered", invoice_refs=("INV-3",)), ctx(), POLICY)
    md = acts[0]
    assert isinstance(md, MarkDisputed) and md.invoices == ("INV-3",) and "never delivered" in md.reason_text
    esc = acts[1]
    assert isinstance(esc, Escalate) and esc.immediate and esc.kind == "dispute"
    acts = react(reading(Intent.DISPUTE, "wrong price"), ctx(), POLICY)
    assert isinstance(acts[0], MarkDisputed) and acts[0].invoices == ("INV-1", "INV-2")


def test_reference_to_a_closed_invoice_falls_back_to_thread() -> None:
    acts = react(reading(Intent.DISPUTE, "INV-9", invoice_refs=("INV-9",)), ctx(), POLICY)
    assert isinstance(acts[0], MarkDisputed) and acts[0].invoices == ("INV-1", "INV-2")


def test_remittance_waits_business_days() -> None:
    acts = react(reading(Intent.REMITTANCE_ADVICE, "paid yesterday"), ctx(), POLICY)
    st = acts[0]
    assert isinstance(st, ChangeState) and st.event == "remittance_claimed"
    assert add_business_days(dt.date(2026, 11, 23), 5) == dt.date(2026, 11, 30)
    assert st.until == dt.datetime(2026, 12, 1, 0, 0, tzinfo=dt.UTC)


def test_copy_request_answers_unless_automated_or_rate_limited() -> None:
    acts = react(reading(Intent.REQUEST_COPY, "please send a copy of INV-1 and the statement",
                         invoice_refs=("INV-1",)), ctx(), POLICY)
    ans = [a for a in acts if isinstance(a, AnswerWith)]
    assert ans and ans[0].documents == ("statement", "invoice:INV-1") and ans[0].to == "ap@acme.example"
    acts = react(reading(Intent.REQUEST_COPY, "copy please"), ctx(), ReactionPolicy(copies_left_today=0))
    assert not any(isinstance(a, AnswerWith) for a in acts) and any(isinstance(a, Escalate) for a in acts)
    acts = react(reading(Intent.REQUEST_COPY, "copy please", is_automated=True), ctx(), POLICY)
    assert not any(isinstance(a, AnswerWith) for a in acts)


def test_payment_plan_and_redirect_escalate() -> None:
    acts = react(reading(Intent.PAYMENT_PLAN, "can we pay in 3 instalments"), ctx(), POLICY)
    assert isinstance(acts[0], ChangeState) and acts[0].event == "needs_decision"
    acts = react(reading(Intent.REDIRECT, "write to ap@acme.example", redirect_to="AP2@Acme.example"), ctx(), POLICY)
    prop = [a for a in acts if isinstance(a, ProposeContact)]
    assert prop and prop[0].address == "ap2@acme.example"


def test_auto_reply_postpones_only_past_next_email() -> None:
    later = reading(Intent.AUTO_REPLY, "out of office", return_date=dt.date(2026, 12, 7))
    acts = react(later, ctx(), POLICY)
    assert isinstance(acts[0], Postpone)
    assert acts[0].until == dt.datetime(2026, 12, 7, 9, 0, tzinfo=dt.UTC)
    sooner = reading(Intent.AUTO_REPLY, "out of office", return_date=dt.date(2026, 11, 24))
    assert isinstance(react(sooner, ctx(), POLICY)[0], NoAction)
    assert isinstance(react(reading(Intent.AUTO_REPLY, "ooo"), ctx(), POLICY)[0], NoAction)


def test_bounce_flags_contact() -> None:
    acts = react(reading(Intent.BOUNCE, "", bounce_recipient="AP@acme.example", bounce_permanent=True),
                 ctx(sender="mailer-daemon@mx.example", sender_proven=False), POLICY)
    assert isinstance(acts[0], FlagContact) and acts[0].permanent and acts[0].address == "ap@acme.example"
    acts = react(reading(Intent.BOUNCE, "", bounce_recipient="ap@acme.example", bounce_permanent=False),
                 ctx(), POLICY)
    assert isinstance(acts[0], FlagContact) and not acts[0].permanent


@pytest.mark.parametrize("intent", [Intent.PROMISE_TO_PAY, Intent.DISPUTE, Intent.REMITTANCE_ADVICE,
                                    Intent.PAYMENT_PLAN, Intent.REDIRECT, Intent.REQUEST_COPY])
def test_unproven_sender_cannot_change_the_account(intent: Intent) -> None:
    r = reading(intent, "we dispute everything", promise_date=dt.date(2026, 11, 27), redirect_to="x@evil.example")
    acts = react(r, ctx(sender="someone@evil.example", sender_proven=False), POLICY)
    assert kinds(acts) == [AddNote, Escalate]
    assert acts[1].why.rule == "unproven_sender"  # type: ignore[union-attr]


def test_low_confidence_goes_to_review() -> None:
    acts = react(reading(Intent.DISPUTE, "hmm", conf=0.3), ctx(), POLICY)
    assert kinds(acts) == [AddNote, Escalate] and acts[1].why.rule == "low_confidence"  # type: ignore[union-attr]


def test_other_with_text_is_noted_and_reviewed_empty_is_ignored() -> None:
    assert kinds(react(reading(Intent.OTHER, "thanks!"), ctx(), POLICY)) == [AddNote, Escalate]
    assert kinds(react(reading(Intent.OTHER, "  "), ctx(), POLICY)) == [NoAction]


def test_deterministic() -> None:
    r = reading(Intent.PROMISE_TO_PAY, "Friday", promise_date=dt.date(2026, 11, 27))
    assert react(r, ctx(), POLICY) == react(r, ctx(), POLICY)
