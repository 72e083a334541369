"""The customer's text prepared once for every rule: sentences with their dates and amounts."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from parsers.dates import DateMention, find_dates
from parsers.intent.lexicon import fold
from parsers.language import language_scores
from parsers.money import MoneyMention, find_amounts

__all__ = ["ReplyDoc", "Sentence", "build_doc"]

_MAX_CHARS = 8_000  # a customer's own reply is short; longer text is pasted material
_SPLIT = re.compile(r"(?<=[.!?;])\s+(?=[^\s])|\n\s*\n|\n(?=\s*[-*•]\s)|\n(?=[A-ZÀ-Ý¿¡])")


@dataclass(frozen=True, slots=True)
class Sentence:
    index: int
    start: int
    text: str
    dates: tuple[DateMention, ...] = ()
    amounts: tuple[MoneyMention, ...] = ()
    low: str = ""  # ``text`` lower-cased, same length: what cue patterns are matched against


@dataclass(frozen=True, slots=True)
class ReplyDoc:
    """What rules see: the reply text, its sentences, and the facts needed to resolve words."""

    text: str
    sentences: tuple[Sentence, ...]
    sent: dt.date | None
    language: str | None = None
    invoices: tuple[str, ...] = ()
    from_address: str | None = None
    seller_addresses: tuple[str, ...] = ()
    cc_addresses: tuple[str, ...] = field(default=())
    month_first: bool = False
    flat: str = ""
    languages: tuple[str, ...] = ()  # every plausible language of a short text, best first  # the whole text with whitespace squashed: a cheap pre-filter for cues

    def dates_in(self, sentence: Sentence) -> tuple[DateMention, ...]:
        """Dates of one sentence, resolved against ``sent`` (computed on demand: most rules never ask)."""
        if self.sent is None:
            return ()
        return tuple(find_dates(sentence.text, self.sent, self.month_first))


_NO_BREAK_AFTER = re.compile(
    r"(?:\b\d{1,2}\.\d{1,2}\.|\b(?:no|nr|nº|n°|ca|dr|mr|mrs|ms|st|vs|etc|e\.g|i\.e|z\.b|bzw|inkl|ref|tel|approx"
    r"|incl|fig|art|abs|sr|sra|av|ave|blvd|ltd|inc|co|corp|jr|n|nos|núm|num|cf|pag|dott|ing|avv|sig|gmbh|bv)\.)$",
    re.IGNORECASE)


_ORDINAL_DAY = re.compile(r"(?:^|\s)\d{1,2}\.$")
_DAY_PREPOSITION = re.compile(r"\b(?:am|zum|bis zum|bis|ab|vom|den|dem)\s+\d{1,2}\.$", re.IGNORECASE)
_MONTH_NEXT = re.compile(
    r"(?:januar|jänner|februar|feber|märz|april|mai|juni|juli|august|september|oktober|november|dezember|jan|feb|mär|mrz"
    r"|apr|jun|jul|aug|sep|sept|okt|nov|dez)\b", re.IGNORECASE)


def split_sentences(text: str) -> list[tuple[int, str]]:
    """(offset, sentence) pairs; newlines inside a wrapped sentence are kept together.

    A full stop after a day number ("am 15.04. leisten") or a common abbreviation ("Nr.",
    "e.g.") does not end a sentence.
    """
    out: list[tuple[int, str]] = []
    pos = 0
    for m in _SPLIT.finditer(text):
        if "\n" not in m.group(0) and (_NO_BREAK_AFTER.search(text[max(pos, m.start() - 12):m.start()])
                                        or text[m.end():m.end() + 1].isdigit()):
            continue  # "Nr. 4471", "am 15.04. leisten": not a sentence end
        if "\n" not in m.group(0) and _ORDINAL_DAY.search(text[max(pos, m.start() - 4):m.start()]) \
                and (_MONTH_NEXT.match(text, m.end())
                     or _DAY_PREPOSITION.search(text[max(pos, m.start() - 12):m.start()])
                     and text[m.end():m.end() + 1].islower()):
            continue  # "am 15. Dezember", "am 25. überwiesen": an ordinal day, not a sentence end
        chunk = text[pos:m.start()]
        if chunk.strip():
            out.append((pos, chunk))
        pos = m.end()
    if text[pos:].strip():
        out.append((pos, text[pos:]))
    return out


#: legal disclaimers and e-mail boilerplate the signature cutter let through: never evidence.
BOILERPLATE = re.compile(
    r"\b(?:confidential|intended (?:only )?for the|intended recipient|not the intended|(?:received|sent) (?:this|it|this"
    r" (?:e-?mail|message)) in error|may have been sent in error|error-free|unauthori[sz]ed (?:use|review|disclosure)"
    r"|disclaimer|liability for|consider the environment|before printing|virus(?:es)?|privileged"
    # a recipient word alone is ordinary text ("il codice destinatario", "le destinataire de la facture"):
    # only the disclaimer's own phrasing counts
    r"|confidentiel|(?:seuls? |aux |au |l'intention exclusive de (?:ses|leurs?) )destinataires?|par erreur|vertraulich"
    r"|(?:richtigen|beabsichtigten|vorgesehenen) adressaten|nicht der adressat|irrtümlich erhalten|confidencial"
    r"|(?:exclusivamente a su|el) destinatario (?:indicado|exclusivo)?|dirigidos? exclusivamente"
    r"|por error|vertrouwelijk|ten onrechte (?:heeft )?ontvangen|(?:bedoelde|beoogde) geadresseerde|por engano"
    r"|destinatário (?:indicado|pretendido)|riservat[oa]|per errore|(?:al|ai) destinatari[oa] (?:indicat|sopra)"
    r"|toute (?:utilisation|diffusion|publication|copie) (?:de ce|non)|non conforme à sa destination"
    r"|strictly prohibited|est(?: strictement)? interdite|streng verboten|prohibida|proibid[oa]|vietat[oa]"
    # terms-of-sale footers: "any dispute shall be ...", "tout litige relève du tribunal", "Gerichtsstand"
    r"|tout litige|en cas de litige|any disputes? (?:arising|shall|will|must|relating)|gerichtsstand|erfüllungsort"
    r"|tribunal de commerce|tribunaux compétents|jurisdiction|foro competente|juzgados y tribunales|bevoegde rechter"
    r"|foro da comarca|reklamationen sind innerhalb|contestazioni devono|réclamations? doi(?:t|vent)|claims must be"
    r"|registered office|siège social|handelsregister|registro mercantil|kamer van koophandel|registo comercial"
    r"|registro delle imprese)\b", re.IGNORECASE)


def build_doc(text: str, sent: dt.date | None, *, language: str | None = None, invoices: tuple[str, ...] = (),
              from_address: str | None = None, seller_addresses: tuple[str, ...] = (),
              cc_addresses: tuple[str, ...] = (), month_first: bool = False) -> ReplyDoc:
    text = text[:_MAX_CHARS]
    sentences: list[Sentence] = []
    for index, (start, chunk) in enumerate(split_sentences(text)):
        flat = " ".join(chunk.split())
        if BOILERPLATE.search(flat):
            continue
        low = flat.lower()
        if len(low) != len(flat):  # rare letters whose lower case is longer: keep offsets aligned
            flat = low
        low = fold(low)  # "reglee" as "réglée": cue patterns are folded the same way
        sentences.append(Sentence(index, start, flat, (), tuple(find_amounts(flat)), low))
    flat_text = " ".join(s.low for s in sentences)
    return ReplyDoc(text, tuple(sentences), sent, language, invoices, from_address, seller_addresses,
                    cc_addresses, month_first, flat_text, _plausible_languages(text, language))


def _plausible_languages(text: str, language: str | None) -> tuple[str, ...]:
    """The detected language plus any close runner-up: short texts are easily misread."""
    scores = language_scores(text)
    best = max(scores.values(), default=0.0)
    close = sorted((lang for lang, score in scores.items() if score >= max(1.0, 0.5 * best)),
                   key=lambda lang: -scores[lang])
    if language and language not in close:
        close.insert(0, language)
    # Spanish and Portuguese share most short function words ("vamos pagar", "nos próximos días"):
    # in a short text the sibling stays plausible even when it scored nothing.
    if close and len(text.split()) < 15:
        sibling = {"es": "pt", "pt": "es"}.get(close[0])
        if sibling and sibling not in close:
            close.append(sibling)
    return tuple(close)
