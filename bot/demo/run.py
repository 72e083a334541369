"""The offline demo: the whole loop on embedded servers over simulated days, narrated.

It starts an SMTP sink (aiosmtpd), an IMAP server (pymap) and a local Stripe on 127.0.0.1,
writes a bot.toml pointing at them and a SQLite ledger from the sample data, then runs the
real daemon cycle (tick, send, mailbox, payments, digest) three times per simulated day
(so customers in every time zone get mail inside their send window), while the scripted
customers of :mod:`bot.demo.script` answer, pay, bounce and go on holiday. What arbot
decides is printed from the account timelines, as it happens.
"""

from __future__ import annotations

import asyncio
import csv
import datetime as dt
import email
import email.policy
import os
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

from babel.dates import format_date
from rich.console import Console
from sqlalchemy import func, select

from bot.config import load_config
from bot.daemon import run_cycle
from bot.db import Database
from bot.demo import mailers
from bot.demo.script import SCRIPT, Act
from bot.devtools.imap_local import LocalImapServer, append_messages
from bot.devtools.smtp_sink import SmtpSink
from bot.devtools.stripe_local import LocalStripe
from bot.importer.customers import import_customers
from bot.importer.invoices import import_invoices
from bot.importer.payments import import_payments
from bot.ledger import aging
from bot.models import Contact, Customer, Event, InboundMessage, Invoice, OutboxMessage, Payment, PaymentLink
from bot.money import display, to_str
from bot.runtime import Runtime
from bot.sample import sample_dir

COMPANY_TZ = ZoneInfo("Europe/London")
CYCLE_HOURS = (2, 10, 18)          # London: Asia's morning, Europe's morning, the Americas' morning
IMAP_PASSWORD_ENV = "ARBOT_DEMO_IMAP_PASSWORD"
STRIPE_KEY_ENV = "ARBOT_DEMO_STRIPE_KEY"
DATE_SHIFT = dt.timedelta(days=60)
QUIET_KINDS = {"customer_imported", "invoices_imported", "note_added", "step_queued", "answer_queued", "receipt_skipped", "payment_imported"}

DEMO_TOML = """\
[company]
name = "Northwind Supplies Ltd"
ar_address = "ar@northwind.example"
timezone = "Europe/London"
currency = "GBP"
staff = ["controller@northwind.example"]
escalation = ["collections@northwind.example"]
bank_details = "Barclays Bank, sort code 20-00-00, account 12345678, IBAN GB00 BARC 2000 0012 3456 78"

[database]
url = "sqlite:///arbot.db"

[smtp]
host = "127.0.0.1"
port = {smtp_port}
connections = 4

[imap]
host = "127.0.0.1"
port = {imap_port}
username = "ar"
password_env = "{imap_env}"
folder = "INBOX"
processed_folder = "AR/Processed"
review_folder = "AR/Needs review"
idle = false

[stripe]
api_key_env = "{stripe_env}"
api_base = "{stripe_url}"

[digest]
local_time = "08:00:00"
"""


@dataclass
class Pending:
    at: dt.datetime
    act: Act
    customer: str
    original: bytes
    invoice: str


@dataclass
class DemoState:
    now: dt.datetime
    received: Counter[str] = field(default_factory=Counter)
    pending: list[Pending] = field(default_factory=list)
    last_event: int = 0
    last_digest_mid: str | None = None
    acts_done: int = 0


def _local_date(d: dt.date, language: str) -> str:
    try:
        return str(format_date(d, format="long", locale=language))
    except Exception:  # noqa: BLE001
        return d.isoformat()


class Demo:
    def __init__(self, out: Path, days: int, start: dt.date, console: Console) -> None:
        self.out, self.days, self.start, self.con = out, days, start, console
        self.state = DemoState(now=dt.datetime.combine(start, dt.time(CYCLE_HOURS[0]), COMPANY_TZ))

    # ------------------------------------------------------------------ setup
    def clock(self) -> dt.datetime:
        return self.state.now.astimezone(dt.UTC)

    def write_config(self, smtp: SmtpSink, imap: LocalImapServer, stripe: LocalStripe) -> Path:
        self.out.mkdir(parents=True, exist_ok=True)
        path = self.out / "bot.toml"
        path.write_text(DEMO_TOML.format(smtp_port=smtp.port, imap_port=imap.port, imap_env=IMAP_PASSWORD_ENV,
                                         stripe_env=STRIPE_KEY_ENV, stripe_url=stripe.url), encoding="utf-8")
        return path

    def load_ledger(self, db: Database) -> None:
        """The sample ledger with its dates moved ``DATE_SHIFT`` later.

        The sample is an AR export "as of" 2026-11-23 with many long-overdue items; moved
        later, the customers' oldest invoices range from not yet due to about six weeks
        overdue, so the whole escalation sequence unfolds within the demo.
        """
        src = sample_dir()
        (self.out / "customers.csv").write_bytes(src.joinpath("customers.csv").read_bytes())
        for name, columns in (("invoices.csv", ("issue_date", "due_date")), ("payments.csv", ("date",))):
            rows = list(csv.DictReader(src.joinpath(name).read_text(encoding="utf-8").splitlines()))
            for row in rows:
                for col in columns:
                    if row.get(col):
                        row[col] = (dt.date.fromisoformat(row[col]) + DATE_SHIFT).isoformat()
            with (self.out / name).open("w", newline="", encoding="utf-8") as f:
                w = csv.DictWriter(f, fieldnames=list(rows[0].keys()))
                w.writeheader()
                w.writerows(rows)
        now = self.clock()
        import_customers(db, self.out / "customers.csv", now=now)
        import_invoices(db, self.out / "invoices.csv", now=now)
        import_payments(db, self.out / "payments.csv", now=now)
        self.state.last_event = 0

    # ------------------------------------------------------------------ the customers
    def contact_owner(self, db: Database) -> dict[str, tuple[str, str, str, str, str]]:
        """contact address -> (customer id, language, time zone, customer name, contact name)."""
        with db.session() as s:
            rows = s.execute(select(Contact.email, Customer.external_id, Customer.language, Customer.timezone,
                                    Customer.name, Contact.name)
                             .join(Customer, Customer.id == Contact.customer_id).order_by(Contact.id)).all()
        out: dict[str, tuple[str, str, str, str, str]] = {}
        for e, ext, lang, tz, name, person in rows:
            out[e] = (ext, lang or "en", tz or "Europe/London", name, person or name)
        return out

    def on_delivered(self, db: Database, smtp: SmtpSink) -> None:
        owners = self.contact_owner(db)
        for d in smtp.take():
            msg = email.message_from_bytes(d.raw)
            if "X-Arbot-Token" not in msg:
                if "digest" in str(msg.get("Subject", "")).lower():
                    self.state.last_digest_mid = msg["Message-ID"]
                continue
            owner = next((owners[r.lower()] for r in d.rcpt_to if r.lower() in owners), None)
            if owner is None:
                continue
            ext = owner[0]
            self.state.received[ext] += 1
            n = self.state.received[ext]
            with db.session() as s:
                row = s.scalar(select(OutboxMessage).where(OutboxMessage.message_id == msg["Message-ID"]))
                invoice = (row.invoice_numbers or [""])[0] if row is not None else ""
            for act in SCRIPT:
                if act.customer == ext and act.on_email == n:
                    day = self.state.now.astimezone(COMPANY_TZ).date() + dt.timedelta(days=act.after_days)
                    at = dt.datetime.combine(day, dt.time(11, 0), COMPANY_TZ)
                    if at < self.state.now:
                        at = self.state.now + dt.timedelta(minutes=30)
                    self.state.pending.append(Pending(at, act, ext, d.raw, invoice))

    def run_acts(self, db: Database, imap: LocalImapServer, stripe: LocalStripe, until: dt.datetime) -> None:
        due = sorted((p for p in self.state.pending if p.at <= until), key=lambda p: p.at)
        self.state.pending = [p for p in self.state.pending if p.at > until]
        if not due:
            return
        owners: dict[str, tuple[str, str, str, str, str]] = {}
        for address, (ext, lang, tz, name, person) in self.contact_owner(db).items():
            owners.setdefault(ext, (address, lang, tz, name, person))    # the first (primary) contact
        mail: list[bytes] = []     # delivered in one IMAP session after the loop
        for p in due:
            address, lang, tz, name, person = owners[p.customer]
            when = p.at.astimezone(dt.UTC)
            d = p.at.astimezone(COMPANY_TZ).date() + dt.timedelta(days=p.act.date_days)
            shown = d.isoformat() if p.act.kind == "staff" else _local_date(d, lang)   # commands take ISO dates
            text = p.act.text.format(date=shown, invoice=p.invoice, contact=person,
                                     reference=f"NW-{p.customer}-{p.at:%m%d}")
            self.say(f"  [cyan]↩ {name} ({p.customer})[/cyan] {p.act.narrative}")
            if p.act.kind == "reply":
                mail.append(mailers.reply(p.original, sender=address, sender_name=person, text=text, now=when,
                                          tz=tz, language=lang))
                self.say(f"    [dim]“{text.splitlines()[2] if len(text.splitlines()) > 2 else text}”[/dim]")
            elif p.act.kind == "auto_reply":
                mail.append(mailers.auto_reply(p.original, sender=address, sender_name=person, text=text,
                                               subject_prefix="Resposta automática", now=when, tz=tz))
            elif p.act.kind == "bounce":
                mail.append(mailers.bounce(p.original, failed=address, now=when,
                                           reporting_mta="mx1." + address.rsplit("@", 1)[1]))
            elif p.act.kind == "pay_link":
                self._pay_link(db, stripe, p.customer, p.act.share)
            elif p.act.kind == "pay_bank":
                self._pay_bank(db, p.customer, when, f"NW-{p.customer}")
            elif p.act.kind == "staff":
                raw = (f"From: Controller <controller@northwind.example>\r\nTo: ar@northwind.example\r\n"
                       f"Subject: Re: arbot digest\r\nDate: {email.utils.format_datetime(when)}\r\n"
                       f"Message-ID: <staff.{p.at:%Y%m%d%H%M}@northwind.example>\r\n"
                       + (f"In-Reply-To: {self.state.last_digest_mid}\r\n" if self.state.last_digest_mid else "")
                       + "Content-Type: text/plain; charset=utf-8\r\n\r\n" + text + "\r\n").encode()
                mail.append(raw)
                self.say(f"    [dim]“{text.splitlines()[0]}”[/dim]")
            self.state.acts_done += 1
        if mail:
            append_messages(imap.host, imap.port, imap.user, imap.password, mail)

    def _pay_link(self, db: Database, stripe: LocalStripe, ext: str, share: float) -> None:
        with db.session() as s:
            row = s.execute(select(PaymentLink.link_id, PaymentLink.balance_minor, PaymentLink.currency)
                            .join(Customer, Customer.id == PaymentLink.customer_id)
                            .where(Customer.external_id == ext, PaymentLink.active.is_(True))
                            .order_by(PaymentLink.id.desc())).first()
        if row is None:
            self.say("    [yellow](no payment link was sent to this customer)[/yellow]")
            return
        amount = int(Decimal(row.balance_minor) * Decimal(str(share)))
        stripe.pay_link(row.link_id, amount)
        self.say(f"    [dim]pays {display(amount, row.currency)} by card[/dim]")

    def _pay_bank(self, db: Database, ext: str, when: dt.datetime, reference: str) -> None:
        with db.session() as s:
            invs = s.execute(select(Invoice.number, Invoice.balance_minor, Invoice.currency)
                             .join(Customer, Customer.id == Invoice.customer_id)
                             .where(Customer.external_id == ext, Invoice.status == "open",
                                    Invoice.balance_minor > 0)).all()
        path = self.out / f"payments-{when:%Y%m%d}-{ext}.csv"
        with path.open("w", newline="", encoding="utf-8") as f:
            w = csv.writer(f)
            w.writerow(["payment_id", "customer_id", "invoice_number", "date", "amount", "currency", "reference"])
            for i, (num, bal, cur) in enumerate(invs):
                w.writerow([f"BANK-{ext}-{when:%m%d}-{i}", ext, num, when.date().isoformat(), to_str(bal, cur),
                            cur, reference])
        summary = import_payments(db, path, now=when)
        self.say(f"    [dim]ledger export imported: {path.name} ({summary.new} payments)[/dim]")

    # ------------------------------------------------------------------ narration
    def say(self, line: str) -> None:
        self.con.print(line, highlight=False)

    def narrate(self, db: Database) -> None:
        with db.session() as s:
            names = {cid: (ext, name) for cid, ext, name in s.execute(
                select(Customer.id, Customer.external_id, Customer.name))}
            events = s.scalars(select(Event).where(Event.id > self.state.last_event).order_by(Event.id)).all()
            for e in events:
                self.state.last_event = e.id
                if e.kind in QUIET_KINDS:
                    continue
                ext, name = names.get(e.customer_id or -1, ("-", "(unmatched)"))
                colour = {"escalation": "red", "invoice_disputed": "red", "promise_recorded": "green",
                          "payment_received": "green", "invoice_paid": "green", "state_changed": "yellow",
                          "contact_bounced": "red", "postponed": "magenta"}.get(e.kind, "white")
                conf = e.evidence.get("confidence") if isinstance(e.evidence, dict) else None
                extra = f" [dim](rule {e.rule}{', confidence ' + str(conf) if conf else ''})[/dim]" if e.rule else ""
                self.say(f"  [{colour}]{e.kind:<18}[/{colour}] {name} ({ext}): {e.summary}{extra}")

    # ------------------------------------------------------------------ the run
    async def simulate(self, db: Database, rt: Runtime, smtp: SmtpSink, imap: LocalImapServer,
                       stripe: LocalStripe) -> None:
        tasks = rt.tasks()
        for day in range(self.days):
            date = self.start + dt.timedelta(days=day)
            header_done = False
            for hour in CYCLE_HOURS:
                self.state.now = dt.datetime.combine(date, dt.time(hour), COMPANY_TZ)
                before = self.state.last_event
                self.run_acts(db, imap, stripe, self.state.now)
                await run_cycle(tasks, self.clock())
                self.on_delivered(db, smtp)
                if not header_done:
                    with db.session() as s:
                        fresh = s.scalar(select(func.count()).select_from(Event).where(Event.id > before))
                    if fresh or any(p.at.date() == date for p in self.state.pending):
                        self.say(f"\n[bold]Day {day + 1} · {date:%a %d %b %Y}[/bold]")
                        header_done = True
                self.narrate(db)

    def summary(self, db: Database) -> None:
        with db.session() as s:
            sent = Counter(s.execute(select(OutboxMessage.kind, OutboxMessage.step).where(
                OutboxMessage.status == "sent")).all())
            intents = Counter((m.reading or {}).get("intent") or ("staff command" if m.customer_id is None else m.status)
                              for m in s.scalars(select(InboundMessage)))
            states = Counter(s.scalars(select(Customer.state)))
            paid = s.execute(select(Payment.currency, func.sum(Payment.amount_minor)).group_by(Payment.currency)).all()
            report = aging(s, self.clock().astimezone(COMPANY_TZ).date())
            digest_row = s.scalars(select(OutboxMessage).where(OutboxMessage.kind == "digest")
                                   .order_by(OutboxMessage.id.desc()).limit(1)).first()
            timeline = s.scalars(select(Event).order_by(Event.id)).all()
            names = dict(s.execute(select(Customer.id, Customer.external_id)).all())
            lines = [f"{e.at:%Y-%m-%d %H:%M} {names.get(e.customer_id or -1, '-'):<8} {e.kind:<20} {e.rule or '':<28} "
                     f"{e.summary}" for e in timeline]
        (self.out / "timeline.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
        self.say(f"\n[bold]After {self.days} days[/bold]")
        steps: dict[str, int] = defaultdict(int)
        others: dict[str, int] = defaultdict(int)
        for (kind, step), n in sent.items():
            if kind == "dunning":
                steps[step or "?"] += n
            else:
                others[kind] += n
        self.say("  campaign emails sent: " + ", ".join(f"{k} {v}" for k, v in sorted(steps.items())))
        self.say("  other emails sent: " + ", ".join(f"{k} {v}" for k, v in sorted(others.items())))
        self.say("  replies read: " + ", ".join(f"{k} {v}" for k, v in sorted(intents.items())))
        self.say("  accounts: " + ", ".join(f"{k} {v}" for k, v in sorted(states.items())))
        self.say("  payments recorded: " + ", ".join(display(int(v), c) for c, v in paid))
        self.say("  still open: " + ", ".join(
            f"{b} " + " ".join(display(v, c) for c, v in sorted(report.totals.get(b, {}).items()) if v)
            for b in ("current", "1-30", "31-60", "61-90", "90+") if report.totals.get(b)))
        if digest_row is not None:
            msg = email.message_from_bytes(digest_row.raw, policy=email.policy.default)
            html = msg.get_body(("html",))
            if html is not None:
                (self.out / "digest.html").write_text(html.get_content(), encoding="utf-8")
        self.say(f"\n  files in {self.out}: digest.html (the last staff digest), timeline.txt (every "
                 f"decision with its rule), arbot.db, bot.toml")
        self.say(f"  look around: arbot --config {self.out / 'bot.toml'} show C-1010")


def run_demo(out: Path, *, days: int = 60, start: dt.date = dt.date(2026, 11, 23),
             console: Console | None = None) -> Path:
    """Run the demo into ``out`` (created); returns the folder."""
    con = console or Console(soft_wrap=True)
    demo = Demo(out, days, start, con)
    t0 = time.monotonic()
    os.environ[IMAP_PASSWORD_ENV] = "demo-imap-secret"
    with SmtpSink() as smtp, LocalImapServer(user="ar", password="demo-imap-secret") as imap, \
            LocalStripe(clock=lambda: demo.clock().timestamp()) as stripe:
        os.environ[STRIPE_KEY_ENV] = stripe.api_key
        cfg = load_config(demo.write_config(smtp, imap, stripe))
        db = Database(cfg.database_url)
        demo.load_ledger(db)
        con.print(f"[bold]arbot demo[/bold]: {cfg.company.name}, 30 customers, sample ledger, "
                  f"{days} simulated days from {start:%d %b %Y}; SMTP :{smtp.port}, IMAP :{imap.port}, "
                  f"Stripe {stripe.url}", highlight=False)
        rt = Runtime(db, cfg, clock=demo.clock)
        try:
            asyncio.run(demo.simulate(db, rt, smtp, imap, stripe))
        finally:
            rt.close()
        demo.summary(db)
        db.close()
    con.print(f"  finished in {time.monotonic() - t0:.1f} s")
    return out
