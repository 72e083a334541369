"""The rule table and the precedence between intents, on one screen.

``RULES`` run in order; each contributes hits. An intent *fires* when the summed weight of its
distinct rules reaches ``THRESHOLD``. Among fired intents the first in ``PRECEDENCE`` wins: the
one that most changes what the bot must do (a customer who pays one invoice and disputes
another is a dispute).
"""

from __future__ import annotations

from collections.abc import Callable

from parsers.intent.doc import ReplyDoc
from parsers.intent.rules import (
                                  Hit,
                                  copy_requested,
                                  dispute_raised,
                                  plan_requested,
                                  promise_committed,
                                  redirect_named,
                                  remittance_reported,
)
from parsers.types import Intent

__all__ = ["PRECEDENCE", "RULES", "THRESHOLD"]

Rule = Callable[[ReplyDoc], list[Hit]]

RULES: tuple[tuple[str, Rule], ...] = (
    ("dispute_raised", dispute_raised),
    ("remittance_reported", remittance_reported),
    ("promise_committed", promise_committed),
    ("plan_requested", plan_requested),
    ("redirect_named", redirect_named),
    ("copy_requested", copy_requested),
)

PRECEDENCE: tuple[Intent, ...] = (
    Intent.DISPUTE,
    Intent.REMITTANCE_ADVICE,
    Intent.PROMISE_TO_PAY,
    Intent.PAYMENT_PLAN,
    Intent.REDIRECT,
    Intent.REQUEST_COPY,
    Intent.OTHER,
)

THRESHOLD = 1.0
