"""Rendering: templates in every language and step, escaping, sandbox, MIME, PDFs, check, preview."""

from __future__ import annotations

import datetime as dt
import email
import email.policy
import io
import itertools
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader

from bot.config import Config, StepConfig, default_campaigns, parse_config
from bot.money import display
from bot.render import (
    AlertView,
    MessageOptions,
    Renderer,
    RenderError,
    babel_locale,
    language_chain,
    render_message,
    render_step,
)
from bot.render_api import (
    ContactInfo,
    CustomerInfo,
    InvoiceInfo,
    PaymentInfo,
    StepRenderContext,
    reply_address,
    totals_by_currency,
)
from bot.template_check import check_templates

REPO = Path(__file__).resolve().parent.parent
NOW = dt.datetime(2026, 3, 20, 10, 0, tzinfo=dt.UTC)
STEPS = default_campaigns()["default"].steps
LANGS = ("en", "fr", "de", "es")
LINK = "https://pay.example/l/abc123"

TOML = """\
{top}
[company]
name = "Northwind Supplies Ltd"
ar_address = "ar@northwind.test"
timezone = "Europe/London"
currency = "GBP"
language = "{company_lang}"
address = "1 Harbour Road, Bristol BS1 4XX"
bank_details = "IBAN GB00BARC20000012345678"
plus_addressing = {plus}
escalation = ["collections@northwind.test"]

[database]
url = "sqlite:///{db}"
{extra}
"""


def make_config(tmp_path: Path, *, company_lang: str = "en", plus: bool = True, top: str = "",
                extra: str = "") -> Config:
    path = tmp_path / "bot.toml"
    text = TOML.format(top=top, company_lang=company_lang, plus=str(plus).lower(), db=tmp_path / "arbot.db",
                       extra=extra)
    path.write_text(text, encoding="utf-8")
    return parse_config(text, path)


@pytest.fixture
def cfg(tmp_path: Path) -> Config:
    return make_config(tmp_path)


def invoices(currency: str = "EUR", pdf_path: str | None = None) -> tuple[InvoiceInfo, ...]:
    return (
        InvoiceInfo("INV-1001", dt.date(2026, 1, 10), dt.date(2026, 2, 9), 125000, 123456, currency, "PO-77",
                    pdf_path, 39),
        InvoiceInfo("INV-1002", dt.date(2026, 2, 1), dt.date(2026, 3, 3), 5000, 5000, currency, None, None, 17),
    )


def context(cfg: Config, step: StepConfig, *, lang: str | None = "en", name: str = "Acme GmbH",
            link: str | None = LINK, invs: tuple[InvoiceInfo, ...] | None = None,
            contact_name: str | None = "Anna Nowak") -> StepRenderContext:
    invs = invs if invs is not None else invoices()
    token = "tok123abc"
    return StepRenderContext(
        config=cfg, customer=CustomerInfo(7, "C-7", name, lang, "Europe/Paris", "EUR"),
        contacts=(ContactInfo("ap@acme.test", contact_name, "billing", True),
                  ContactInfo("cfo@acme.test", None, None, False)),
        step=step, step_index=0, campaign="default", cycle=0, invoices=invs, totals=totals_by_currency(invs),
        now=NOW, message_id="<arbot.test-1@northwind.test>", reply_token=token,
        reply_to=reply_address(cfg.company.ar_address, token, cfg.company.plus_addressing),
        from_address=cfg.from_address, payment_link_url=link, cc=tuple(step.cc), statement_items=invs,
        recent_payments=(PaymentInfo(dt.date(2026, 3, 1), 25000, "EUR", "VIR-555"),),
    )


def no_attach(step: StepConfig) -> StepConfig:
    return step.model_copy(update={"attach": []})


def parse(raw: bytes) -> email.message.EmailMessage:
    return email.message_from_bytes(raw, policy=email.policy.default)  # type: ignore[return-value]


# --------------------------------------------------------------------------- every language and step


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("step", STEPS, ids=[s.name for s in STEPS])
def test_every_step_and_language(cfg: Config, lang: str, step: StepConfig) -> None:
    r = render_step(context(cfg, no_attach(step), lang=lang))
    assert r.subject.strip() and "\n" not in r.subject
    assert r.html is not None
    locale = babel_locale(lang)
    for number in ("INV-1001", "INV-1002"):
        assert number in r.text and number in r.html
    amount = display(123456, "EUR", locale)   # the balance, in the customer's locale
    total = display(128456, "EUR", locale)
    assert amount in r.text and total in r.text
    assert amount.replace("\xa0", "&nbsp;") in r.html or amount in r.html
    assert LINK in r.text and f'href="{LINK}"' in r.html
    assert "Anna Nowak" in r.text
    assert "{{" not in r.text and "{%" not in r.html
    # CSS inlined, style block gone
    assert "<style" not in r.html and 'style="' in r.html


@pytest.mark.parametrize("lang", LANGS)
def test_no_payment_link(cfg: Config, lang: str) -> None:
    r = render_step(context(cfg, no_attach(STEPS[2]), lang=lang, link=None))
    assert "pay.example" not in r.text and "pay.example" not in (r.html or "")
    assert 'class="btn"' not in (r.html or "")


def test_single_invoice_and_no_contact_name(cfg: Config) -> None:
    one = invoices()[:1]
    r = render_step(context(cfg, no_attach(STEPS[0]), lang="en", invs=one, contact_name=None))
    assert "INV-1001" in r.subject
    assert r.text.startswith("Dear Acme GmbH accounts team,")
    r = render_step(context(cfg, no_attach(STEPS[0]), lang="de", invs=one, contact_name=None))
    assert r.text.startswith("Sehr geehrte Damen und Herren,")


def test_local_formats(cfg: Config) -> None:
    de = render_step(context(cfg, no_attach(STEPS[3]), lang="de"))
    assert "1.234,56\xa0€" in de.text and "09.02.2026" in de.text
    fr = render_step(context(cfg, no_attach(STEPS[3]), lang="fr"))
    assert "1\u202f234,56\xa0€" in fr.text and "9 févr. 2026" in fr.text
    en = render_step(context(cfg, no_attach(STEPS[3]), lang="en"))
    assert "€1,234.56" in en.text and "Feb 9, 2026" in en.text


def test_language_fallback(tmp_path: Path) -> None:
    cfg = make_config(tmp_path, company_lang="de")
    assert language_chain("it", "de") == ("it", "de", "en")
    assert language_chain("fr-CA", "en") == ("fr-ca", "fr", "en")
    r = render_step(context(cfg, no_attach(STEPS[2]), lang="it"))          # no Italian: company's German
    assert "Zahlungserinnerung" in r.subject
    r = render_step(context(cfg, no_attach(STEPS[2]), lang=None))          # no language: company's
    assert "Zahlungserinnerung" in r.subject
    r = render_step(context(cfg, no_attach(STEPS[2]), lang="fr-CA"))       # regional: fr, fr_CA formats
    assert "en attente de règlement" in r.subject
    assert display(123456, "EUR", "fr_CA") in r.text


def test_autoescape(cfg: Config) -> None:
    evil = "<script>alert(1)</script> & Co"
    r = render_step(context(cfg, no_attach(STEPS[1]), name=evil, contact_name=None))
    assert "<script>" not in (r.html or "")
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; Co" in (r.html or "")
    assert evil in r.text                 # the text part is not HTML: no entities


def test_staff_alert_and_copy(cfg: Config) -> None:
    ctx = context(cfg, no_attach(STEPS[6]), lang="fr")
    alert = render_message(ctx, MessageOptions(template="alert", language=cfg.company.language,
                                               to=tuple(cfg.company.escalation), attach=(),
                                               alert=AlertView("final_notice", "handed to collections")))
    msg = parse(alert.raw)
    assert msg["To"] == "collections@northwind.test"
    assert "Acme GmbH" in alert.subject and "handed to collections" in alert.text
    copy = render_message(ctx, MessageOptions(template="copy", to=("ap@acme.test",), attach=("invoice_pdfs",),
                                              in_reply_to="<q@acme.test>", auto_submitted="auto-replied"))
    msg = parse(copy.raw)
    assert msg["In-Reply-To"] == "<q@acme.test>" and msg["Auto-Submitted"] == "auto-replied"
    assert [a for a, _ in copy.attachments] == ["INV-1001.pdf", "INV-1002.pdf"]
    assert "Copie" in copy.subject


# --------------------------------------------------------------------------- MIME


def test_mime_structure_and_headers(cfg: Config) -> None:
    step = STEPS[5].model_copy(update={"cc": ["manager@northwind.test"]})
    r = render_step(context(cfg, step))
    assert b"\r\n" in r.raw and b"\n" not in r.raw.replace(b"\r\n", b"")
    msg = parse(r.raw)
    assert msg.get_content_type() == "multipart/mixed"
    parts = list(msg.iter_parts())
    assert parts[0].get_content_type() == "multipart/alternative"
    assert [p.get_content_type() for p in parts[0].iter_parts()] == ["text/plain", "text/html"]
    assert [p.get_filename() for p in parts[1:]] == [a for a, _ in r.attachments]
    assert r.attachments[0][0].startswith("statement-C-7-2026-03-20") and r.attachments[1:] == [
        ("INV-1001.pdf", "application/pdf"), ("INV-1002.pdf", "application/pdf")]
    assert str(msg["From"]) == "Northwind Supplies Ltd <ar@northwind.test>"
    assert str(msg["To"]) == "ap@acme.test, cfo@acme.test"
    assert str(msg["Cc"]) == "manager@northwind.test"
    assert str(msg["Reply-To"]) == "ar+tok123abc@northwind.test"
    assert msg["Message-ID"] == "<arbot.test-1@northwind.test>"
    assert msg["Auto-Submitted"] == "auto-generated"
    assert msg["X-Arbot-Token"] == "tok123abc"
    assert email.utils.parsedate_to_datetime(msg["Date"]) == NOW
    assert msg["Subject"] == r.subject
    assert parts[0].get_body(("plain",)).get_content() == r.text  # type: ignore[union-attr]


def test_non_ascii_subject_and_sender(tmp_path: Path) -> None:
    cfg = make_config(tmp_path, plus=False)
    cfg = cfg.model_copy(update={"company": cfg.company.model_copy(update={"name": "Société Générale d'Øresund"})})
    r = render_step(context(cfg, no_attach(STEPS[4]), lang="fr"))
    assert r.raw.isascii() or b"\r\n\r\n" in r.raw
    msg = parse(r.raw)
    assert msg["Subject"] == r.subject and "€" in r.subject
    assert msg["From"].addresses[0].display_name == "Société Générale d'Øresund"
    assert str(msg["Reply-To"]) == "ar@northwind.test"    # no plus-addressing


# --------------------------------------------------------------------------- PDFs


def have_ttf() -> bool:
    from bot.pdf import FontError, find_ttf

    try:
        find_ttf(None)
    except FontError:
        return False
    return True


needs_ttf = pytest.mark.skipif(not have_ttf(), reason="no DejaVu Sans (install fonts-dejavu-core)")


def pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


@needs_ttf
def test_statement_pdf_text(cfg: Config) -> None:
    from bot import pdf

    items = invoices() + (
        InvoiceInfo("INV-0900", dt.date(2025, 10, 1), dt.date(2025, 10, 31), 40000, 40000, "EUR", None, None, 140),
        InvoiceInfo("INV-1100", dt.date(2026, 3, 15), dt.date(2026, 4, 14), 700, 700, "EUR", None, None, -25),
        InvoiceInfo("CN-0042", dt.date(2026, 2, 20), dt.date(2026, 2, 20), -3000, -3000, "EUR", None, None, 28),
    )
    cust = CustomerInfo(7, "C-7", "Łódź Øresund Trading", "en", "Europe/Warsaw", "EUR")
    data = pdf.statement_pdf(cfg, cust, items, (PaymentInfo(dt.date(2026, 3, 1), 25000, "EUR", "VIR-555"),),
                             now=NOW, locale="en")
    text = pdf_text(data)
    for s in ("Statement of account", "Łódź Øresund Trading", "INV-1001", "INV-0900", "INV-1100", "CN-0042",
              "Current", "1-30 days", "31-60 days", "90+ days", "Credit on account", "Recent payments",
              "VIR-555", "€1,234.56", "€1,661.56", "Mar 20, 2026"):
        assert s in text, s
    assert pdf.aging(items) == {"EUR": {"current": 700, "1-30": 5000, "31-60": 123456, "61-90": 0,
                                        "90+": 40000}}


@needs_ttf
def test_invoice_pdf_text_latin_and_unicode(cfg: Config) -> None:
    from bot import pdf

    inv = invoices()[0]
    for name, font in (("Acme GmbH", "Helvetica"), ("Łódź Øresund Trading", "DejaVu")):
        data = pdf.invoice_pdf(cfg, CustomerInfo(7, "C-7", name, "de", None, "EUR"), inv, locale="de")
        text = pdf_text(data)
        for s in ("Rechnung (Kopie)", name, "INV-1001", "PO-77", "1.250,00\xa0€", "1.234,56\xa0€", "10.01.2026"):
            assert s.replace("\xa0", " ") in text.replace("\xa0", " "), (s, text)
        assert font.encode() in data


def test_erp_pdf_preferred(tmp_path: Path) -> None:
    folder = tmp_path / "erp"
    folder.mkdir()
    (folder / "INV-1002.pdf").write_bytes(b"%PDF-1.4 erp folder copy")
    own = tmp_path / "own-1001.pdf"
    own.write_bytes(b"%PDF-1.4 erp named path")
    cfg = make_config(tmp_path, extra='[import]\npdf_folder = "erp"\n')
    r = Renderer(cfg)
    ctx = context(cfg, STEPS[0], invs=invoices(pdf_path=str(own)))
    rendered = r.render_step(ctx)
    parts = {p.get_filename(): p.get_payload(decode=True) for p in parse(rendered.raw).iter_attachments()}
    assert parts == {"INV-1001.pdf": b"%PDF-1.4 erp named path", "INV-1002.pdf": b"%PDF-1.4 erp folder copy"}
    assert r.stats.pdf_generated == 0


def test_generated_invoice_pdfs_cached(cfg: Config) -> None:
    r = Renderer(cfg)
    ctx = context(cfg, STEPS[0])
    first = r.render_step(ctx)
    second = r.render_step(ctx)
    assert r.stats.pdf_generated == 2 and r.stats.pdf_cache_hits == 2
    a = [p.get_payload(decode=True) for p in parse(first.raw).iter_attachments()]
    b = [p.get_payload(decode=True) for p in parse(second.raw).iter_attachments()]
    assert a == b and all(x.startswith(b"%PDF") for x in a)  # type: ignore[union-attr]


# --------------------------------------------------------------------------- check, sandbox, strict


@needs_ttf
def test_shipped_templates_check_clean(cfg: Config) -> None:
    assert check_templates(cfg) == []


def write_user_templates(root: Path) -> None:
    (root / "en").mkdir(parents=True)
    (root / "en" / "polite.html.j2").write_text(
        '{% extends "base.html.j2" %}\n{% block intro %}\n<p>Hello {{ custmer.name }}</p>\n{% endblock %}\n',
        encoding="utf-8")
    (root / "en" / "why_delay.subject.j2").write_text("Hi {{ ''.__class__.__mro__ }}\n", encoding="utf-8")
    (root / "en" / "stern.subject.j2").write_text("Pay\n{{ invoices.append(1) }}\n", encoding="utf-8")
    (root / "en" / "concerned.txt.j2").write_text("{% if x %}\nno end\n", encoding="utf-8")


def test_check_reports_file_and_line(tmp_path: Path) -> None:
    write_user_templates(tmp_path / "mine")
    cfg = make_config(tmp_path, top='templates_dir = "mine"')
    problems = check_templates(cfg)
    mine = tmp_path / "mine" / "en"
    assert f"{mine / 'polite.html.j2'}:3: 'custmer' is undefined" in problems
    assert any(p.startswith(f"{mine / 'why_delay.subject.j2'}:1: ") and "__class__" in p and "sandbox" in p
               for p in problems), problems
    assert any(p.startswith(f"{mine / 'stern.subject.j2'}:2: ") and "append" in p for p in problems), problems
    assert any(p.startswith(f"{mine / 'concerned.txt.j2'}:") and "endif" in p for p in problems), problems
    # the render path refuses the same templates with a one-line error
    with pytest.raises(RenderError, match=r"polite\.html\.j2:3: 'custmer' is undefined"):
        Renderer(cfg).render_step(context(cfg, no_attach(STEPS[2])))


def cli(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(REPO) + os.pathsep + os.environ.get("PYTHONPATH", "")}
    return subprocess.run([sys.executable, "-m", "bot", *args], cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=120, check=False)


@needs_ttf
def test_check_cli(tmp_path: Path) -> None:
    make_config(tmp_path)
    ok = cli("-c", "bot.toml", "check", cwd=tmp_path)
    assert ok.returncode == 0, ok.stderr
    assert "config OK" in ok.stdout and "templates OK" in ok.stdout
    write_user_templates(tmp_path / "mine")
    make_config(tmp_path, top='templates_dir = "mine"')
    bad = cli("-c", "bot.toml", "check", cwd=tmp_path)
    assert bad.returncode == 1
    assert f"{tmp_path / 'mine' / 'en' / 'polite.html.j2'}:3: 'custmer' is undefined" in bad.stdout.splitlines()
    (tmp_path / "bot.toml").write_text("[company]\nname = 1\n", encoding="utf-8")
    broken = cli("-c", "bot.toml", "check", cwd=tmp_path)
    assert broken.returncode == 2 and "company" in broken.stderr


# --------------------------------------------------------------------------- preview


def seed_ledger(cfg: Config) -> None:
    from bot.db import Database
    from bot.models import Contact, Customer, Invoice

    t0 = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    db = Database(cfg.database_url)
    with db.session() as s:
        c = Customer(external_id="C-7", name="Acme <GmbH>", language="de", timezone="Europe/Berlin",
                     currency="EUR", tags=[], excluded=False, state="active", dunning_cycle=0, created_at=t0,
                     updated_at=t0)
        s.add(c)
        s.flush()
        s.add(Contact(customer_id=c.id, email="ap@acme.test", name="Anna Nowak", is_primary=True, bounced=False,
                      proposed=False, source="import", created_at=t0))
        for inv in invoices():
            s.add(Invoice(number=inv.number, customer_id=c.id, kind="invoice", issue_date=inv.issue_date,
                          due_date=inv.due_date, total_minor=inv.total_minor, balance_minor=inv.balance_minor,
                          currency=inv.currency, po_number=inv.po_number, status="open", disputed=False,
                          created_at=t0, updated_at=t0))
    db.close()


def test_preview_cli(tmp_path: Path) -> None:
    cfg = make_config(tmp_path)
    seed_ledger(cfg)
    out = tmp_path / "out"
    r = cli("-c", "bot.toml", "preview", "C-7", "--step", "stern", "--now", "2026-03-20", "--out", str(out),
            cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    lines = r.stdout.splitlines()
    assert "Subject: Mahnung: überfälliger Betrag von 1.284,56\xa0€" in lines
    assert "Reply-To: ar+PREVIEW@northwind.test" in lines and "Auto-Submitted: auto-generated" in lines
    assert any(line.startswith("* Rechnung INV-1001") for line in lines)
    assert "INV-1001.pdf (application/pdf" in r.stdout and "statement-C-7-2026-03-20.pdf" in r.stdout
    html = (out / "C-7-stern.html").read_text(encoding="utf-8")
    assert "Acme &lt;GmbH&gt;" not in html or "&lt;" in html
    assert (out / "INV-1001.pdf").read_bytes().startswith(b"%PDF")
    assert (out / "C-7-stern.eml").is_file()
    # without --step: the step the account is due for (or the one reached, with a note)
    r = cli("-c", "bot.toml", "preview", "C-7", "--now", "2026-03-20", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    assert "# campaign default, step stern" in r.stdout
    missing = cli("-c", "bot.toml", "preview", "NOPE", "--step", "stern", cwd=tmp_path)
    assert missing.returncode == 2 and "no customer" in missing.stderr




def test_pdf_base14_writer_multipage(cfg: Config) -> None:
    from bot import pdf

    items = tuple(InvoiceInfo(f"INV-{k:04d}", dt.date(2026, 1, 1), dt.date(2026, 2, 1), 1000 + k, 1000 + k, "EUR",
                              "PO (a\\b)" if k == 0 else None, None, 47) for k in range(90))
    cust = CustomerInfo(7, "C-7", "Müller & Søn (Süd)", "fr", None, "EUR")
    data = pdf.statement_pdf(cfg, cust, items, now=NOW, locale="fr")
    reader = PdfReader(io.BytesIO(data), strict=True)
    assert len(reader.pages) >= 2
    assert reader.metadata is not None and reader.metadata.title == "Relevé de compte"
    text = pdf_text(data)
    assert "Müller & Søn (Süd)" in text and "PO (a\\b)" in text and "INV-0089" in text and "Page 2" in text
    assert pdf.statement_pdf(cfg, cust, items, now=NOW, locale="fr") == data   # deterministic


@needs_ttf
def test_pdf_falls_back_to_ttf_outside_cp1252(cfg: Config) -> None:
    from bot import pdf

    inv = InvoiceInfo("INV-77", dt.date(2026, 1, 1), dt.date(2026, 2, 1), 123456, 123456, "INR", None, None, 47)
    data = pdf.invoice_pdf(cfg, CustomerInfo(7, "C-7", "Acme", "en", None, "INR"), inv, locale="en")
    assert "₹1,234.56" in pdf_text(data)


@pytest.mark.parametrize("locale", ["en", "fr", "de", "es", "fr_CA", "de_CH", "en_IN", "ja", "ar"])
def test_format_money_matches_display(locale: str) -> None:
    from bot.render import format_money

    for minor, currency in ((123456789, "EUR"), (-5000, "USD"), (0, "GBP"), (1234567, "JPY"), (1234567, "BHD"),
                            (99, "CHF"), (123456789012, "INR")):
        assert format_money(minor, currency, locale) == display(minor, currency, locale)


@pytest.mark.parametrize("locale", ["en", "fr", "de", "es"])
def test_pdf_cells_never_overlap(cfg: Config, locale: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """Long numbers, amounts and dates stay inside their columns and the margins."""
    from reportlab.pdfbase import pdfmetrics

    from bot import pdf

    drawn: list[tuple[float, float, float, str]] = []
    original = pdf._Base14Canvas.drawString

    def record(self: Any, x: float, y: float, text: str) -> None:
        drawn.append((round(y, 1), x, x + pdfmetrics.stringWidth(text, self.font, self.size), text))
        original(self, x, y, text)

    monkeypatch.setattr(pdf._Base14Canvas, "drawString", record)
    items = (InvoiceInfo("INV-2026-000123", dt.date(2026, 9, 30), dt.date(2026, 12, 30), 123456789, 123456789,
                         "EUR", "PO-2026-44871", None, 140, True),
             InvoiceInfo("INV-2026-000124", dt.date(2026, 9, 30), dt.date(2026, 12, 30), 123456789, 12345678,
                         "EUR", None, None, 5),
             InvoiceInfo("CN-1", dt.date(2026, 9, 30), dt.date(2026, 12, 30), -5000, -5000, "EUR", None, None, 5))
    cust = CustomerInfo(1, "C-1", "Acme", "en", None, "EUR")
    for make in (lambda: pdf.statement_pdf(cfg, cust, items, (PaymentInfo(dt.date(2026, 9, 1), 123456789, "EUR",
                                                                          "REF-LONG-REFERENCE-2026"),),
                                           now=dt.datetime(2026, 12, 31, tzinfo=dt.UTC), locale=locale),
                 lambda: pdf.invoice_pdf(cfg, cust, items[0], locale=locale)):
        drawn.clear()
        make()
        rows: dict[float, list[tuple[float, float, str]]] = {}
        for y, x0, x1, text in drawn:
            rows.setdefault(y, []).append((x0, x1, text))
        for cells in rows.values():
            cells.sort()
            for a, b in itertools.pairwise(cells):
                assert a[1] <= b[0] - 2, (a[2], b[2])
            assert all(c[0] >= 40 and c[1] <= pdf.PAGE_W - 40 for c in cells), cells
