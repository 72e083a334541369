"""Intent rules: tiny named predicates over a :class:`ReplyDoc`, each returning its hits.

A rule never decides alone: it reports what it saw (rule name, words, weight, sentence) and the
table in :mod:`parsers.intent.table` turns hits into one intent by score and precedence. Every
hit ends up in the reading's evidence.

Quoted text never reaches these rules (it is the seller's words); only the customer's new text.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from parsers.intent import lexicon as lx
from parsers.dates import DateMention
from parsers.intent.doc import ReplyDoc, Sentence
from parsers.redirect import find_redirect_address
from parsers.types import Intent

__all__ = [
    "Hit",
    "copy_requested",
    "dispute_raised",
    "plan_requested",
    "promise_date_in",
    "promise_committed",
    "redirect_named",
    "remittance_reported",
]


@dataclass(frozen=True, slots=True)
class Hit:
    rule: str
    intent: Intent
    weight: float
    text: str
    sentence: int
    date: dt.date | None = None
    hedged: bool = False


def _clause_before(sentence: str, start: int, width: int = 45) -> str:
    """The words before a match, back to the previous clause break."""
    window = sentence[max(0, start - width):start]
    cut = max(window.rfind(","), window.rfind(";"), window.rfind(" - "), window.rfind(" but "),
              window.rfind(" and "), window.rfind(" mais "), window.rfind(" aber "), window.rfind(" pero "),
              window.rfind(" maar "), window.rfind(" mas "), window.rfind(" ma "))
    return window[cut + 1:] if cut >= 0 else window


def _negated(sentence: str, start: int, width: int = 22) -> bool:
    return bool(lx.NEGATION.search(_clause_before(sentence, start, width)))


_GET_IT_PAID = re.compile(r"\b(?:get|getting|have|having|had)\s+(?:it|this|these|them|that|both|everything|\w+)\s+$",
                          re.IGNORECASE)
_THEY_GET_PAID = re.compile(r"\b(?:i|we|they)\s+(?:get|gets|got|am|are|'m|'re|will be|'ll be|have been|get)\s+$",
                            re.IGNORECASE)
_BY_A_DAY = re.compile(r"\b(?:by|before|tegen|uiterlijk|voor|bis|bis zum|avant le|antes del?|entro il|até (?:ao|o) dia|spätestens)"
                       r"\s+(?:den |de |the |le |el |il |o |am )?\d{1,2}", re.IGNORECASE)
_CREDIT_NOTE = re.compile(r"\b(?:credit note|credit memo|avoir|gutschrift|nota de (?:crédito|abono)|creditnota"
                          r"|nota di credito)\b", re.IGNORECASE)
_NOT_OUR_PAYMENT = re.compile(
    r"\b(?:pays|zahlt|paie|paga|betaalt) (?:us|uns|unsere|nous|notre|nos|ons|onze|ci|a nossa|la nostra)\b|"
    r"\b(?:are|get|gets) paid (?:centrally|by (?:head office|the trust|our parent|the council|the ministry)|through|monthly"
    r"|weekly|every)|\b(?:erario|split payment|fisco|tax office|finanzamt|hacienda|belastingdienst|finanças|agenzia delle entrate)\b",
    re.IGNORECASE)
_UNSURE = re.compile(r"\b(?:not sure|unsure|not certain|no idea|pas sûr|pas certain|nicht sicher|keine ahnung|no estoy segur[oa]"
                     r"|no sé si|niet zeker|geen idee|não tenho certeza|não sei se|não tenho a certeza|non sono sicur[oa]"
                     r"|non so se)\b", re.IGNORECASE)
_PAID_TO_THEM = re.compile(r"(?:\b(?:me|nos|mi|ci)|\bm')\s*$", re.IGNORECASE)
_QUESTION_START = re.compile(
    r"^\s*(?:has|have|did|was|were|is|are|can|could|do|does|ist|sind|wurde|wurden|haben|hat|habt|est-ce|avez-vous|avez"
    r"|a-t-elle|a-t-il|ha|han|habéis|habeis|está|están|fue|zijn|heeft|hebben|werd|foi|foram|já|está|è|sono|avete|hanno"
    r"|es|se)\b", re.IGNORECASE)


_LANG_PREFIXES = ("fr_", "de_", "es_", "nl_", "pt_", "it_")


def _for_language(cue: lx.Cue, languages: tuple[str, ...]) -> bool:
    """English/universal cues always run; another language's cues only for that language.

    When the language is unknown (very short text) every cue runs.
    """
    prefix = cue.name[:3]
    if prefix not in _LANG_PREFIXES or not languages:
        return True
    return prefix[:2] in languages


def present(doc: ReplyDoc, cues: tuple[lx.Cue, ...]) -> tuple[lx.Cue, ...]:
    """The cues that match somewhere in the text: only these are tried sentence by sentence."""
    return tuple(c for c in cues if _for_language(c, doc.languages) and c.may_match(doc.flat)
                 and (c.pattern.search(doc.flat)
                      # a cue anchored to a whole sentence ("Done.") cannot match the joined text
                      or c.pattern.pattern.startswith("^") and any(c.pattern.search(s.low) for s in doc.sentences)))


def _past_payment_ok(s: Sentence, m: re.Match[str]) -> bool:
    before = _clause_before(s.text, m.start())
    if lx.FUTURE.search(before) or lx.FUTURE.search(m.group(0)) or " being " in m.group(0):
        return False
    if lx.NEGATION.search(before[-25:]) or lx.NEGATION.search(m.group(0)):
        return False
    after = re.split(r"[,;:(]| - | but | and ", s.text[m.end():m.end() + 40], maxsplit=1)[0]  # this clause only
    if _FUTURE_TIME.search(after) and not lx.PAST_TIME.search(s.text):
        return False
    if _GET_IT_PAID.search(s.text[max(0, m.start() - 30):m.start()]):
        return False  # "get these paid" is a promise
    if _PAID_TO_THEM.search(s.text[max(0, m.start() - 12):m.start()]):
        return False  # "me han pagado tarde", "ci hanno pagato in ritardo": their customer paid them
    if _THEY_GET_PAID.search(s.text[max(0, m.start() - 30):m.start()]):
        return False  # "when I get paid on the 28th": their own income, not our invoice
    # "has it been paid?", "¿Está pagada?", "A fatura já foi paga?" ask, they do not report; "We paid
    # on Monday, did you get it?" reports (the question is another clause)
    if _BY_A_DAY.search(before + m.group(0)):
        return False  # "tegen den 20ste is 't betaald", "by the 20th it'll be paid": a deadline, not a report
    if _CREDIT_NOTE.search(s.text):
        return False  # "settled by your credit note": nothing was paid, the credit is the customer's point
    if _NOT_OUR_PAYMENT.search(s.text[max(0, m.start() - 50):m.end() + 40]):
        return False  # "invoices are paid centrally", "l'IVA è versata all'Erario": a habit or the tax office
    if _UNSURE.search(s.text):
        return False  # "I think it was paid but I'm not sure": a guess for a person to check, not a report
    if not s.text.rstrip().endswith("?"):
        return True
    if _STATEMENT_START.match(s.text.lstrip()):
        return True  # "we paid that weeks ago??": a statement said with exasperation, not a question
    return not (_QUESTION_START.search(s.text.lstrip("¿¡ ")) or not re.search(r"[,;:]| - | but | mais | aber | pero ",
                                                                                   s.text[m.end():]))


_STATEMENT_START = re.compile(r"(?:we|i|they|that|this|it|nous|je|wir|ich|hemos|lo|wij|we|nós|abbiamo|ho)\s+"
                              r"(?!(?:can|could|should|may|will|would)\b)", re.IGNORECASE)


_NEEDS_PAST_TIME = {"es_pagamos", "pt_pagamos", "es_realizamos", "es_lo_pagamos_pasado", "pt_pagamos_passado"}

#: time words that only point forward: "the cheque goes in the post tomorrow" promises, it reports nothing
_FUTURE_TIME = re.compile(r"\b(?:tomorrow|next (?:week|month|monday|tuesday|wednesday|thursday|friday)|demain|prochaine?"
                          r"|(?<!heute )morgen(?! früh)|(?<!esta )mañana|amanhã|domani|nächste[nrs]?|volgende|próxim[oa]"
                          r"|prossim[oa]|que viene|que vem|after (?:that|this|the)|afterwards|thereafter|the following"
                          r"|danach|anschließend|ensuite|después|daarna|depois|dopo)\b", re.IGNORECASE)


def remittance_reported(doc: ReplyDoc) -> list[Hit]:
    """The customer reports a payment already made (past tense, not negated, not a question)."""
    hits: list[Hit] = []
    lure = bool(lx.LINK_LURE.search(doc.text))
    cues = present(doc, lx.REMITTANCE)
    for s in doc.sentences if cues else ():
        for cue in cues:
            if cue.name == "transfer_dated_any" and not any(doc.sent and d.date <= doc.sent for d in doc.dates_in(s)):
                continue  # only a date already past reports a transfer
            if cue.name in _NEEDS_PAST_TIME and not lx.PAST_TIME.search(s.text):
                continue  # "os lo pagamos" is present or past: only past with "ayer", "ya" ...
            if lure and cue.name == "remittance_attached":
                continue  # a link to "view the remittance" is a phishing lure, not a payment
            m = cue.pattern.search(s.low)
            if m and _past_payment_ok(s, m):
                hits.append(Hit(cue.name, Intent.REMITTANCE_ADVICE, cue.weight, s.text[m.start():m.end()], s.index))
    return hits


_PLAN_IN_SENTENCE = ("instalments", "split", "every_period", "now_and_rest", "fr_echeancier", "de_raten",
                     "es_plazos", "nl_termijnen", "pt_prestacoes", "it_rate", "now_rest_any", "part_each_period", "split_any")


_REST = re.compile(r"\b(?:the rest|the remainder|the balance|rest of it|the other half|l'autre moitié|die andere hälfte"
                   r"|la otra mitad|de andere helft|a outra metade|l'altra metà|le solde|le reste|le restant|den rest|der rest"
                   r"|restbetrag|el resto|el saldo|lo restante|het restant|de rest|het resterende|o restante|o resto|o saldo"
                   r"|il resto|il saldo|la differenza|la rimanenza)\b", re.IGNORECASE)


def promise_date_in(doc: ReplyDoc) -> dt.date | None:
    """The promise date of a reply no rule read: the first sentence with a date on or after the
    message date, by the same choice as :func:`promise_committed` (the rest's date when a part is
    paid first)."""
    for s in doc.sentences:
        date = _promise_date(doc, s, 0)
        if date is not None:
            return date
    return None


def _promise_date(doc: ReplyDoc, s: Sentence, cue_start: int, cue_end: int = -1) -> dt.date | None:
    if doc.sent is None:
        return None
    future = [d for d in doc.dates_in(s) if d.date >= doc.sent]
    if not future:
        return None
    rest = _REST.search(s.text)
    firm_rest = [d for d in future if rest and d.start >= rest.start() and _firm(d)
                 and not lx.HEDGE.search(s.text[rest.start():d.start])]
    if firm_rest:
        # "half on Monday and the rest next Friday": the promise is complete on the later date; a
        # vague or hedged rest ("the rest mid-January", "prob end of June") leaves the first date
        return max(d.date for d in firm_rest)
    # a date inside the commitment's words or right after them, same clause ("Zahlung geht nächste
    # Woche raus, der Steuerberater hat am Montag Zeit"): the date the commitment is built around
    deadline = _deadline(s.text, future)
    if deadline is not None:
        return deadline  # "Anfang nächsten Monats, spätestens am 3.": the deadline is the promise
    inside = [d for d in future if cue_start <= d.start <= cue_end + 40 and d.date != doc.sent
              and not re.search(r"[,;:.]", s.text[max(cue_end, cue_start):d.start])]
    if inside:
        specific = [d for d in inside if d.kind in ("explicit", "weekday", "day_of_month")]
        return (specific or inside)[0].date
    window = [d for d in future if d.start >= cue_start - 40] or future
    for kinds in (("explicit",), ("weekday", "day_of_month")):
        specific = [d for d in window if d.kind in kinds]
        if specific:
            # the one after the commitment ("closed Thursday, so I'll send it Friday"), else the
            # closest before it ("on Friday we'll pay")
            after = [d for d in specific if d.start >= cue_start]
            return after[0].date if after else specific[-1].date
    return window[0].date


_AT_THE_LATEST = re.compile(r"\b(?:at the latest|latest by|no later than|spätestens|au plus tard|a más tardar|como muy tarde"
                            r"|uiterlijk|o mais tardar|no máximo|al più tardi|entro e non oltre)\b", re.IGNORECASE)
def _deadline(text: str, dates: list[DateMention]) -> dt.date | None:
    """The date an "at the latest" marker belongs to: right after it ("spätestens am 3."), else
    right before it ("le 3 au plus tard")."""
    for marker in _AT_THE_LATEST.finditer(text):
        after = [d for d in dates if 0 <= d.start - marker.end() <= 8]
        if after:
            return after[0].date
        before = [d for d in dates if 0 <= marker.start() - d.end <= 3]
        if before:
            return before[-1].date
    return None


_WEEK_WORDS = re.compile(r"week|semaine|woche|semana|settimana|wk\b", re.IGNORECASE)


def _firm(d: DateMention) -> bool:
    """A day, or a week: not a part of a month ("mid-January", "Anfang Januar", "end of June")."""
    return d.kind in ("explicit", "weekday", "day_of_month", "relative") or bool(_WEEK_WORDS.search(d.text))


def _is_request(sentence: str, start: int, end: int) -> bool:
    """The clause around a match asks rather than states ("could we pay ... ?")."""
    after = sentence[end:end + 90]
    stop = re.search(r"[.!;]|\b(?:but|however|and)\b", after)
    if "?" in (after[:stop.start()] if stop else after):
        return True
    return bool(lx.REQUEST.search(_clause_before(sentence, start, 40) + sentence[start:end]))


#: object-pronoun commitments ("il bonifico lo facciamo", "la transferencia la hacemos"): the
#: pronoun may stand for anything, so the sentence must name a payment.
_CLITIC_PROMISE = {"it_lo_facciamo", "es_hacemos_clitic", "fr_le_faisons", "pt_a_fazemos"}


def _date_in_short_follow_up(doc: ReplyDoc, s: Sentence) -> dt.date | None:
    """"We'll pay. On Friday." / "Wir zahlen. Spätestens am 30.": a date given alone right after."""
    if s.index + 1 >= len(doc.sentences):
        return None
    nxt = doc.sentences[s.index + 1]
    if len(nxt.text.split()) > 5 or "?" in nxt.text:
        return None
    return _promise_date(doc, nxt, 0)


_RUN_CUES = {"payment_run_any", "payment_run", "de_zahlungslauf"}
_THIRD_PARTY = re.compile(r"\b(?:their|his|her|customer's|client's|seinen?|leur|hun|zijn|haar|loro)\s+"
                          r"(?:\S+\s+)?$", re.IGNORECASE)
_THEN = re.compile(r"\b(?:then|by then|at that point|alors|à ce moment-là|dann|danach|dahin|entonces|para entonces"
                   r"|en ese momento|dan|tegen die tijd|então|nessa altura|allora|a quel punto|per allora)\b", re.IGNORECASE)


def _rest_in_next_sentence(doc: ReplyDoc, s: Sentence) -> dt.date | None:
    """"6.400 EUR this week as a part payment. The rest with our run on 30.11.": the promise is
    complete on the firm date given for the rest right after."""
    if doc.sent is None or s.index + 1 >= len(doc.sentences):
        return None
    nxt = doc.sentences[s.index + 1]
    rest = _REST.search(nxt.text[:40])
    if rest is None:
        return None
    firm = [d for d in doc.dates_in(nxt) if d.date >= doc.sent and _firm(d)]
    return max((d.date for d in firm), default=None)


def _date_by_then(doc: ReplyDoc, s: Sentence) -> dt.date | None:
    """"We get paid after the 20th. I'll send both then": "then" points at the sentence before."""
    if s.index == 0 or not _THEN.search(s.text):
        return None
    return _promise_date(doc, doc.sentences[s.index - 1], 0)


#: cues that match a payment noun only ("payment run", "Zahllauf"): "did not make it into Friday's
#: payment run" negates the verb several words before the noun.
_NOUN_ONLY_PROMISE = {"payment_run_any"}


def promise_committed(doc: ReplyDoc) -> list[Hit]:
    """A commitment to pay by a resolvable date or period on or after the message date."""
    hits: list[Hit] = []
    cues = present(doc, lx.PROMISE)
    plan_cues = tuple(c for c in present(doc, lx.PAYMENT_PLAN) if c.name in _PLAN_IN_SENTENCE)
    for s in doc.sentences if cues else ():
        if any(c.pattern.search(s.low) for c in plan_cues):
            continue
        for cue in cues:
            m = cue.pattern.search(s.low)
            if not m:
                continue
            if cue.name.startswith("will_send") and not lx.MONEY_OBJECT.search(s.text):
                continue
            if cue.name in _CLITIC_PROMISE and not lx.PAYMENT_NOUN.search(s.text):
                continue  # "lo facciamo lunedì" promises a payment only when the payment is named
            width = 40 if cue.name in _NOUN_ONLY_PROMISE else 12  # the verb sits further left of a noun cue
            if lx.NEGATION.search(m.group(0)) or _negated(s.text, m.start(), width):
                continue
            if _is_request(s.text, m.start(), m.end()):
                continue  # "can we pay half now?" asks, it does not commit
            if cue.name in _RUN_CUES and _THIRD_PARTY.search(s.text[max(0, m.start() - 25):m.start()]):
                continue  # "our customer moved their payment run": someone else's run, not a commitment
            date = _promise_date(doc, s, m.start(), m.end()) or _date_in_short_follow_up(doc, s) \
                or _date_by_then(doc, s)
            date = _rest_in_next_sentence(doc, s) or date
            if date is None:
                continue
            hedged = bool(lx.HEDGE.search(s.text))  # "should be able to", "hopefully": still a promise, less sure
            hits.append(Hit(cue.name, Intent.PROMISE_TO_PAY, cue.weight, s.text[m.start():m.end()], s.index, date,
                            hedged))
    return hits


_SELF_NEGATING = {"not_paying", "fr_pas_concerne", "es_no_pagaremos", "de_nicht_zahlen_wollen",
                  "nl_niet_betalen_weigeren", "pt_nao_pagaremos", "it_non_pagheremo", "not_received_goods", "never_arrived", "not_ours", "fr_non_recu",
                  "de_nicht_geliefert", "es_no_recibido", "nl_niet_ontvangen", "pt_nao_recebido",
                  "it_non_ricevuto", "cancelled", "nl_klopt_niet", "service_not_done", "refuse_invoice", "no_show_any", "mismatch_any", "billed_not_done_any", "price_increase_not_announced", "not_agreed_any", "owe_nothing_any", "de_fehlerhaft", "fr_erreur", "wrong"}


_NOT_RECEIVED = {"service_not_done", "no_show_any", "short_any", "not_received_goods", "never_arrived", "not_working", "fr_non_recu", "de_nicht_geliefert", "es_no_recibido",
                 "nl_niet_ontvangen", "pt_nao_recebido", "it_non_ricevuto"}

_RESOLVED = re.compile(r"\b(?:came in|turned up|have (?:now )?arrived|has (?:now )?arrived|arrived (?:since|now|last|yesterday)"
                       r"|were delivered since|got them (?:now|since)|(?:is|was|all|been) (?:now )?(?:resolved|sorted)"
                       r"|approved now|now approved|all good now|inzwischen (?:angekommen|geliefert|da)|sont arrivée?s depuis"
                       r"|ya llegaron|zijn inmiddels (?:binnen|geleverd)|já chegaram|sono arrivat[ie])\b", re.IGNORECASE)


def _resolved_since(doc: ReplyDoc, s: Sentence) -> bool:
    """A shortfall told as history: the same or the next sentence says it has since been put right."""
    nxt = doc.sentences[s.index + 1].text if s.index + 1 < len(doc.sentences) else ""
    return bool(_RESOLVED.search(s.text) or _RESOLVED.search(nxt[:200]))


_HYPOTHETICAL = re.compile(r"\b(?:if|in case|should it|falls|wenn|si|s'il|als|indien|se|caso|qualora|whether|ob)\b",
                           re.IGNORECASE)


_PAID_BEFORE = re.compile(r"\b(?:pa(?:id|y)|settled|payé|réglé|bezahlt|beglichen|überwiesen|pagad[oa]|pagamos|betaald"
                          r"|pag[oa]|pagámos|pagat[oaie]|saldat[oaie])\b", re.IGNORECASE)


#: generic "wrong / missing / corrected" cues, which may be about an identifier on the invoice.
_WRONG_FIELD = {"wrong", "fr_erreur", "fr_pas_correct", "de_fehlerhaft", "es_error", "es_no_correcto", "nl_klopt_niet",
                "nl_creditnota", "pt_erro", "pt_nao_correto", "it_errore", "it_non_corretto", "mismatch_any", "incomplete"}


_DAMAGE_CUES = {"damaged", "damaged_any", "fr_abime", "de_beschaedigt", "es_danado", "nl_beschadigd", "pt_danificado",
                "it_danneggiato"}
#: arrival words (delivery and receipt words are lexicon.DELIVERED_WORDS)
_ARRIVED = re.compile(r"\b(?:arrived|came|turned up|arriv\w+|angekommen|eingetroffen|llegó|llegaron|lleg\w+"
                      r"|aangekomen|chegou|chegaram|cheg\w+|arrivat[oaie])\b", re.IGNORECASE)
_REFUSAL_CUES = {"not_paying", "de_nicht_zahlen_wollen", "es_no_pagaremos", "nl_niet_betalen_weigeren",
                 "pt_nao_pagaremos", "it_non_pagheremo", "fr_pas_concerne", "refuse_invoice"}
_QUESTION_OPENING = re.compile(r"^\s*(?:is|are|was|were|do|does|did|is this|est-ce|ist das|es esta|is dit|é esta|è questa)\b",
                               re.IGNORECASE)


_WRONG_PERSON_AFTER = re.compile(
    r"\w*\s+(?:partner|person|kolleg\w*|abteilung|mitarbeiter\w*|stelle|department|contact|colleague|desk|persoon|afdeling"
    r"|persona|departamento|pessoa|reparto|ufficio|service|personne|interlocuteur|address|adresse|mailbox|inbox)\b",
    re.IGNORECASE)


def _not_a_billing_complaint(doc: ReplyDoc, s: Sentence, cue: str, m: re.Match[str]) -> bool:
    """Complaint words that contest nothing on the invoice.

    "the link gives me an error" (a technical fault), "soaked, but luckily no harm done" (damage
    waved away), "before you think we won't pay: the opposite" (a refusal the writer denies), "is
    this the same invoice you rang about?" (a question, not a claim of duplication).
    """
    if cue in _WRONG_FIELD and lx.TECH_WORDS.search(s.text) and not lx.AMOUNT_WORDS.search(s.text):
        return True
    if cue in _WRONG_FIELD and _WRONG_PERSON_AFTER.match(s.text, m.end()):
        return True  # "die Rechnung lag beim falschen Partner": an internal hold-up, not a contested charge
    if cue in _DAMAGE_CUES | {"damaged_any"}:
        nxt = doc.sentences[s.index + 1].text if s.index + 1 < len(doc.sentences) else ""
        if lx.NO_HARM.search(s.text) or lx.NO_HARM.search(nxt[:80]):
            return True
        prev = doc.sentences[s.index - 1].text if s.index else ""
        if not (lx.GOODS_WORDS.search(s.text) or lx.DELIVERED_WORDS.search(s.text) or _ARRIVED.search(s.text)
                or _names_known_invoice(doc, s.text) or lx.GOODS_WORDS.search(prev[-120:])):
            return True  # "sorry, the fryer was broken": their own equipment, an excuse, not our goods
    if cue in _REFUSAL_CUES and lx.REPORTED_THOUGHT.search(s.text[max(0, m.start() - 40):m.start()]):
        return True
    return cue == "duplicate" and s.text.rstrip().endswith("?") and bool(_QUESTION_OPENING.match(s.text))


def _wrong_identifier_only(sentence: str, m: re.Match[str]) -> bool:
    """The sentence says an identifier (PO, tax ID) is wrong or missing, and names no amount."""
    window = sentence[max(0, m.start() - 80):m.end() + 80]
    return bool(lx.REFERENCE_FIELD.search(window)) and not lx.AMOUNT_WORDS.search(sentence)


def _cue_hits(doc: ReplyDoc, cues: tuple[lx.Cue, ...], intent: Intent, check_negation: bool) -> list[Hit]:
    hits: list[Hit] = []
    cues = present(doc, cues)
    for s in doc.sentences if cues else ():
        for cue in cues:
            m = cue.pattern.search(s.low)
            if not m:
                continue
            if check_negation and cue.name not in _SELF_NEGATING and _negated(s.text, m.start()):
                continue
            if check_negation and _HYPOTHETICAL.search(_clause_before(s.text, m.start(), 30)):
                continue  # "let me know if it hasn't arrived" is not a complaint
            if cue.name in ("only_n_of_m_any", "only_ordered") and _PAID_BEFORE.search(s.text[max(0, m.start() - 30):m.start()]):
                continue  # "we paid only 2 of the 3 invoices" reports a payment, it contests nothing
            if intent is Intent.DISPUTE and _not_a_billing_complaint(doc, s, cue.name, m):
                continue
            if cue.name in _WRONG_FIELD and _wrong_identifier_only(s.text, m):
                continue  # "our PO number is missing / the NIF is wrong": a corrected copy, not a dispute
            if cue.name == "wrong" and not lx.BILLING_CONTEXT.search(s.text):
                continue  # "wrong" about something else than the bill
            if cue.name in _NOT_RECEIVED and _resolved_since(doc, s):
                continue  # "the delivery was short two boxes ... they came in last Tuesday": settled
            if cue.name in _NOT_RECEIVED and _about_document_or_payment(doc, s, m):
                continue  # the invoice (a copy request) or the payment, not the goods, is meant
            hits.append(Hit(cue.name, intent, cue.weight, s.text[m.start():m.end()], s.index))
    return hits


_PRONOUN_OBJECT = re.compile(
    r"\b(?:received|got|had|seen) (?:it|them)\b|\bit (?:never|has not|hasn't|didn't|did not|was not|wasn't)\b"
    r"|\b(?:sie|es|er) (?:ist|sind|kam|kamen|wurde)\b|\belle (?:n'est|n'a)\b|\b(?:ne |n')?(?:l'|les )(?:avons|ai|a|ont)\b|\b(?:haben|habe) (?:sie|es|ihn)\b"
    r"|\b(?:la|lo|las|los) (?:hemos|he|recibimos)\b|\b(?:hebben|heb) (?:het|ze|hem)\b|\b(?:a|o|as|os) recebemos\b"
    r"|\brecebemo-(?:la|lo|las|los)\b|\b(?:l'abbiamo|l'ho|li abbiamo|le abbiamo)\b"
    r"|\b(?:no|nunca) (?:me|nos) (?:lleg[óo]|ha llegado|han llegado|llegaron)\b|\b(?:não|nunca) (?:me|nos) (?:chegou|chegaram)\b"
    r"|\bnon (?:mi|ci) (?:è|sono) (?:mai )?arrivat[oaie]\b|\bne m'est (?:jamais |pas )?parvenue?\b", re.IGNORECASE)


def _head_noun(text: str) -> str | None:
    """"goods" or "document": whichever is named first ("the invoice for our order" is about the
    invoice, "the goods on invoice 4410" about the goods); ``None`` when neither is named."""
    doc = lx.DOCUMENT_WORDS.search(text)
    goods = lx.GOODS_WORDS.search(text)
    if doc is None and goods is None:
        return None
    if goods is None or (doc is not None and doc.start() <= goods.start()):
        return "document"
    return "goods"


def _names_known_invoice(doc: ReplyDoc, text: str) -> bool:
    """One of the thread's invoice numbers is written in ``text``."""
    squashed = re.sub(r"[\s\-/_.]", "", text).lower()
    return any(len(key) >= 4 and key in squashed
               for key in (re.sub(r"[\s\-/_.]", "", inv).lower() for inv in doc.invoices))


def _about_document_or_payment(doc: ReplyDoc, s: Sentence, m: re.Match[str]) -> bool:
    """A "not received / not done" that is about the invoice or the payment, not the goods.

    The document may be named in the sentence ("the invoice never arrived") or, when the sentence
    only has a pronoun ("we never received it"), at the end of the sentence before.
    """
    window = s.text[max(0, m.start() - 40):m.end() + 25]
    if _names_known_invoice(doc, s.text[max(0, m.start() - 40):m.start()]):
        return True  # "A FT 2026A/745 não nos chegou": the invoice itself did not arrive
    head = _head_noun(s.text[max(0, m.start() - 60):m.end() + 40])
    if head is not None:
        return head == "document"
    if lx.PAYMENT_NOUN.search(window):
        return True
    if s.index == 0 or not _PRONOUN_OBJECT.search(s.text[max(0, m.start() - 25):m.end() + 12]):
        return False
    previous = doc.sentences[s.index - 1].text if s.index - 1 < len(doc.sentences) else ""
    return bool(lx.DOCUMENT_WORDS.search(previous[-80:])) and not lx.DELIVERED_WORDS.search(previous[-80:])


def quantity_mismatch(doc: ReplyDoc) -> list[Hit]:
    """"8 delivered, 10 billed": a delivered (or worked) quantity set against a billed one."""
    hits: list[Hit] = []
    for s in doc.sentences:
        delivered = lx.DELIVERED_WORDS.search(s.text)
        billed = lx.BILLED_WORDS.search(s.text) if delivered else None
        if not delivered or not billed or abs(delivered.start() - billed.start()) > 90:
            continue
        if lx.PAYMENT_NOUN.search(s.text[max(0, delivered.start() - 40):delivered.start()]):
            continue  # "le paiement a été effectué le 2 mars": a payment made, not goods delivered
        quantities = {q.group(0).lower() for q in lx.QUANTITY.finditer(s.text)}
        if len(quantities) < 2 or _HYPOTHETICAL.search(s.text[:min(delivered.start(), billed.start())]):
            continue
        lo, hi = sorted((delivered.start(), billed.end()))
        hits.append(Hit("quantity_mismatch", Intent.DISPUTE, 1.0, s.text[lo:max(hi, delivered.end())], s.index))
    return hits


def dispute_raised(doc: ReplyDoc) -> list[Hit]:
    """The customer contests a charge: wrong price or quantity, not received, damaged, duplicate ..."""
    return _cue_hits(doc, lx.DISPUTE, Intent.DISPUTE, check_negation=True) + quantity_mismatch(doc)


def copy_requested(doc: ReplyDoc) -> list[Hit]:
    """The customer asks for a document: a copy, a statement, a W-9, bank details, a PO on the invoice."""
    return [h for h in _cue_hits(doc, lx.REQUEST_COPY, Intent.REQUEST_COPY, check_negation=False)
            if h.rule != "invoice_not_received_any" or _head_noun(doc.sentences[h.sentence].text) == "document"]


def plan_requested(doc: ReplyDoc) -> list[Hit]:
    """Instalments, more time without a firm date, or cannot pay now."""
    return _cue_hits(doc, lx.PAYMENT_PLAN, Intent.PAYMENT_PLAN, check_negation=False)


_FUTURE_CONTACT = re.compile(r"\b(?:for future|in future|from now on|going forward|their (?:e-?mail )?address is"
                             r"|please (?:use|write to|contact)|à l'avenir|désormais|künftig|zukünftig|en adelante|a partir de ahora"
                             r"|voortaan|in de toekomst|daqui para a frente|no futuro|d'ora in poi|in futuro)\b", re.IGNORECASE)


def redirect_named(doc: ReplyDoc) -> list[Hit]:
    """The customer is the wrong contact, or names the address to write to instead."""
    hits: list[Hit] = []
    cues = present(doc, lx.REDIRECT)
    for s in doc.sentences if cues else ():
        if lx.REDIRECT_BLOCKERS.search(s.text) and not _FUTURE_CONTACT.search(s.text):
            continue  # "I've passed this to our bookkeeper": handled inside, nobody new to write to
        for cue in cues:
            m = cue.pattern.search(s.low)
            if not m:
                continue
            if "@" in m.group(0) or cue.name in ("send_to", "unmonitored_mailbox_any"):
                text = s.text
                if cue.name == "unmonitored_mailbox_any" and s.index + 1 < len(doc.sentences):
                    text += " " + doc.sentences[s.index + 1].text  # "not monitored; AP is at ap@..."
                address = find_redirect_address(text, doc.from_address, doc.seller_addresses, ())
                if address is None:
                    continue
            hits.append(Hit(cue.name, Intent.REDIRECT, cue.weight, s.text[m.start():m.end()], s.index))
    return hits
