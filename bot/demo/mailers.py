"""How the demo's simulated customers and their mail systems write back.

Replies quote the email they answer the way common clients do (a localised
"On … wrote:" line and ``>`` quoting), auto-replies carry RFC 3834 headers, and the bounce
is a standard RFC 3464 delivery status notification quoting the original headers.
"""

from __future__ import annotations

import datetime as dt
import uuid
from email import message_from_bytes
from email.charset import QP, Charset
from email.message import Message
from email.mime.text import MIMEText
from email.policy import SMTP
from email.utils import format_datetime, formataddr, parseaddr
from zoneinfo import ZoneInfo

WROTE = {
    "en": "On {date}, {who} wrote:",
    "fr": "Le {date}, {who} a écrit :",
    "de": "Am {date} schrieb {who}:",
    "es": "El {date}, {who} escribió:",
    "nl": "Op {date} schreef {who}:",
    "pt": "Em {date}, {who} escreveu:",
    "it": "Il giorno {date} {who} ha scritto:",
}
_QP = Charset("utf-8")
_QP.body_encoding = QP

RE = {"en": "Re: ", "fr": "RE : ", "de": "AW: ", "es": "RE: ", "nl": "Re: ", "pt": "RE: ", "it": "R: "}


def _body_text(msg: Message) -> str:
    for part in msg.walk():
        if part.get_content_type() == "text/plain" and not part.get_filename():
            payload = part.get_payload(decode=True)
            if isinstance(payload, bytes):
                return payload.decode(part.get_content_charset() or "utf-8", "replace")
    return ""


def reply(original_raw: bytes, *, sender: str, sender_name: str, text: str, now: dt.datetime,
          tz: str, language: str) -> bytes:
    """A plain-text reply to ``original_raw`` from ``sender``, quoting it below."""
    orig = message_from_bytes(original_raw)
    to = orig.get("Reply-To") or orig.get("From") or ""
    local = now.astimezone(ZoneInfo(tz))
    orig_date = orig.get("Date", "")
    who = str(orig.get("From", "")).replace("\n", " ")
    quoted = "\n".join(f"> {line}" if line else ">" for line in _body_text(orig).splitlines())
    body = f"{text}\n\n{WROTE.get(language, WROTE['en']).format(date=orig_date, who=who)}\n{quoted}\n"
    msg = MIMEText(body, "plain", _QP)  # type: ignore[arg-type]
    msg["From"] = formataddr((sender_name, sender))
    msg["To"] = to
    msg["Subject"] = RE.get(language, "Re: ") + str(orig.get("Subject", "")).replace("\n", " ")
    msg["Date"] = format_datetime(local)
    msg["Message-ID"] = f"<{uuid.uuid4().hex}@{sender.rsplit('@', 1)[1]}>"
    if orig.get("Message-ID"):
        msg["In-Reply-To"] = orig["Message-ID"]
        msg["References"] = orig["Message-ID"]
    return msg.as_bytes(policy=SMTP)


def auto_reply(original_raw: bytes, *, sender: str, sender_name: str, text: str, subject_prefix: str,
               now: dt.datetime, tz: str) -> bytes:
    """An out-of-office answer, marked the way Exchange and Gmail mark theirs."""
    orig = message_from_bytes(original_raw)
    msg = MIMEText(text, "plain", _QP)  # type: ignore[arg-type]
    msg["From"] = formataddr((sender_name, sender))
    msg["To"] = parseaddr(str(orig.get("Reply-To") or orig.get("From")))[1]
    msg["Subject"] = f"{subject_prefix}: {orig.get('Subject', '')}"
    msg["Date"] = format_datetime(now.astimezone(ZoneInfo(tz)))
    msg["Message-ID"] = f"<{uuid.uuid4().hex}@{sender.rsplit('@', 1)[1]}>"
    msg["Auto-Submitted"] = "auto-replied"
    msg["X-Auto-Response-Suppress"] = "All"
    if orig.get("Message-ID"):
        msg["In-Reply-To"] = orig["Message-ID"]
    return msg.as_bytes(policy=SMTP)


def bounce(original_raw: bytes, *, failed: str, now: dt.datetime, reporting_mta: str) -> bytes:
    """An RFC 3464 DSN (as Postfix writes it): the original recipient does not exist (5.1.1)."""
    orig = message_from_bytes(original_raw)
    head = original_raw.split(b"\r\n\r\n", 1)[0].decode("utf-8", "replace").replace("\r\n", "\n")
    boundary = uuid.uuid4().hex
    to = parseaddr(str(orig.get("Return-Path") or orig.get("From")))[1]
    text = f"""From: Mail Delivery System <MAILER-DAEMON@{reporting_mta}>
To: {to}
Subject: Undelivered Mail Returned to Sender
Date: {format_datetime(now)}
Message-ID: <{uuid.uuid4().hex}@{reporting_mta}>
Auto-Submitted: auto-replied
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status; boundary="{boundary}"

--{boundary}
Content-Type: text/plain; charset=us-ascii

This is the mail system at host {reporting_mta}.

I'm sorry to have to inform you that your message could not
be delivered to one or more recipients.

<{failed}>: host {reporting_mta} said: 550 5.1.1 <{failed}>:
    Recipient address rejected: User unknown in virtual mailbox table

--{boundary}
Content-Type: message/delivery-status

Reporting-MTA: dns; {reporting_mta}
Arrival-Date: {format_datetime(now)}

Final-Recipient: rfc822; {failed}
Original-Recipient: rfc822;{failed}
Action: failed
Status: 5.1.1
Diagnostic-Code: smtp; 550 5.1.1 <{failed}>: Recipient address rejected: User
    unknown in virtual mailbox table

--{boundary}
Content-Type: text/rfc822-headers

{head}

--{boundary}--
"""
    return text.replace("\n", "\r\n").encode("utf-8")
