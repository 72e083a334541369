"""``arbot preview CUSTOMER [--step S] [--now T] [--out DIR]``: the exact email, not sent.

Prints the headers and the text part, writes the HTML part (and with ``--out`` the
attachments and the whole message as ``<customer>-<step>.eml``) to files, and lists the
attachments. CUSTOMER is the ledger's own customer id. Without ``--step`` the step is
the one the campaign engine says the account is due for at ``--now``; when nothing is
due at that moment (send window, pause, minimum gap ...) the reason is shown and the
step reached by the account's oldest overdue invoice is previewed instead.

Nothing is written to the database: no outbox row, no payment link is created (an
existing active link is shown), the Message-ID and reply token are preview values.
"""

from __future__ import annotations

import datetime as dt
import email
import email.policy
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated
from zoneinfo import ZoneInfo

import typer
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.cli_common import NOW_HELP, fail, parse_now, state
from bot.config import CampaignConfig, Config, StepConfig
from bot.models import Contact, Customer, Invoice, Payment, PaymentLink
from bot.render_api import (
    ContactInfo,
    CustomerInfo,
    InvoiceInfo,
    PaymentInfo,
    StepRenderContext,
    reply_address,
    totals_by_currency,
)

SHOWN_HEADERS = ("From", "To", "Cc", "Reply-To", "Subject", "Date", "Message-ID", "Auto-Submitted",
                 "X-Arbot-Token")
RECENT_PAYMENT_DAYS = 90
BILLING_ROLES = frozenset({"billing", "ap", "accounts", "accounts_payable", "finance", "invoices"})


@dataclass(frozen=True)
class LoadedAccount:
    """One customer as rendering needs it (read in one short transaction)."""

    row_campaign: str | None
    tags: tuple[str, ...]
    customer: CustomerInfo
    contacts: tuple[ContactInfo, ...]
    invoices: tuple[InvoiceInfo, ...]            # every open item (days overdue as of now)
    payments: tuple[PaymentInfo, ...]
    payment_link: str | None
    state: str
    state_until: dt.datetime | None
    dunning_step: int | None
    dunning_cycle: int
    last_dunning_at: dt.datetime | None
    next_action_at: dt.datetime | None
    hold_until: dt.date | None
    excluded: bool
    timezone: str


def load_account(session: Session, config: Config, external_id: str, now: dt.datetime) -> LoadedAccount | None:
    cust = session.execute(select(Customer).where(Customer.external_id == external_id)).scalar_one_or_none()
    if cust is None:
        return None
    tz_name = cust.timezone or config.company.timezone
    try:
        today = now.astimezone(ZoneInfo(tz_name)).date()
    except (KeyError, ValueError):
        tz_name = config.company.timezone
        today = now.astimezone(ZoneInfo(tz_name)).date()
    contacts = session.execute(
        select(Contact).where(Contact.customer_id == cust.id, Contact.bounced.is_(False),
                              Contact.proposed.is_(False))
        .order_by(Contact.is_primary.desc(), Contact.id)).scalars().all()
    chosen = [c for c in contacts if c.is_primary or c.role is None or c.role.lower() in BILLING_ROLES]
    invoices = session.execute(
        select(Invoice).where(Invoice.customer_id == cust.id, Invoice.status == "open")
        .order_by(Invoice.due_date, Invoice.number)).scalars().all()
    payments = session.execute(
        select(Payment).where(Payment.customer_id == cust.id,
                              Payment.date >= today - dt.timedelta(days=RECENT_PAYMENT_DAYS))
        .order_by(Payment.date.desc())).scalars().all()
    link = session.execute(
        select(PaymentLink.url).where(PaymentLink.customer_id == cust.id, PaymentLink.active.is_(True))
        .order_by(PaymentLink.id.desc()).limit(1)).scalar_one_or_none()
    return LoadedAccount(
        row_campaign=cust.campaign,
        tags=tuple(cust.tags or ()),
        customer=CustomerInfo(cust.id, cust.external_id, cust.name, cust.language, cust.timezone, cust.currency),
        contacts=tuple(ContactInfo(c.email, c.name, c.role, bool(c.is_primary)) for c in (chosen or contacts)),
        invoices=tuple(InvoiceInfo(i.number, i.issue_date, i.due_date, int(i.total_minor), int(i.balance_minor),
                                   i.currency, i.po_number, i.pdf_path, (today - i.due_date).days,
                                   bool(i.disputed)) for i in invoices),
        payments=tuple(PaymentInfo(p.date, int(p.amount_minor), p.currency, p.reference) for p in payments),
        payment_link=link,
        state=cust.state, state_until=cust.state_until, dunning_step=cust.dunning_step,
        dunning_cycle=cust.dunning_cycle or 0, last_dunning_at=cust.last_dunning_at,
        next_action_at=cust.next_action_at, hold_until=cust.hold_until, excluded=bool(cust.excluded),
        timezone=tz_name,
    )


def _campaign_for(config: Config, account: LoadedAccount) -> str | None:
    if account.row_campaign and account.row_campaign in config.campaigns:
        return account.row_campaign
    tagged = [n for n, c in config.campaigns.items() if set(c.applies_to.tags) & set(account.tags)]
    if tagged:
        return tagged[0]
    defaults = [n for n, c in config.campaigns.items() if c.applies_to.default]
    return defaults[0] if defaults else next(iter(config.campaigns), None)


def _chased(campaign: CampaignConfig, account: LoadedAccount) -> tuple[InvoiceInfo, ...]:
    """Chaseable invoices due within the campaign's first (pre-due) offset."""
    horizon = min(0, campaign.steps[0].offset_days)
    return tuple(i for i in account.invoices
                 if not i.disputed and i.balance_minor > 0 and i.days_overdue >= horizon)


@dataclass(frozen=True)
class Choice:
    campaign: str
    step_index: int
    cycle: int
    invoices: tuple[InvoiceInfo, ...]
    note: str | None = None


def choose_step(config: Config, account: LoadedAccount, step_name: str | None, now: dt.datetime) -> Choice:
    """The step to preview: the one named, else the engine's decision, else the one reached."""
    if step_name:
        for name in filter(None, [_campaign_for(config, account), *config.campaigns]):
            for i, st in enumerate(config.campaigns[name].steps):
                if st.name == step_name:
                    return Choice(name, i, account.dunning_cycle, _chased(config.campaigns[name], account))
        names = sorted({s.name for c in config.campaigns.values() for s in c.steps})
        fail(f"--step: no step {step_name!r} in any campaign (steps: {', '.join(names)})")
    engine = _engine_choice(config, account, now)
    if isinstance(engine, Choice):
        return engine
    found = _campaign_for(config, account)
    if found is None:
        fail("no campaign is configured")
    cname: str = found
    campaign = config.campaigns[cname]
    chased = _chased(campaign, account)
    if not chased:
        fail(f"customer {account.customer.external_id} has nothing to chase"
             + (f" ({engine})" if engine else "") + "; use --step to preview a step anyway")
    oldest = max(i.days_overdue for i in chased)
    reached = [i for i, st in enumerate(campaign.steps) if st.offset_days <= oldest]
    index = reached[-1] if reached else 0
    return Choice(cname, index, account.dunning_cycle, chased,
                  note=f"not due at this moment ({engine or 'no decision'}); showing the step its oldest "
                       f"invoice has reached")


def _engine_choice(config: Config, account: LoadedAccount, now: dt.datetime) -> Choice | str | None:
    """The campaign engine's decision, if the engine is available: a Choice, or why not."""
    try:
        from bot.scheduler import campaign_specs
        from campaigns.actions import NoAction, SendStep
        from campaigns.dunning import due_actions
        from campaigns.snapshot import AccountView, InvoiceView
        from campaigns.state import AccountState
    except ImportError:
        return None
    try:
        state_value = AccountState(account.state)
    except ValueError:
        return f"unknown account state {account.state!r}"
    view = AccountView(
        customer_id=account.customer.id, external_id=account.customer.external_id, state=state_value,
        state_until=account.state_until, dunning_step=account.dunning_step, dunning_cycle=account.dunning_cycle,
        last_dunning_at=account.last_dunning_at, next_action_at=account.next_action_at,
        hold_until=account.hold_until, excluded=account.excluded, campaign_override=account.row_campaign,
        tags=account.tags, timezone=account.timezone, currency=account.customer.currency,
        invoices=tuple(InvoiceView(i.number, i.due_date, i.balance_minor, i.currency, "open", i.disputed)
                       for i in account.invoices),
        has_deliverable_contact=bool(account.contacts),
    )
    actions = due_actions(view, campaign_specs(config), now)
    for a in actions:
        if isinstance(a, SendStep):
            by_number = {i.number: i for i in account.invoices}
            invs = tuple(by_number[n] for n in a.invoices if n in by_number)
            return Choice(a.campaign, a.step_index, a.cycle, invs)
    reasons = [f"{a.why.rule}: {a.why.summary}" for a in actions if isinstance(a, NoAction)]
    return "; ".join(reasons) or "nothing due"


def build_context(config: Config, account: LoadedAccount, choice: Choice, now: dt.datetime) -> StepRenderContext:
    step: StepConfig = config.campaigns[choice.campaign].steps[choice.step_index]
    token = "PREVIEW"
    domain = config.company.ar_address.rpartition("@")[2]
    return StepRenderContext(
        config=config, customer=account.customer, contacts=account.contacts, step=step,
        step_index=choice.step_index, campaign=choice.campaign, cycle=choice.cycle, invoices=choice.invoices,
        totals=totals_by_currency(choice.invoices), now=now, message_id=f"<arbot.preview@{domain}>",
        reply_token=token, reply_to=reply_address(config.company.ar_address, token, config.company.plus_addressing),
        from_address=config.from_address,
        payment_link_url=account.payment_link if step.payment_link else None, cc=tuple(step.cc),
        statement_items=account.invoices, recent_payments=account.payments,
    )


def register(app: typer.Typer) -> None:
    @app.command("preview")
    def preview_cmd(
        ctx: typer.Context,
        customer: Annotated[str, typer.Argument(help="The customer's id in the ledger (ERP id).")],
        step: Annotated[str | None, typer.Option("--step", help="Step name (default: the step due).")] = None,
        now: Annotated[str | None, typer.Option("--now", help=NOW_HELP)] = None,
        out: Annotated[Path | None, typer.Option(
            "--out", help="Write the HTML, the attachments and message.eml to this directory.")] = None,
    ) -> None:
        """Show the exact email a customer would get (headers, text, HTML file, attachments); sends nothing."""
        from bot.render import RenderError, render_step

        st = state(ctx)
        cfg = st.config()
        moment = parse_now(now, cfg.company.tz)
        with st.db().session() as s:
            account = load_account(s, cfg, customer, moment)
            s.rollback()
        if account is None:
            fail(f"no customer with id {customer!r} in the ledger")
        choice = choose_step(cfg, account, step, moment)
        rctx = build_context(cfg, account, choice, moment)
        try:
            rendered = render_step(rctx)
        except RenderError as exc:
            fail(str(exc))
        folder = out if out is not None else Path(tempfile.mkdtemp(prefix="arbot-preview-"))
        folder.mkdir(parents=True, exist_ok=True)
        stem = f"{customer}-{rctx.step.name}"
        html_path = folder / f"{stem}.html"
        html_path.write_text(rendered.html or "", encoding="utf-8")
        msg = email.message_from_bytes(rendered.raw, policy=email.policy.default)
        if choice.note:
            typer.echo(f"note: {choice.note}", err=True)
        typer.echo(f"# campaign {choice.campaign}, step {rctx.step.name} (#{choice.step_index}), "
                   f"cycle {choice.cycle}")
        for name in SHOWN_HEADERS:
            if name == "Subject":
                typer.echo(f"Subject: {rendered.subject}")   # decoded exactly as written
            elif msg[name] is not None:
                typer.echo(f"{name}: {msg[name]}")
        typer.echo("")
        typer.echo(rendered.text.rstrip("\n"))
        typer.echo("")
        typer.echo(f"HTML part: {html_path}")
        if out is not None:
            (folder / f"{stem}.eml").write_bytes(rendered.raw)
            typer.echo(f"Message: {folder / f'{stem}.eml'}")
        typer.echo(f"Attachments ({len(rendered.attachments)}):")
        for part in msg.iter_attachments():
            filename = part.get_filename() or "attachment"
            payload = part.get_payload(decode=True)
            data = payload if isinstance(payload, bytes) else b""
            where = ""
            if out is not None:
                (folder / filename).write_bytes(data)
                where = f" -> {folder / filename}"
            typer.echo(f"  {filename} ({part.get_content_type()}, {len(data)} bytes){where}")
