"""A small word model behind the rules: a best guess when no rule fired, never a decision.

The rules (``parsers.intent.rules``) decide. When none of them fires, a reply is ``other``; but
unseen writers keep finding wordings no rule covers yet ("ti giro i soldi", "ich schick's dir"),
and a reply read as ``other`` with nothing said about it helps nobody. This model gives those
replies a *guess*: multinomial naive Bayes over folded words and word pairs, trained from the
labelled texts shipped in ``parsers/data/intent_training.jsonl`` (replies written for
development, never the measurement corpora; rebuilt by ``benchmarks/build_intent_training.py``).

Contract: pure and deterministic; trained once per process on first use (a few milliseconds);
bounded input (the first 4,000 characters). A guess carries its probability and the words that
weighed most, so the reading's evidence shows why. Callers give a guess a confidence below the
daemon's action threshold: a person reads the reply, the guess only says what it probably is.
"""

from __future__ import annotations

import json
import math
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from itertools import pairwise

from parsers.intent.lexicon import fold
from parsers.types import Intent

__all__ = ["Guess", "WordModel", "shipped_model"]

_TOKEN = re.compile(r"[^\W\d_]{2,}")
_MAX_CHARS = 4000
#: intents a person writes; bounces and auto-replies have their own structural readers
HUMAN_INTENTS = (Intent.PROMISE_TO_PAY, Intent.DISPUTE, Intent.REMITTANCE_ADVICE, Intent.REQUEST_COPY,
                 Intent.PAYMENT_PLAN, Intent.REDIRECT, Intent.OTHER)


def features(text: str) -> list[str]:
    """Folded words of two letters or more, and each pair of neighbouring words."""
    words = _TOKEN.findall(fold(text[:_MAX_CHARS].lower()))
    return words + [f"{a}_{b}" for a, b in pairwise(words)]


@dataclass(frozen=True, slots=True)
class Guess:
    intent: Intent
    probability: float
    words: tuple[str, ...]  # the features that pulled most towards ``intent``


class WordModel:
    """Multinomial naive Bayes with add-one smoothing over :func:`features`."""

    def __init__(self, examples: Iterable[tuple[str, Intent]]) -> None:
        self._counts: dict[Intent, Counter[str]] = {}
        docs: Counter[Intent] = Counter()
        for text, intent in examples:
            self._counts.setdefault(intent, Counter()).update(features(text))
            docs[intent] += 1
        total = sum(docs.values()) or 1
        self._prior = {intent: math.log(n / total) for intent, n in docs.items()}
        self._vocab = set().union(*self._counts.values()) if self._counts else set()
        size = len(self._vocab) or 1
        self._denominator = {intent: math.log(sum(c.values()) + size) for intent, c in self._counts.items()}

    def _log_likelihood(self, intent: Intent, word: str) -> float:
        return math.log(self._counts[intent][word] + 1) - self._denominator[intent]

    def guess(self, text: str) -> Guess | None:
        """The most probable intent for ``text``, or None when the model knows none of its words."""
        words = [w for w in features(text) if w in self._vocab]
        if not words or not self._prior:
            return None
        scores = {intent: prior + sum(self._log_likelihood(intent, w) for w in words)
                  for intent, prior in self._prior.items()}
        top = max(scores.values())
        norm = sum(math.exp(s - top) for s in scores.values())
        best = max(scores, key=lambda i: (scores[i], i is Intent.OTHER))
        others = [i for i in self._prior if i is not best]
        pull = sorted(set(words), key=lambda w: -(self._log_likelihood(best, w)
                                                   - max((self._log_likelihood(i, w) for i in others), default=0.0)))
        return Guess(best, math.exp(scores[best] - top) / norm, tuple(pull[:5]))


def load_examples(lines: Iterable[str]) -> list[tuple[str, Intent]]:
    """``{"text": ..., "intent": ...}`` JSON lines; lines that do not parse are skipped."""
    out: list[tuple[str, Intent]] = []
    for line in lines:
        try:
            row = json.loads(line)
            out.append((str(row["text"]), Intent(row["intent"])))
        except (ValueError, KeyError, TypeError):
            continue
    return out


@lru_cache(maxsize=1)
def shipped_model() -> WordModel:
    """The model trained on the shipped examples (an empty model if the file is missing)."""
    try:
        text = resources.files("parsers").joinpath("data/intent_training.jsonl").read_text(encoding="utf-8")
    except (FileNotFoundError, OSError):
        return WordModel(())
    return WordModel(load_examples(text.splitlines()))
