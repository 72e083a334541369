"""``read_reply``: raw RFC 5322 bytes in, a typed :class:`Reading` out.

The composition, in order (each step fails open, each step is bounded):

1. decode the MIME (charsets, HTML to text, attachments, defects)      -- parsers.mime
2. split the customer's new text from quoted history and signature      -- parsers.quotes
3. bounce reports (RFC 3464 and legacy formats)                          -- parsers.bounce
4. automatic replies (RFC 3834, vendor headers, text)                    -- parsers.autoreply
5. intent of the customer's own text: the rule table                     -- parsers.intent
6. extraction: language, promised date, amount, invoice references, redirect address

The quoted history is used only as context (which currency "$" means for this seller), never as
evidence of intent: it is the seller's own words.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import replace
from decimal import Decimal

from parsers.attachments import remittance_texts
from parsers.autoreply import AutoReplyVerdict, read_auto_reply
from parsers.bounce import BounceReport, read_bounce
from parsers.dates import find_return_date
from parsers.intent import IntentDecision, build_doc, classify_doc
from parsers.intent.doc import ReplyDoc
from parsers.intent.model import shipped_model
from parsers.intent.rules import Hit, promise_date_in
from parsers.language import detect_language
from parsers.mime import DecodedMessage, decode
from parsers.money import MoneyMention, find_amounts, find_bare_amounts
from parsers.quotes import ReplySplit, split_reply
from parsers.redirect import find_redirect_address
from parsers.refs import find_invoice_refs
from parsers.types import Evidence, Intent, ReadContext, Reading

__all__ = ["read_reply"]

_MAX_REPLY_CHARS = 8_000
_MAX_EVIDENCE = 24
_HUMAN_INTENTS = {Intent.PROMISE_TO_PAY, Intent.DISPUTE, Intent.REMITTANCE_ADVICE, Intent.REQUEST_COPY,
                  Intent.PAYMENT_PLAN, Intent.REDIRECT, Intent.OTHER}


def read_reply(raw: bytes, context: ReadContext = ReadContext()) -> Reading:  # noqa: B008 - frozen, shared safely
    """Read one customer reply. Never raises; bounded in time and memory.

    On damaged input it returns ``intent=OTHER`` with a low confidence and the problem listed
    in ``defects``, so the caller can set the message aside for a person.
    """
    try:
        return _read(raw, context)
    except Exception as exc:  # noqa: BLE001 - the contract: never raise, fail open
        return Reading(intent=Intent.OTHER, confidence=0.05, reply_text=_fallback_text(raw),
                       defects=(f"read_reply failed: {type(exc).__name__}: {str(exc)[:200]}",))


def _fallback_text(raw: object) -> str:
    try:
        text = bytes(raw).decode("utf-8", "replace") if isinstance(raw, (bytes, bytearray)) else str(raw)
    except Exception:  # noqa: BLE001
        return "(unreadable message)"
    return text.strip()[:_MAX_REPLY_CHARS] or "(empty message)"


def _read(raw: bytes, context: ReadContext) -> Reading:
    if not isinstance(raw, (bytes, bytearray, memoryview)):
        raw = str(raw).encode("utf-8", "replace")
    msg = decode(bytes(raw))
    split = split_reply(msg.text)
    own_text = trim_quoted_tail(split.reply)[:_MAX_REPLY_CHARS]
    reply_text = own_text or _visible_text(msg, split)
    sent = _sent_date(msg)
    language = (detect_language(own_text, None) or context.language
                or detect_language(msg.text, None))  # the quoted thread's language as a last hint
    month_first = _month_first(msg.date, language)
    base = Reading(
        intent=Intent.OTHER, confidence=0.5, reply_text=reply_text, language=language,
        message_id=msg.message_id, in_reply_to=msg.in_reply_to, references=tuple(msg.references),
        from_address=msg.from_address, cc_addresses=tuple(msg.cc_addresses), subject=msg.subject or "",
        sent_at=msg.date, defects=tuple(msg.defects),
        attachments=tuple(a.filename for a in msg.attachments if a.filename),
    )
    bounce = read_bounce(msg)
    if bounce is not None:
        return _bounce_reading(base, bounce)
    auto = read_auto_reply(msg, own_text)
    if auto.is_auto:
        return _auto_reading(base, auto, own_text or reply_text, sent, month_first)
    doc = build_doc(own_text, sent, language=language, invoices=tuple(context.invoices),
                    from_address=msg.from_address, seller_addresses=tuple(msg.to_addresses),
                    cc_addresses=tuple(msg.cc_addresses), month_first=month_first)
    decision = classify_doc(doc)
    reading = _human_reading(base, msg, split, doc, decision, context)
    if reading.intent is Intent.OTHER:
        reading = _forwarded_confirmation(reading, msg, split, sent, language, context)
    if reading.intent is Intent.OTHER and not decision.hits:
        reading = _word_model_guess(reading, doc)
    if msg.attachments and (reading.intent is Intent.OTHER or (
            reading.intent is Intent.REMITTANCE_ADVICE and (reading.amount is None or not reading.invoice_refs))):
        # Reading a PDF costs tens of milliseconds: only when the words left something to find.
        reading = _with_attachments(reading, msg, context)
    return reading


_SEPARATOR = re.compile(r"^\s*(?:_{8,}|-{5,}\s*(?:original|ursprüngliche|message d'origine|mensaje original"
                        r"|oorspronkelijk|messaggio originale|mensagem original|forwarded)[^\n]*)\s*$",
                        re.IGNORECASE | re.MULTILINE)
_HEADER_LINE = re.compile(r"^\s*[*>]*\s*(?:from|de|von|van|da|fra|från|od)\s*:\s*\S", re.IGNORECASE)
_HEADER_NEXT = re.compile(r"^\s*[*>]*\s*(?:sent|date|envoyé|gesendet|datum|verzonden|enviado|fecha|inviato|data"
                          r"|to|à|an|aan|para|a|subject|objet|betreff|onderwerp|asunto|oggetto|assunto)\s*:",
                          re.IGNORECASE)


def trim_quoted_tail(reply: str) -> str:
    """Defence in depth behind the quote splitter: cut at a quoted-header block it let through.

    Outlook's localised "De : / Envoyé :" blocks after a rule of underscores, or an
    "-----Original Message-----" line, start the seller's words; nothing below is the customer's.
    """
    text = reply.strip()
    m = _SEPARATOR.search(text)
    if m:
        text = text[:m.start()]
    lines = text.split("\n")
    for i, line in enumerate(lines):
        if i and _HEADER_LINE.match(line) and any(_HEADER_NEXT.match(n) for n in lines[i + 1:i + 4]):
            text = "\n".join(lines[:i])
            break
    return text.strip()


def _visible_text(msg: DecodedMessage, split: ReplySplit) -> str:
    """Something non-empty to show a person when the customer wrote nothing of their own."""
    for candidate in (split.signature, msg.text, msg.subject):
        if candidate and candidate.strip():
            return candidate.strip()[:_MAX_REPLY_CHARS]
    return "(empty message)" if msg.size or msg.attachments else ""


def _sent_date(msg: DecodedMessage) -> dt.date | None:
    """The Date header's calendar date as written (its own offset), not converted to UTC."""
    return msg.date.date() if msg.date is not None else None


def _month_first(date: dt.datetime | None, language: str | None) -> bool:
    """US-style 4/8 = April 8 for English writers in the Americas' offsets."""
    if date is None or date.utcoffset() is None or language not in (None, "en"):
        return False
    hours = date.utcoffset().total_seconds() / 3600  # type: ignore[union-attr]
    return -11 <= hours <= -3


def _bounce_reading(base: Reading, bounce: BounceReport) -> Reading:
    evidence = tuple(Evidence(rule=f"bounce:{e}"[:80], text="", weight=1.0) for e in bounce.evidence[:_MAX_EVIDENCE])
    recipients = tuple(bounce.recipients)
    return replace(base, intent=Intent.BOUNCE, confidence=0.97 if recipients else 0.7, is_automated=True,
                   bounce_recipient=recipients[0] if recipients else None, bounce_recipients=recipients,
                   bounce_permanent=bounce.permanent, bounce_status=bounce.status,
                   bounce_diagnostic=bounce.diagnostic, bounce_original_message_id=bounce.original_message_id,
                   evidence=evidence)


def _auto_reading(base: Reading, auto: AutoReplyVerdict, text: str, sent: dt.date | None,
                  month_first: bool) -> Reading:
    return_date = None
    if sent is not None:
        if auto.return_text:
            return_date = find_return_date(auto.return_text, sent, month_first)
        if return_date is None:
            return_date = find_return_date(text, sent, month_first)
    evidence = tuple(Evidence(rule=f"auto_reply:{e}"[:80], text="", weight=1.0) for e in auto.evidence[:_MAX_EVIDENCE])
    if auto.return_text:
        evidence += (Evidence(rule="auto_reply:return_sentence", text=auto.return_text[:200], weight=1.0),)
    return replace(base, intent=Intent.AUTO_REPLY, confidence=round(max(0.5, min(auto.confidence, 0.99)), 3),
                   is_automated=True, return_date=return_date, evidence=evidence)


def _human_reading(base: Reading, msg: DecodedMessage, split: ReplySplit, doc: ReplyDoc,
                   decision: IntentDecision, context: ReadContext) -> Reading:
    intent = decision.intent
    refs = find_invoice_refs(doc.text, tuple(context.invoices))
    amount, currency = _amount_for(decision, doc, msg, split)
    redirect_to = None
    if intent is Intent.REDIRECT:
        redirect_to = find_redirect_address(doc.text, msg.from_address, tuple(msg.to_addresses),
                                            tuple(msg.cc_addresses))
    evidence = [Evidence(rule=f"{h.intent.value}:{h.rule}", text=h.text[:160], weight=round(h.weight, 2))
                for h in _ordered_hits(decision)][:_MAX_EVIDENCE]
    if split.cut_rule:
        evidence.append(Evidence(rule=f"quote_cut:{split.cut_rule}", text="", weight=0.0))
    confidence = decision.confidence
    if base.defects and intent is Intent.OTHER:
        confidence = min(confidence, 0.3)
    if not doc.text.strip():
        evidence.append(Evidence(rule="other:no_own_text", text="", weight=0.0))
    return replace(base, intent=intent, confidence=confidence, promise_date=decision.promise_date,
                   amount=amount, currency=currency, invoice_refs=refs, redirect_to=redirect_to,
                   evidence=tuple(evidence))


_POINTS_BELOW = re.compile(
    r"\b(?:see (?:below|attached|the email below|trail below)|fyi|for your (?:info|information|records)|forwarding|as below"
    r"|voir ci-dessous|ci-dessous|siehe unten|siehe nachstehend|ver abajo|a continuación|zie hieronder|zie onder"
    r"|ver abaixo|segue abaixo|vedi sotto|di seguito)\b", re.IGNORECASE)
_FORWARD_MARK = re.compile(
    r"^\s*(?:-+\s*)?(?:forwarded message|begin forwarded message|weitergeleitete nachricht|message transféré"
    r"|mensaje reenviado|doorgestuurd bericht|mensagem encaminhada|messaggio inoltrato)", re.IGNORECASE)
_FORWARD_FROM = re.compile(r"^\s*(?:from|von|de|van|da)\s*:\s*(.*)$", re.IGNORECASE | re.MULTILINE)


def _forwarded_confirmation(reading: Reading, msg: DecodedMessage, split: ReplySplit, sent: dt.date | None,
                            language: str | None, context: ReadContext) -> Reading:
    """"FYI, see below" above a forwarded bank confirmation is remittance advice.

    Only when the customer's own words point below, the quoted part is a *forwarded* message,
    and that message is not the seller's own email; only remittance cues are read in it (a bank's
    or ERP's confirmation reports a payment; it never promises or disputes).
    """
    if not _POINTS_BELOW.search(reading.reply_text) or not _FORWARD_MARK.search(split.quoted[:300]):
        return reading
    sender = _FORWARD_FROM.search(split.quoted[:1000])
    seller = {a.lower() for a in msg.to_addresses if a}
    if sender and any(a in sender.group(1).lower() for a in seller):
        return reading  # the seller's own reminder, forwarded back
    block = split.quoted[:4000]
    doc = build_doc(block, sent, language=language, invoices=tuple(context.invoices))
    decision = classify_doc(doc)
    hits = [h for h in decision.hits if h.intent is Intent.REMITTANCE_ADVICE]
    if sum({h.rule: h.weight for h in hits}.values()) < 1.0:
        return reading
    amounts = [m for s in doc.sentences for m in s.amounts]
    refs = find_invoice_refs(block, tuple(context.invoices))
    evidence = tuple(Evidence(rule=f"remittance_advice:forwarded:{h.rule}", text=h.text[:160], weight=h.weight)
                     for h in hits[:_MAX_EVIDENCE])
    return replace(reading, intent=Intent.REMITTANCE_ADVICE, confidence=0.65,
                   amount=amounts[0].amount if amounts else None,
                   currency=amounts[0].currency if amounts else None,
                   attachment_invoice_refs=reading.attachment_invoice_refs or tuple(refs),
                   evidence=evidence + reading.evidence)


#: a guess must be this probable to be given at all; it is then reported below the daemon's action
#: threshold, so a person reads the reply (see ``parsers.intent.model``)
GUESS_MIN_PROBABILITY = 0.95
GUESS_CONFIDENCE = 0.45


def _word_model_guess(reading: Reading, doc: ReplyDoc) -> Reading:
    """No rule fired: the word model's guess, if it is a confident one, with a low confidence."""
    if not doc.text.strip() or len(doc.text) > 4000:
        return reading
    guess = shipped_model().guess(doc.text)
    if guess is None or guess.intent is Intent.OTHER or guess.probability < GUESS_MIN_PROBABILITY:
        return reading
    promise_date = promise_date_in(doc) if guess.intent is Intent.PROMISE_TO_PAY else None
    evidence = Evidence(rule=f"{guess.intent.value}:word_model", text=" ".join(guess.words)[:160],
                        weight=round(guess.probability, 2))
    return replace(reading, intent=guess.intent, confidence=GUESS_CONFIDENCE, promise_date=promise_date,
                   evidence=(evidence, *reading.evidence))


def _ordered_hits(decision: IntentDecision) -> list[Hit]:
    winning = list(decision.winning)
    return winning + [h for h in decision.hits if h not in winning]


_REMITTANCE_DOC = re.compile(
    r"\b(?:remittance|payment advice|payment confirmation|amount paid|total paid|paid amount|avis de (?:paiement|virement)"
    r"|zahlungsavis|zahlungsavise|überweisungsbeleg|aviso de pago|justificante|betalingsadvies|betaalspecificatie"
    r"|aviso de pagamento|comprovativo|avviso di pagamento|contabile)\b", re.IGNORECASE)
_TOTAL_LINE = re.compile(r"\b(?:total|totaal|gesamt|summe|totale|importe total|montant total|total paid)\b", re.IGNORECASE)


def _with_attachments(reading: Reading, msg: DecodedMessage, context: ReadContext) -> Reading:
    """Remittance attachments (CSV, PDF, XLSX) feed references and amounts.

    A reply whose own words say nothing but which carries a remittance document is read as
    remittance advice with a modest confidence; its invoice numbers go to
    ``attachment_invoice_refs`` (the customer's own text is what ``invoice_refs`` reports).
    """
    texts = remittance_texts(msg)
    joined = "\n".join(t.text for t in texts if t.text)[:40_000]
    defects = tuple(d for t in texts for d in t.defects)
    if not joined:
        return replace(reading, defects=reading.defects + defects) if defects else reading
    refs = find_invoice_refs(joined, tuple(context.invoices))
    known = {r for r in refs if r in context.invoices} if context.invoices else set(refs)
    att_refs = tuple(r for r in refs if r in known)
    evidence = reading.evidence
    if att_refs:
        evidence += (Evidence(rule="attachment:invoice_refs", text=", ".join(att_refs)[:160], weight=0.5),)
    intent, confidence, amount, currency = reading.intent, reading.confidence, reading.amount, reading.currency
    if intent is Intent.OTHER and _REMITTANCE_DOC.search(joined) and (att_refs or find_amounts(joined)):
        intent, confidence = Intent.REMITTANCE_ADVICE, 0.6
        evidence += (Evidence(rule="remittance_advice:attachment_document", text=texts[0].filename or "", weight=1.0),)
    if intent is Intent.REMITTANCE_ADVICE and amount is None:
        amount, currency = _attachment_total(joined)
    return replace(reading, intent=intent, confidence=confidence, amount=amount, currency=currency,
                   attachment_invoice_refs=att_refs, evidence=evidence, defects=reading.defects + defects)


def _attachment_total(text: str) -> tuple[Decimal | None, str | None]:
    """The amount on a "Total" line of a remittance document, when it says one."""
    for line in text.splitlines():
        if _TOTAL_LINE.search(line):
            found = find_amounts(line)
            if found:
                return found[-1].amount, found[-1].currency
    return None, None


_INSTALMENT_BEFORE = re.compile(r"(?:payments? of|instal(?:l)?ments? of|rates? (?:à|de|von)|à|per|of)\s*$", re.IGNORECASE)
_INSTALMENT_AFTER = re.compile(r"^\s*(?:every|each|per|a|/)\s*(?:\w+\s+)?(?:week|month|fortnight|maand|mois|monat|mes)"
                               r"|^\s*(?:now|today|upfront|up front|first)\b|^\s*(?:per|pro|al|por|par)\s", re.IGNORECASE)
_MONEY_INTENTS = {Intent.PROMISE_TO_PAY, Intent.REMITTANCE_ADVICE, Intent.PAYMENT_PLAN, Intent.DISPUTE}


def _amount_for(decision: IntentDecision, doc: ReplyDoc, msg: DecodedMessage,
                split: ReplySplit) -> tuple[Decimal | None, str | None]:
    """The amount the customer commits to, reports paying or proposes per instalment."""
    if decision.intent not in _MONEY_INTENTS:
        return None, None
    source_intent = Intent.REMITTANCE_ADVICE if decision.intent is Intent.DISPUTE else decision.intent
    sentence_ids = {h.sentence for h in decision.hits if h.intent is source_intent}
    mentions: list[MoneyMention] = [m for s in doc.sentences if s.index in sentence_ids for m in s.amounts]
    if not mentions and decision.intent in (Intent.REMITTANCE_ADVICE, Intent.PROMISE_TO_PAY):
        everywhere = [m for s in doc.sentences for m in s.amounts]
        if len({m.amount for m in everywhere}) == 1:
            mentions = everywhere[:1]
    if decision.intent is Intent.PAYMENT_PLAN:
        # A plan's amount is the proposed instalment or first payment; a total owed is not one.
        everywhere = [m for s in doc.sentences for m in s.amounts]
        instalment = _instalment(doc, everywhere)
        mentions = [instalment] if instalment is not None else []
    if not mentions:
        bare = [m for s in doc.sentences if s.index in sentence_ids for m in find_bare_amounts(s.text)]
        if not bare or decision.intent in (Intent.DISPUTE, Intent.PAYMENT_PLAN):
            return None, None
        return bare[0].amount, _thread_currency(split) or None
    chosen = mentions[0]
    currency = chosen.currency
    if chosen.dollar_sign:
        currency = _dollar_currency(msg, split) or currency
    return chosen.amount, currency


def _instalment(doc: ReplyDoc, mentions: list[MoneyMention]) -> MoneyMention | None:
    texts = {s.index: s.text for s in doc.sentences}
    for s in doc.sentences:
        for m in s.amounts:
            if m not in mentions:
                continue
            before, after = texts[s.index][:m.start], texts[s.index][m.end:]
            if _INSTALMENT_BEFORE.search(before) or _INSTALMENT_AFTER.search(after):
                return m
    return None


_THREAD_CURRENCY = re.compile(r"(?:\b(EUR|USD|GBP|CAD|AUD|NZD|CHF|SEK|NOK|DKK|PLN|CZK)\b|([€£]))")


def _thread_currency(split: ReplySplit) -> str | None:
    """The currency the seller's quoted email uses, for an amount the customer wrote bare."""
    m = _THREAD_CURRENCY.search(split.quoted[:20_000])
    if not m:
        return None
    return m.group(1) or {"€": "EUR", "£": "GBP"}[m.group(2)]


_DOLLAR_CODES = re.compile(r"\b(USD|CAD|AUD|NZD|SGD|HKD)\b|\b(US|CA|C|A|AU|NZ)\$")
_TLD_DOLLAR = {"ca": "CAD", "au": "AUD", "nz": "NZD", "sg": "SGD", "hk": "HKD"}


def _dollar_currency(msg: DecodedMessage, split: ReplySplit) -> str | None:
    """Which dollar "$" means: the seller's own code in the quoted email, else the sender's country."""
    for text in (split.quoted[:20_000], msg.text[:20_000]):
        m = _DOLLAR_CODES.search(text or "")
        if m:
            code = m.group(1) or {"US": "USD", "CA": "CAD", "C": "CAD", "A": "AUD", "AU": "AUD",
                                  "NZ": "NZD"}.get(m.group(2) or "", None)
            if code:
                return code
    for address in (msg.from_address, *msg.to_addresses):
        if address and "." in address:
            tld = address.rsplit(".", 1)[-1].lower()
            if tld in _TLD_DOLLAR:
                return _TLD_DOLLAR[tld]
    return None
