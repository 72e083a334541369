"""Small system emails (staff confirmations, alerts): built once, queued in the outbox.

Campaign emails are rendered from templates by :mod:`bot.render`; these are arbot's own
operational messages to staff. Every one carries ``Auto-Submitted: auto-generated``.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence
from email.charset import QP, Charset
from email.header import Header
from email.mime.application import MIMEApplication
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText
from email.policy import compat32
from email.utils import format_datetime, formataddr

from sqlalchemy.orm import Session

from bot.config import Config
from bot.outbox import enqueue

#: compat32 serialisation (it understands Header objects) with CRLF line endings.
_WIRE = compat32.clone(linesep="\r\n")
_UTF8_QP = Charset("utf-8")
_UTF8_QP.body_encoding = QP   # readable in any client's "view source"; no base64 walls


def new_message_id(config: Config) -> str:
    domain = config.company.ar_address.rsplit("@", 1)[1]
    return f"<arbot.{uuid.uuid4().hex}@{domain}>"


def build(config: Config, *, to: Sequence[str], subject: str, text: str, html: str | None = None,
          message_id: str, now: dt.datetime, in_reply_to: str | None = None,
          attachments: Sequence[tuple[str, str, bytes]] = ()) -> bytes:
    """Serialise a message (text, optional HTML, optional attachments) with CRLF endings."""
    body: MIMEMultipart | MIMEText
    if html is not None:
        alt = MIMEMultipart("alternative")
        alt.attach(MIMEText(text, "plain", _UTF8_QP))  # type: ignore[arg-type]
        alt.attach(MIMEText(html, "html", _UTF8_QP))  # type: ignore[arg-type]
        body = alt
    else:
        body = MIMEText(text, "plain", _UTF8_QP)  # type: ignore[arg-type]
    if attachments:
        outer = MIMEMultipart("mixed")
        outer.attach(body)
        for filename, ctype, data in attachments:
            maintype, _, subtype = ctype.partition("/")
            part = MIMEApplication(data, _subtype=subtype or "octet-stream")
            if maintype != "application":
                part.replace_header("Content-Type", ctype)
            part.add_header("Content-Disposition", "attachment", filename=filename)
            outer.attach(part)
        msg: MIMEMultipart | MIMEText = outer
    else:
        msg = body
    # Names and subjects are often not ASCII (customer and company names): RFC 2047.
    msg["From"] = formataddr((f"{config.company.name} (arbot)", config.from_address), charset="utf-8")
    msg["To"] = ", ".join(to)
    msg["Subject"] = Header(subject, "utf-8") if not subject.isascii() else subject  # type: ignore[assignment]
    msg["Date"] = format_datetime(now)
    msg["Message-ID"] = message_id
    msg["Auto-Submitted"] = "auto-generated"
    if in_reply_to:
        msg["In-Reply-To"] = in_reply_to
        msg["References"] = in_reply_to
    return msg.as_bytes(policy=_WIRE)


def queue(session: Session, config: Config, *, key: str, kind: str, to: Sequence[str], subject: str,
          text: str, now: dt.datetime, html: str | None = None, customer_id: int | None = None,
          in_reply_to: str | None = None, attachments: Sequence[tuple[str, str, bytes]] = ()) -> bool:
    """Build and enqueue; False when ``key`` was already queued (idempotent)."""
    if not to:
        return False
    mid = new_message_id(config)
    raw = build(config, to=to, subject=subject, text=text, html=html, message_id=mid, now=now,
                in_reply_to=in_reply_to, attachments=attachments)
    row = enqueue(session, key=key, kind=kind, customer_id=customer_id, mail_from=config.from_address,
                  rcpt_to=list(to), raw=raw, message_id=mid, reply_token=None, subject=subject,
                  in_reply_to=in_reply_to, now=now)
    return row is not None
