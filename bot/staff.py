"""Staff steering by email: short commands, one per line, answered with a confirmation.

Accepted only from ``[company] staff`` addresses (and refused when the receiving server
recorded a failed SPF/DKIM/DMARC check for the message: a forged From must not steer
collections). Commands (case-insensitive keywords)::

    resume ACME                      clear hold/pause, chase again
    hold ACME until 2026-12-01       stop chasing until the date
    resolve INV-1042                 the dispute on an invoice is settled: chase it again
    note ACME|INV-1042 some text     add a staff note
    confirm contact ap@acme.example  a contact proposed by a reply becomes a real contact
    help                             this list

Anything unknown is answered with this help. The same actions exist on the CLI.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass
from email import message_from_bytes
from email.policy import default as default_policy
from email.utils import parseaddr

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot import ledger, system_mail, timeline
from bot.config import Config
from bot.models import Contact, InboundMessage, Invoice

HELP = """arbot understands these commands, one per line:

  resume CUSTOMER                    clear a hold or pause and chase again
  hold CUSTOMER until YYYY-MM-DD     stop chasing until that date
  resolve INVOICE                    the dispute is settled: chase the invoice again
  note CUSTOMER|INVOICE TEXT         add a note
  confirm contact EMAIL              accept a contact proposed by a customer's reply
  help                               this list
"""


class CommandError(ValueError):
    """A command that could not be carried out (one line, sent back to staff)."""


@dataclass(frozen=True)
class CommandResult:
    line: str
    ok: bool
    message: str


def resolve_dispute(s: Session, number: str, *, now: dt.datetime, by: str) -> Invoice:
    inv = ledger.get_invoice(s, number)
    if inv is None:
        raise CommandError(f"no invoice {number!r}")
    if not inv.disputed:
        raise CommandError(f"{number} is not disputed")
    inv.disputed = False
    inv.updated_at = now
    timeline.record(s, at=now, kind="dispute_resolved", actor="staff", rule="staff_resolve",
                    customer_id=inv.customer_id, invoice_id=inv.id,
                    summary=f"{number}: dispute resolved, chasing resumes", evidence={"by": by,
                                                                                     "reason": inv.dispute_reason or ""})
    return inv


def confirm_contact(s: Session, email: str, *, now: dt.datetime, by: str) -> Contact:
    contact = s.scalar(select(Contact).where(Contact.email == email.lower(), Contact.proposed.is_(True)))
    if contact is None:
        raise CommandError(f"no proposed contact {email!r}")
    contact.proposed = False
    contact.source = "staff"
    timeline.record(s, at=now, kind="contact_confirmed", actor="staff", rule="staff_confirm_contact",
                    customer_id=contact.customer_id, summary=f"{email} confirmed as contact", evidence={"by": by})
    return contact


def _run(s: Session, line: str, *, now: dt.datetime, by: str) -> str:
    words = line.split()
    verb = words[0].lower()
    try:
        if verb in ("resume", "release") and len(words) == 2:
            c = ledger.release(s, words[1], now=now, by=by)
            return f"{c.external_id} resumed (state {c.state})"
        if verb == "hold" and len(words) == 4 and words[2].lower() == "until":
            try:
                until = dt.date.fromisoformat(words[3])
            except ValueError:
                raise CommandError(f"not a date (YYYY-MM-DD): {words[3]!r}") from None
            ledger.hold(s, words[1], until, now=now, by=by)
            return f"{words[1]} on hold until {until.isoformat()}"
        if verb == "resolve" and len(words) == 2:
            inv = resolve_dispute(s, words[1], now=now, by=by)
            return f"{inv.number}: dispute resolved"
        if verb == "note" and len(words) >= 3:
            ledger.add_note(s, words[1], line.split(None, 2)[2], now=now, author=by)
            return f"note added to {words[1]}"
        if verb == "confirm" and len(words) == 3 and words[1].lower() == "contact":
            confirm_contact(s, words[2], now=now, by=by)
            return f"{words[2]} confirmed"
    except ledger.LedgerError as exc:
        raise CommandError(str(exc)) from None
    raise CommandError(f"unknown command: {line!r}")


_QUOTE_START = re.compile(r"^(>|On .* wrote:|-----Original Message-----|From: )", re.IGNORECASE)


def command_lines(text: str) -> list[str]:
    """The command lines of a staff email: up to the signature or quoted text."""
    out = []
    for raw in text.splitlines():
        line = raw.strip()
        if line == "--" or _QUOTE_START.match(line):
            break
        if line:
            out.append(line)
    return out[:20]


def _auth_failed(msg: object) -> bool:
    results = " ".join(str(v) for v in msg.get_all("Authentication-Results", []))  # type: ignore[attr-defined]
    return bool(re.search(r"\b(dkim|spf|dmarc)=(fail|softfail)\b", results, re.IGNORECASE))


def handler(config: Config) -> Callable[[Session, InboundMessage, dt.datetime], str]:
    """The staff-mail hook for :func:`bot.inbox.process_message`."""

    def handle(s: Session, inbound: InboundMessage, now: dt.datetime) -> str:
        msg = message_from_bytes(bytes(inbound.raw), policy=default_policy)
        sender = parseaddr(str(msg.get("From", "")))[1].lower()
        subject = str(msg.get("Subject", ""))
        mid = str(msg.get("Message-ID", "")).strip() or None
        if _auth_failed(msg):
            timeline.record(s, at=now, kind="escalation", actor="bot", rule="staff_auth_failed",
                            summary=f"[review] staff command from {sender} failed SPF/DKIM: ignored",
                            evidence={"inbound_message_id": inbound.id})
            return "staff mail failed authentication: ignored"
        body = msg.get_body(preferencelist=("plain",))
        text = body.get_content() if body is not None else ""
        lines = command_lines(text) or [subject.removeprefix("Re:").strip()]
        results = []
        for line in lines:
            try:
                results.append(CommandResult(line, True, _run(s, line, now=now, by=sender)))
            except CommandError as exc:
                results.append(CommandResult(line, False, str(exc)))
        reply = "\n".join(f"{'OK ' if r.ok else 'ERR'}  {r.line}\n     {r.message}" for r in results)
        if not all(r.ok for r in results):
            reply += "\n\n" + HELP
        system_mail.queue(s, config, key=f"staff_reply:{inbound.id}", kind="staff_reply", to=[sender],
                          subject=f"Re: {subject}" if subject else "arbot: your commands", text=reply,
                          now=now, in_reply_to=mid)
        ok = sum(r.ok for r in results)
        return f"staff commands from {sender}: {ok} done, {len(results) - ok} refused"

    return handle
