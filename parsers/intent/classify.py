"""Turn rule hits into one intent with a meaningful confidence."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from parsers.intent.doc import ReplyDoc
from parsers.intent.rules import Hit
from parsers.intent.table import PRECEDENCE, RULES, THRESHOLD
from parsers.types import Intent

__all__ = ["IntentDecision", "classify_doc"]


@dataclass(frozen=True, slots=True)
class IntentDecision:
    intent: Intent
    confidence: float
    hits: tuple[Hit, ...]          # every hit, for the evidence
    winning: tuple[Hit, ...]       # the hits of the chosen intent
    scores: dict[Intent, float]
    promise_date: dt.date | None = None


def _score(hits: list[Hit]) -> float:
    best: dict[str, float] = {}
    for hit in hits:
        best[hit.rule] = max(best.get(hit.rule, 0.0), hit.weight)
    return sum(best.values())


def classify_doc(doc: ReplyDoc) -> IntentDecision:
    """Run the rule table over ``doc``; never raises for any doc the builder produced."""
    hits: list[Hit] = []
    for _name, rule in RULES:
        hits.extend(rule(doc))
    by_intent: dict[Intent, list[Hit]] = {}
    for hit in hits:
        by_intent.setdefault(hit.intent, []).append(hit)
    scores = {intent: _score(h) for intent, h in by_intent.items()}
    fired = [i for i in PRECEDENCE if scores.get(i, 0.0) >= THRESHOLD]
    if not fired:
        weak = max(scores.values(), default=0.0)
        confidence = 0.6 if weak == 0.0 else max(0.3, 0.6 - 0.3 * weak)
        if not doc.text.strip():
            confidence = 0.5
        return IntentDecision(Intent.OTHER, confidence, tuple(hits), (), scores)
    winner = fired[0]
    winning = tuple(by_intent[winner])
    confidence = _confidence(winner, scores, fired)
    if all(h.hedged for h in winning):
        confidence = round(confidence * 0.8, 3)  # "hopefully", "should be able to"
    promise_date = None
    if winner is Intent.PROMISE_TO_PAY:
        best = max(winning, key=lambda h: (h.weight, -h.sentence))
        promise_date = best.date
    return IntentDecision(winner, confidence, tuple(hits), winning, scores, promise_date)


def _confidence(winner: Intent, scores: dict[Intent, float], fired: list[Intent]) -> float:
    """High when strong distinct rules agree; lower when close rivals or weak support compete."""
    score = scores[winner]
    confidence = 0.55 + 0.42 * (1.0 - 0.5 ** score)
    rank = PRECEDENCE.index(winner)
    # Sub-threshold support for a higher-precedence intent means we may have missed it.
    for intent in PRECEDENCE[:rank]:
        if 0.0 < scores.get(intent, 0.0) < THRESHOLD:
            confidence *= 0.85
    if len(fired) > 1:
        confidence *= 0.93  # a reply doing two things: precedence chose, a person may want to look
    return float(round(min(confidence, 0.97), 3))
