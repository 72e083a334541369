"""What the structural readers see in one message, as a JSON-able dict (used by the golden test)."""

from __future__ import annotations

from typing import Any

from parsers.attachments import remittance_texts
from parsers.autoreply import is_automated, read_auto_reply
from parsers.bounce import read_bounce
from parsers.mime import decode
from parsers.quotes import split_reply


def observe(raw: bytes) -> dict[str, Any]:
    msg = decode(raw)
    split = split_reply(msg.text)
    bounce = read_bounce(msg)
    auto = read_auto_reply(msg, split.reply)
    return {
        "from_address": msg.from_address,
        "subject": msg.subject,
        "date": msg.date.isoformat() if msg.date else None,
        "reply": split.reply if bounce is None else None,
        "bounce": None if bounce is None else {
            "recipients": list(bounce.recipients),
            "permanent": bounce.permanent,
            "status": bounce.status,
            "original_message_id": bounce.original_message_id,
        },
        "auto_reply": None if bounce is not None else {
            "is_auto": auto.is_auto,
            "kind": auto.kind,
            "return_text": auto.return_text,
        },
        "is_automated": is_automated(msg),
        "attachment_texts": [t.text for t in remittance_texts(msg)],
    }
