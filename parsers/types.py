"""The result types of reading a reply: what ``read_reply`` returns.

These are the only parsers names that ``campaigns`` may import.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum


class Intent(StrEnum):
    PROMISE_TO_PAY = "promise_to_pay"
    DISPUTE = "dispute"
    REMITTANCE_ADVICE = "remittance_advice"
    REQUEST_COPY = "request_copy"
    PAYMENT_PLAN = "payment_plan"
    REDIRECT = "redirect"
    AUTO_REPLY = "auto_reply"
    BOUNCE = "bounce"
    OTHER = "other"


@dataclass(frozen=True, slots=True)
class Evidence:
    """One rule or feature that fired: its name, the words it fired on, its weight."""

    rule: str
    text: str = ""
    weight: float = 1.0


@dataclass(frozen=True, slots=True)
class ReadContext:
    """What the caller knows about the thread: invoices it is about, the customer's locale."""

    invoices: tuple[str, ...] = ()
    language: str | None = None
    timezone: str | None = None


@dataclass(frozen=True, slots=True)
class Reading:
    """What a reply says, with the evidence for each conclusion.

    Contract: ``read_reply`` never raises; on damaged input it returns ``intent=OTHER``
    with a low confidence and the problem listed in ``defects``.
    """

    intent: Intent
    confidence: float
    reply_text: str
    language: str | None = None
    promise_date: dt.date | None = None
    amount: Decimal | None = None
    currency: str | None = None
    invoice_refs: tuple[str, ...] = ()
    redirect_to: str | None = None
    bounce_recipient: str | None = None
    bounce_recipients: tuple[str, ...] = ()
    bounce_permanent: bool | None = None
    bounce_status: str | None = None
    bounce_diagnostic: str | None = None
    bounce_original_message_id: str | None = None
    return_date: dt.date | None = None
    is_automated: bool = False          # RFC 3834 or vendor auto-submitted markers
    message_id: str | None = None
    in_reply_to: str | None = None
    references: tuple[str, ...] = ()
    from_address: str | None = None
    cc_addresses: tuple[str, ...] = ()
    subject: str = ""
    sent_at: dt.datetime | None = None  # the Date header, with its own offset
    evidence: tuple[Evidence, ...] = ()
    defects: tuple[str, ...] = ()
    attachments: tuple[str, ...] = field(default=())  # file names
    attachment_invoice_refs: tuple[str, ...] = ()  # invoice numbers in remittance documents: attachments or a forwarded confirmation

    def to_json(self) -> dict[str, object]:
        """The stable JSON shape printed by ``arbot classify``."""
        return {
            "intent": self.intent.value,
            "confidence": round(self.confidence, 3),
            "promise_date": self.promise_date.isoformat() if self.promise_date else None,
            "amount": str(self.amount) if self.amount is not None else None,
            "currency": self.currency,
            "invoice_refs": list(self.invoice_refs),
            "redirect_to": self.redirect_to,
            "bounce_recipient": self.bounce_recipient,
            "bounce_permanent": self.bounce_permanent,
            "return_date": self.return_date.isoformat() if self.return_date else None,
            "language": self.language,
            "reply_text": self.reply_text,
            "evidence": [{"rule": e.rule, "text": e.text, "weight": e.weight} for e in self.evidence],
        }
