"""``read_reply``: the contract (never raises, bounded, reply text never empty) and the composition."""

from __future__ import annotations

import datetime as dt
import time
from decimal import Decimal
from email.message import EmailMessage
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from parsers.read import read_reply
from parsers.types import Intent, ReadContext

SHARED = Path(__file__).resolve().parents[3] / "shared"


def message(body: str, *, subject: str = "RE: Overdue invoice INV-2026-4502", date: str = "Tue, 14 Apr 2026 10:00:00 -0700",
            headers: dict[str, str] | None = None, html: bool = False, cc: str | None = None) -> bytes:
    msg = EmailMessage()
    msg["From"] = "Pat Customer <pat@customer.example>"
    msg["To"] = "AR <ar@seller.example>"
    if cc:
        msg["Cc"] = cc
    msg["Subject"] = subject
    msg["Date"] = date
    msg["Message-ID"] = "<abc@customer.example>"
    for key, value in (headers or {}).items():
        msg[key] = value
    msg.set_content(body, subtype="html" if html else "plain")
    return msg.as_bytes()


QUOTE = ("\n\nOn Mon, 13 Apr 2026 at 09:00, AR <ar@seller.example> wrote:\n> Invoice INV-2026-4502 for $1,200.00 is"
         " overdue. If you dispute it or have paid, tell us.\n> We will pass the account to collections.\n")


def test_promise_with_amount_currency_and_short_ref() -> None:
    raw = message("Hi, sorry! I'll pay the $1,200 on 4502 this Friday." + QUOTE)
    reading = read_reply(raw, ReadContext(invoices=("INV-2026-4502",)))
    assert reading.intent is Intent.PROMISE_TO_PAY
    assert reading.promise_date == dt.date(2026, 4, 17)
    assert reading.amount == Decimal("1200.00") and reading.currency == "USD"
    assert reading.invoice_refs == ("INV-2026-4502",)
    assert reading.sent_at is not None and reading.sent_at.utcoffset() == dt.timedelta(hours=-7)
    assert "collections" not in reading.reply_text  # the quote is not the customer's text
    assert any(e.rule.startswith("promise_to_pay:") for e in reading.evidence)


def test_quoted_words_are_never_evidence() -> None:
    reading = read_reply(message("Thanks, received." + QUOTE))
    assert reading.intent is Intent.OTHER


def test_redirect_to_address_only_in_cc() -> None:
    raw = message("Wrong person, I'm afraid - adding Jane (cc'd), she handles vendor payments." + QUOTE,
                  cc="Jane Roe <jane.roe@customer.example>")
    reading = read_reply(raw)
    assert reading.intent is Intent.REDIRECT and reading.redirect_to == "jane.roe@customer.example"


def test_html_only_reply() -> None:
    raw = message("<html><body><p>We paid &euro;2.450,00 yesterday by bank transfer.</p></body></html>", html=True)
    reading = read_reply(raw)
    assert reading.intent is Intent.REMITTANCE_ADVICE
    assert reading.amount == Decimal("2450.00") and reading.currency == "EUR"


def test_auto_reply_with_return_date() -> None:
    raw = message("I am out of the office and will be back on Monday 20 April.",
                  subject="Automatic reply: Overdue invoice", headers={"Auto-Submitted": "auto-replied"})
    reading = read_reply(raw)
    assert reading.intent is Intent.AUTO_REPLY and reading.is_automated
    assert reading.return_date == dt.date(2026, 4, 20)


@pytest.mark.parametrize("raw", [b"", b"\x00\xff\xfe garbage", b"From: x\r\n\r\n", b"Content-Type: multipart/mixed\r\n\r\n--",
                                 "Subject: caf\u00e9\r\n\r\nbody".encode("latin-1")])
def test_damaged_input_is_other_with_low_confidence(raw: bytes) -> None:
    reading = read_reply(raw)
    assert reading.intent is Intent.OTHER
    assert reading.confidence <= 0.6


def test_not_bytes_does_not_raise() -> None:
    assert read_reply("not bytes").intent is Intent.OTHER  # type: ignore[arg-type]


def _timed(raw: bytes) -> float:
    start = time.perf_counter()
    read_reply(raw)
    return time.perf_counter() - start


# Bounded on pathological input. The bar is < 1 s; the assertion allows for a loaded CI machine.
@pytest.mark.parametrize("raw", [
    message("We will pay. " * 200_000),                                   # ~2.6 MB of text
    message(("x" * 998 + "\n") * 10_000),                                  # 10 MB body
    b"Content-Type: multipart/mixed; boundary=b\r\n\r\n" + b"--b\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n" * 3000,
    message("1/2/3/4/5/6/7/8/9 " * 50_000 + "$1,1,1,1,1 " * 20_000),
    message("a@b." * 100_000),
])
def test_bounded_time(raw: bytes) -> None:
    assert _timed(raw) < 3.0


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=4000))
def test_never_raises_on_random_bytes(raw: bytes) -> None:
    reading = read_reply(raw)
    assert isinstance(reading.intent, Intent)
    assert 0.0 <= reading.confidence <= 1.0


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(min_size=1, max_size=2000).filter(lambda t: t.strip()))
def test_reply_text_never_empty_for_a_non_empty_message(body: str) -> None:
    reading = read_reply(message(body))
    assert reading.reply_text.strip()
    assert reading.to_json()["intent"] in {i.value for i in Intent}


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(max_size=600))
def test_reading_is_deterministic(body: str) -> None:
    raw = message(body or "x")
    assert read_reply(raw) == read_reply(raw)


@pytest.mark.skipif(not (SHARED / "replies" / "labels.jsonl").exists(), reason="shared corpus not present")
def test_shared_corpus_bars() -> None:
    from bot.reply_eval import evaluate_folders

    report = evaluate_folders([SHARED / "replies"])
    labels = report["folders"][str(SHARED / "replies")]["labels"]
    assert labels["macro_f1"] >= 0.95
    assert labels["fields"]["promise_date"]["exact"] >= 0.95
    assert labels["fields"]["invoice_refs"]["exact"] >= 0.95


def message2(body: str, date: str = "Tue, 12 May 2026 10:00:00 +0100", frm: str = "buyer@client.co.uk",
             cc: str | None = None, subject: str = "RE: Statement") -> bytes:
    msg = EmailMessage()
    msg["From"] = frm
    msg["To"] = "credit.control@seller.co.uk"
    msg["Subject"] = subject
    msg["Date"] = date
    if cc:
        msg["Cc"] = cc
    msg.set_content(body)
    return msg.as_bytes()


Q = "\n\n-----Original Message-----\nFrom: Credit Control <credit.control@seller.co.uk>\nSent: 11 May 2026 09:00\nSubject: Statement\n\nYour account shows £2,400.00 overdue (INV/2026/00412, INV/2026/00431). Please pay or tell us if you dispute.\n"
EXTRACTION = [
 (message2("We paid INV/2026/00412 (£1,200.00) on Friday by BACS. The other one, 431, will be paid on the 29th."+Q), ("INV/2026/00412","INV/2026/00431"), {"intent": "remittance_advice", "amount": "1200.00", "currency": "GBP", "refs": ["INV/2026/00412","INV/2026/00431"]}),
 (message2("I'll settle both invoices, £2,400 in total, next Wednesday."+Q), ("INV/2026/00412","INV/2026/00431"), {"intent": "promise_to_pay", "promise_date": "2026-05-13", "amount": "2400.00", "currency": "GBP"}),
 (message2("Invoice 00431 is for goods we sent back on 2 May. Please issue a credit note."+Q), ("INV/2026/00412","INV/2026/00431"), {"intent": "dispute", "refs": ["INV/2026/00431"]}),
 (message2("Can we pay £600 a month for four months? Trade is very slow."+Q), ("INV/2026/00412","INV/2026/00431"), {"intent": "payment_plan", "amount": "600.00", "currency": "GBP"}),
 (message2("Please send me a copy of INV-2026-00412, I can't find it."+Q), ("INV/2026/00412","INV/2026/00431"), {"intent": "request_copy", "refs": ["INV/2026/00412"]}),
 (message2("I'm not the right person for this. I've copied in our bookkeeper who will sort it.", cc="Books <books@client.co.uk>"), ("INV/2026/00412",), {"intent": "redirect", "redirect_to": "books@client.co.uk"}),
 (message2("Check #8812 for $3,150.75 was mailed 5/8.", date="Tue, 12 May 2026 10:00:00 -0500", frm="ap@client.com"), ("10442",), {"intent": "remittance_advice", "amount": "3150.75", "currency": "USD"}),
 (message2("We'll have a check cut on 5/22 for invoice 10442.", date="Tue, 12 May 2026 10:00:00 -0500", frm="ap@client.com"), ("10442",), {"intent": "promise_to_pay", "promise_date": "2026-05-22", "refs": ["10442"]}),
 (message2("Wir haben die Rechnung RE-2026-1187 am 08.05. überwiesen (Betrag 1.785,00 EUR).", frm="fibu@kunde.de"), ("RE-2026-1187",), {"intent": "remittance_advice", "amount": "1785.00", "currency": "EUR", "refs": ["RE-2026-1187"]}),
 (message2("Nous réglerons la facture FC2026-0042 d'un montant de 2 310,00 € le 31 mai.", frm="compta@client.fr"), ("FC2026-0042",), {"intent": "promise_to_pay", "promise_date": "2026-05-31", "amount": "2310.00", "currency": "EUR", "refs": ["FC2026-0042"]}),
 (message2("Hemos realizado hoy la transferencia de 845,50 € correspondiente a la factura 2026/118.", frm="admin@cliente.es"), ("2026/118",), {"intent": "remittance_advice", "amount": "845.50", "currency": "EUR", "refs": ["2026/118"]}),
 (message2("Factuur 26-0311 is vandaag betaald, bedrag € 412,00.", frm="admin@klant.nl"), ("26-0311",), {"intent": "remittance_advice", "amount": "412.00", "currency": "EUR", "refs": ["26-0311"]}),
 (message2("Paid today, thanks. Total was 1,250.00.", frm="ap@client.co.uk"), ("INV/2026/00412",), {"intent": "remittance_advice"}),
]


@pytest.mark.parametrize(("raw", "invoices", "expected"), EXTRACTION, ids=[f"case{i}" for i in range(len(EXTRACTION))])
def test_extraction(raw: bytes, invoices: tuple[str, ...], expected: dict[str, object]) -> None:
    got = read_reply(raw, ReadContext(invoices=invoices)).to_json()
    for key, want in expected.items():
        have = got["invoice_refs"] if key == "refs" else got[key]
        if key == "refs":
            assert sorted(have) == sorted(want)  # type: ignore[arg-type]
        else:
            assert have == want, (key, got["reply_text"])


@pytest.mark.parametrize(("body", "amount"), [
    ("Can we pay the $4,800 in instalments? Cash is tight.", None),        # a total owed is not an instalment
    ("Could we pay $500 a month until the $3,000 is cleared?", "500.00"),
    ("Can I pay $200 now and the rest next month?", "200.00"),
    ("Would you accept 3 payments of $1,000?", "1000.00"),
])
def test_payment_plan_amount_is_the_instalment(body: str, amount: str | None) -> None:
    reading = read_reply(message(body))
    assert reading.intent is Intent.PAYMENT_PLAN
    assert (str(reading.amount) if reading.amount is not None else None) == amount


FORWARDED = """FYI - see below.

Jane

---------- Forwarded message ---------
From: Online Banking <alerts@bank.example>
Date: Mon, 11 May 2026 at 16:02
Subject: Payment confirmation

Your payment has been sent.
Amount: EUR 1,250.00
Beneficiary: Harbor Lane Supplies
Reference: INV-88213
"""


def test_forwarded_bank_confirmation_is_remittance() -> None:
    reading = read_reply(message(FORWARDED), ReadContext(invoices=("INV-88213",)))
    assert reading.intent is Intent.REMITTANCE_ADVICE
    assert reading.amount == Decimal("1250.00") and reading.currency == "EUR"
    assert reading.invoice_refs == () and reading.attachment_invoice_refs == ("INV-88213",)
    assert reading.confidence < 0.8


def test_forwarded_seller_reminder_is_not_evidence() -> None:
    body = ("FYI see below\n\n---------- Forwarded message ---------\nFrom: AR <ar@seller.example>\n"
            "Date: Mon, 11 May 2026\n\nIf you have already paid, please ignore. Payment was sent? INV-88213 overdue.\n")
    assert read_reply(message(body)).intent is Intent.OTHER
