"""Immediate staff alerts (disputes, final step reached): queued through the outbox."""

from __future__ import annotations

import datetime as dt
import hashlib

from sqlalchemy.orm import Session

from bot import system_mail
from bot.apply import AlertQueuer
from bot.config import Config
from bot.models import Customer
from campaigns.actions import Escalate


def alert_queuer(config: Config) -> AlertQueuer:
    """An :data:`bot.apply.AlertQueuer` mailing ``[company] escalation`` (else staff)."""

    def queue(s: Session, esc: Escalate, now: dt.datetime) -> None:
        to = config.company.escalation or config.company.staff
        cust = s.get(Customer, esc.customer_id) if esc.customer_id else None
        who = f"{cust.external_id} {cust.name}" if cust else "unmatched mail"
        ev = esc.why.as_dict()
        text = (f"{esc.summary}\n\nAccount: {who}\nRule: {esc.why.rule}\nWhy: {esc.why.summary}\n"
                + (f"Confidence: {ev['confidence']}\n" if "confidence" in ev else "")
                + (f"\nThe customer wrote:\n\n{ev['words']}\n" if ev.get("words") else "")
                + (f"\nSee `arbot show {cust.external_id}` for the timeline.\n" if cust else ""))
        digest = hashlib.sha256(f"{esc.customer_id}|{esc.kind}|{esc.summary}|{ev.get('message', '')}".encode())
        system_mail.queue(s, config, key=f"alert:{digest.hexdigest()[:32]}", kind="alert", to=to,
                          subject=f"[arbot] {esc.kind}: {who}", text=text, now=now, customer_id=esc.customer_id)

    return queue
