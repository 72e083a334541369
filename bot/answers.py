"""Answering a customer's request for documents, in the same thread, through the outbox.

``AnswerWith(documents=("statement", "invoice:INV-1", "bank_details"), to=...)`` becomes a
``copy`` email (the customer's language) with the invoice PDFs (the ERP's own when the
ledger names one) and/or the account statement attached, threaded under the customer's
message (In-Reply-To/References) and marked ``Auto-Submitted: auto-replied``. The
reaction table has already refused automated senders and applied the daily limit.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.apply import AnswerQueuer
from bot.config import Config, StepConfig
from bot.models import Customer, InboundMessage
from bot.outbox import enqueue
from bot.render_api import StepRenderContext, reply_address, totals_by_currency
from bot.system_mail import new_message_id
from campaigns.actions import AnswerWith


def _new_token() -> str:
    from bot.scheduler import new_reply_token

    return new_reply_token()


def account_context(s: Session, config: Config, customer_id: int, now: dt.datetime, *, template: str,
                    attach: list[str], invoice_numbers: set[str] | None = None) -> StepRenderContext | None:
    """A render context for a non-campaign email to one account (copy answer, receipt).

    ``invoice_numbers`` narrows the listed invoices (default: all open ones); None when the
    account is gone.
    """
    from bot.commands.preview import load_account

    cust = s.get(Customer, customer_id)
    account = load_account(s, config, cust.external_id, now) if cust is not None else None
    if account is None:
        return None
    invoices = tuple(i for i in account.invoices if i.number in (invoice_numbers or ())) or account.invoices
    token = _new_token()
    step = StepConfig(name=template, offset_days=0, template=template, attach=attach,  # type: ignore[arg-type]
                      payment_link=True)
    return StepRenderContext(
        config=config, customer=account.customer, contacts=account.contacts, step=step, step_index=-1,
        campaign=template, cycle=0, invoices=invoices, totals=totals_by_currency(invoices), now=now,
        message_id=new_message_id(config), reply_token=token,
        reply_to=reply_address(config.company.ar_address, token, config.company.plus_addressing),
        from_address=config.from_address, payment_link_url=account.payment_link,
        statement_items=account.invoices, recent_payments=account.payments,
    )


def build_answer(s: Session, config: Config, action: AnswerWith, now: dt.datetime,
                 source_message_id: int | None) -> tuple[StepRenderContext, object] | None:
    """The render context and options of the answer, or None when the account is gone."""
    from bot.render import MessageOptions

    wanted = {d.split(":", 1)[1] for d in action.documents if d.startswith("invoice:")}
    attach: list[str] = []
    if wanted or not action.documents:
        attach.append("invoice_pdfs")
    if "statement" in action.documents or not wanted:
        attach.append("statement_pdf")
    ctx = account_context(s, config, action.customer_id, now, template="copy", attach=attach,
                          invoice_numbers=wanted)
    if ctx is None:
        return None
    in_reply_to = action.in_reply_to
    if in_reply_to is None and source_message_id is not None:
        in_reply_to = s.scalar(select(InboundMessage.message_id).where(InboundMessage.id == source_message_id))
    options = MessageOptions(template="copy", to=(action.to,), attach=tuple(attach),
                             in_reply_to=in_reply_to, references=in_reply_to, auto_submitted="auto-replied")
    return ctx, options


def answer_queuer(config: Config) -> AnswerQueuer:
    def queue(s: Session, action: AnswerWith, now: dt.datetime, source_message_id: int | None) -> None:
        from bot.render import render_message

        built = build_answer(s, config, action, now, source_message_id)
        if built is None:
            return
        ctx, options = built
        email = render_message(ctx, options)  # type: ignore[arg-type]
        enqueue(s, key=f"copy:{source_message_id or ctx.message_id}", kind="copy", customer_id=action.customer_id,
                mail_from=ctx.from_address, rcpt_to=[action.to], raw=email.raw, message_id=ctx.message_id,
                reply_token=ctx.reply_token, subject=email.subject,
                invoice_numbers=[i.number for i in ctx.invoices], in_reply_to=options.in_reply_to,  # type: ignore[attr-defined]
                now=now)

    return queue
