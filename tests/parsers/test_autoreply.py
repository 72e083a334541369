"""parsers.autoreply: header, subject and text verdicts; human replies are not flagged."""

from __future__ import annotations

import pytest

from parsers.autoreply import is_automated, read_auto_reply
from parsers.mime import decode
from parsers.quotes import split_reply
from tests.parsers.corpora import REALWORLD, SHARED, load_records


def _msg(headers: str, body: str) -> tuple[object, str]:
    raw = ("From: Kim <kim@customer.example>\r\nTo: ar@seller.example\r\n" + headers + "\r\n" + body).encode()
    msg = decode(raw)
    return msg, split_reply(msg.text).reply


def verdict(headers: str, body: str):  # type: ignore[no-untyped-def]
    msg, reply = _msg(headers, body)
    return read_auto_reply(msg, reply)  # type: ignore[arg-type]


@pytest.mark.parametrize("header", [
    "Auto-Submitted: auto-replied", "Auto-Submitted: auto-generated", "X-Autoreply: yes",
    "X-Autorespond: on", "Precedence: auto_reply", "X-MS-Exchange-Organization-AutoReplyType: OOF",
])
def test_decisive_headers(header: str) -> None:
    assert verdict(f"Subject: Re: Invoice\r\n{header}\r\n", "Thanks.\r\n").is_auto


def test_auto_submitted_no_is_not_auto() -> None:
    assert not verdict("Subject: Re: Invoice\r\nAuto-Submitted: no\r\n", "We paid.\r\n").is_auto


def test_response_suppress_alone_is_not_auto() -> None:
    # Outlook sets it on ordinary mail too
    assert not verdict("Subject: RE: Invoice\r\nX-Auto-Response-Suppress: All\r\n", "We paid yesterday.\r\n").is_auto


@pytest.mark.parametrize("subject", [
    "Out of Office: Invoice 1", "Automatic reply: Invoice", "Abwesenheitsnotiz: Rechnung",
    "Automatische Antwort: Rechnung", "Réponse automatique : Facture", "Respuesta automática: Factura",
    "Risposta automatica: Fattura", "Automatisch antwoord: Factuur", "Resposta automática: Fatura",
])
def test_localised_subjects(subject: str) -> None:
    assert verdict(f"Subject: {subject}\r\n", "Hello.\r\n").is_auto


@pytest.mark.parametrize("body", [
    "I am out of the office until 6 April with limited access to email.",
    "Ich bin bis zum 10.04. nicht im Büro. In dringenden Fällen wenden Sie sich an info@x.example.",
    "Je suis absente jusqu'au 13 avril. En cas d'urgence, contactez compta@x.example.",
    "Estoy de vacaciones hasta el 7 de abril. Para asuntos urgentes escriba a admin@x.example.",
    "Ik ben afwezig tot en met 3 april en weer aanwezig op dinsdag 7 april.",
    "Estou de férias até dia 10 de abril. Em caso de urgência contacte geral@x.example.",
    "Sono fuori ufficio fino al 10 aprile. Per urgenze scrivete a info@x.example.",
    "This is an automated message. This mailbox is not monitored.",
])
def test_text_only_auto_replies(body: str) -> None:
    result = verdict("Subject: Re: Invoice 1\r\n", body + "\r\n")
    assert result.is_auto, result.evidence


@pytest.mark.parametrize("body", [
    "Sorry, I was on holiday last week. We'll pay the invoice on Friday.",
    "I'm travelling this week, will look at it when I'm back.",
    "We are closed on Monday for the bank holiday, payment goes out Tuesday.",
    "Happy holidays! The invoice is paid.",
    "Ich war im Urlaub, wir überweisen morgen.",
])
def test_human_replies_not_flagged(body: str) -> None:
    result = verdict("Subject: Re: Invoice 1\r\nIn-Reply-To: <a@seller.example>\r\n", body + "\r\n")
    assert not result.is_auto, result.evidence


def test_return_text() -> None:
    result = verdict("Subject: Out of office\r\n", "I'm away on leave. I will be back on Monday 20 April.\r\n")
    assert result.return_text == "I will be back on Monday 20 April."


def test_is_automated() -> None:
    human, _ = _msg("Subject: Re: Invoice\r\n", "We paid.\r\n")
    assert not is_automated(human)  # type: ignore[arg-type]
    for headers in ("List-Id: <ap.customer.example>\r\n", "Precedence: bulk\r\n", "Return-Path: <>\r\n"):
        msg, _ = _msg("Subject: Re: Invoice\r\n" + headers, "Hello\r\n")
        assert is_automated(msg), headers  # type: ignore[arg-type]
    noreply = decode(b"From: no-reply@portal.example\r\nSubject: Your statement\r\n\r\nHi")
    assert is_automated(noreply)


def test_realworld_autoreplies_bar() -> None:
    folder = REALWORLD / "autoreplies"
    records = load_records(folder, "autoreplies.jsonl")
    right = 0
    for rec in records:
        msg = decode((folder / rec["file"]).read_bytes())
        right += read_auto_reply(msg, split_reply(msg.text).reply).is_auto == rec["is_auto_reply"]
    assert right / len(records) >= 0.95


def test_replies_corpus_auto_replies() -> None:
    folder = SHARED / "replies"
    records = [r for r in load_records(folder, "labels.jsonl") if r["intent"] != "bounce"]
    right = 0
    for rec in records:
        msg = decode((folder / rec["file"]).read_bytes())
        right += read_auto_reply(msg, split_reply(msg.text).reply).is_auto == (rec["intent"] == "auto_reply")
    assert right / len(records) >= 0.97
