# ruff: noqa: ISC004  -- regexes are written as implicitly concatenated pieces, one idea per line
"""How accounts-receivable customers say things, in en, fr, de, es, nl, pt and it.

Each entry is a named cue: (name, weight, pattern). Names appear in the evidence of a reading,
so a person can see which wording fired. The lists are written from AR practice (how payers,
AP clerks and small-business owners answer a dunning email), not from any particular corpus:
they describe the *act* (reporting a payment, committing to one, contesting a charge, asking for
a document, asking for time, pointing elsewhere) in each language's ordinary business phrasing.

Weights: 1.0 = the cue alone is enough for the intent; 0.5 = supportive, needs company.
"""

from __future__ import annotations

import re
import re._parser as _sre_parse  # stdlib regex parser; used once, at import, to derive cue gates
from collections.abc import Iterator
from dataclasses import dataclass, field
from re._constants import ASSERT, ASSERT_NOT, AT, BRANCH, LITERAL, SUBPATTERN
from typing import Any

__all__ = [
    "CONDITIONAL",
    "FUTURE",
    "HEDGE",
    "MONEY_OBJECT",
    "NEGATION",
    "PAST_TIME",
    "REQUEST",
    "Cue",
    "cues",
]


@dataclass(frozen=True, slots=True)
class Cue:
    name: str
    weight: float
    pattern: re.Pattern[str]
    #: literal strings one of which every match starts with (``None``: no cheap gate). A cue whose
    #: gate strings are all absent from the text cannot match, so its regex is not run.
    gate: tuple[str, ...] | None = field(default=None)
    #: the gate strings as one alternation of literals: one scan in C instead of a Python
    #: loop of ``in`` tests (a match exists exactly when one of the strings occurs).
    gate_re: re.Pattern[str] | None = field(default=None, compare=False, repr=False)

    def __post_init__(self) -> None:
        if self.gate is not None and len(self.gate) > 2 and self.gate_re is None:
            object.__setattr__(self, "gate_re", re.compile("|".join(map(re.escape, self.gate))))

    def may_match(self, text: str) -> bool:
        if self.gate is None:
            return True
        if self.gate_re is not None:
            return self.gate_re.search(text) is not None
        return any(g in text for g in self.gate)


def _lead(items: list[Any], budget: int = 64) -> list[str] | None:
    """The literal prefixes a match of the parsed pattern must start with, or None if unknown."""
    i = 0
    while i < len(items) and items[i][0] in (AT, ASSERT, ASSERT_NOT):
        i += 1
    if i >= len(items):
        return None
    op: Any = items[i][0]
    av: Any = items[i][1]
    if op is LITERAL:
        prefix = ""
        while i < len(items) and items[i][0] is LITERAL:
            prefix += chr(items[i][1])
            i += 1
        rest = _lead(items[i:], budget) if i < len(items) and items[i][0] in (BRANCH, SUBPATTERN) else None
        return [prefix + r for r in rest] if rest else [prefix]
    if op is SUBPATTERN:
        return _lead(list(av[3]) + items[i + 1:], budget) if len(av[3]) else None
    if op is BRANCH:
        out: list[str] = []
        for branch in av[1]:
            found = _lead(list(branch) + items[i + 1:], budget)
            if found is None:
                return None
            out.extend(found)
            if len(out) > budget:
                return None
        return out
    return None


def _gate(rx: str) -> tuple[str, ...] | None:
    try:
        found = _lead(list(_sre_parse.parse(rx)))
    except Exception:  # noqa: BLE001 - no gate is always safe
        return None
    if not found or any(len(g) < 2 for g in found):
        return None
    return tuple(sorted(set(found)))


# --- accent folding ------------------------------------------------------------------------------
# Many writers type without accents ("reglee", "ueberwiesen", "proxima", "e stata pagata"). Cue
# patterns and the text are both folded: the text character by character (so match offsets stay
# valid for the original text), the patterns with German umlauts also accepting their two-letter
# spelling ("ü" matches "u" or "ue").

_PLAIN = {"a": "àáâãäåÀÁÂÃÄÅ", "c": "çÇ", "e": "èéêëÈÉÊË", "i": "ìíîïÌÍÎÏ", "n": "ñÑ", "o": "òóôõöÒÓÔÕÖ",
          "u": "ùúûüÙÚÛÜ", "y": "ýÿÝ"}
_FOLD = str.maketrans({ch: plain for plain, chars in _PLAIN.items() for ch in chars})
_UMLAUT_SPELLINGS = {"ä": "(?:a|ae)", "ö": "(?:o|oe)", "ü": "(?:u|ue)"}


def fold(text: str) -> str:
    """``text`` without accents, same length (one character for one character)."""
    return text.translate(_FOLD)


def fold_pattern(rx: str) -> str:
    """A regex source that matches folded text: accents dropped, umlauts also spelt out."""
    out: list[str] = []
    in_class = escaped = False
    for ch in rx:
        if escaped:
            out.append(ch)
            escaped = False
        elif ch == "\\":
            out.append(ch)
            escaped = True
        elif in_class:
            out.append(ch.translate(_FOLD))
            in_class = ch != "]"
        elif ch == "[":
            out.append(ch)
            in_class = True
        else:
            out.append(_UMLAUT_SPELLINGS.get(ch.lower(), ch.translate(_FOLD)))
    return "".join(out)


class FoldedPattern:
    """A compiled pattern that folds its input first; offsets refer to the unfolded input."""

    __slots__ = ("pattern",)

    def __init__(self, original: re.Pattern[str]) -> None:
        self.pattern = re.compile(fold_pattern(original.pattern), original.flags)

    def search(self, text: str) -> re.Match[str] | None:
        return self.pattern.search(fold(text))

    def match(self, text: str) -> re.Match[str] | None:
        return self.pattern.match(fold(text))

    def finditer(self, text: str) -> Iterator[re.Match[str]]:
        return self.pattern.finditer(fold(text))


def cues(*entries: tuple[str, float, str]) -> tuple[Cue, ...]:
    """Compile cue patterns. They are written in lower case and matched against lower-cased text
    (``Sentence.low``): about twice as fast as ``re.IGNORECASE`` on this many patterns. Each
    cue also gets a literal gate (see :attr:`Cue.gate`) so most regexes are never run."""
    return tuple(Cue(name, weight, re.compile(fold_pattern(rx)), _gate(fold_pattern(rx))) for name, weight, rx in entries)


_W = r"(?:[\w'’\-]+\s+)"  # one word and its space

# --- clause modifiers -------------------------------------------------------------------------

#: future / modal markers that turn "paid" into a promise ("will be paid", "wird überwiesen").
FUTURE = re.compile(
    r"\b(?:will|shall|going to|gonna|to be|won'?t|would|could|can|should|must|plan to|need to|have to"
    r"|wird|werden|werde|würden|sera|seront|serait|vais|allons|va|será|serán|vamos|voy|zal|zullen"
    r"|wordt|worden|gaan|ga|gaat|geht|gehen|sarà|saranno|verrà|vou|vai|before|once|until|after|when|as soon as"
    r"|avant de|avant que|bevor|sobald|antes de|zodra|voordat|prima di|assim que|appena)\b|'ll\b|’ll\b",
    re.IGNORECASE)

#: negation near a cue ("we have not paid", "nicht bezahlt", "pas encore réglé").
NEGATION = re.compile(
    r"\b(?:not|no(?!\s+(?:próximo|proximo|dia|fim|final|início|inicio|mês|lote|prazo|nosso|sistema|valor)\b)"
    r"|never|n't|nothing|neither|nor|nicht|kein|keine|keinen|nie|niemals|ne|pas|jamais|aucun"
    r"|aucune|nunca|ningún|ninguna|niet|geen|nooit|não|nunca|nenhum|non|mai|nessun|nessuna)\b|n't\b|n’t\b",
    re.IGNORECASE)

#: a request or question rather than a statement ("can we", "would it be possible", "¿podríamos").
REQUEST = re.compile(
    r"\?|¿|\b(?:can (?:we|i)|could (?:we|i|you)|may (?:we|i)|would it be (?:possible|ok|okay)|is it possible"
    r"|is there any way|any chance|we(?:'d| would) like to|i(?:'d| would) like to|we propose|i propose"
    r"|est-ce que|serait-il possible|pourrions-nous|pourriez-vous|est-il possible|wäre es möglich|könnten wir"
    r"|ist es möglich|können wir|sería posible|podríamos|es posible|is het mogelijk|zouden we|kunnen we"
    r"|seria possível|é possível|poderíamos|sarebbe possibile|potremmo|è possibile)\b",
    re.IGNORECASE)

#: "once", "as soon as", "before we pay": a condition, not a date.
CONDITIONAL = re.compile(
    r"\b(?:once|as soon as|when(?:ever)?|after|if|before|upon|on receipt of|until|dès que|dès réception|à réception"
    r"|lorsque|quand|si|avant de|après|sobald|wenn|nachdem|bevor|nach erhalt|una vez|cuando|en cuanto|si|antes de"
    r"|tras|zodra|als|wanneer|na ontvangst|voordat|assim que|quando|se|antes de|appena|quando|se|prima di|dopo)\b",
    re.IGNORECASE)

#: hedging lowers confidence but does not cancel a commitment.
HEDGE = re.compile(
    r"\b(?:hope|hopefully|try|trying|might|maybe|perhaps|probably|should be able|aim to|ideally|j'espère"
    r"|espérons|peut-être|hoffentlich|vielleicht|versuchen|espero|quizás|quizá|intentaremos|hopelijk|misschien"
    r"|proberen|talvez|esperamos|spero|forse|cercheremo)\b", re.IGNORECASE)

#: what a weak verb ("send", "get", "process") must be about to count as paying.
MONEY_OBJECT = re.compile(
    r"(?:[$€£]\s?\d|\b(?:a|the|our|your|one) checks?\b|(?<!me )(?<!to )(?<!ll )(?<!will )(?<!i )\bchecks?\b(?!\s+(?:with|if|and|on|whether|that|again|in with|it|this))"
    r"|\b(?:payments?|pay|paid|cheque|cheques|wire|transfer|ach|eft|bacs|sepa|funds|money"
    r"|card|balance|amount|invoices?|bills?|warrant|remittance|full|both|rest|remainder|it|this|these|them|that)\b"
    r"|\b(?:paiement|règlement|virement|chèque|facture|solde|montant|zahlung|überweisung|betrag|rechnung"
    r"|pago|transferencia|factura|importe|betaling|overboeking|factuur|bedrag|pagamento|transferência|fatura"
    r"|bonifico|fattura|importo)\b)", re.IGNORECASE)

PAST_TIME = re.compile(
    r"\b(?:yesterday|last (?:week|month|friday|monday|tuesday|wednesday|thursday)|ago|earlier today|this morning"
    r"|already|hier|la semaine dernière|déjà|gestern|letzte woche|bereits|schon|ayer|la semana pasada|ya"
    r"|gisteren|vorige week|al|ontem|a semana passada|já|ieri|la settimana scorsa|già|semana pasada|semana passada|mes pasado"
    r"|m[eê]s passado|pasado(?! mañana)|pasada|passado|passada|scorso|scorsa|dernier|dernière|letzten|vergangenen|afgelopen"
    r"|vorige maand|anteayer|anteontem|l'altro ieri|avant-hier|vorgestern|eergisteren|hace|il y a|geleden|fa"
    r"|vor (?:\w+ )?(?:tagen|wochen|einer woche|einem monat)|há (?:\w+ )?(?:dias|semanas|uma semana|um mês))\b", re.IGNORECASE)

# --- remittance advice: a payment already made ----------------------------------------------------

REMITTANCE = cues(
    ("paid", 1.0, r"(?<![\w-])paid\b"),
    ("payment_made", 1.0, r"\b(?:payment|transfer|wire|ach|eft|bacs|chaps|sepa|remittance|funds|money|check|cheque"
     r"|transaction|deposit)s?\s+(?:\S+\s+){0,3}?(?:was|were|has been|have been|had been|went|got|is|are)\s+"
     r"(?:\S+\s+){0,2}?(?:made|sent|issued|released|initiated|processed|submitted|transferred|mailed|posted|wired"
     r"|executed|completed|through|out|included|deposited|banked|cashed|presented|applied|credited|allocated|lodged"
     r"|on (?:its|the) way)\b"),
    ("cheque_banked", 1.0, r"\b(?:you|your bank|your team)\s+(?:have\s+|has\s+)?(?:already\s+)?(?:banked|cashed|deposited)\b"),
    ("sent_payment", 1.0, r"\b(?:sent|wired|mailed|posted|transferred|remitted|initiated|released|issued|submitted"
     r"|processed|made|did)\s+(?:\S+\s+){0,3}?(?:payments?|transfer|wire|ach|eft|bacs|check|cheque|funds|money"
     r"|remittance|the balance)\b(?!\s+(?:run|batch|cycle|proposal|schedule|plan|list|file)\b)"),
    ("went_out", 1.0, r"\b(?:went|gone)\s+(?:out|across|over|through)\b"),
    # a one-word answer to a reminder: "Done.", "Erledigt.", "C'est fait."
    ("terse_done_alone_any", 1.0, r"^(?:(?:all |it'?s |its )?done|all sorted|sorted|taken care of|erledigt|ist erledigt|fait|c'est fait"
     r"|hecho|ya está|listo|gedaan|geregeld|is geregeld|feito|já está|pronto|fatto|già fatto)[.!]*$"),
    ("handed_over", 1.0, r"\b(?:cheque|check|cash|payment|money)\s+(?:was|were|has been|have been)\s+(?:\S+\s+)?(?:handed|given"
     r"|left|dropped off|delivered)\b"),
    ("money_left", 1.0, r"\b(?:money|funds|payment|transfer|wire|cheque|check|remittance)\s+left\b(?!\s+(?:to|over|for|on the table"
     r"|outstanding|owing|unpaid|to pay))"),
    # "notre virement du 16/03/2026", "Data bonifico 24/02/2026": a transfer with a date already past
    ("transfer_dated_any", 1.0, r"\b(?:virement|bonifico|überweisung|transferencia|overboeking|transferência|transfer|wire"
     r"|bank transfer)s?\b(?:\s+\S+){0,6}?\s+(?:du |vom |del |van |de |of |dated |on |il )?\d{1,2}[./]\d{1,2}[./](?:20)?\d{2}\b"),
    ("card_charged", 1.0, r"\b(?:put|charged|paid|ran|processed)\s+(?:it|this|that|them|the (?:balance|invoice|amount|bill))\s+"
     r"(?:on|to|through|via)\s+(?:the|my|our|a)\s+(?:\S+\s+)?(?:card|credit card|amex|visa|mastercard|corporate card)\b"),
    ("transfer_completed", 1.0, r"\b(?:payment|transfer|wire|ach|eft|bacs|sepa|funds|remittance)\s+(?:\S+\s+){0,2}?"
     r"(?:completed|executed|settled|was completed|has completed|went through)\b"),
    ("payment_cleared", 1.0, r"\b(?:payment|transfer|funds|money|cheque|check|wire|ach|eft|bacs|remittance)\b(?:\s+\S+){0,4}?"
     r"\s+(?:cleared|landed|arrived|hit|reached|went through|was received|were received)\b"),
    ("terse_done", 1.0, r"(?:^|[-–—,;:(]\s*)(?:(?:\S+\s+){0,2}?(?:payment|transfer|wire|ach|eft|bacs|invoice|balance|it|this|both"
     r"|all|amount)\s+(?:\S+\s+){0,2}?(?<!you )(?<!you've )(?<!you have )(?:processed|sent|made|paid|issued|released|submitted|settled|done|completed"
     r"|transferred|wired|remitted|initiated|posted|executed|disbursed|mailed)(?!\s+(?:on|by|for) (?:next|the next|monday"
     r"|tuesday|wednesday|thursday|friday))"
     r"|(?:settled|paid|cleared|transferred|wired|remitted|sent))\b"),
    ("included_in_payment", 1.0, r"\b(?:was|were|has been|have been)\s+included\s+in\s+(?:our|the|a)\s+(?:\S+\s+)?(?:payment"
     r"|remittance|transfer|payment run|bacs|ach|eft|check run|cheque run|batch)"),
    ("released_in_run", 1.0, r"\b(?:released|included|processed|paid)\s+(?:\S+\s+){0,2}?(?:in|with|on)\s+(?:our|the)"
     r"\s+(?:last|latest|previous|recent|\w+'s)\s+(?:\w+\s+)?(?:payment|pay|check|cheque|ach|eft|bacs)?\s*(?:run|batch|cycle)"),
    ("cheque_in_mail", 1.0, r"\b(?:check|cheque)\b[^!?]{0,40}\b(?:in the (?:mail|post)|mailed|posted)\b"),
    ("remittance_attached", 1.0, r"\b(?:remittance(?: advice)?|payment advice|proof of payment|payment confirmation"
     r"|payment receipt|transfer confirmation|bank confirmation)\b[^!?]{0,30}\b(?:attached|enclosed|below)\b"
     r"|\b(?:attached|enclosed|find)\b[^!?]{0,30}\b(?:remittance|payment advice|proof of payment|payment confirmation"
     r"|confirmation of payment|transfer confirmation)\b"),
    ("settled_passive", 1.0, r"\b(?:was|were|has been|have been|had been|is|are|'s been)\s+(?:already\s+|fully\s+|now\s+)?"
     r"(?:settled|cleared|remitted|transferred|wired|paid off|taken care of|dealt with)\b(?!\s+by\b)"),
    ("did_pay", 1.0, r"\b(?:we|i) (?:did|definitely|certainly|already) (?:pay|paid)\b"),
    ("sent_it", 1.0, r"\b(?:i|we)(?:'ve| have)? (?:just |already |now )?(?:sent|paid|transferred|wired|done) (?:it|this|them|that|both)"
     r"\b(?!\s+(?:on\s+)?(?:to|over to|across to|along)\b)"),
    ("settled_past", 1.0, r"\b(?:we|i)(?:'ve| have)?\s+(?:already\s+|just\s+)?(?:settled|cleared|transferred|wired"
     r"|remitted)\b"),
    # fr
    ("fr_virement_effectue", 1.0, r"\b(?:virement|paiement|règlement|chèque|versement)s?\s+(?:\S+\s+){0,3}?"
     r"(?:a|ont|avait|avaient)\s+(?:bien\s+|déjà\s+)?été\s+(?:\w+\s+)?(?:effectué|émis|envoyé|réalisé|fait|passé"
     r"|expédié|posté|exécuté|transmis)e?s?\b"),
    ("fr_avons_paye", 1.0, r"\b(?:avons|ai|avions|a|ont)\s+(?:bien\s+|déjà\s+|hier\s+)?(?:payé|réglé|viré|versé"
     r"|soldé|acquitté|effectué (?:le|un|notre) (?:virement|paiement|règlement)|procédé au (?:paiement|règlement"
     r"|virement)|(?:vous\s+)?(?:envoyé|adressé|expédié|posté|transmis|fait) (?:le|un|notre) (?:chèque|virement|paiement"
     r"|règlement))"),
    ("fr_est_regle", 1.0, r"\b(?:est|sont|a été|ont été)\s+(?:bien\s+|déjà\s+)?(?:payée?s?|réglée?s?|soldée?s?"
     r"|acquittée?s?|virée?s?)\b"),
    ("fr_parti", 1.0, r"\b(?:virement|paiement|chèque|règlement)\s+(?:\S+\s+){0,2}?(?:est|sont|a été|ont été)\s+(?:bien\s+"
     r"|déjà\s+)?(?:parti|partis|envoyé|envoyés|émis|effectué|passé)\b"),
    ("fr_avis", 1.0, r"\b(?:avis de (?:virement|paiement|règlement)|justificatif de (?:paiement|virement)"
     r"|preuve de (?:paiement|virement)|confirmation de virement)\b"),
    ("fr_paye_hier", 1.0, r"\b(?:payée?s?|réglée?s?|virée?s?|envoyée?s?|effectuée?s?|émise?s?|parti|partie|faite?s?|fait)\s+(?:\S+\s+)?"
     r"(?:hier|avant-hier|ce matin|la semaine dernière|vendredi dernier|lundi dernier)\b"),
    ("fr_passe_ce_jour", 1.0, r"\b(?:virement|paiement|règlement|versement)\b[^!?]{0,50}\b(?:passée?|faite?|effectuée?|émise?"
     r"|envoyée?|exécutée?|lancée?)\s+(?:ce jour|aujourd'hui|hier|ce matin|cet après-midi|le \d)"),
    ("fr_ci_joint", 1.0, r"\b(?:ci-joint|ci-jointe?s?|en pièce jointe|en pj|veuillez trouver|je vous joins|nous vous joignons)\b"
     r"[^!?]{0,40}\b(?:justificatif|preuve|avis|confirmation|ordre) (?:de |du |d')?(?:virement|paiement|règlement)"),
    ("fr_passe_simple", 1.0, r"\b(?:j'ai|nous avons|on a)\s+(?:\S+\s+){0,2}?(?:effectué|fait|lancé|passé|émis|envoyé|exécuté|ordonné)"
     r"\s+(?:le|un|notre|les|nos)\s+(?:virement|paiement|règlement|versement)s?\b"),
    # de
    ("de_ueberwiesen", 1.0, r"\b(?:wurde|wurden|ist|sind|haben|habe|hat|hatten)\b[^!?]{0,70}?\b(?:überwiesen"
     r"|bezahlt|beglichen|gezahlt|angewiesen|ausgeglichen|veranlasst|erledigt|rausgegangen|rausgeschickt|raus)\b"),
    ("de_zahlung_erfolgt", 1.0, r"\b(?:zahlung|überweisung|ausgleich)\s+(?:ist|wurde|bereits|schon)\s+(?:bereits\s+|schon\s+)?"
     r"(?:erfolgt|raus|getätigt|ausgeführt|veranlasst|unterwegs)\b"),
    ("de_ging_raus", 1.0, r"\b(?:ging|gingen)\b[^!?]{0,40}?\b(?:raus|hinaus|heraus|ab|rüber|an sie|an euch)\b"),
    ("de_beleg", 1.0, r"\b(?:zahlungsbestätigung|zahlungsnachweis|überweisungsbeleg|zahlungsavis|überweisungsbestätigung"
     r"|zahlungsbeleg)\b"),
    ("terse_participle_any", 1.0, r"^(?:ya\s+|já\s+|già\s+|déjà\s+|bereits\s+|schon\s+|al\s+|tutto\s+|todo\s+|tudo\s+)?"
     r"(?:pagad[oa]s?|abonad[oa]s?|transferid[oa]s?|payée?s?|réglée?s?|virée?s?|bezahlt|überwiesen|beglichen|betaald"
     r"|overgemaakt|voldaan|quitad[oa]s?|pagat[oaie]|saldat[oaie]|bonificat[oaie])\b"
     r"(?!\s+(?:wird|werden|will|sera|seront|será|serán|wordt|worden|zal|sarà|verrà|vai|vamos|quando|when|once|after|nach|dès"
     r"|cuando|zodra|appena|assim|upon|on receipt|à réception|bei|na|dopo|après|después|depois))"),
    ("noun_participle_any", 1.0, r"\b(?:paiement|virement|règlement|chèque|versement|pago|transferencia|ingreso|abono|bizum"
     r"|pagamento|transferência|pix|boleto|depósito|bonifico|versamento|saldo|betaling|overboeking|zahlung|überweisung)s?\s+"
     r"(?:\S+\s+){0,4}?(?:effectuée?|envoyée?|émise?|réalisée?|hech[oa]|realizad[oa]|efectuad[oa]"
     r"|enviad[oa]|emitid[oa]|feit[oa]|efetuad[oa]|pag[oa]|quitad[oa]|fatto|effettuato|eseguito|disposto|inviato|partito"
     r"|emesso|gedaan|verstuurd|uitgevoerd|erledigt|ausgeführt|getätigt|raus)\b"),
    ("debited_any", 1.0, r"\b(?:debited|left|gone from|came out of|débitée?s?|abgebucht|belastet|cargad[oa]|afgeschreven|debitad[oa]"
     r"|addebitat[oa])\b[^!?]{0,40}\b(?:account|compte|konto|cuenta|rekening|conta|conto)\b|\b(?:account|compte|konto|cuenta"
     r"|rekening|conta|conto)\b[^!?]{0,40}\b(?:debited|débitée?|abgebucht|belastet|cargad[oa]|afgeschreven|debitad[oa]"
     r"|addebitat[oa])\b"),
    ("payment_link_any", 1.0, r"\b(?:used|via|through|with|over|über|con|pelo|pela|tramite|par|avec|mit|met|usando|usé)\b[^!?]{0,25}"
     r"\b(?:payment link|pay link|lien de paiement|zahlungslink|bezahllink|enlace de pago|link de pago|betaallink|link de pagamento"
     r"|link di pagamento|stripe link)\b"),
    ("de_zahlung_ausgeloest", 1.0, r"\b(?:zahlung|überweisung|betrag|geld|sepa-überweisung|auftrag)\b[^!?]{0,60}?\b(?:ausgelöst"
     r"|getätigt|durchgeführt|ausgeführt|vorgenommen|geleistet|abgeschickt|angestoßen|eingereicht)\b"),
    ("de_gestern_ueberwiesen", 1.0, r"\b(?:gestern|vorgestern|heute (?:morgen|früh|vormittag)|soeben|gerade|eben|letzte woche"
     r"|vergangene woche|bereits|schon)\s+(?:\S+\s+){0,3}?(?:überwiesen|bezahlt|beglichen|angewiesen|ausgelöst|ausgeglichen)\b"),
    ("de_anbei_beleg", 1.0, r"\b(?:anbei|im anhang|beigefügt|anliegend)\b[^!?]{0,40}\b(?:beleg|nachweis|bestätigung|kontoauszug"
     r"|screenshot)\b"),
    # es
    ("es_hemos_pagado", 1.0, r"\b(?:hemos|he|ha|han|habíamos|ya)\s+(?:\S+\s+){0,2}?(?:pagado|abonado|transferido"
     r"|ingresado|liquidado|saldado|realizado (?:el pago|la transferencia)|efectuado (?:el pago|la transferencia))\b"),
    ("es_hemos_hecho", 1.0, r"\b(?:hemos|he|ya)\s+(?:\S+\s+)?(?:hecho|realizado|efectuado|enviado|mandado|emitido|ordenado)\s+"
     r"(?:\S+\s+)?(?:el|la|un|una)\s+(?:pago|transferencia|ingreso|abono|bizum)\b"),
    ("es_pagamos", 1.0, r"\b(?:ya\s+)?(?:os|le|les|te)\s+(?:lo\s+|la\s+|los\s+|las\s+)?(?:pagamos|pagué|abonamos|depositamos|deposité"
     r"|transferimos|ingresamos)\b"),
    ("es_transferencia_realizada", 1.0, r"\b(?:transferencia|pago|ingreso|abono)\s+(?:\S+\s+){0,2}?"
     r"(?:fue\s+|ha sido\s+|se ha\s+|se\s+)?(?:realizad[oa]|efectuad[oa]|emitid[oa]|enviad[oa]|hech[oa]|hizo|realizó"
     r"|efectuó|envió|mandó|hicimos|realizamos|efectuamos|salió|salieron)\b"),
    ("es_se_pago", 1.0, r"\bse (?:(?:te|le|les|os) )?(?:depositó|depositaron|pagó|pagaron|abonó|abonaron|transfirió|transfirieron|liquidó|liquidaron|ingresó|saldó"
     r"|saldaron|realizó el pago|hizo el pago)\b"),
    ("es_se_hizo", 1.0, r"\bse (?:hizo|realizó|efectuó|mandó|envió|ordenó|emitió) (?:la transferencia|el pago|el ingreso"
     r"|el abono|el bizum|el depósito)\b"),
    ("es_lo_pagamos_pasado", 1.0, r"\b(?:lo|la|los|las|ya)\s+(?:pagamos|abonamos|transferimos|ingresamos|liquidamos"
     r"|saldamos)\b"),
    ("es_justificante", 1.0, r"\b(?:justificante|comprobante|resguardo)\s+de(?:l)?\s+(?:la\s+)?(?:transferencia|pago)\b"),
    ("es_pagado_ayer", 1.0, r"\b(?:pagad[oa]s?|abonad[oa]s?|transferid[oa]s?|realizad[oa]s?|enviad[oa]s?|ingresad[oa]s?"
     r"|liquidad[oa]s?)\s+(?:\S+\s+)?(?:ayer|anteayer|esta mañana|la semana pasada|el viernes pasado|el lunes pasado)\b"),
    ("es_preterito", 1.0, r"\b(?:realicé|efectué|hice|envié|mandé|pagué|transferí|aboné|ingresé|ordené|liquidé)\s+(?:\S+\s+)?"
     r"(?:la transferencia|el pago|el ingreso|el abono|la factura|el importe|el bizum|las facturas)\b"),
    ("es_realizamos", 1.0, r"\b(?:realizamos|efectuamos|hicimos|enviamos|mandamos|ordenamos|transferimos|abonamos|ingresamos"
     r"|pagamos|liquidamos)\s+(?:\S+\s+)?(?:la transferencia|el pago|el ingreso|el abono|la factura|las facturas|el importe"
     r"|el depósito|el bizum)\b"),
    ("es_adjunto_justificante", 1.0, r"\b(?:adjunto|adjuntamos|te adjunto|os adjunto|le adjunto|en adjunto|envío|enviamos|remito)\b"
     r"[^!?]{0,30}\b(?:justificante|comprobante|resguardo)\b"),
    ("es_esta_pagada", 1.0, r"\b(?:está|están|fue|fueron|ha sido|han sido)\s+(?:ya\s+)?(?:pagad[oa]s?|abonad[oa]s?"
     r"|liquidad[oa]s?|saldad[oa]s?|transferid[oa]s?|hech[oa]s? (?:la|el) (?:transferencia|pago|ingreso))\b"),
    # nl
    ("nl_betaald", 1.0, r"\b(?:is|zijn|hebben|heb|heeft|werd|werden|al)\b[^!?]{0,60}?\b(?:betaald|voldaan|overgemaakt"
     r"|overgeboekt|gestort)\b"),
    ("nl_deur_uit", 1.0, r"\b(?:de deur uit(?: ?gegaan)?|is (?:\S+\s+){0,3}?(?:uitgegaan|verstuurd|verzonden|overgeboekt))\b"),
    ("nl_betaling_uitgevoerd", 1.0, r"\b(?:betaling|overboeking|overschrijving|bedrag|storting)\b[^!?]{0,50}?\b(?:uitgevoerd"
     r"|gedaan|verricht|verstuurd|verzonden|ingediend|geboekt)\b"),
    ("nl_betaalbewijs", 1.0, r"\b(?:betaalbewijs|betalingsbewijs|betalingsbevestiging|bewijs van betaling)\b"),
    ("nl_gisteren_betaald", 1.0, r"\b(?:gisteren|eergisteren|vanochtend|vanmorgen|zojuist|net|vorige week|afgelopen week"
     r"|vrijdag|maandag)\s+(?:\S+\s+){0,3}?(?:betaald|overgemaakt|overgeboekt|voldaan|gestort)\b"),
    ("nl_bijlage_bewijs", 1.0, r"\b(?:bijgevoegd|in de bijlage|in bijlage|bijlage|hierbij)\b[^!?]{0,40}\b(?:bewijs|bevestiging"
     r"|afschrift)\b|\bbevestiging van (?:de |onze )?(?:betaling|overboeking|overschrijving)\b"),
    # pt
    ("pt_foi_pago", 1.0, r"\b(?:já\s+)?(?:foi|foram|está|estão|temos|tenho|já)\s+(?:\S+\s+){0,2}?(?:pag[oa]s?"
     r"|liquidad[oa]s?|transferid[oa]s?|efetuad[oa]s?|realizad[oa]s?|saldad[oa]s?|regularizad[oa]s?|feit[oa]s?|enviad[oa]s?"
     r"|depositad[oa]s?|creditad[oa]s?"
     r"|emitid[oa]s?|processad[oa]s?|quitad[oa]s?)\b"),
    ("pt_pagamos", 1.0, r"\b(?:pagámos|efetuámos|liquidámos|regularizámos|já pagamos|já transferimos|já liquidamos"
     r"|já regularizamos)\b"),
    ("pt_efetuamos_pagamento", 1.0, r"\b(?:efetuámos|efetuamos|fizemos|realizámos|realizamos|enviámos|enviamos|já pagámos"
     r"|já pagamos)\s+(?:\S+\s+)?(?:o pagamento|a transferência|o pagamento|a fatura|o valor|o pix|o depósito|o boleto)\b"),
    ("pt_pagamos_passado", 1.0, r"\b(?:pagamos|transferimos|liquidamos|quitamos|depositamos|saldamos|efetuamos)\b"),
    ("pt_comprovativo", 1.0, r"\b(?:comprovativo|comprovante|recibo)\s+(?:de|do|da)\s+(?:pagamento|transferência)\b"),
    ("pt_pago_hoje", 1.0, r"\b(?:pag[oa]s?|liquidad[oa]s?|transferid[oa]s?|quitad[oa]s?|feit[oa]s?|efetuad[oa]s?"
     r"|realizad[oa]s?)\s+(?:\S+\s+)?(?:hoje|ontem|anteontem|esta manhã|hoje de manhã|hoje cedo|na semana passada"
     r"|na sexta passada)\b"),
    ("pt_preterito", 1.0, r"\b(?:paguei|transferi|efetuei|realizei|fiz|enviei|liquidei|quitei|depositei)\s+(?:\S+\s+)?"
     r"(?:a transferência|o pagamento|o pix|o boleto|a fatura|o valor|o depósito|as faturas)?\b"
     r"(?<!\bfiz)(?<!\benviei)"),
    ("pt_segue_comprovante", 1.0, r"\b(?:segue|seguem|envio|enviamos|anexo|anexamos|anexei|em anexo|junto)\b[^!?]{0,30}"
     r"\b(?:comprovante|comprovativo|recibo de pagamento)\b|\b(?:comprovante|comprovativo)\b[^!?]{0,30}\b(?:em anexo"
     r"|anexado|anexo|segue)\b"),
    # it
    ("it_abbiamo_pagato", 1.0, r"\b(?:abbiamo|ho|è stat[oa]|sono stat[ie]|è|sono|già)\s+(?:\S+\s+){0,2}?(?:pagat[oaie]"
     r"|saldat[oaie]|versat[oaie]|bonificat[oaie]|effettuato il (?:bonifico|pagamento)|disposto il (?:bonifico"
     r"|pagamento)|provveduto al (?:pagamento|saldo|bonifico|versamento))\b"),
    ("it_abbiamo_inviato", 1.0, r"\b(?:abbiamo|ho|già)\s+(?:\S+\s+)?(?:inviato|fatto|effettuato|eseguito|disposto|mandato"
     r"|ordinato)\s+(?:oggi\s+|ieri\s+|già\s+|stamattina\s+)?(?:il|un|lo)\s+(?:bonifico|pagamento|versamento|saldo)\b"),
    ("it_bonifico_effettuato", 1.0, r"\b(?:bonifico|pagamento|versamento)\s+(?:\S+\s+){0,2}?(?:è stato\s+|è\s+)?"
     r"(?:effettuato|eseguito|disposto|inviato|emesso|fatto|partito|andato|uscito)\b"),
    ("perfect_infinitive_any", 1.0, r"\b(?:di )?aver(?:e)? (?:già )?(?:disposto|effettuato|eseguito|fatto|pagato|saldato|inviato"
     r"|ordinato|bonificato|versato)\b|\bavoir (?:déjà |bien )?(?:effectué|réglé|payé|viré|émis|envoyé|procédé)\b"
     r"|\bhaber (?:ya )?(?:realizado|efectuado|pagado|abonado|transferido|ingresado|hecho)\b"
     r"|\bter (?:já )?(?:pago|efetuado|realizado|transferido|feito|liquidado)\b"),
    ("it_contabile", 1.0, r"\b(?:contabile (?:del )?(?:bonifico|pagamento)|ricevuta di (?:pagamento|bonifico)"
     r"|prova di pagamento|attestazione di pagamento)\b"),
    ("it_pagato_ieri", 1.0, r"\b(?:pagat[oaie]|saldat[oaie]|bonificat[oaie]|effettuat[oaie]|inviat[oaie]|disposto|versat[oaie])"
     r"\s+(?:\S+\s+)?(?:ieri|l'altro ieri|stamattina|questa mattina|la settimana scorsa|venerdì scorso|lunedì scorso)\b"),
    ("it_in_allegato", 1.0, r"\b(?:in allegato|allego|alleghiamo|allegat[oa]|trovate allegat[oa])\b[^!?]{0,30}\b(?:contabile|ricevuta"
     r"|cro|distinta|attestazione|conferma)\b"),
)

# --- promise to pay: a commitment (a date is required separately) ------------------------------------

_STRONG = (r"pay|paid|settle|settled|remit|remitted|wire|wired|transfer|transferred|clear|cleared|go out|be paid"
           r"|be credited|be deposited|reach you|hit your account|be with you|be in your account|be on (?:its|the) way"
           r"|be sorted|be taken care of|be dealt with|be actioned|be initiated|be executed|be disbursed|be cut|be paying|be making (?:the |a |full )?payment|be sending|be transferring|be settling|be wiring|be clearing"
           r"|be settled|be sent|be cleared|be processed|be issued|be released|be transferred|be wired|be mailed"
           r"|be remitted|be in the mail|be posted|be made|be done")
_WEAK = (r"send|sent|process|mail|release|issue|initiate|submit|put|get|make|have|do|schedule|arrange|deposit|post|cut"
         r"|sort|square|take care of|cover|handle|top up|drop|pop|stick|run|pay over|follow")
#: the modal or intention before a paying verb ("will", "'ll", "going to", "aim to", "we can").
_MODAL = (r"(?:\b(?:will|shall|going to|gonna|plan(?:ning)? to|intend(?:ing)? to|expect(?:ing)? to|aim(?:ing)? to"
          r"|promise to|able to|hop(?:e|ing) to|(?:i|we) can|should|(?:ill|itll|thatll|theyll|well)(?=\s+(?:pay|transfer|send|wire|settle|get|do|make|have|go|be)\b))|'ll|’ll)")
#: "I'll get back to you about the payment" promises an answer, not a payment.
_NOT_PAYING_VERB = r"(?!\s+(?:back|in touch|round|up|to you|you know)\b)"

PROMISE = cues(
    # SMS style: a paying verb and a date, nothing else ("pay fri", "betalen wo.", "zahlen Montag").
    ("terse_verb_date_any", 1.0, r"^(?:pay|paying|betalen|zahlen|überweisen|payer|régler|virer|pagar|pagare|transferir"
     r"|overmaken|pagamos|paghiamo|zahlen wir|betalen we)\s+(?:\S+\s*){1,2}$"),
    # a terse note: the payment noun and a date only ("Paiement vendredi.", "Zahlung am 30.11.");
    # the promise rule still needs a date on or after the message date.
    ("terse_payment_date_any", 1.0, r"^(?:payment|paiement|virement|règlement|zahlung|überweisung|pago|transferencia"
     r"|betaling|overboeking|pagamento|transferência|bonifico)\s+(?:\S+\s*){1,3}$"),
    # a payment run / batch named with the invoice in it ("Zahllauf am Freitag", "mise en paiement le 30",
    # "betaalrun van vrijdag"); "our payment run is every Friday" describes a habit, not this invoice.
    ("payment_run_any", 1.0, r"\b(?:zahllauf|zahlungslauf|zahlungsvorschlag|mise en paiement|campagne de (?:paiements?|règlements?)"
     r"|lot de (?:paiements?|virements?|règlements?)|campagne de virements?|proposition de paiement|remesa de pagos?|remesa de transferencias|betaalrun|betalingsrun|betaalronde|betaalbatch|lote de pagamentos?"
     r"|ciclo di pagamenti|ciclo di pagamento|distinta di pagamento|payment (?:run|batch|cycle|proposal))\b"
     r"(?![^.!?]{0,30}\b(?:every|each|chaque|tous les|jeden|jede|cada|todos los|todas as|elke|iedere|ogni)\b)"),
    ("will_pay", 1.0, _MODAL + r"\s+(?:\S+\s+){0,3}?(?:" + _STRONG + r")\b"),
    ("will_send_payment", 1.0, _MODAL + r"\s+(?:\S+\s+){0,3}?(?:" + _WEAK + r")\b" + _NOT_PAYING_VERB),
    ("will_send_delegated", 1.0, r"\b(?:asked|told|instructed|authori[sz]ed|approved)\s+(?:\S+\s+){0,3}?to\s+(?:pay|release"
     r"|process|send|transfer|wire|settle|remit|issue|cut)\b"),
    ("being_paid", 1.0, r"\b(?:is|are)\s+being\s+(?:paid|transferred|sent|processed|released|wired|issued|settled)\b"
     r"|\b(?:arranging|organi[sz]ing|processing|preparing|setting up|sorting) (?:the |a |your )?(?:payment|transfer|wire"
     r"|cheque|check|bacs)\b"),
    ("paying_now", 1.0, r"\b(?:paying|sending|transferring|wiring|settling|clearing|remitting)\s+(?:it|this|that|these|them|you"
     r"|the (?:invoice|invoices|balance|payment|amount|bill|money|rest))\b|^(?:paying|settling|transferring|wiring)\b"),
    ("will_send_elliptic", 1.0, r"(?:\b(?:but|and)\s+(?:\S+\s+)?(?:will|shall)\b(?!\s+not)|\b(?:but|and)\s+(?:we|i)'ll\b)"
     r"(?!\s+(?:\w+\s+)?(?:look|check|review|get back|come back|let|revert|confirm|reply|respond|call|contact|follow"
     r"|investigate|see|discuss|speak|talk|pass|forward|find|read|ask|update|be in touch|keep)\b)"),
    ("expect_payment", 1.0, r"\b(?:expect|you(?:'ll| will| should)\s+(?:receive|get|see|have))\s+(?:\S+\s+){0,2}?(?:payment"
     r"|the money|funds|it|a check|a cheque|the transfer|the wire|the balance)\b"),
    ("payment_to_be", 1.0, r"\b(?:payments?|checks?|cheques?|transfer|wire|funds)\s+(?:is |are )?(?:to be|will be|going to be"
     r"|due to be)\s+(?:issued|paid|sent|made|released|processed|initiated|mailed|wired|remitted)\b"),
    ("let_me_pay", 1.0, r"\b(?:let me|let us|let's)\s+(?:\S+\s+)?(?:pay|transfer|settle|wire|send (?:the |a )?(?:payment|money"
     r"|check|cheque))\b"),
    ("scheduled", 1.0, r"\b(?:scheduled|booked|queued|set up|lined up|earmarked|approved|planned|slated|pencil+ed in|arranged)\s+(?:\S+\s+){0,2}?"
     r"(?:for|in|on|with)\b"),
    ("scheduled_any", 1.0, r"\b(?:(?:quedó|queda|ha quedado|está|dejamos|dejé|fica|ficou|está) (?:ya )?(?:programad|agendad)[oa]"
     r"|(?:programmée?s?|prévue?s?|planifiée?s?) pour|programad[oa]s? para|previst[oa]s? para"
     r"|agendad[oa]s? para|programmat[oa] per|previst[oa] per|pianificat[oa] per|(?:eingeplant|vorgesehen|geplant"
     r"|terminiert) (?:für|am|zum)|(?:ingepland|gepland) (?:voor|op)|on (?:the|our|this|next) (?:\S+\s+)?(?:list|schedule"
     r"|agenda) for)\b"),
    # "va en el pago del 10", "entra no pagamento de sexta", "goes in the payment of the 15th"
    ("in_payment_of_any", 1.0, r"\b(?:va|irá|entra|entrará|vai|rientra|passe|passera|goes|will go|gaat|geht)\s+"
     r"(?:\S+\s+)?(?:en el|en la|no|na|nel|nella|dans le|in the|with the|mee in de|in den|mit dem)\s+(?:próximo\s+|próxima\s+"
     r"|prossimo\s+|prochain\s+|next\s+|volgende\s+|nächsten\s+)?(?:pago|remesa|pagamento|lote|paiement|payment|betaling"
     r"|zahlung|zahllauf|bonifico)\b"),
    ("payment_run", 1.0, r"\b(?:on|in|into|with|for)\s+(?:our|the|this|\w+'s)\s+(?:\S+\s+){0,2}?(?:payment|pay|check"
     r"|cheque|ach|eft|bacs|warrant|supplier)?\s*(?:run|batch|cycle)\b"),
    ("goes_out", 1.0, r"\b(?:checks?|cheques?|payments?|funds|money|it|they|these|this|both|transfer|wire)\s+"
     r"(?:\S+\s+){0,2}?(?:go|goes|leave|leaves)\s+(?:out|in the (?:post|mail)|into the (?:post|mail))\b"
     r"|\b(?:due|set|scheduled|planned|booked) to (?:go out|be paid|be sent|be made|leave|be released|be processed)\b"
     r"|\b(?:is|are|will be) going out\b"),
    ("funds_land", 1.0, r"\b(?:funds|money|payment|transfer|wire|it)\s+(?:should|will|ought to|is going to)\s+"
     r"(?:land|arrive|reach|hit|be (?:with|in|there))\b"),
    ("can_get_you", 0.9, r"\bcan (?:get|send|transfer|wire|pay)\s+(?:you\s+)?(?:the\s+)?(?:[$€£]|\d|payment|it|the money"
     r"|funds|something|part)"),
    ("promise_word", 0.5, r"\b(?:promise|i promise|you have my word|guaranteed)\b"),
    # fr
    ("fr_present_nu", 1.0, r"\b(?:on|nous|je)\s+(?:vous\s+)?(?:règle|réglons|paie|paye|payons|vire|virons|solde|soldons"
     r"|verse|versons)\b"),
    ("payment_planned_any", 1.0, r"\b(?:paiement|virement|règlement|zahlung|überweisung|pago|transferencia|betaling|overboeking"
     r"|pagamento|transferência|bonifico|payment|transfer)\b(?:\s+\S+){0,7}?\s+(?:est |está |è |ist |is |staat )?"
     r"(?:prévue?|programmée?|planifiée?|previst[oa]|programad[oa]|agendad[oa]|programmat[oa]|pianificat[oa]|vorgesehen"
     r"|geplant|eingeplant|terminiert|gepland|ingepland|planned|scheduled)\b"),
    # approved *for* a date ("Zahlung für den 30.11. freigegeben"); "when payment has been approved" is not
    ("approved_for_date_any", 1.0, r"\b(?:zahlung|überweisung|paiement|virement|règlement|pago|transferencia|betaling"
     r"|overboeking|pagamento|transferência|bonifico|payment|transfer)\b[^!?]{0,12}\b(?:für|pour|para|voor|per|for)\b"
     r"[^!?]{0,25}\b(?:freigegeben|approuvée?|validée?|aprobad[oa]|autorizad[oa]|goedgekeurd|aprovad[oa]|approvat[oa]"
     r"|autorizzat[oa]|approved|authori[sz]ed)\b|\b(?:freigegeben|approuvée?|validée?|aprobad[oa]|autorizad[oa]"
     r"|goedgekeurd|aprovad[oa]|approvat[oa]|autorizzat[oa])\s+(?:für|pour|para|voor|per)\b"),
    ("funds_arrive_any", 1.0, r"\b(?:virement|paiement|argent|fonds|montant|geld|zahlung|überweisung|betrag|dinero|pago|transferencia"
     r"|importe|betaling|bedrag|overboeking|dinheiro|pagamento|transferência|valor|soldi|bonifico|importo)\b(?:\s+\S+){0,4}?\s+"
     r"(?:devrait (?:arriver|être)|arrivera|sera chez vous|sollte|wird (?:\S+\s+){0,3}?(?:eingehen|ankommen|da sein)|debería"
     r" (?:llegar|estar)|llegará|zou|komt|deve chegar|vai chegar|chegará|dovrebbe(?:ro)? arrivare|arriverà|arriveranno)\b"),
    ("intend_to_pay_any", 1.0, r"\b(?:expect to|intend to|plan to|count on|aim to|comptons|prévoyons de|pensons|envisageons de"
     r"|rechnen damit|planen|beabsichtigen|gedenken|contamos con|contamos|pensamos|prevemos|tenemos previsto|verwachten"
     r"|rekenen erop|zijn van plan|plannen|pretendemos|contiamo di|pensiamo di|prevediamo di|intendiamo)\b[^!?]{0,40}?\b(?:pay|settle|transfer|wire|remit|payer|régler|virer|verser|solder|zahlen|bezahlen|begleichen|überweisen|pagar|abonar|liquidar|transferir|saldar|quitar|betalen|voldoen|overmaken|overboeken|pagare|saldare|bonificare|versare)\b"),
    ("payment_happens_any", 1.0, r"\b(?:paiement|virement|règlement|zahlung|überweisung|pago|transferencia|betaling|overboeking"
     r"|pagamento|transferência|bonifico|payment|transfer)\b(?:\s+\S+){0,3}?\s+(?:avverrà|avrà luogo|ocorrerá|acontecerá"
     r"|se hará efectivo|tendrá lugar|aura lieu|interviendra|findet|vindt plaats|zal plaatsvinden|will take place|will happen"
     r"|takes place)\b"),
    ("fr_je_m_en_occupe", 1.0, r"\b(?:je m'en|nous nous en|on s'en) (?:occupe|occupons|charge|chargeons)\b"),
    ("fr_allons_payer", 1.0, r"\b(?:je|nous|on)\s+(?:vais|allons|va)\s+(?:\S+\s+){0,2}?(?:payer|régler|virer|verser"
     r"|procéder|faire (?:le|un) (?:virement|paiement|règlement)|effectuer|envoyer|solder)"),
    ("fr_le_vir", 1.0, r"\b(?:je|on|nous)\s+(?:te|vous)\s+(?:fais|fait|faisons|envoie|envoyons|lance|lançons)\s+(?:le|un|ton|votre)"
     r"\s+(?:vir|virmt|virt)\b"),
    ("fr_vous_paie", 1.0, r"\b(?:on|je|nous) vous (?:paie|paye|payons|règle|réglons|vire|virons)\b"),
    ("fr_futur", 1.0, r"\b(?:payerons|paierons|réglerons|virerons|verserons|procéderons|effectuerons|ferons"
     r"|enverrons|solderons|paierai|payerai|réglerai|ferai|enverrai|procéderai|effectuerai)\b"),
    ("fr_je_fais_virement", 1.0, r"\b(?:je|nous|on)\s+(?:vous\s+|te\s+)?(?:fais|faisons|fait|lance|lançons|passe|passons"
     r"|envoie|envoyons|règle|réglons|paie|payons)\s+(?:le|un|notre|votre|la|ce)?\s*(?:virement|paiement|règlement|chèque"
     r"|facture|solde|montant)"),
    ("fr_sera_reglee", 1.0, r"\b(?:sera|seront|va être|vont être)\s+(?:\w+\s+)?(?:réglée?s?|payée?s?|virée?s?"
     r"|versée?s?|effectuée?s?|soldée?s?|envoyée?s?|honorée?s?|exécutée?s?|transférée?s?|émise?s?)"),
    ("fr_virement_prevu", 1.0, r"\b(?:virement|paiement|règlement|chèque)\b(?:\s+\S+){0,6}?\s+(?:partira|sera|interviendra"
     r"|est prévu|est programmé|part|partent|est planifié)\b"),
    ("fr_vous_recevrez", 1.0, r"\b(?:vous )?(?:recevrez|aurez) (?:le|votre|notre|un|les) (?:paiement|virement|règlement|chèque"
     r"|fonds|montant)"),
    ("fr_pouvons_payer", 1.0, r"\b(?:nous pouvons|je peux|on peut|nous pourrons|je pourrai|nous serons en mesure de)\s+"
     r"(?:vous\s+)?(?:\S+\s+)?(?:payer|régler|virer|verser|solder|effectuer le (?:virement|paiement))\b"),
    ("fr_le_faisons", 1.0, r"\b(?:je le|nous le|on le|je la|nous la|on la)\s+(?:fais|faisons|fait|ferai|ferons|règle|réglons"
     r"|réglerons|paie|payons|paierons|lance|lançons|passe|passons)\b"),
    # de
    ("de_werden_begleichen", 1.0, r"\b(?:werden|werde|wird|möchten|wollen)\b[^!?]{0,70}?\b(?:begleichen|bezahlen|zahlen"
     r"|überweisen|anweisen|ausgleichen|beglichen|bezahlt|überwiesen|gezahlt|angewiesen|ausgeglichen|veranlassen"
     r"|erledigen)\b"),
    ("de_schicks", 1.0, r"\b(?:ich|wir)?\s*(?:schick(?:'s|e es|en es|e ich|en wir)|überweis(?:'s|e es|en es))\s+(?:dir|ihnen|euch|dann)?\b"),
    ("de_kuemmere_mich", 1.0, r"\b(?:ich kümmere mich|wir kümmern uns|ich erledige das|wir erledigen das|erledigen wir|erledige ich)\b"),
    ("de_ueberweisen_wir", 1.0, r"\b(?:überweisen|zahlen|begleichen|bezahlen|veranlassen)\s+wir\b"
     r"|\b(?:überweise|zahle|begleiche|bezahle|veranlasse)\s+ich\b"
     r"|\b(?:wir|ich)\s+(?:\S+\s+)?(?:überweisen|überweise|zahlen|zahle|bezahlen|bezahle|begleichen|begleiche|veranlassen"
     r"|veranlasse|leisten|leiste|tätigen|tätige|weisen|weise)\b"),
    ("de_zahlung_geht", 1.0, r"\b(?:zahlung|bezahlung|begleichung|überweisung|betrag|geld|ausgleich)\b(?:\s+\S+){0,6}?\s+(?:erfolgt|geht|gehen|wird|kommt|folgt"
     r"|ist (?:für|am)|ist (?:eingeplant|vorgesehen|terminiert))\b"),
    ("de_geht_raus", 1.0, r"\b(?:geht|gehen)\b[^!?]{0,40}?\b(?:raus|hinaus|heraus|rüber)\b"),
    ("de_sie_erhalten", 1.0, r"\b(?:sie|ihr)\s+(?:erhalten|bekommen|haben)\s+(?:die|ihre|ihr|ihren|unsere|den|das|euer|eure)\s+(?:zahlung|überweisung"
     r"|betrag|geld)"),
    ("de_zahlungslauf", 0.8, r"\b(?:im|mit dem|beim)\s+(?:nächsten\s+)?zahlungslauf\b"),
    ("de_koennen_zahlen", 1.0, r"\b(?:(?:können|kann)\s+(?:wir|ich)|(?:wir|ich)\s+(?:können|kann))\s+(?:\S+\s+){0,6}?(?:zahlen|bezahlen|überweisen|begleichen"
     r"|anweisen)\b"),
    # es
    ("es_presente_nudo", 1.0, r"\b(?:pagamos|abonamos|transferimos|ingresamos|liquidamos|saldamos|pago|abono)\s+"
     r"(?:\S+\s+){0,3}?(?:el (?:lunes|martes|miércoles|jueves|viernes|día|próximo|mes|\d)|la (?:semana|próxima)|mañana"
     r"|a (?:fin|final|finales) de|antes del?|este (?:mes|viernes|lunes))"),
    ("es_me_encargo", 1.0, r"\b(?:me encargo|nos encargamos|me ocupo|nos ocupamos|lo soluciono|lo solucionamos)\b"),
    ("es_futuro", 1.0, r"\b(?:pagaremos|pagaré|abonaremos|transferiremos|liquidaremos|realizaremos|efectuaremos"
     r"|haremos|enviaremos|ingresaremos|saldaremos)\b"),
    ("es_vamos_a_pagar", 1.0, r"\b(?:vamos|voy) a (?:pagar|abonar|transferir|realizar|hacer|liquidar|ingresar|enviar)"),
    ("es_se_realizara", 1.0, r"\bse (?:realizará|efectuará|hará|pagará|abonará|transferirá|enviará|ingresará)"),
    ("es_sera_pagada", 1.0, r"\b(?:será|serán|va a ser|van a ser) (?:pagad|abonad|transferid|liquidad)"),
    ("stays_paid_any", 1.0, r"\b(?:quedará|quedarán|estará|estarán|ficará|ficarão|ficam|fica|resterà|risulterà)\s+(?:\S+\s+)?"
     r"(?:pagad[oa]s?|abonad[oa]s?|liquidad[oa]s?|saldad[oa]s?|transferid[oa]s?|pag[oa]s?|quitad[oa]s?|pagat[oaie]|saldat[oaie])\b"),
    ("es_lo_teneis_pagado", 1.0, r"\b(?:lo|la|los|las)\s+(?:tenéis|tendréis|tienen|tendrán|tiene|tendrá|tienes|tendrás)\s+"
     r"(?:\S+\s+)?(?:pagad|abonad|transferid|ingresad|liquidad)"),
    ("es_podemos_pagar", 1.0, r"\b(?:podemos|puedo|podremos|podré)\s+(?:\S+\s+)?(?:pagar|abonar|transferir|liquidar|ingresar"
     r"|hacer la transferencia|realizar el pago)\b"),
    ("es_hacemos_clitic", 1.0, r"\b(?:la|lo)\s+(?:hacemos|haremos|mandamos|enviamos|realizamos|ordenamos)\b"),
    ("es_transferencia_saldra", 1.0, r"\b(?:transferencia|pago|ingreso)\b(?:\s+\S+){0,6}?\s+(?:saldrá|sale|se hace|se realiza|se hará|se realizará"
     r"|está programad[oa]|está previst[oa]|se efectuará)\b"),
    ("es_recibiran", 1.0, r"\b(?:recibirá|recibirán|recibiréis|tendrá|tendrán|tendréis)\s+(?:el|su|vuestro|la)\s+(?:pago"
     r"|transferencia|dinero|importe)"),
    ("es_lo_pagamos", 1.0, r"\b(?:lo|la|los|las) (?:pagamos|pagaremos|pago|abonamos|transferimos|ingresamos)\b"),
    ("es_os_pago", 1.0, r"\b(?:os|le|les|te) (?:lo |la )?(?:pago|pagamos|transfiero|transferimos|ingreso|ingresamos|hago|hacemos"
     r"|mando|mandamos|envío|enviamos|abono|abonamos|depositamos|deposito|depositaremos|paso|pasamos|giro|giramos)\b"),
    ("es_presente", 1.0, r"\b(?:hago|hacemos|realizo|realizamos|mando|mandamos|envío|enviamos|ordeno|ordenamos|efectúo|efectuamos)\s+"
     r"(?:\S+\s+)?(?:la transferencia|el pago|el ingreso|el depósito|el bizum|el abono)\b"),
    # nl
    ("nl_ik_regel", 1.0, r"\b(?:ik regel het|wij regelen het|we regelen het|ik zorg ervoor|wij zorgen ervoor|ik pak het op)\b"),
    ("nl_zullen_betalen", 1.0, r"\b(?:zal|zullen|ga|gaan)\b[^!?]{0,50}?\b(?:betalen|overmaken|voldoen|overboeken"
     r"|betaald|overgemaakt|voldaan)\b"),
    ("nl_wij_betalen", 1.0, r"\b(?:wij|we|ik)\s+(?:\S+\s+){0,1}?(?:betalen|betaal|maken|maak|voldoen|voldoe|boeken|boek"
     r"|storten|stort)\b"),
    ("nl_betalen_wij", 1.0, r"\b(?:betalen|voldoen|maken|boeken)\s+(?:wij|we|ik)\b|\b(?:betaal|voldoe|maak|boek|stort)\s+ik\b"),
    ("nl_betaling_gaat", 1.0, r"\b(?:betaling|overboeking|overschrijving|bedrag|geld|saldo)\b(?:\s+\S+){0,6}?\s+(?:gaat|wordt|volgt|staat gepland)\b"),
    ("nl_u_ontvangt", 1.0, r"\b(?:u |je )?(?:ontvangt|krijgt)\s+(?:de|het|uw)\s+(?:betaling|bedrag|geld|overboeking)"),
    ("nl_doen_dat", 1.0, r"\b(?:doen|regelen) (?:dat|we|wij|het)\b|\b(?:doe|regel) ik\b"),
    ("nl_wordt_betaald", 1.0, r"\b(?:wordt|worden)\b[^!?]{0,50}?\b(?:betaald|overgemaakt|voldaan|overgeboekt|gestort"
     r"|verstuurd|afgeboekt)\b"),
    ("nl_betaald_worden", 1.0, r"\b(?:betaald|overgemaakt|voldaan|overgeboekt|gestort) (?:zal |zullen |gaat |gaan )?"
     r"(?:worden|wordt)\b|\bzorgen (?:er ?voor |ervoor )?dat\b[^!?]{0,60}\b(?:betaald|overgemaakt|voldaan)\b"),
    ("nl_kunnen_betalen", 1.0, r"\b(?:(?:kunnen|kan)\s+(?:we|wij|ik)|(?:we|wij|ik)\s+(?:kunnen|kan))\s+(?:\S+\s+){0,6}?(?:betalen|overmaken|voldoen|overboeken)\b"),
    # pt
    ("pt_trato_disso", 1.0, r"\b(?:eu trato disso|tratamos disso|vou tratar disso|vamos tratar disso)\b"),
    ("pt_futuro", 1.0, r"\b(?:pagaremos|pagarei|transferiremos|liquidaremos|efetuaremos|faremos|enviaremos"
     r"|regularizaremos)\b"),
    ("pt_vamos_pagar", 1.0, r"\b(?:vamos|vou|iremos|irei) (?:pagar|transferir|liquidar|efetuar|fazer|regularizar|enviar|quitar"
     r"|saldar|acertar|depositar|mandar)"),
    ("pt_pagamento_sera", 1.0, r"\b(?:pagamento|transferência)\b(?:\s+\S+){0,6}?\s+(?:será|vai ser|sairá|sai|vai|segue|está previst[oa]"
     r"|está agendad[oa])\b"),
    ("pt_presente", 1.0, r"\b(?:faço|fazemos|pago|pagamos|transfiro|transferimos|envio|enviamos|liquido|liquidamos)\s+"
     r"(?:(?:a|o|as|os)\s+(?:transferência|pagamento|fatura|faturas|valor|montante|pix|boleto|ted|doc|depósito|restante|resto)"
     r"|metade|a metade)\b"),
    ("pt_recebera", 1.0, r"\b(?:receberá|receberão|vai receber|vão receber)\s+(?:o|a|os)\s+(?:pagamento|transferência"
     r"|valor|montante)"),
    ("pt_presente_nudo", 1.0, r"\b(?:pagamos|liquidamos|pagaremos|transferimos)\b"),
    ("pt_sera_pago", 1.0, r"\b(?:será|serão|vai ser|vão ser) (?:pag|liquidad|transferid|efetuad|regularizad|quitad|depositad)"),
    ("pt_podemos_pagar", 1.0, r"\b(?:podemos|conseguimos|consigo|posso|poderemos|conseguiremos)\s+(?:\S+\s+)?(?:pagar"
     r"|transferir|liquidar|efetuar o pagamento|fazer a transferência|saldar)\b"),
    ("pt_a_fazemos", 1.0, r"\b(?:a|o)\s+(?:fazemos|faremos|pagamos|pagaremos|transferimos|enviamos|liquidamos)\b"),
    # it
    ("it_pago_entro", 1.0, r"\b(?:pago|paghiamo|saldo|saldiamo|verso|versiamo|bonifico|bonifichiamo)\s+entro\b"),
    ("it_giro", 1.0, r"\b(?:ti |vi |le )?(?:giro|giriamo|girerò|gireremo)\s+(?:\S+\s+)?(?:i soldi|il bonifico|l'importo|il saldo"
     r"|la somma|quanto dovuto)\b"),
    ("it_messa_in_pagamento", 1.0, r"\b(?:mess[oaie]|inserit[oaie]|pass[oaie]) in pagamento\b|\bcon valuta\b|\bvaluta (?:il |al )?\d"
     r"|\bcolocad[oa] em pagamento\b|\bpuest[oa] (?:al|en) pago\b"),
    # a value date is when the money lands: "ingepland met valutadatum 2026-12-15", "Valuta 15.12."
    ("value_date_any", 1.0, r"\b(?:value date|valutadatum|valuta|wertstellung|date de valeur|fecha valor|fecha de valor"
     r"|data valuta|data-valor|data de valor)\b"),
    ("it_me_ne_occupo", 1.0, r"\b(?:me ne occupo|ce ne occupiamo|ci penso io|provvedo)\b"),
    ("it_futuro", 1.0, r"\b(?:pagheremo|pagherò|salderemo|effettueremo|provvederemo|faremo|invieremo|verseremo"
     r"|disporremo)\b"),
    ("it_presente", 1.0, r"\b(?:(?:vi |ti |le )?(?:faccio|facciamo|pago|paghiamo|invio|inviamo|disponiamo|dispongo|saldo|saldiamo"
     r"|mando|mandiamo|effettuo|effettuiamo|eseguiamo|versiamo|bonifichiamo))\s+"
     r"(?:il|lo|la|le)\s+(?:bonifico|pagamento|saldo|fattura|fatture|importo)\b"),
    ("it_provvediamo", 1.0, r"\b(?:provvediamo|provvedo|procediamo|procedo|procederemo)\s+(?:al|con il)\s+(?:pagamento|saldo|bonifico"
     r"|versamento)\b"),
    ("it_riceverete", 1.0, r"\b(?:riceverete|riceverà|riceverai)\s+(?:il|la|lo)\s+(?:pagamento|bonifico|saldo|importo)"),
    ("it_presente_nudo", 1.0, r"\b(?:paghiamo|saldiamo|bonifichiamo|versiamo|pagheremo)\b"),
    ("it_sara_pagata", 1.0, r"\b(?:sarà|saranno|verrà|verranno) (?:pagat|saldat|effettuat|bonificat|versat|dispost)"),
    ("it_pagamento_previsto", 1.0, r"\b(?:bonifico|pagamento|versamento|saldo|importo)\b(?:\s+\S+){0,6}?\s+(?:partirà|parte|esce|sarà|verrà|è previsto"
     r"|è programmato|è pianificato)\b"),
    ("it_possiamo_pagare", 1.0, r"\b(?:possiamo|posso|riusciamo a|riesco a|riusciremo a|potremo|siamo in grado di)\s+"
     r"(?:\S+\s+)?(?:pagare|versare|saldare|bonificare|fare il bonifico|effettuare il (?:bonifico|pagamento))\b"),
    ("it_lo_facciamo", 1.0, r"\b(?:lo|la|li|le|l')\s*(?:faccio|facciamo|pago|paghiamo|saldo|saldiamo|mando|mandiamo|invio|inviamo"
     r"|disponiamo|versiamo|bonifichiamo|effettuiamo|eseguiamo|faremo|pagheremo|salderemo)\b"),
)

# --- dispute: contesting an invoice ---------------------------------------------------------------

DISPUTE = cues(
    # the invoice made out to another company ("a nombre de otra empresa", "auf eine andere Firma").
    ("other_entity_any", 1.0, r"\b(?:in the name of|made out to|addressed to|issued to) (?:another|a different|the wrong)"
     r" (?:company|entity|business|firm)|\bau nom d'une autre (?:société|entité|entreprise)"
     r"|\bauf (?:eine )?andere (?:firma|gesellschaft)|\ba nombre de otra (?:empresa|sociedad|entidad)"
     r"|\bop naam van een ander(?:e)? (?:bedrijf|entiteit|vennootschap)|\bem nome de outra (?:empresa|sociedade|entidade)"
     r"|\bintestata (?:a un'altra|ad altra|alla) (?:società|azienda|ditta)(?: sbagliata)?\b"),
    # a tax line contested: the rate or the tax itself is wrong / not applicable (any language).
    ("tax_wrong_any", 1.0, r"(?:\b(?:vat|sales tax|tax rate|tva|mwst|mehrwertsteuer|umsatzsteuer|iva|btw|btw-tarief)\b"
     r"[^.!?]{0,40}?\b(?:wrong|incorrect|erroneous|not applicable|should(?:n't| not) (?:be|have been) (?:charged|applied)"
     r"|falsch|fehlerhaft|nicht (?:berechnet|ausgewiesen) werden (?:dürfen|sollen)|hätte nicht|faux|fausse|erroné|erronée|incorrecte?|incorrect[oa]|mal calculad[oa]|errad[oa]|sbagliat[oa]"
     r"|errat[oa]|klopt niet|onjuist|verkeerd|fout)\b"
     r"|\bcharged (?:us )?(?:vat|tax)\b[^.!?]{0,30}\b(?:exempt|reverse charge)\b)"
     r"(?![^.!]*\?)"),  # "is the VAT rate wrong?" asks
    ("dispute_word", 1.0, r"\b(?:dispute|disputing|disputed|contest|contesting|contested|challenge the|object to"
     r"|disagree|querying (?:this|the|your|these)|query (?:this|the) (?:invoice|charge|bill)|raising a query)\b"),
    ("not_agreed", 1.0, r"\b(?:(?:never|not|weren'?t|wasn'?t) (?:told|informed|notified|advised) (?:about|of)|never agreed|did not agree|didn'?t agree|not agreed|wasn'?t agreed|weren'?t agreed"
     r"|(?:did not|didn'?t|never) (?:authori[sz]e|approve|sign off)|not (?:authori[sz]ed|approved)|unauthori[sz]ed"
     r"|(?:higher|more) than (?:agreed|quoted|our agreement|the agreement|the quote|our quote|the contract|contracted"
     r"|the price list|our price list))\b"),
    ("not_paying", 1.0, r"\b(?:not|won'?t|will not|refuse to|not going to)\s+(?:be\s+)?(?:paying|pay)(?:\s+(?:for|the|this"
     r"|that|it|\$|€|£)|\s*[.!,;]|$)"),
    ("late_delivery", 0.8, r"\b(?:arrived|delivered|came|shipped) (?:very |too |far too )?late\b|\blate delivery\b"),
    ("withhold", 1.0, r"\b(?:holding (?:the |our |any )?payments?|hold (?:the |our )?payments?|payment on hold"
     r"|put (?:the )?payment on hold)\b|\b(?:withhold(?:ing)?|hold(?:ing)? back|on hold until)\b[^!?]{0,30}\bpayment\b"),
    ("wrong", 1.0, r"\b(?:wrong(?!\s+(?:person|contact|address|e-?mail|department|mailbox|company|recipient|inbox))"
     r"|(?:not|isn'?t|is not) right|incorrect|inaccurate|erroneous|in error|by mistake|overcharged|overbilled|over-?charged"
     r"|doesn'?t match|does not match|don'?t match|do not match|doesn'?t make sense|does not make sense"
     r"|not what we (?:ordered|agreed|were (?:quoted|promised|told))|not as (?:quoted|agreed|ordered))\b"),
    ("quoted_vs_invoiced", 1.0, r"\b(?:quoted|quote|estimate|offer|agreed|contract(?:ed)?|agreement says|quote says)\b[^!?]{0,80}\b(?:but|whereas"
     r"|while|however|yet)\b[^!?]{0,60}\b(?:invoice|bill|charged|shows|billed)"
     r"|\b(?:invoice|bill)\b[^!?]{0,30}\bshows\b[^!?]{0,30}[$€£]\d"),
    ("billed_but", 1.0, r"\b(?:billed|invoiced|charged|charges|bills|has)\b[^!?]{0,60}\b(?:but|whereas|while|however)\b"
     r"[^!?]{0,40}(?:\b(?:only|just|never|actually|we)\b|\d)"),
    ("only_ordered", 1.0, r"\b(?:we|i)\s+only\s+(?:ordered|received|used|worked|booked|asked for|got delivered"
     r"|(?:have|had|got|need|needed|wanted) \d)\b|\bonly\s+(?:worked|used|received|delivered|\d+\s+of\s+the)\b"),
    ("not_received_goods", 1.0, r"\b(?:never|not|n't|haven'?t|didn'?t|did not|have not|has not|hasn'?t)\s+(?:\S+\s+){0,3}?"
     r"(?:received|got|arrived|delivered|showed up|turned up|shipped|done|carried out|performed|completed|finished"
     r"|provided|attend(?:ed)?|installed)\b"),
    ("awaiting_goods", 1.0, r"\b(?:(?:haven'?t|have not|hasn'?t|has not|never) had (?:the|any|our) (?:goods|delivery|order|items"
     r"|parts|stock|shipment|product|products)|still (?:outstanding|missing|to come|waiting (?:for|on) (?:the )?(?:rest|remainder|goods"
     r"|delivery|order|parts|items|balance of the order))|yet to (?:receive|arrive|be delivered|be shipped)"
     r"|(?:rest|remainder|balance) of the (?:order|goods|delivery) (?:has not|hasn'?t|never))\b"),
    ("never_arrived", 1.0, r"\b(?:never|not)\s+(?:arrived|showed up|turned up|delivered|came)\b"),
    ("not_working", 1.0, r"\b(?:not working|doesn'?t work|does not work|stopped working|won'?t work)\b"),
    ("damaged", 1.0, r"\b(?:damaged|broken|cracked|defective|faulty|already expired|(?:arrived|delivered|were|was|is|are)"
     r" (?:\w+ )?(?:expired|out of date|past (?:the|their) (?:expiry|use-by))|spoiled|spoilt|dented|torn|leaking|unusable"
     r"|poor quality|substandard)\b"),
    ("returned", 0.8, r"\b(?:returned|sent back|send back|rma|return authori[sz]ation|ra#)\b"),
    ("credit_note", 0.8, r"\b(?:credit note|credit memo|issue (?:us )?a credit|credit (?:us|it|for|the difference|that)"
     r"|please credit|a credit for|waiting (?:on|for) (?:the|a|our) credit|refund|corrected invoice|revised invoice|re-?issue (?:it )?(?:at|for|without)"
     r"|revise|adjust(?:ed)? invoice|take (?:it|that|them|the \w+) off)\b"),
    ("already_credited", 1.0, r"\b(?:already|was|were|been)\s+(?:\w+\s+)?credited\b"),
    ("duplicate", 1.0, r"\b(?:duplicate|duplicated|double[- ]?(?:billed|charged|invoiced|billing)|(?:billed|charged|invoiced)\s+(?:us\s+|me\s+)?"
     r"(?:twice|double|again for)|same order|same invoice|twice for)\b"),
    ("cancelled", 1.0, r"\b(?:we|i)\s+(?:had\s+)?(?:cancel(?:l)?ed|terminated)\b|\b(?:void|cancel)\s+(?:this\s+|the\s+"
     r"|that\s+|one of (?:them|these|the)\s+|invoice\s+)|\bshould(?:n'?t| not)\s+(?:have\s+)?been\s+"
     r"(?:billed|invoiced|charged)"),
    ("not_ours", 1.0, r"\b(?:not ours|not our (?:invoice|bill|order)|not for us|(?:don'?t|do not|can'?t|cannot) recogni[sz]e (?:this|the|these|that|your)|no record of (?:ordering|placing|buying|receiving|this order|any order|this purchase)"
     r"|(?:don'?t|do not|doesn'?t|does not) owe|owe (?:you )?nothing|never ordered|did not order|didn'?t order|not our (?:order|po|purchase|invoice|company|account)"
     r"|isn'?t (?:us|ours)|not us|doesn'?t belong to us|not (?:a )?customer of|no account with|never (?:done|did) business"
     r"|have never (?:ordered|bought|used))\b"),
    ("missing_discount", 1.0, r"\b(?:doesn'?t|does not|don'?t|do not|didn'?t|did not)\s+(?:reflect|include|show|apply|honou?r)\s+"
     r"(?:the|our|any)\s+(?:\S+\s+)?(?:discount|agreed|rate|price|credit|terms|rebate)"),
    ("incomplete", 1.0, r"\b(?:incomplete (?:delivery|order|shipment)|short[- ]shipped|short[- ]delivered|partial delivery"
     r"|missing (?:items|parts|boxes|cases|pieces|units|cartons|pallets|packages|crates|bags|rolls|bottles)"
     r"|(?:items|parts|boxes|cases|pieces|units|cartons|pallets|packages|crates|bags|rolls|bottles|lines) (?:were |are |was |is )?"
     r"missing|missing from (?:the|our|your|this) (?:delivery|order|shipment|consignment|pallet|box))\b"),
    ("should_be_free", 1.0, r"\b(?:covered (?:under|by) (?:the |our |your )?(?:warranty|guarantee|contract|agreement|service plan)"
     r"|under warranty|(?:supposed|meant) to be (?:free|included|complimentary|waived)|free of charge|no charge"
     r"|included in (?:the|our) (?:contract|price|package|subscription|quote)|never signed up|did(?: not|n'?t) sign up"
     r"|never subscribed|did(?: not|n'?t) subscribe)\b"),
    ("goods_returned", 1.0, r"\b(?:goods|items|products|order|parts|pallets|boxes|stock|equipment|units|it|they|them)\s+"
     r"(?:were|was|have been|has been|had been)\s+(?:\S+\s+)?returned|\bwe (?:have |had )?(?:already )?returned\b"
     r"|\bsent (?:them|it|everything|the \S+) back\b|\b(?:were|was|have been|has been) sent back\b|\breturned for (?:a |full )?credit\b"
     r"|\bfor (?:a )?full credit\b"),
    ("service_failed", 1.0, r"\b(?:didn'?t|did not|never|failed to|wasn'?t able to|couldn'?t) (?:fix|repair|resolve|solve"
     r"|complete|finish|turn up|show up|attend|deliver|do the job)\b|\bno-?show\b"),
    ("credit_on_account", 1.0, r"\b(?:credit (?:of|for) (?:\S+\s+){0,3}?(?:on|in) (?:our|the) account|should be deducted"
     r"|(?:deduct|offset|net off|apply) (?:the|our|this|that) credit|unapplied credit|credit balance)\b"),
    ("old_rate", 1.0, r"\b(?:old|wrong|incorrect|previous|outdated|last year'?s) (?:rate|rates|price|prices|pricing|price list"
     r"|tariff|fee)\b"),
    ("tax_exempt", 0.8, r"\b(?:tax[- ]exempt|exempt from|exemption)\b"),
    ("remove_fee", 0.8, r"\b(?:remove|waive|drop|reverse)\s+(?:the|this|that|it|these)\b[^!?]{0,20}\b(?:fee|charge|interest"
     r"|penalty|line)?"),
    # fr
    ("fr_contestons", 1.0, r"\b(?:contestons|conteste|contester|contestation|litige|réclamation|désaccord)\b"),
    ("fr_erreur", 1.0, r"\b(?:erreur|erroné|erronée|incorrect|incorrecte|ne correspond pas|ne correspondent pas"
     r"|trop facturé|surfacturé|facturé à tort|double facturation|en double|doublon)\b"),
    ("fr_pas_concerne", 1.0, r"\b(?:ne (?:nous|me) concerne pas|pas (?:notre|nos) commande|pas pour nous|(?:ne|n')"
     r"(?:paierons|payerons|réglerons) pas|(?:ne |n')(?:paierons|payerons|réglerons|allons) (?:pas|rien)"
     r"(?: \S+)? (?:payer|régler|cette facture|ce montant|avant)|refusons de (?:payer|régler))\b"),
    ("fr_non_recu", 1.0, r"\b(?:pas|jamais|non|rien)\s+(?:été\s+)?(?:reçu|reçue|reçus|livré|livrée|livrés|effectué|réalisé"
     r"|commandé|commandée)s?\b"),
    ("fr_attendons_livraison", 1.0, r"\battend(?:ons|s) (?:toujours|encore) (?:la|les|notre|nos) (?:livraison|marchandise"
     r"|commande|pièces|produits)"),
    ("fr_pas_correct", 1.0, r"\b(?:n'est pas (?:correct|juste|bon)|ne sont pas (?:correct|justes|bons)|trop élevé)"),
    ("fr_retour", 1.0, r"\b(?:(?:avons|ai) (?:\S+\s+)?(?:retourné|renvoyé|rendu)|(?:marchandise|produits?|articles?|colis|pièces)"
     r"\s+(?:a|ont) été (?:retourné|renvoyé)e?s?|jamais venue?s?|n'est (?:jamais |pas )venue?|ne sont (?:jamais |pas )venus"
     r"|déjà fait l'objet d'un avoir|avoir (?:a déjà été|a été|déjà) émis|déjà été créditée?|ancien (?:tarif|prix)"
     r"|mauvais (?:tarif|prix)|tarif erroné)\b"),
    ("fr_abime", 1.0, r"\b(?:incomplète?s?|manquante?s?|endommagée?s?|abîmée?s?|cassée?s?(?!-)|défectueux|défectueuse|périmée?s?|détériorée?s?"
     r"|non conforme)\b"),
    ("fr_avoir", 0.8, r"\b(?:un avoir|d'avoir|l'avoir|note de crédit|annuler la facture|annulation de la facture)\b"),
    # de
    ("de_reklamation", 1.0, r"\b(?:reklamation|reklamieren|beanstanden|beanstandung|widerspruch|widersprechen"
     r"|bestreiten|einspruch|(?:weisen|weise) (?:\S+\s+){0,3}?zurück|zurückgewiesen|zurückweisen|bitten um stornierung"
     r"|(?:zahlung|begleichung) erfolgt nicht)\b"),
    ("de_fehlerhaft", 1.0, r"\b(?:fehlerhaft|falsch\w*|nicht richtig|zu hoch|nicht korrekt|inkorrekt|stimm(?:t|en) (?:\S+\s+){0,2}?nicht|zu viel berechnet"
     r"|doppelt (?:berechnet|fakturiert|gestellt)|irrtümlich)\b"),
    ("de_nicht_geliefert", 1.0, r"\b(?:nicht|nie|niemals|noch nicht)\s+(?:\w+\s+)?(?:geliefert|erhalten|bestellt"
     r"|erbracht|ausgeführt|angekommen|eingetroffen)\b"
     r"|\b(?:nicht|nie|niemals|noch nicht)\s+(?:\w+\s+){1,3}?(?:angekommen|eingetroffen|eingegangen|zugestellt)\b"),
    ("de_nicht_zahlen_wollen", 1.0, r"\b(?:werden|wollen|werde)\s+(?:\S+\s+){0,4}?nicht\s+(?:\S+\s+)?(?:zahlen|bezahlen"
     r"|begleichen)\b|\bverweigern die zahlung\b"),
    ("de_warten_auf", 1.0, r"\bwarten (?:noch immer|immer noch|noch) auf (?:die|unsere|den|das) (?:lieferung|ware|bestellung"
     r"|teile|restlieferung)"),
    ("de_zurueck", 1.0, r"\b(?:zurückgeschickt|zurückgesandt|zurückgegeben|retourniert|nie erschienen|nicht erschienen"
     r"|nie gekommen|nicht gekommen|bereits (?:eine )?gutschrift|gutschrift (?:erhalten|bekommen)|bereits gutgeschrieben"
     r"|alte[nr]? (?:preis|preisliste|tarif|konditionen))\b"),
    ("de_beschaedigt", 1.0, r"\b(?:unvollständig|(?:fehlt|fehlen)(?![^!?]{0,30}\b(?:rechnung\w*|\w*kopien?|unterlagen|belege"
     r"|lieferschein\w*|angaben|daten|\w*nummer)\b)|beschädigt|defekt|kaputt|mangelhaft|unbrauchbar|abgelaufen|zerbrochen)\b"),
    ("de_gutschrift", 0.8, r"\b(?:gutschrift|korrigierte rechnung|rechnungskorrektur|stornieren|storno|stornierung)\b"),
    ("de_zurueckhalten", 1.0, r"\b(?:halten|behalten)\b[^!?]{0,30}\b(?:zahlung|betrag)\b[^!?]{0,20}\bzurück\b"),
    # es
    ("es_reclamacion", 1.0, r"\b(?:reclamación|reclamamos|impugnamos|disconformidad|no estamos de acuerdo)\b"),
    ("es_error", 1.0, r"\b(?:error|errónea|erróneo|incorrecta|incorrecto|no correspond\w*|no coincid\w*|duplicada|duplicado"
     r"|cobrado de más|facturado de más|por duplicado|(?:cobrado|facturado) dos veces|mismo pedido|incomplet[oa]|(?<!hace )(?<!hacen )faltan|(?<!sin )(?<!sem )(?<!hace )falta)\b(?![^!?]{0,15}\b(?:de la factura|da fatura|de las facturas|das faturas)\b)"),
    ("es_no_recibido", 1.0, r"\b(?:no|nunca)\s+(?:\w+\s+)?(?:hemos recibido|recibimos|llegó|llegaron|ha llegado"
     r"|han llegado|hemos pedido|pedimos|se ha realizado)\b"),
    ("es_no_pagaremos", 1.0, r"\bno\s+(?:vamos a pagar|pagaremos|pensamos pagar|se (?:prestó|realizó|hizo|entregó))\b"
     r"|\bnos negamos a pagar\b"),
    ("es_seguimos_esperando", 1.0, r"\b(?:seguimos esperando|todavía esperamos|aún esperamos) (?:el|la|los|las|nuestro"
     r"|nuestra) (?:pedido|material|entrega|mercancía|género)"),
    ("es_no_correcto", 1.0, r"\b(?:no es correct[oa]|no son correct[oa]s|no está bien|no cuadra|demasiado alt[oa])"),
    ("es_devolucion", 1.0, r"\b(?:devolvimos|hemos devuelto|devuelto (?:la|el|los|las) (?:mercancía|material|pedido|género)"
     r"|nunca vino|no vino|no se presentó|nunca se presentó|nota de crédito|tarifa antigua|precio antiguo|precio anterior)\b"),
    ("es_danado", 1.0, r"\b(?:dañad[oa]s?|rot[oa]s?|defectuos[oa]s?|(?<!sesión )(?<!sesion )(?<!enlace )caducad[oa]s?|en mal estado)\b"),
    ("es_abono", 1.0, r"\b(?:nota de abono|anuladla|anular la factura|anulad)\b"),
    # nl
    ("nl_klopt_niet", 1.0, r"\b(?:klopt (?:\S+\s+)?niet|kloppen (?:\S+\s+)?niet|te hoog|niet correct|niet juist|onvolledig|incompleet|niet compleet|ontbreekt|ontbreken"
     r"|te weinig geleverd|onjuist|verkeerd|foutief|fout|te veel berekend|dubbel"
     r"|betwisten|bezwaar)\b"),
    ("nl_niet_ontvangen", 1.0, r"\b(?:niet|nooit|nog niet)\s+(?:\w+\s+)?(?:ontvangen|geleverd|besteld|uitgevoerd"
     r"|aangekomen)\b"),
    ("nl_niet_betalen_weigeren", 1.0, r"\b(?:gaan|zullen)\s+(?:\S+\s+){0,3}?niet\s+betalen\b|\bbetalen (?:we|wij) niet\b"),
    ("nl_wachten_op", 1.0, r"\bwachten (?:nog steeds|nog altijd|nog) op (?:de|onze|het) (?:levering|bestelling|goederen"
     r"|spullen|onderdelen)"),
    ("nl_retour", 1.0, r"\b(?:teruggestuurd|geretourneerd|retour gestuurd|nooit gekomen|niet gekomen|niet verschenen"
     r"|oude (?:prijs|prijzen|tarief|tarieven)|oud tarief|al gecrediteerd|creditnota ontvangen)\b"),
    ("nl_beschadigd", 1.0, r"\b(?:beschadigd|kapot|defect|gebrekkig|over datum)\b"),
    ("nl_creditnota", 0.8, r"\b(?:creditnota|creditfactuur|gecorrigeerde factuur|crediteren)\b"),
    # pt
    ("pt_erro", 1.0, r"\b(?:erro|errad[oa]|incorret[oa]|não correspond\w*|duplicad[oa](?![^!?]{0,6}\b(?:de la|da|de) (?:factura|fatura)\b)|cobrado a mais|em duplicado"
     r"|contestamos|reclamação)\b"),
    ("pt_nao_recebido", 1.0, r"\b(?:não|nunca)\s+(?:\w+\s+)?(?:recebemos|recebido|chegou|chegaram|entregue|encomendámos"
     r"|encomendamos)\b"),
    ("pt_nao_pagaremos", 1.0, r"\bnão\s+(?:(?:a|o|as|os)\s+)?(?:vamos pagar|pagaremos|iremos pagar)\b"),
    ("pt_aguardamos", 1.0, r"\b(?:ainda (?:estamos à espera|aguardamos|esperamos)) (?:da|a|pela|pelo|do|o) (?:entrega"
     r"|encomenda|mercadoria)"),
    ("pt_nao_correto", 1.0, r"\b(?:não está corret[oa]|não está cert[oa]|não são corret[oa]s)"),
    ("pt_devolucao", 1.0, r"\b(?:devolvemos|devolvida|devolvido|nunca apareceu|não apareceu|nunca veio|não veio"
     r"|preço antigo|tabela antiga|tarifa antiga)\b"),
    ("pt_danificado", 1.0, r"\b(?:incomplet[oa]s?|faltam|danificad[oa]s?|avariad[oa]s?|partid[oa]s?|defeituos[oa]s?|estragad[oa]s?)\b"),
    ("pt_nota_credito", 0.8, r"\b(?:nota de crédito|anular a fatura)\b"),
    # it
    ("it_errore", 1.0, r"\b(?:errore|errat[oa]|sbagliat[oa]|non corrispond\w*|fattura duplicata|fatture duplicate"
     r"|emessa due volte|doppia fatturazione|contestiamo|contestazione|contestat[oaie]|respingiamo|rifiutiamo (?:la|le) fattur[ae]"
     r"|non conform[ei]|bloccat[oa] al pagamento"
     r"|addebitato in eccesso)\b"),
    ("it_non_ricevuto", 1.0, r"\b(?:non|mai)\s+(?:\w+\s+)?(?:ricevuto|ricevut[aie]|arrivat[oaie]|consegnat[oaie]"
     r"|ordinat[oaie])\b"),
    ("it_non_pagheremo", 1.0, r"\bnon\s+(?:pagheremo|intendiamo pagare|paghiamo)\b"),
    ("it_aspettando", 1.0, r"\b(?:stiamo ancora aspettando|aspettiamo ancora|attendiamo ancora) (?:la|il|l'|i|le) ?(?:consegna"
     r"|merce|ordine|materiale)"),
    ("it_non_corretto", 1.0, r"\b(?:non è corrett[oa]|non sono corrett[ie]|troppo alt[oa])"),
    ("it_reso", 1.0, r"\b(?:restituit[oaie]|abbiamo reso|reso la merce|non si è (?:mai )?presentat[oa]|non è (?:mai )?venut[oa]"
     r"|mai venut[oa]|vecchio prezzo|vecchia tariffa|prezzo vecchio)\b"),
    ("it_danneggiato", 1.0, r"\b(?:incomplet[oaie]|mancano|danneggiat[oaie]|rott[oaie]|difettos[oaie]"
     r"|(?:merce|prodott[oi]|articol[oi]|alimenti|lotto) (?:\w+ )?scadut[oaie])\b"),
    ("it_nota_credito", 0.8, r"\b(?:nota di credito|annullare la fattura|stornare)\b"),
    ("short_any", 1.0, r"\b(?:short by|(?:was|were|came|came up|is|are|arrived) short(?!\s+(?:till|until|of|on|this|right|at|for now|financially"
     r"|ourselves|at the moment))|shortage|short[- ]?(?:shipped|delivered|changed)"
     r"|il manque|manquent|es fehlen(?![^!?]{0,30}\b(?:rechnung\w*|\w*kopien?|unterlagen|belege|angaben|daten)\b)|fehlen (?:noch )?\d|faltan|faltam|mancano|manca(?:no)? \d|er ontbreken|ontbreken (?:er )?\d)\b"),
    ("partial_any", 1.0, r"\b(?:only partially|partially|nur teilweise|teilweise|partiellement|en partie|parcialmente|solo en parte"
     r"|gedeeltelijk|slechts deels|maar deels|só em parte|parzialmente|solo in parte)\s+(?:\S+\s+)?(?:delivered|done|completed"
     r"|performed|carried out|geliefert|erbracht|ausgeführt|erledigt|durchgeführt|livrée?s?|réalisée?s?|effectuée?s?"
     r"|entregad[oa]s?|realizad[oa]s?|geleverd|uitgevoerd|entregues?|realizad[oa]s?|consegnat[oaie]|eseguit[oaie]"
     r"|effettuat[oaie])\b"),
    ("price_not_agreed", 1.0, r"\b(?:preis|betrag|prix|montant|tarif|precio|importe|prijs|bedrag|preço|valor|prezzo|importo|price"
     r"|amount|rate)\b[^!?]{0,40}\b(?:nicht|pas|no|niet|não|non|not|isn'?t)\b[^!?]{0,30}\b(?:vereinbar\w*|abgesprochen\w*"
     r"|angebot\w*|convenu\w*|devis|accordé|pactad[oa]|acordad[oa]|presupuest\w*|afgesproken|offerte|overeengekomen"
     r"|combinad[oa]|orçament\w*|concordat[oa]|pattuit[oa]|preventiv[oa]|agreed|quoted|quote)\b"),
    ("unfinished_any", 1.0, r"\b(?:unfinished|not (?:been )?finished|left (?:half-done|incomplete|unfinished)|half-done|pas terminée?s?"
     r"|inachevée?s?|pas finie?s?|nicht fertig\w*|unfertig|nicht abgeschlossen|sin terminar|sin acabar|a medias|inacabad[oa]s?"
     r"|niet afgemaakt|niet af\b|onafgewerkt|half werk|niet afgerond|por terminar|inacabad[oa]s?|por concluir"
     r"|non (?:è stat[oa] )?(?:completat[oa]|terminat[oa]|finit[oa]|ultimat[oa])|incompiut[oa])"),
    ("no_show_any", 1.0, r"\b(?:(?:niet|nooit) (?:komen )?opdagen|kwam niet opdagen|niet verschenen|no se presentó|no apareció"
     r"|não compareceu|não apareceu|non si è (?:mai )?presentat[oa]|n'est (?:jamais |pas )venu|ist nicht (?:gekommen|erschienen)"
     r"|never (?:came|showed|turned up)|didn'?t (?:come|show|turn up))\b"),
    ("cancelled_order_any", 1.0, r"\b(?:annulée?s?|storniert|gekündigt|abbestellt|cancelad[oa]s?|cancelamos|cancelé|anulad[oa]s?"
     r"|anulamos|anulé|geannuleerd|opgezegd|cancelámos|cancelei|anulámos|annullat[oaie]|disdett[oaie]|cancellat[oaie]"
     r"|disdetto)\b[^!?]{0,40}\b(?:commande|auftrag|bestellung|pedido|encargo|bestelling|opdracht|encomenda|ordine"
     r"|abonnement|contrat|vertrag|contrato|contract|contratto|servicio|serviço|servizio)\b|\b(?:commande|auftrag|bestellung"
     r"|pedido|encargo|bestelling|opdracht|encomenda|ordine|abonnement|contrat|vertrag|contrato|contract|contratto|servicio"
     r"|serviço|servizio)\b[^!?]{0,40}\b(?:annulée?s?|annulé|storniert|gekündigt|abbestellt|cancelad[oa]s?|cancelamos"
     r"|cancelé|anulad[oa]s?|anulamos|anulé|geannuleerd|opgezegd|cancelámos|cancelei|anulámos|annullat[oaie]|disdett[oaie]"
     r"|cancellat[oaie])\b"),
    ("only_n_of_m_any", 1.0, r"\b(?:only|just|solo|soltanto|seulement|que|nur|lediglich|sólo|solamente|slechts|maar|apenas|só)\s+"
     r"\d+\s+(?:\S+\s+){0,2}?(?:of|out of|su|sur|von|de|van|dos|das|di)\s+\d+\b"),
    ("mismatch_any", 1.0, r"\b(?:komt niet overeen|komen niet overeen|niet overeenkomen|stimm(?:t|en) (?:\S+\s+){0,6}?nicht"
     r"(?: \S+){0,6} überein|nicht übereinstimm\w*|não bate|não batem|não confere|não conferem|não coincide|non coincid\w*"
     r"|ne concorde pas|no cuadra|no concuerda)\b"),
    ("billed_not_done_any", 1.0, r"\b(?:hours|stunden|heures|horas|uren|ore)\b[^!?]{0,40}\b(?:not|never|nicht|nie|non|no|niet|nooit"
     r"|não|nunca|mai)\b[^!?]{0,20}\b(?:worked|performed|done|geleistet|erbracht|gearbeitet|effectuées|réalisées|travaillées"
     r"|trabajad\w*|trabajaron|realizad\w*|gewerkt|gepresteerd|trabalhad\w*|lavorat\w*|svolt\w*|eseguit\w*|effettuat\w*)\b"),
    ("price_increase_not_announced", 1.0, r"\b(?:price increase|price rise|augmentation (?:de prix|tarifaire|des prix)|hausse (?:de prix|des tarifs)"
     r"|preiserhöhung|subida de precio|aumento de precio|prijsverhoging|aumento de preço|aumento di prezzo)\b[^!?]{0,50}\b(?:not|never"
     r"|jamais|pas|nie|nicht|nunca|no|nooit|niet|não|mai|non)\b[^!?]{0,30}\b(?:announced|informed|told|communicated|notified|agreed"
     r"|annoncée?|communiquée?|prévenus?|informés?|mitgeteilt|angekündigt|informiert|vereinbart|comunicad[oa]|comunicaron|avisad[oa]s?"
     r"|avisaron|informad[oa]s?|gemeld|aangekondigd|medegedeeld|afgesproken|comunicat[oa]|annunciat[oa]|avvisat[ioe]|concordat[oa])\b|\b(?:not|never|jamais|nie|nicht|nunca|nooit|niet|não|mai)\b"
     r"[^!?]{0,40}\b(?:price increase|augmentation de prix|preiserhöhung|subida de precio|prijsverhoging|aumento de preço|aumento di prezzo)\b"),
    ("not_agreed_any", 1.0, r"\b(?:(?:nicht|nie) vereinbart|nicht abgesprochen|non (?:concordat|pattuit)[oaie]|no (?:acordad|pactad)[oa]s?"
     r"|niet (?:afgesproken|overeengekomen)|não (?:foi |foram |estava )?(?:acordad|combinad|contratad|previst)[oa]s?"
     r"|no (?:fue|fueron|estaba) (?:acordad|pactad|convenid)[oa]s?|non (?:era|erano|è stato) (?:concordat|pattuit)[oaie]"
     r"|n'(?:a|avait) (?:jamais |pas )?été (?:convenu|prévu|accepté)e?s?|wurde (?:\w+ )?nicht vereinbart|ne figure(?:nt)? pas dans (?:notre|le|nos) (?:contrat|devis"
     r"|accord|conditions)|never part of (?:our|the) (?:agreement|contract)|not (?:in|part of) (?:our|the) (?:agreement|contract)"
     r"|pas prévue?s? (?:dans|au|par) (?:le |notre )?contrat)\b"),
    ("owe_nothing_any", 1.0, r"\b(?:ne vous devons rien|ne vous dois rien|schulden (?:ihnen |euch )?(?:\w+ )?nichts|no (?:les|le|os) debemos nada"
     r"|niets verschuldigd|não (?:vos|lhes|lhe) devemos nada|non (?:vi|le|ti) dobbiamo (?:nulla|niente)|(?:don'?t|do not) owe you anything)\b"),
    ("credit_difference", 1.0, r"\b(?:credit(?: note| memo)? for the difference|gutschrift (?:über|für) die differenz"
     r"|differenz gutschreiben|avoir (?:pour|de|sur) la différence|(?:abono|nota de crédito|rectificativa) (?:por|de) la diferencia"
     r"|creditnota voor het verschil|het verschil (?:crediteren|terugstorten)|nota de crédito (?:da|pela|relativa à) diferença"
     r"|nota di credito per la differenza)\b"),
    ("awaiting_credit", 1.0, r"\b(?:(?:waiting|wait) (?:on|for) (?:the |a |our |your )?credit(?: note| memo)?"
     r"|(?:attendons|attends|attente d'|attente de) (?:un |l'|d'un |votre |le |la )?(?:avoir|note de crédit)"
     r"|(?:warten|erwarten) (?:noch )?(?:auf )?(?:eine|die|ihre) gutschrift"
     r"|(?:esperamos|a la espera de|pendientes de|pendiente de) (?:una|la|su) (?:nota de abono|nota de crédito|factura rectificativa|abono)"
     r"|(?:wachten|wacht) (?:nog )?op (?:een|de|uw) creditnota"
     r"|(?:aguardamos|esperamos|à espera d[ae]|aguardando) (?:a |uma )?nota de crédito"
     r"|(?:attendiamo|aspettiamo|in attesa d[ie]) (?:una |la |vostra )?nota di credito)\b"),
    ("already_credited_any", 1.0, r"\b(?:credit (?:note|memo)s?\b[^!?]{0,30}\b(?:was |were |has been |have been )?(?:already )?"
     r"(?:applied|issued|raised|processed|posted)\b|(?:déjà|avez)\s+(?:\S+\s+){0,3}?(?:fait|émis|établi|envoyé|adressé)\s+un avoir"
     r"|avoir\b[^!?]{0,40}\bannul\w*|annul(?:e|ait|é) (?:cette|la|votre) facture|(?:cancels?|voids?|offsets?|reverses?)"
     r" (?:out )?(?:this|the|that|your) invoice|(?:storniert|neutralisiert) (?:diese|die|ihre) rechnung|rechnung (?:ist|wurde)"
     r" (?:bereits )?storniert|anula (?:esta|la|su) factura|factura (?:está|fue|ha sido) anulada|(?:annuleert|crediteert|vervangt)"
     r" (?:deze|de|uw) factuur|factuur (?:is|werd) (?:al )?(?:geannuleerd|gecrediteerd)|anula (?:esta|a|vossa) fatura"
     r"|fatura (?:foi|está) anulada|annulla (?:questa|la|vostra) fattura|fattura (?:è stata|è) (?:già )?(?:annullata|stornata))\b"),
    ("duplicate_any", 1.0, r"\b(?:(?:è|sono) (?:un |una |dei |delle )?(?:duplicat[oaie]|doppion[ei])|duplicato di|doppione|in doppio|(?:fatturat[oaie]|addebitat[oaie]) due volte"
     r"|double emploi|facturée? en double|(?:ist|sind) (?:ein |eine )?(?:duplikat|doppelt)|doppelt (?:\w+ )?(?:berechnet|gestellt|fakturiert|verschickt)"
     r"|zweimal (?:berechnet|gestellt|in rechnung|fakturiert)|facturée? deux fois|deux fois la même|dos veces la misma"
     r"|twee keer (?:gefactureerd|berekend|in rekening)|dubbel (?:gefactureerd|berekend)|faturad[oa] duas vezes"
     r"|duas vezes a mesma|(?:è|sono) doppi[ao]|est en double|está duplicad[oa]|está em duplicado|is dubbel)\b"),
    # "we do not recognise this charge": the payer has no record of the debt
    ("billing_error", 1.0, r"\b(?:pricing|billing|invoicing|price|calculation|vat|tax|rate)\s+(?:error|mistake|discrepancy)s?\b"
     r"|\b(?:error|mistake|discrepancy)s?\s+(?:on|in|with)\s+(?:the|your|this|our|line|item)\s*(?:\S+\s+)?(?:invoice|bill"
     r"|statement|line|pricing|calculation|\d)"),
    ("not_taken_into_account_any", 1.0, r"\b(?:ne tient pas compte|n'a pas tenu compte|sans tenir compte|nicht berücksichtigt"
     r"|berücksichtigt (?:\w+\s+){0,3}?nicht|no (?:se )?(?:tiene|tuvo|ha tenido|han tenido) en cuenta|sin tener en cuenta"
     r"|houdt geen rekening|niet verwerkt|geen rekening gehouden|não (?:considera|contempla|leva em conta|teve em conta"
     r"|tem em conta)|non tiene conto|non ha tenuto conto|senza tener conto|doesn'?t (?:take|account for)|does not (?:take"
     r"|account for)|did not (?:take|account for)|didn'?t (?:take|account for))\b[^!?]{0,50}\b(?:remise|réduction|rabais"
     r"|escompte|avoir|acompte|rabatt|skonto|gutschrift|anzahlung|nachlass|descuento|abono|anticipo|korting|creditnota"
     r"|aanbetaling|desconto|nota de crédito|adiantamento|sconto|nota di credito|acconto|discount|credit|deposit|rebate"
     r"|account)\b"),
    # a variance found when matching the invoice to the order or the goods receipt ("three-way match")
    ("discrepancy_any", 1.0, r"\b(?:abweichung(?:en)?|preisdifferenz|mengendifferenz|preisabweichung|mengenabweichung"
     r"|écarts? (?:de prix|de quantité|entre|avec|sur|constaté)|discordance|discrepancia|diferencia de (?:precio|cantidad)"
     r"|afwijking|prijsverschil|discrepância|divergência|diferença de (?:preço|quantidade)|discrepanza|differenza di (?:prezzo"
     r"|quantità)|discrepanc(?:y|ies)|price (?:difference|variance)|quantity variance)\b"),
    # charged more or less than delivered, quoted or agreed, in seven languages
    ("compared_amount_any", 1.0, r"\b(?:(?:less|fewer|lower|more|higher|greater) than (?:what (?:was|we) )?(?:billed|invoiced|charged"
     r"|quoted|agreed|ordered|delivered|the quote|the estimate|the po|our po)|(?:geringer|weniger|niedriger|mehr|höher) als"
     r" (?:berechnet|fakturiert|angeboten|vereinbart|bestellt|geliefert|im angebot)|(?:menos|más|mayor|menor) (?:de lo|que lo)"
     r" (?:facturado|presupuestado|acordado|pedido|cobrado|entregado)|(?:más alto|mayor|superior) que el presupuesto"
     r"|(?:minder|meer|hoger|lager) dan (?:gefactureerd|de offerte|offerte|afgesproken|besteld|geleverd)|(?:menos|mais|maior|menor)"
     r" (?:do que|que) (?:o )?(?:faturado|orçamento|orçado|combinado|acordado|pedido|cobrado|entregue)|(?:meno|più|superiore"
     r"|inferiore) (?:di quanto|del|al|rispetto al) (?:fatturato|preventivo|concordato|ordinato|pattuito|consegnato)"
     r"|(?:supérieure?|inférieure?|plus élevée?) (?:à|au|que) (?:ce qui|le devis|notre devis|la commande|facturé|convenu|prévu))\b"),
    # a service or goods never ordered ("un servicio que no contratamos", "mai richiesto")
    ("not_ordered_any", 1.0, r"\b(?:que no (?:contratamos|pedimos|solicitamos|encargamos|ordenamos)|(?:nunca|jamás) (?:contratamos"
     r"|pedimos|solicitamos|encargamos)|(?:não|nunca) (?:contratamos|solicitamos|pedimos|encomendamos)|mai (?:richiest|ordinat"
     r"|commissionat)[oaie]|non (?:richiest|ordinat)[oaie]|che non abbiamo (?:mai )?(?:richiesto|ordinato)|nie bestellt|nicht"
     r" (?:bestellt|beauftragt)|(?:jamais|pas) commandée?s?|nooit (?:besteld|aangevraagd|opgedragen)|niet besteld|never (?:requested"
     r"|contracted|signed up for|asked for))\b"),
    # "we'll pay the line haul but not the $870 detention"
    ("pay_but_not_any", 1.0, r"\b(?:pay|paying|settle|zahlen|bezahlen|payer|régler|pagar|pagaremos|betalen|pagare|pagheremo)\b"
     r"[^.!?]{0,80}\b(?:but not|except(?: for)?|apart from|aber nicht|außer|mais pas|sauf|pero no|excepto|maar niet|behalve"
     r"|mas não|exceto|ma non|tranne)\s+(?:for\s+)?(?:(?:the|le|la|les|den|die|das|el|los|las|de|het|o|a|os|as|il|i|gli)\b"
     r"(?!\s+(?:once|whole|full|lot|todo|tudo|tutto|total|totalidad|totalité|gesamt))|[$€£]|\d)"),
    # a charge that should not be there: "IVA indevido", "unberechtigt", "indu"
    ("undue_charge_any", 1.0, r"\b(?:vat|tax|fee|charge|surcharge|iva|tva|mwst|btw|frais|gebühr|cargo|recargo|taxa|tassa|spese)\b"
     r"[^.!?]{0,30}\b(?:indevid[oa]s?|indebid[oa]s?|indus?e?s?|unberechtigt|ungerechtfertigt|onterecht|non dovut[oa]|improper"
     r"|unjustified|not due)\b|\b(?:deveria ser isent[oa]|debería estar exent[oa]|devrait être exonérée?|sollte steuerfrei"
     r"|zou vrijgesteld|dovrebbe essere esente|should be exempt)"),
    # a credit note asked for outright: the writer contests part of the bill
    ("credit_note_asked_any", 1.0, r"\b(?:(?:émettre|établir|faire|adresser) un avoir|demandons (?:donc )?(?:l'émission d')?un avoir"
     r"|(?:bitte um|erbitten|benötigen) (?:eine )?gutschrift|gutschrift (?:erstellen|ausstellen)|emitan? (?:una )?nota de (?:crédito|abono)"
     r"|solicitamos (?:una )?nota de (?:crédito|abono)|graag een creditnota|creditnota (?:sturen|opmaken|aanmaken)"
     r"|emitam? (?:uma )?nota de crédito|emettere (?:una )?nota di credito|chiediamo (?:una )?nota di credito"
     r"|(?:please )?issue (?:us )?a credit (?:note|memo)|credit note please)\b"),
    # the item is not in the contract or order: "ne figure pas dans l'acte d'engagement", "nooit opgedragen"
    ("not_in_contract_any", 1.0, r"\b(?:ne figure pas dans (?:l'|le |la |notre |nos )|ne peut (?:pas )?être (?:mandatée?|payée?|réglée?) en l'état"
     r"|nooit opgedragen|niet opgedragen|nooit opdracht (?:toe )?gegeven|not (?:in|part of) the (?:scope|contract|order|po)"
     r"|outside (?:the|our) (?:scope|contract|agreement)|nicht (?:im|teil des) (?:auftrag|vertrag|angebot)s?|no (?:figura|está incluid[oa]) en el"
     r" (?:contrato|pedido|presupuesto)|não (?:consta|está incluíd[oa]) no (?:contrato|pedido|orçamento)|non (?:previst[oa]|inclus[oa])"
     r" nel (?:contratto|preventivo|ordine))"),
    ("not_recognised_any", 1.0, r"\b(?:no reconocemos|no reconozco|ne reconnaissons pas|ne reconnais pas|não reconhecemos"
     r"|não reconheço|non riconosciamo|non riconosco|herkennen (?:\w+\s+){0,3}?niet|erkennen (?:\w+\s+){0,3}?nicht an"
     r"|(?:don'?t|do not|can'?t|cannot) recogni[sz]e)\b"),
    # "this was supposed to be credited", "should have been credited": a credit owed, not given
    ("credit_owed", 1.0, r"\b(?:supposed to|meant to|should have|was to|were to|promised to|agreed to)\s+(?:be\s+|been\s+|have been\s+)?"
     r"(?:credited|cancelled|canceled|voided|waived|written off|refunded|reversed)\b"
     r"|\b(?:promised|agreed|owed|owe)\s+(?:us\s+)?a\s+(?:credit|refund)\b"
     r"|\b(?:devia|deveria|debería|debía|aurait dû|hätte|had|doveva|dovrebbe)\s+(?:ter |haber |être |)(?:sido |été |)"
     r"(?:anulad[oa]|annulée?|storniert|geannuleerd|annullat[oa]|creditad[oa]|acreditad[oa]|gutgeschrieben|gecrediteerd"
     r"|accreditat[oa])\b"
     r"|\bgutschrift\b[^.!?]{0,40}\b(?:erhalten|bekommen)\b"),
    ("service_not_done", 1.0, r"\b(?:(?:nicht|nie|niemals)\s+(?:\w+\s+)?(?:stattgefunden|durchgeführt|gereinigt|repariert|installiert"
     r"|montiert|gewartet|erschienen)\b|\bpas eu lieu|n'(?:a|ont) (?:jamais |pas )?(?:eu lieu|été (?:assurée?s?|réalisée?s?"
     r"|effectuée?s?|faite?s?|installée?s?|réparée?s?))|\bno (?:ha |han |se )?(?:tuvo|tuvieron|ha tenido) lugar"
     r"|no se (?:prestó|prestaron|realizaron|hicieron|ha prestado|ha realizado)|niet (?:\w+\s+)?(?:plaatsgevonden|uitgevoerd"
     r"|schoongemaakt|gerepareerd|geïnstalleerd)|não (?:foi|foram) (?:\w+\s+)?(?:realizad[oa]s?|prestad[oa]s?|executad[oa]s?"
     r"|feit[oa]s?)|não (?:ocorreu|ocorreram|aconteceu|aconteceram|compareceu|compareceram)|non (?:è|sono) (?:mai )?"
     r"(?:stat[oaie] )?(?:effettuat[oaie]|svolt[oaie]|eseguit[oaie]|fatt[oaie])|non ha(?:nno)? avuto luogo"
     r"|(?:wasn'?t|weren'?t|was not|were not|never) (?:\w+\s+)?(?:performed|carried out|done|completed|provided|cleaned"
     r"|repaired|installed|serviced)|did(?:n'?t| not) take place|never took place)\b"),
    ("refuse_invoice", 1.0, r"\b(?:(?:don'?t|do not|cannot|can'?t|won'?t|will not) accept (?:this|the|your|these|that)"
     r" (?:invoice|charge|bill|amount|price)|reject (?:this|the|your) invoice|akzeptieren wir (?:so )?nicht|(?:so )?nicht"
     r" akzeptieren|nicht (?:anerkennen|akzeptabel)|anerkennen wir nicht|(?:war|ist) (?:nie|nicht) die rede|erkennen (?:wir )?(?:\w+\s+){0,2}?nicht an|n'acceptons pas|ne pouvons"
     r" (?:pas )?accepter|refusons (?:cette|la|votre) facture|(?:pas|guère) acceptable|no aceptamos|no podemos aceptar"
     r"|rechazamos (?:la|esta|su) factura|accepteren (?:we|wij) niet|niet accepteren|niet akkoord|não aceitamos|não podemos"
     r" aceitar|recusamos (?:a|esta) fatura|não concordamos|non accettiamo|non possiamo accettare|respingiamo (?:la|questa)"
     r" fattura|non siamo d'accordo)\b(?![^!?]{0,30}\b(?:papier|paper|pdf|cheques?|chèques?|cartes?|cards?|karten|tarjetas"
     r"|cartões|carte|papel|carta)\b)"),
    ("quote_differs_any", 1.0, r"\b(?:(?:devis|prix convenu|tarif convenu|contrat)\b[^!?]{0,60}\b(?:mais|alors que|or|cependant)\b"
     r"[^!?]{0,40}\bfactur|(?:supérieure?|plus élevée?|différente?) (?:au|du|que le) (?:devis|prix convenu|contrat)"
     r"|(?:angebot|vereinbart\w*|vertrag)\b[^!?]{0,60}\b(?:aber|jedoch|dagegen)\b[^!?]{0,40}\b(?:berechnet|rechnung|fakturiert)"
     r"|höher als (?:im angebot|vereinbart|angeboten)|(?:weicht|abweichend) (?:\w+ )?vom angebot|entspricht nicht dem angebot"
     r"|(?:presupuesto|precio acordado|lo acordado|lo pactado)\b[^!?]{0,60}\b(?:pero|sin embargo)\b[^!?]{0,40}\b(?:factur|cobr)"
     r"|(?:superior|más alto|distinto) (?:al|que el|del) presupuesto|(?:offerte|afgesproken)\b[^!?]{0,60}\b(?:maar|echter)\b"
     r"[^!?]{0,40}\b(?:gefactureerd|berekend|factuur)|hoger dan (?:de offerte|afgesproken|geoffreerd)|(?:orçamento|preço acordado"
     r"|combinado|acordado)\b[^!?]{0,60}\b(?:mas|porém)\b[^!?]{0,40}\b(?:faturad|cobrad|fatura)|(?:acima|superior|maior) (?:ao|do|que o) orçamento"
     r"|(?:preventivo|prezzo concordato|concordato|pattuito)\b[^!?]{0,60}\b(?:ma|però|invece)\b[^!?]{0,40}\b(?:fatturat|addebitat"
     r"|fattura)|(?:superiore|più alto) (?:al|del) preventivo)"),
    ("damaged_any", 1.0, r"\b(?:stained|soiled|mouldy|moldy|contaminated|scratched|rusty|unsellable|water-damaged|tachée?s?"
     r"|inutilisables?|moisie?s?|rayée?s?|hors d'usage|fleckig|verschmutzt|verunreinigt|zerkratzt|verschimmelt|unverkäuflich"
     r"|manchad[oa]s?|inservibles?|inutilizables?|mojad[oa]s?|rayad[oa]s?|gevlekt|vlekken|onbruikbaar|beschimmeld|gekrast"
     r"|inutilizáve(?:l|is)|molhad[oa]s?|riscad[oa]s?|macchiat[oaie]|inutilizzabil[ei]|bagnat[oaie]|graffiat[oaie]"
     r"|ammuffit[oaie]|crushed|damp|soaked|écrasée?s?|humides?|invendables?|mouillée?s?|brisée?s?|fissurée?s?"
     r"|zerdrückt|eingedrückt|feucht|durchnässt|aplastad[oa]s?|húmed[oa]s?|invendibles?|geplet|vochtig|doorweekt"
     r"|onverkoopbaar|esmagad[oa]s?|húmid[oa]s?|úmid[oa]s?|invendáve(?:l|is)|schiacciat[oaie]|umid[oaie]"
     r"|invendibil[ei])\b"),
)

# --- request for a copy or a document --------------------------------------------------------------

REQUEST_COPY = cues(
    # asking to be sent a corrected invoice or a credit note (without contesting a line).
    ("send_corrected_any", 1.0, r"\b(?:send|senden|schicken|zusenden|envoy\w*|adress\w*|envi[aáeé]\w*|sturen|toesturen"
     r"|stuur\w*|mandar\w*|mandat\w*|invia\w*|inviar\w*)\b[^.!?]{0,30}\b(?:corrected invoice|credit note|korrigierte rechnung|gutschrift"
     r"|facture (?:rectificative|corrigée)|avoir|factura (?:rectificativa|corregida)|nota de (?:crédito|abono)"
     r"|gecorrigeerde factuur|creditnota|fatura (?:corrigida|retificada)|fattura (?:corretta|rettificata)|nota di credito)\b"),
    ("resend", 1.0, r"\b(?:re-?send|send (?:it|them|this|that|me|us|through|over)?\s*(?:\S+\s+){0,4}?again"
     r"|send (?:me |us |over |through )?(?:a |the |an )?(?:copy|copies|pdf|duplicate)|re-?issue|send (?:it|the invoice|them) (?:over|through))\b"),
    ("itemised", 1.0, r"\b(?:itemi[sz]ed|detailed|updated) (?:invoice|statement|bill|breakdown)|\bbreakdown of\b"),
    ("readdress", 1.0, r"\b(?:re-?address(?:ed)?|re-?issued? (?:to|in the name of|for)|made out to|addressed to our"
     r"|in the name of our)\b"),
    ("send_us_invoice", 1.0, r"\b(?:send|email|e-mail|forward|mail)\s+(?:us|me)\s+(?:the|a|an|your|this|that)\s+(?:\S+\s+)?"
     r"(?:invoice|invoices|statement|copy|pdf|bill|receipt)\b"
     r"|\b(?:upload|submit|send|resubmit|post)\b(?:\s+\S+){0,3}?\s+(?:invoice|invoices)\b(?:\s+\S+){0,4}?\s+(?:portal"
     r"|e-?invoicing|coupa|ariba|tungsten|basware|tradeshift)\b"),
    ("portal_any", 1.0, r"\b(?:resubmit|re-submit|upload|submit|einreichen|hochladen|soumettre|déposer|subir|cargar|uploaden"
     r"|indienen|submeter|carregar|caricare)\b[^!?]{0,40}\b(?:portal|portail|portale|coupa|ariba|tungsten|basware|tradeshift"
     r"|jaggaer|taulia|sdi|chorus)\b"),
    ("e_invoice_format_any", 1.0, r"\b(?:send\w*|schick\w*|envoy\w*|mand\w*|envi\w*|stur\w*|stuur\w*|invi\w*|provide|fourni\w*"
     r"|zusenden|übermittel\w*|stellen|ausstellen|upload\w*|déposer|hochladen|subir|need|necesit\w*|precis\w*|brauchen"
     r"|benötigen|nodig|serve|abbiamo bisogno|besoin)\b[^!?]{0,50}\b(?:xml|xrechnung|zugferd|factur-x|facturae|ubl|peppol"
     r"|e-?invoice|e-rechnung|fattura elettronica|fatura eletrónica|fatura eletrônica|nota fiscal eletrônica|e-factuur"
     r"|chorus(?: pro)?|sdi|cfdi|nf-?e|factura electrónica|coupa|ariba|tungsten|basware)\b"),
    ("confirm_balance_any", 1.0, r"\b(?:confirm|bestätigen|confirmer|confirmar|bevestigen|confermar\w*|verify|vérifier)\b[^!?]{0,40}"
     r"\b(?:balance|solde|saldo|saldi|amount outstanding|outstanding amount|offenen posten|montant dû|importe pendiente)\b"
     r"|\b(?:balance|solde|saldo)\b[^!?]{0,30}\b(?:confirm|bestätigen|confirmer|confirmar|bevestigen|confermare)\b"),
    ("cannot_find_invoice_any", 1.0, r"\bfinden (?:wir |ich )?(?:die|diese|ihre|eure) rechnung\w* (?:\S+\s+){0,4}?nicht\b"
     r"|\b(?:ne trouvons pas|ne retrouvons pas|ne trouve pas|finden (?:\S+\s+){0,3}?nicht"
     r"|nicht (?:auffindbar|finden)|no (?:encontramos|encuentro|localizamos)|(?:kunnen|kan) (?:\S+\s+){0,3}?niet (?:vinden|terugvinden)"
     r"|não (?:encontramos|encontro|localizamos|achamos)|non (?:troviamo|trovo|riusciamo a trovare))\b[^!?]{0,40}"
     r"\b(?:facture|rechnung|factura|factuur|fatura|fattura|invoice)|\b(?:facture|rechnung|factura|factuur|fatura|fattura)\b"
     r"[^!?]{0,30}\b(?:ne trouvons pas|finden (?:wir|ich) nicht|no (?:la |lo )?encontramos|niet vinden|não (?:a |o )?encontramos"
     r"|non (?:la |lo )?troviamo)\b"),
    ("open_items_detail_any", 1.0, r"\b(?:send|provide|envoyer|transmettre|schicken|senden|zukommen|enviar|mandar|sturen|mailen"
     r"|inviare|inviarci|mandarci)\b[^!?]{0,40}\b(?:details?|détail|aufstellung|auflistung|übersicht|detalle|desglose|overzicht"
     r"|specificatie|detalhe|discriminação|dettaglio|elenco|list)\b[^!?]{0,30}\b(?:invoices?|factures?|rechnungen|posten"
     r"|facturas|facturen|faturas|fatture|open items|ouvertes|offenen|pendientes|openstaande|em aberto|aperte|outstanding)\b"
     r"|\bwhich invoice (?:is|does) this\b"),
    ("copy_of", 1.0, r"\b(?:copy|copies|duplicate|pdf)\s+of\s+(?:the\s+|our\s+|your\s+|this\s+|that\s+)?(?:\S+\s+)?(?:invoice|bill"
     r"|statement|agreement|contract|receipt)s?|\b(?:invoice|statement) copy\b|\b(?:as a|as|in|en|als|em|in formato|au format|format) pdf\b"),
    ("statement", 1.0, r"\b(?:send|need|provide|forward|want|like|request|(?:can|could|may) (?:i|we) (?:have|get|receive))\b[^!?]{0,40}\b(?:statement|statement of account"
     r"|account statement|proof of delivery|pod|delivery note|timesheets?|backup|back-up|documentation|breakdown|cop(?:y|ies)"
     r"|receipt|payment confirmation)\b"),
    ("tax_form", 1.0, r"\b(?:vendor (?:setup|set-up|registration|onboarding|information) form|supplier (?:setup|set-up|registration"
     r"|onboarding) form|new vendor form|vendor packet|w-?9|w-?8(?:ben)?(?:-e)?|1099|tax id|vat certificate|certificate of insurance|coi)\b"),
    ("bank_details", 1.0, r"\b(?:(?:ach|wire|banking|bank|remittance) (?:information|info|instructions)|bank(?:ing)? details|account details|remit-?to|wire instructions|payment instructions"
     r"|iban(?!:?\s*[a-z]{2}\s?\d{2})|swift|bic(?!:?\s*[a-z]{6})|sort code|routing number"
     r"|bank (?:letter|certificate|confirmation letter)|certificaci[óo]n bancaria|certificado bancario|certificado de titularidad"
     r"|attestation bancaire|attestation de (?:rib|coordonnées bancaires)|relevé d'identité bancaire|bankbestätigung"
     r"|bankbevestiging|comprovante bancário|declaração bancária|carta bancária|attestazione bancaria|lettera (?:della|di) banca)\b"),
    ("add_po", 1.0, r"\b(?:po|p\.o\.|purchase order|vat|tax|reference|order)\s*(?:number|no\.?|#)?\s*(?:\S+\s+){0,2}?"
     r"(?:on it|added|to be added|on the invoice|referenc)|\b(?:add|include|show|showing|stating|quote|quoting|bearing"
     r"|reference|referencing|with)"
     r"\s+(?:our\s+|the\s+)?(?:po|p\.o\.|purchase order|vat|tax id)\b"),
    ("not_got_invoice", 1.0, r"\b(?:never|not|n'?t|didn'?t|haven'?t|can'?t|cannot|unable to)\s+(?:\S+\s+){0,3}?"
     r"(?:got|get|received|receive|find|locate|open|see)\s+(?:\S+\s+){0,3}?(?:the |an |any |this |that |your )?"
     r"(?:invoice|bill|statement|copy|paperwork|it in our system|them in our system|in our system)"),
    ("dont_have_docs", 1.0, r"\b(?:don'?t|do not|haven'?t got|have not got) (?:have )?(?:the|them|these|this|that|a copy|copies|the invoices?"
     r"|these invoices|any invoices?)\b(?:\s+(?:invoices?|on file|on record|in our system))?"),
    ("forward_invoices", 1.0, r"\b(?:send|forward|email|mail|e-mail)\s+(?:me |us )?(?:the |all |these |those |your |our )?(?:outstanding"
     r" |open |unpaid |missing )?(?:invoices?|statements?|bills?)\b(?!\s+to\s+\S+@)"),
    ("can_you_send", 0.8, r"\b(?:can|could|would|please)\s+(?:you\s+)?(?:please\s+)?(?:send|provide|email|forward|share)"
     r"\b(?![^!?]{0,40}@)"),
    # fr
    ("fr_renvoyer", 1.0, r"\b(?:faire parvenir (?:une |la |les )?(?:copie|facture|relevé)|copie des factures|(?:m'|nous )?envoyer (?:\S+\s+)?(?:la|les|une|votre) (?:facture|copie|relevé)|renvoyer|renvoyez|réexpédier|duplicata|copie de (?:la|les|votre) factures?"
     r"|relevé de compte|rib|coordonnées bancaires|bon de commande|numéro de commande|attestation|kbis)\b"),
    # de
    ("delivery_doc_any", 1.0, r"\b(?:send|provide|forward|transmettre|envoyer|fournir|faire parvenir|schicken|senden|zukommen"
     r"|übermitteln|mandar|enviar|remitir|sturen|toesturen|bezorgen|mailen|mandare|inviare|mandarci|inviarci|trasmettere"
     r"|fornire)\b[^!?]{0,40}\b(?:bon de livraison|bons de livraison|lieferschein|pakbon|afleverbon|guia de remessa"
     r"|guia de transporte|ddt|documento di trasporto|bolla|albarán|albaranes|proof of delivery|delivery note|packing slip"
     r"|signed pod)\b|\b(?:pakbon|afleverbon|lieferschein|bon de livraison|albarán|guia de remessa|ddt|delivery note)\b"
     r"[^!?]{0,30}\b(?:sturen|toesturen|mailen|schicken|senden|zukommen|envoyer|mandar|enviar|inviare|send)\b"),
    ("de_nochmal_senden", 1.0, r"\b(?:nochmal|nochmals|erneut|noch einmal)\s+(?:zu)?(?:schicken|senden|zusenden|zukommen|mailen"
     r"|übermitteln)\b"),
    ("invoice_not_received_any", 1.0, r"\b(?:rechnung|facture|factura|factuur|fatura|fattura)\b[^!?]{0,40}\b(?:nie|nicht|jamais"
     r"|pas|nunca|nooit|niet|não|mai|no)\b[^!?]{0,15}\b(?:erhalten|bekommen|reçue?|recibid[oa]|recibimos|llegado|ontvangen"
     r"|recebid[oa]|recebemos|chegou|ricevut[oa]|arrivat[oa])\b|\b(?:nie|nicht|jamais|pas|nunca|nooit|niet|não|mai|non|no)"
     r"\b[^!?]{0,25}\b(?:erhalten|reçu|reçue|recibido|recibimos|ontvangen|recebido|recebemos|ricevuto)\b[^!?]{0,20}?\b"
     r"(?:rechnung|facture|factura|factuur|fatura|fattura)\b|\b(?:invoice|bill|statement|delivery note)s?\b[^!?]{0,30}"
     r"\b(?:never|not|didn'?t|hasn'?t|haven'?t)\s+(?:\S+\s+)?(?:arrived|come|came|reached)\b"),
    ("de_erneut_senden", 1.0, r"\b(?:senden|schicken|übermitteln|mailen)\b(?:\s+\S+){0,5}?\s+(?:erneut|nochmals|noch einmal"
     r"|nochmal)\b"),
    ("de_kopie", 1.0, r"\b(?:kopie|rechnungskopie|duplikat|erneut (?:zu)?senden|nochmals (?:zu)?senden|noch einmal"
     r"|kontoübersicht)\b"),
    ("de_dokument_anfordern", 1.0, r"\b(?:bitte|benötigen|brauchen|bräuchten|hätten gern|senden|schicken|fehlt|fehlen|vermissen)\b"
     r"[^!?]{0,60}\b(?:kontoauszug|bankverbindung|bestellnummer|lieferschein|leistungsnachweis|ust-?id|saldenbestätigung)\b"
     r"|\b(?:kontoauszug|bankverbindung|bestellnummer|lieferschein|leistungsnachweis|ust-?id)\b[^!?]{0,40}\b(?:senden|schicken"
     r"|zukommen|nachreichen|angeben|ergänzen|bestätigen)\b"),
    # es
    ("es_reenviar", 1.0, r"\b(?:(?:mandar|enviar|remitir)(?:nos|me)?\s+(?:de nuevo\s+|otra vez\s+)?(?:la|las|una copia de la)\s+"
     r"facturas?|reenvia\w*|reenviad|reenvíen|reenvíe|mandar de nuevo|enviar de nuevo|(?:mand|envi)\w* (?:de nuevo|otra vez)"
     r"|volver a (?:mandar|enviar)|copia de (?:la|las)"
     r"|duplicado de (?:la|las)|extracto|datos bancarios|número de pedido|albarán|certificado)\b"),
    # nl
    ("nl_factuur_mailen", 1.0, r"\b(?:factuur|kopie|overzicht|facturen)\b(?:\s+\S+){0,4}?\s+(?:mailen|sturen|toesturen"
     r"|versturen|toezenden|e-mailen)\b"),
    ("nl_opnieuw", 1.0, r"\b(?:nog (?:een keer|eens)|opnieuw (?:toe)?sturen|nogmaals (?:toe)?sturen|opnieuw versturen|kopie|duplicaat"
     r"|rekeningoverzicht|overzicht|bankgegevens|ordernummer|inkoopnummer|inkoopordernummer)\b"),
    # pt
    ("pt_reenviar", 1.0, r"\b(?:(?:enviem|mandem|reenviem|enviar|mandar|envie|mande|reenvie)(?:-nos|-me)?\s+(?:\S+\s+)?(?:a |o |as |os )?"
     r"(?:nota fiscal|notas fiscais|fatura|faturas|boleto|segunda via|recibo|extrato|cópia)|cópias? d[ao]s? faturas?|duplicado d[ao]s? faturas?|reenviar|enviar novamente|segunda via|cópia da fatura|extrato|dados bancários"
     r"|número de encomenda|nota de encomenda)\b"),
    # it
    ("it_reinviare", 1.0, r"\b(?:(?:mandate|inviate|mandateci|inviateci|mandatemi|inviatemi|potete mandar\w*|potete inviar\w*)\s+"
     r"(?:\S+\s+)?(?:il |la |le |un |una |lo )?(?:duplicato|copia|fattura|fatture|estratto)|duplicato (?:della|delle) fattur[ae]|copi[ae] dell[ae] fattur[ae]|rimandar\w*|reinviar\w*|rimandarci|rimandatemi|rimandate|rispedire|reinviarci|inviarci (?:nuovamente|di nuovo)"
     r"|reinviare|inviare di nuovo|rinviare la fattura|copia della fattura|estratto conto"
     r"|coordinate bancarie|numero d'ordine|numero ordine)\b"),
)

# --- payment plan: instalments, more time, hardship ------------------------------------------------

PAYMENT_PLAN = cues(
    # an amount offered per period ("200 per week", "300 Euro monatlich", "500 € al mese").
    # A bare number needs "per/a/al ..." ("un contrat de 12 mois" is a term, not an offer).
    ("amount_per_period_any", 1.0, r"(?:(?:[$€£]\s?\d[\d.,]*|\b\d[\d.,]*\s?(?:€|eur|euros?|usd|dollars|\$|£|gbp|chf|reais))"
     r"\s+(?:(?:per|a|each|every|pro|par|por|al|ao|ogni|alla|a la|todas? as?) )?|\b\d[\d.,]*\s+(?:per|a|each|every|pro|par"
     r"|por|al|ao|ogni|alla|a la) )(?:week|month|monat|woche|mois|semaine|mes|semana|maand|mês|mese|settimana|monatlich"
     r"|wöchentlich|mensuels?|mensuales|maandelijks|mensais|mensili)\b"),
    # waiting on internal approval with no date ("stuck in approvals, no ETA", "pending approval").
    ("approval_pending_any", 1.0, r"\b(?:(?:stuck|pending|held up|sitting|waiting)\s+(?:in|for|on)?\s*(?:\S+\s+){0,2}?approvals?"
     r"|awaiting (?:\S+\s+)?approval|in (?:der )?freigabe|wartet auf (?:die )?freigabe|noch nicht freigegeben"
     r"|en attente (?:de |d')(?:validation|approbation)|en cours de validation|pendiente de (?:aprobación|autorización)"
     r"|wacht op goedkeuring|ter goedkeuring|aguardando aprovação|em aprovação|pendente de aprovação"
     r"|in attesa di approvazione|in approvazione)\b"),
    ("instalments", 1.0, r"\b(?:(?:\d{1,2}|two|three|four|five|six|twelve) (?:monthly |weekly |equal |smaller )?(?:payments"
     r"|instal(?:l)?ments|parts|tranches)|payments of [$€£]?\s?\d|(?:two|2) halves|in halves|in (?:two|three|four|2|3|4) (?:lots|stages|chunks)|in stages"
     r"|instal(?:l)?ments?|payment plan|payment schedule|payment arrangement|partial payments?"
     r"|part payments?|monthly payments|weekly payments|fortnightly payments|in (?:two|three|four|2|3|4) (?:payments"
     r"|parts|goes|tranches))\b"),
    ("smaller_amounts", 1.0, r"\b(?:in|into) (?:smaller|monthly|weekly|fortnightly|regular) (?:amounts|payments|chunks|parts"
     r"|instal)|\bover the (?:next|coming) (?:few|couple of|\d+|two|three|four|six) (?:weeks|months)\b"),
    ("split", 1.0, r"\b(?:split|spread|break up|stagger|divide)\s+(?:\S+\s+){0,4}?(?:into|over|across|in)\b"
     r"|\bsplit (?:it|this|the|that|them|these)\b"),
    ("when_we_can", 1.0, r"\b(?:as soon as (?:we|i) (?:can|are able|am able)|when (?:we|i) can|when funds allow"
     r"|doing (?:what|all|everything) (?:we|i) can|(?:we're|we are|i'm|i am) behind\b"
     r"|as and when|in due course|as funds (?:allow|permit))\b"),
    ("every_period", 1.0, r"(?:[$€£]\s?\d[\d,.]*|\d[\d,.]*\s?(?:€|eur|euros?|dollars|\$|£))\s+(?:\S+\s+){0,2}?"
     r"(?:(?:every|per|each|pro|a cada|cada|ogni|elke|iedere|par|al)\s+(?:\S+\s+)?|(?:a|im|por|ao|al|par)\s+)(?:weeks?|months?|fortnight"
     r"|maand|mois|monat|mes|mese|mês|semaine|woche|semana|settimana)\b"),
    ("now_and_rest", 1.0, r"\bnow and (?:the )?(?:rest|remainder|balance|other half|half|remaining)\b"
     r"|\b(?:half|part|some) now\b"),
    ("more_time", 1.0, r"\b(?:(?:any |some |a bit of |a little )?flexibility (?:on|with|about|regarding) (?:the )?(?:due date|deadline|payment"
     r"|terms|timing|date)|more time|extension|push (?:this|it|that|the payment|payment|them)\s+(?:out|back)"
     r"|delay (?:the )?payment|extend (?:the|our) (?:due date|deadline|terms)|(?:give|need|allow|grant|get|have|want"
     r"|ask for|request|take)\s+(?:(?!(?:reminder|email|e-mail|letter|call|message|notice|invoice)s?\b)\S+\s+){0,2}?"
     r"(?:a few|another|a couple of|an extra|a|\d+|two|three|four|six)\s+"
     r"(?:more\s+|extra\s+|\d+\s+)?(?:weeks?|days|months?)|grace period|(?:need|give us|give me|have|take|allow us) a (?:little|bit) longer|need (?:until|till)|can (?:it|this|that|they|payment) wait|wait (?:until|till) (?:next|the end)|some time to pay|additional time|defer|postpone)\b"),
    ("not_at_once", 1.0, r"\b(?:can'?t|cannot|unable to|not able to|won'?t be able to)\s+(?:pay |do |settle |clear )?(?:it |this |that "
     r"|the (?:full|whole) (?:amount|balance) |everything |the lot )?(?:all )?(?:at once|in one go|in one payment|in one lump)"),
    ("cannot_pay", 1.0, r"\b(?:can'?t|cannot|can not|unable to|not able to|not in a position to|won'?t be able to"
     r"|no way (?:we|i) can)\s+(?:\S+\s+){0,3}?(?:pay|make (?:any )?payments?|settle|cover|afford)\b"),
    ("insolvency", 1.0, r"\b(?:entered|in|into|under|gone into|filed for|filing for)\s+(?:\w+\s+)?(?:examinership"
     r"|administration|liquidation|receivership|insolvency|bankruptcy|chapter 11|voluntary arrangement)\b"
     r"|\b(?:insolvent|bankrupt|the examiner|the liquidator|the administrator|the receiver)\b"),
    # every payment stopped (a freeze, an insolvency), not one invoice held for a missing PO
    ("payments_frozen", 1.0, r"\b(?:(?:all |our )?payments|supplier payments|disbursements)\s+(?:to (?:all )?(?:suppliers|vendors)\s+)?"
     r"(?:are|have been|were)\s+(?:\S+\s+)?(?:frozen|suspended|paused)\b|\b(?:restructuring|administration|receivership"
     r"|chapter 11|insolvency proceedings|redressement judiciaire|sauvegarde|insolvenzverfahren|concurso de acreedores"
     r"|surseance|recuperação judicial|concordato preventivo)\b"),
    ("hardship", 1.0, r"\b(?:stretched|strapped for cash|squeezed|cash ?flow|cash is tight|money'?s tight|money is tight|tight (?:right now|at the moment"
     r"|this month)|hardship|struggling|difficult (?:time|period|month)|short on (?:cash|funds|money)"
     r"|(?:business|trade|sales|things|work|it|season)\s+(?:has been|have been|is|are|'s been|was|were)\s+(?:\S+\s+)?(?:slow|rough"
     r"|quiet|tough)|behind (?:on|with) (?:payments|bills|our)|lost (?:a|our) (?:major|big|large|biggest)|runway"
     r"|pre-revenue)\b"),
    ("waiting_on_funds", 1.0, r"\b(?:once|when|until|after)\s+(?:our|the|we)\s+(?:\S+\s+){0,2}?(?:client|customer|funding"
     r"|grant|insurance|payout|loan|reimbursement|funds|money|sponsor)\b|\bwaiting (?:on|for) (?:the |our |a |an )?(?:\S+\s+)?"
     r"(?:insurance|funding|grant|payout|client|customer|reimbursement|funds|payment from)"),
    # fr
    ("fr_echeancier", 1.0, r"\b(?:échéancier|paiement échelonné|en plusieurs fois|en (?:deux|trois|quatre) fois"
     r"|mensualités|étaler|étalement|échelonner|échelonnement|délai (?:de paiement|supplémentaire)|plus de temps|report d'échéance"
     r"|reporter)\b"),
    ("fr_ne_pouvons_pas", 1.0, r"\b(?:ne (?:pouvons|pourrons|peux|pourrai)\s+pas|pas en mesure de|impossible de)\s+"
     r"(?:\S+\s+){0,2}?(?:payer|régler|honorer)"),
    ("fr_difficultes", 1.0, r"\b(?:difficultés (?:financières|de trésorerie)|trésorerie (?:tendue|difficile)"
     r"|redressement judiciaire|liquidation judiciaire|procédure collective|sauvegarde)\b"),
    # de
    ("de_raten", 1.0, r"\b(?:verschieben|aufschieben|später (?:zahlen|bezahlen)|ratenzahlung|raten|monatsraten|teilzahlungen|zahlungsaufschub|stundung|aufschub"
     r"|mehr zeit|zahlungsziel (?:verlängern|verlängerung)|zahlungsplan|ratenplan)\b"),
    ("de_nicht_zahlen", 1.0, r"\b(?:können|kann|könnten)\s+(?:\S+\s+){0,5}?nicht\s+(?:\S+\s+){0,2}?(?:zahlen|bezahlen"
     r"|begleichen)\b"),
    ("de_engpass", 1.0, r"\b(?:knapp bei kasse|finanziell (?:eng|schwierig|angespannt)|klamm|finanziellen? engpass|liquiditätsengpass|zahlungsschwierigkeiten|insolvenz"
     r"|zahlungsausfall|engpass)\b"),
    # es
    ("es_plazos", 1.0, r"\b(?:más margen|(?:un poco|algo) más de (?:tiempo|margen)|retrasar el pago|posponer|a plazos|en plazos|plazos|fraccionar|fraccionado|aplazar|aplazamiento|más tiempo|prórroga"
     r"|en (?:dos|tres|varios) pagos|en (?:dos|tres|varias) veces|plan de pagos)\b"),
    ("es_no_podemos", 1.0, r"\bno (?:podemos|podremos|puedo|podré)\s+(?:\S+\s+){0,2}?(?:pagar|abonar|hacer frente)"
     r"|\b(?:no nos es posible|no es posible|nos es imposible|no estamos en condiciones de) (?:pagar|abonar)"
     r"|\b(?:ahora mismo|de momento|por ahora|en este momento) no (?:podemos|puedo)\b|\bno tengo (?:dinero|plata|liquidez)\b"
     r"|\bes que no tengo\b"),
    ("es_dificultades", 1.0, r"\b(?:dificultades (?:económicas|financieras)|problemas de liquidez|concurso de acreedores"
     r"|falta de liquidez|no tenemos liquidez|justos de liquidez|cortos de liquidez)\b"),
    # nl
    ("nl_termijnen", 1.0, r"\b(?:uitstellen|later betalen|opschuiven|termijnen|betalingsregeling|gespreid betalen|uitstel|meer tijd|in (?:twee|drie|delen))\b"),
    ("nl_niet_betalen", 1.0, r"\b(?:kunnen|kan)\s+(?:\S+\s+){0,3}?niet\s+(?:\w+\s+)?(?:betalen|voldoen)\b"),
    ("nl_krap", 1.0, r"\b(?:financieel (?:lastig|moeilijk|krap|zwaar)|lastig voor ons|krap|liquiditeitsproblemen|faillissement|surseance)\b"),
    # pt
    ("pt_prestacoes", 1.0, r"\b(?:prestações|parcelas|parcelar|plano de pagamento|prorrogação|adiar|mais tempo"
     r"|pagamento faseado)\b"),
    ("pt_nao_podemos", 1.0, r"\bnão (?:podemos|conseguimos|consigo|posso)\s+(?:\S+\s+){0,2}?pagar\b"),
    ("pt_dificuldades", 1.0, r"\b(?:dificuldades (?:financeiras|de tesouraria)|insolvência|(?:não temos|sem|falta de) liquidez)\b"),
    # it
    ("it_rate", 1.0, r"\b(?:posticipare|rimandare il pagamento|spostare il pagamento|a rate|in rate|in (?:due|tre|quattro|cinque|sei|più|alcune)(?: o (?:tre|quattro|cinque|sei))? rate|rate mensili|rateizzare|rateizzazione|rateale|dilazione|dilazionare|più tempo|proroga"
     r"|rinviare il pagamento|piano di rientro)\b"),
    ("it_non_possiamo", 1.0, r"\bnon (?:possiamo|riusciamo a|posso|riesco a|ce la (?:facciamo|faccio|faremo) a)\s+(?:\S+\s+){0,2}?"
     r"(?:pagare|saldare)\b"),
    ("now_rest_any", 1.0, r"\b(?:metà (?:adesso|ora|subito)|la mitad ahora|la moitié (?:maintenant|tout de suite|ce mois)"
     r"|die hälfte (?:jetzt|sofort|diesen monat)|de helft nu|metade agora|una parte (?:ahora|adesso|ora|agora)"
     r"|une partie maintenant|einen teil jetzt|een deel nu|uma parte agora)\b"),
    ("it_difficolta", 1.0, r"\b(?:difficoltà (?:finanziarie|economiche|di liquidità)|problemi di liquidità|concordato preventivo"
     r"|in concordato|domanda di concordato|fallimento|periodo (?:difficile|complicato|di difficoltà)|momento difficile"
     r"|attraversando (?:un|una) (?:periodo|fase|momento)"
     r"|non abbiamo liquidità|mancanza di liquidità)\b"),
    ("until_later", 1.0, r"\b(?:give|allow|grant) (?:us|me) (?:until|till|to|through)\b|\b(?:pay|paying|pagar|payer|zahlen"
     r"|betalen|pagare)\s+(?:\S+\s+)?\d[\d,.]*\s*(?:€|eur|\$|£)?\s*(?:a|per|each|every|par|pro|im|al|por|ao|elke)\s+"
     r"(?:month|week|mois|semaine|monat|woche|mes|semana|maand|mês|mese|settimana)\b"),
    ("hardship_any", 1.0, r"\b(?:période (?:difficile|compliquée|délicate)|passe difficile|moment difficile|traversons (?:une|des)"
     r"|difficultés (?:financières|économiques|passagères|de trésorerie)|(?:finanzielle|wirtschaftliche) (?:schwierigkeiten"
     r"|probleme|engpässe)|schwierige (?:zeit|phase|lage)|(?:pasando|atravesando) (?:por )?(?:un|una) (?:mal|mala|momento|etapa"
     r"|situación)|mal momento|situación (?:difícil|complicada)|dificultades (?:económicas|financieras|de tesorería)"
     r"|moeilijke (?:tijd|periode)|financiële (?:problemen|moeilijkheden)|het (?:financieel )?(?:zwaar|moeilijk) hebben"
     r"|(?:a passar|passando) por (?:dificuldades|um momento|uma fase)|momento difícil|fase difícil|dificuldades"
     r" (?:financeiras|económicas|econômicas))\b"),
    ("split_any", 1.0, r"\b(?:en varios meses|en (?:dos|tres|cuatro|varios) meses|en (?:varias )?cuotas|mensualidades"
     r"|en (?:dos|tres|cuatro|varios)(?: o (?:dos|tres|cuatro|cinco))? (?:pagos|plazos|cuotas|veces)|dividir (?:em|en|in)|em (?:duas|três|quatro|várias) vezes|parcelad[oa]|parcelamento|in (?:twee|drie|vier) keer"
     r"|in (?:zwei|drei|vier) (?:teilen|tranchen|schritten)|(?:auf|über) (?:zwei|drei|vier|sechs|\d+|mehrere) monate (?:verteilen|aufteilen|strecken)|en (?:deux|trois|quatre) (?:versements|échéances|paiements))\b"),
    ("part_each_period", 1.0, r"\b(?:a part|part of it|some of it|what we can|une partie|ce que nous pouvons|einen teil|was wir können|una parte|lo que podamos|een deel|wat we kunnen|uma parte|o que pudermos|quello che possiamo|un po')\b[^!?]{0,30}\b(?:(?:each|every|a|per) (?:month|week)|monthly|weekly|chaque (?:mois|semaine)|tous les mois|jeden monat|jede woche|monatlich|wöchentlich|cada (?:mes|semana|mês)|todos los meses|elke (?:maand|week)|maandelijks|wekelijks|todos os meses|mensalmente|ogni (?:mese|settimana)|mensilmente)\b|\b(?:(?:each|every|a|per) (?:month|week)|monthly|weekly|chaque (?:mois|semaine)|tous les mois|jeden monat|jede woche|monatlich|wöchentlich|cada (?:mes|semana|mês)|todos los meses|elke (?:maand|week)|maandelijks|wekelijks|todos os meses|mensalmente|ogni (?:mese|settimana)|mensilmente)\b[^!?]{0,30}\b(?:a part|part of it|some of it|what we can|une partie|ce que nous pouvons|einen teil|was wir können|una parte|lo que podamos|een deel|wat we kunnen|uma parte|o que pudermos|quello che possiamo|un po')\b"),
    ("cannot_pay_future_any", 1.0, r"\b(?:no (?:vamos|voy) a poder (?:pagar|abonar|hacer frente)|no podremos (?:pagar|abonar)"
     r"|(?:nous )?n'allons pas pouvoir (?:payer|régler)|ne pourrons pas (?:payer|régler)|não (?:vamos|vou) (?:conseguir|poder) pagar"
     r"|non (?:riusciremo|potremo) (?:a )?(?:pagare|saldare)|werden (?:\S+\s+){0,3}?nicht (?:zahlen|bezahlen|begleichen) können"
     r"|won'?t be able to (?:pay|settle|clear)|kunnen (?:\S+\s+){0,3}?niet (?:betalen|voldoen)|gaan (?:\S+\s+){0,3}?niet kunnen betalen)"
     r"|\b(?:poco a poco|pouco a pouco|peu à peu|petit à petit|nach und nach|beetje bij beetje|little by little|bit by bit"
     r"|a poco a poco|in kleinen (?:beträgen|raten)|en petites sommes|en pequeñas cantidades|em pequenas quantias"
     r"|in piccole somme)\b"),
    ("waiting_on_customer_any", 1.0, r"\b(?:attendons|attend|warten|erwarten|esperando|esperamos|wachten|aguardamos|à espera"
     r"|aspettando|attendiamo|aspettiamo)\b[^!?]{0,60}\b(?:notre client|nos clients|unseres kunden|unserer kunden"
     r"|unser kunde|nuestro cliente|nuestros clientes|onze klant|onze klanten|nosso cliente|nossos clientes|nostro cliente"
     r"|nostri clienti)\b"),
    ("patience_any", 1.0, r"\b(?:(?:un peu|encore un peu|un poco|um pouco|un po'|ancora un po'|etwas|noch etwas|ein wenig"
     r"|nog (?:even|wat|een beetje)|even) (?:de |di )?(?:patience|geduld|paciencia|paciência|pazienza)|haben sie (?:noch )?"
     r"(?:etwas )?geduld|hold off (?:until|till|on (?:payment|chasing|the reminders)))\b"),
    ("until_request_any", 1.0, r"\b(?:have|give us|give me|geben|dar|darnos|dar-nos|krijgen|concederci|concedere|accorder|accordez"
     r"|gewähren)\b[^!?]{0,30}\b(?:until|till|jusqu'|bis|hasta|tot|até|fino a)|\b(?:until|till|bis|hasta|tot|até|fino a)\b"
     r"[^!?]{0,30}\b(?:zeit geben|geben|krijgen|tempo|de tiempo|de temps)\b"),
    ("more_time_any", 1.0, r"\b(?:(?:estender|prorrogar|alargar|ampliar|extender|prolongar|prolonger|reporter|verlängern|verlengen"
     r"|prorogare|estendere|posticipare|spostare) (?:o |el |le |la |die |de |il )?(?:prazo|plazo|délai|échéance|frist|zahlungsziel"
     r"|termijn|betalingstermijn|scadenza|termine|vencimento|vencimiento)|mais (?:\w+\s+)?(?:tempo|prazo)|prorrogação (?:do|de) prazo|um pouco (?:mais )?de tempo|prazo (?:adicional|maior|extra)"
     r"|plus de temps|un peu de temps|(?:un|d'un|quelques?) (?:petit |court )?délai(?! de \d)|(?:quelques|deux|trois) (?:jours|semaines)"
     r" (?:de plus|supplémentaires)|(?:etwas|noch etwas|noch ein wenig|ein wenig) (?:mehr )?zeit|(?:ein paar|einige|zwei|drei)"
     r" (?:tage|wochen) (?:mehr|länger|aufschub)|más tiempo|algo de tiempo|un poco de tiempo|(?:unos|unas|algunos) (?:días"
     r"|semanas) más|meer tijd|wat (?:meer |extra )?tijd|wat langer|(?:een paar|enkele) (?:dagen|weken) (?:extra|langer"
     r"|uitstel)|più tempo|(?:un po'|ancora un po'|un altro po') di tempo|qualche (?:giorno|settimana) in più"
     r"|a little (?:more )?time|some (?:more|extra) time|a bit more time)\b"),
    ("when_we_can_any", 1.0, r"\b(?:dès que (?:nous (?:le )?pourrons|nous pouvons|on pourra|notre trésorerie)|sobald (?:wir|es)"
     r" (?:können|kann|wieder|möglich|geht)|en cuanto (?:podamos|pueda|tengamos)|tan pronto como (?:podamos|tengamos)"
     r"|cuando podamos|zodra (?:we|wij|ik) (?:kunnen|kan|weer)|wanneer (?:we|wij) kunnen|assim que (?:pudermos|puder"
     r"|tivermos)|logo que (?:pudermos|tivermos)|quando pudermos|(?:non )?appena (?:possiamo|potremo|riusciamo|avremo)"
     r"|quando potremo)\b"),
    ("not_in_position_any", 1.0, r"\b(?:ne sommes pas en mesure|pas en mesure de (?:payer|régler)|sind (?:derzeit |momentan"
     r" |aktuell |zurzeit )?nicht in der lage|momentan (?:nicht|kein geld)|no estamos en condiciones|niet in staat (?:om )?"
     r"(?:te )?(?:betalen|voldoen)|não temos condições|não estamos em condições|non siamo in grado di (?:pagare|saldare)"
     r"|non abbiamo (?:i )?fondi)\b"),
)

# --- redirect: wrong person, write to someone else ----------------------------------------------

REDIRECT = cues(
    # this mailbox is not read; the rule needs another address in this or the next sentence.
    ("unmonitored_mailbox_any", 1.0, r"\b(?:(?:mailbox|inbox|address|e-?mail) is (?:not monitored|unmonitored|no longer"
     r" (?:monitored|in use|used|read)|not read)|(?:postfach|adresse) wird nicht (?:mehr )?(?:überwacht|gelesen|genutzt)"
     r"|(?:boîte|adresse) n'est (?:pas|plus) (?:surveillée|consultée|lue)|(?:buzón|dirección) no (?:se )?(?:revisa|monitoriza|lee)"
     r"|(?:mailbox|adres) wordt niet (?:meer )?(?:gelezen|gecontroleerd|bewaakt)|(?:caixa|endereço) não é (?:monitorizad|lid)[oa]"
     r"|(?:casella|indirizzo) non (?:è )?(?:monitorat|presidiat|lett)[oa])\b"),
    ("wrong_person", 1.0, r"\b(?:wrong (?:person|contact|address|email|department|company|recipient|guy|gal|man|woman|one|team"
     r"|inbox|mailbox)"
     r"|(?:i'm|i am|we're|we are) not (?:responsible|in charge|the ones)|not (?:my|our) (?:responsibility|department|area)"
     r"|i (?:don'?t|do not) (?:handle|deal with|look after|manage) (?:the )?(?:payments|invoices|billing|accounts)|not the (?:right"
     r"|correct|appropriate) (?:person|contact|address|department)|not me\b|not my (?:department|area)"
     r"|i(?:'m| am) (?:just|only) the|i only (?:look after|handle|do)|i don'?t (?:handle|deal with|look after)"
     r"|no longer (?:handle|work|with|responsible|in charge|at|deal)|(?:have|has) left (?:the (?:company|business|firm|practice|organi[sz]ation))"
     r"|i left (?!a |an |you |it |them |the (?:message|voicemail|note))|sold (?:the|our|my) (?:business|company|store|shop)|new owner|retired)\b"),
    ("send_to", 1.0, r"\b(?:send|direct|forward|address|submit|email|e-mail|write|contact|reach out to|try|route"
     r"|redirect|cc|use|you want|you need|you're looking for|you are looking for)\b[^!?]{0,80}@"),
    ("documents_go_to", 1.0, r"\b(?:invoices|bills|statements|reminders|correspondence|billing|these|all (?:invoices|billing)"
     r"|(?:billing|invoice|invoicing|payment|account|accounts) (?:questions|queries|matters|issues)|questions|queries)\s+"
     r"(?:go|goes|should go|need to go|must go|are handled|are processed)\s+(?:\S+\s+){0,2}?(?:to|at|via)\b[^!?]{0,60}@"),
    ("should_go_to", 1.0, r"\b(?:should|must|need to|needs to|have to|has to|can)\s+(?:now\s+|from now on\s+|in future\s+)?"
     r"(?:go|be sent|be addressed|be emailed|be directed|be forwarded|be submitted)\s+to\b[^!?]{0,60}@"),
    ("handler_with_address", 1.0, r"\b(?:handles|handling|looks after|looking after|is responsible for|takes care of|deals with"
     r"|in charge of)\b[^!?]{0,60}@"),
    # "our AP team is at ap@...", "accounts can be reached at ...": a named team and its address
    ("team_is_at", 1.0, r"\b(?:team|department|dept|desk|office|colleagues?|payables|accounts|finance|accounting|ap|bookkeeper"
     r"|accountant|controller)\s+(?:is|are|can be reached|can be contacted|is reachable|sits)\s+(?:at|on|via)\s+[^\s@]+@"
     r"|\b(?:ap|a/p|accounts payable|payables|billing|invoicing)\s+(?:is|=|:|email is|address is|mailbox is)\s+[^\s@]+@"),
    ("handled_by", 1.0, r"\b(?:dealt with|handled|looked after|managed|processed|taken care of) by (?:our|the|my) (?:\S+\s+)?"
     r"(?:head office|accounts|finance|ap|accounting|bookkeeper|accountant|parent|payables|office manager|colleague)"),
    ("handles", 0.8, r"\b(?:handles|looks after|is responsible for|takes care of|deals with|goes through|go through)\b"
     r"[^!?]{0,40}\b(?:bills|billing|payments|invoices|accounts|payables|finance|vendor)"),
    ("contact_person", 0.8, r"\b(?:please (?:contact|call|speak to|talk to|reach)|contact (?:our|my|the))\b"),
    # fr
    ("fr_pas_bonne_personne", 1.0, r"\b(?:pas la bonne personne|pas le bon interlocuteur|pas le bon contact|je ne m'occupe"
     r" pas|ne suis pas en charge|n'est plus (?:chez|dans|en charge)|ne fait plus partie|pas concerné)\b"),
    ("fr_adresser", 1.0, r"\b(?:adress\w*|envoy\w*|transm\w*|contact\w*|écri\w*)\b[^!?]{0,80}@|\bmerci d'adresser\b"),
    # de
    ("de_nicht_zustaendig", 1.0, r"\b(?:nicht (?:zuständig|der richtige|die richtige|die richtigen)|falsche(?:r|n)? "
     r"(?:ansprechpartner|adresse|empfänger)|nicht mehr (?:im unternehmen|bei uns|zuständig|für))\b"),
    ("de_bitte_an", 1.0, r"\b(?:bitte|künftig|ab sofort|zukünftig)\b[^!?]{0,60}\ban\s+\S+@"),
    ("de_wenden_an", 1.0, r"\b(?:wenden sie sich|senden sie|schicken sie|richten sie)\b[^!?]{0,80}(?:@|an\b)"),
    # es
    ("es_no_soy", 1.0, r"\b(?:no soy la persona|no me encargo|no llevo|ya no trabaja|no es la dirección|persona"
     r" equivocada|no es mi departamento)\b"),
    ("es_dirigirse", 1.0, r"\b(?:dirí\w*|dirig\w*|dirij\w*|envi\w*|enví\w*|mand\w*|escrib\w*|contact\w*|remit\w*)\b[^!?]{0,80}@"),
    # nl
    ("nl_niet_juiste", 1.0, r"\b(?:niet de juiste (?:persoon|contactpersoon)|verkeerde (?:persoon|adres)|werkt hier niet"
     r" meer|niet (?:meer )?verantwoordelijk)\b"),
    ("nl_graag_naar", 1.0, r"\b(?:graag|voortaan|svp|gelieve)\b[^!?]{0,60}\bnaar\s+\S+@"),
    ("nl_sturen_naar", 1.0, r"\b(?:sturen|versturen|mailen|richten|zenden|stuur|verstuur|mail|richt|zend)\b[^!?]{0,20}\bnaar\b[^!?]{0,60}@"
     r"|\bnaar\s+\S+@\S+\s+(?:\S+\s+){0,2}?(?:sturen|versturen|mailen|zenden)\b"),
    # pt
    ("pt_nao_sou", 1.0, r"\b(?:não sou eu (?:que|quem)|não sou a pessoa|não trato|já não trabalha|pessoa errada)\b"),
    ("pt_enviar_para", 1.0, r"\b(?:envi\w*|mand\w*|remet\w*|contact\w*|escrev\w*|dirig\w*|fal(?:e|em|ar) com)\b"
     r"[^!?]{0,60}@"),
    # it
    ("it_non_sono", 1.0, r"\b(?:non sono la persona|non mi occupo|non lavora più|persona sbagliata)\b"),
    ("handler_address_any", 1.0, r"\b(?:zuständig|s'occupe|se encarga|se ocupa|verantwoordelijk|responsável|si occupa"
     r"|responsabile|competente)\b[^!?]{0,60}@|@[^!?]{0,60}\b(?:zuständig|s'occupe|se encarga|se ocupa|verantwoordelijk"
     r"|responsável|si occupa|responsabile|competente)\b"),
    ("cc_handler_any", 1.0, r"\b(?:copied in|cc'?d|cc'ing|in cc|in copy|en copie|mets en copie|met en copie|in kopie|in de cc"
     r"|in cc gezet|en copia|pongo en copia|em cópia|coloco em cópia|in copia|metto in copia)\b[^!?]{0,80}\b(?:looks after"
     r"|handles|handle|look after|deal with|deals with|take care of|takes care of|manage|manages|is responsible|are responsible|gère|s'occupe|est en charge|kümmert sich|zuständig|erledigt|lleva"
     r"|se encarga|gestiona|se ocupa|regelt|verzorgt|doet|behandelt|trata|gere|cuida|si occupa|gestisce|segue)\b"),
    ("wrong_address_any", 1.0, r"\b(?:trompés? d'adresse|mauvaise adresse|mauvais destinataire|pas le bon destinataire"
     r"|dirección equivocada|destinatario equivocado|se han equivocado de (?:dirección|destinatario|empresa)|endereço errado"
     r"|destinatário errado|indirizzo sbagliato|destinatario sbagliato|falsche(?:r|n)? (?:firma|empfänger)|verkeerde ontvanger"
     r"|sent (?:this|it) to the wrong|wrong (?:company|business))\b"),
    ("external_handler_any", 1.0, r"\b(?:our|notre|unser|unsere|nuestra|nuestro|ons|onze|o nosso|a nossa|nosso|nossa|il nostro|la nostra)\s+(?:\w+\s+)?(?:accountants?|bookkeepers?|accounting firm|comptable|cabinet comptable|expert-comptable|steuerbüro|steuerberater(?:in)?|buchhalter(?:in)?|gestoría|asesoría|contable|boekhouder|administratiekantoor|accountantskantoor|contabilista|contador|commercialista)\b[^!?]{0,40}\b(?:handles|looks after|deals with|takes care of|gère|s'en occupe|macht|erledigt|kümmert sich|lleva|se encarga|gestiona|doet|regelt|é com|trata|cuida|se ne occupa|si occupa|gestisce)\b|\b(?:handles|looks after|deals with|takes care of|gère|s'en occupe|macht|erledigt|kümmert sich|lleva|se encarga|gestiona|doet|regelt|é com|trata|cuida|se ne occupa|si occupa|gestisce)\b[^!?]{0,40}\b(?:our|notre|unser|unsere|nuestra|nuestro|ons|onze|o nosso|a nossa|nosso|nossa|il nostro|la nostra)\s+(?:\w+\s+)?(?:accountants?|bookkeepers?|accounting firm|comptable|cabinet comptable|expert-comptable|steuerbüro|steuerberater(?:in)?|buchhalter(?:in)?|gestoría|asesoría|contable|boekhouder|administratiekantoor|accountantskantoor|contabilista|contador|commercialista)\b"),
    # "write to / send to" in the imperative, any language, with an address right after
    ("write_to_any", 1.0, r"\b(?:écrivez|écrire|adressez|envoyez|schreiben sie|senden sie|wenden sie sich|escriba|escriban|escríbanos"
     r"|envíen|envíe|diríjase|schrijf|mail|stuur|escrevam|escreva|enviem|envie|scrivete|scriva|inviate|invii|mandate)\b"
     r"[^!?@]{0,30}[\w.+-]+@"),
    ("it_inviare_a", 1.0, r"\b(?:invi\w*|mand\w*|contatt\w*|rivolg\w*|scriv\w*|indirizz\w*)\b[^!?]{0,60}@"),
    ("no_longer_any", 1.0, r"\b(?:ne (?:suis|sommes) plus (?:en charge|responsable)|ne m'occupe plus|ne travaille plus"
     r"|n'y travaille plus|bin nicht mehr|arbeite nicht mehr|nicht mehr (?:in der firma|im haus|tätig)|ya no (?:me encargo|soy"
     r" (?:el|la) responsable|soy responsable|trabajo|llevo)|werk (?:hier )?niet meer|ben niet meer (?:verantwoordelijk|werkzaam)"
     r"|já não (?:sou responsável|trabalho|trato)|deixei a empresa|non (?:sono|siamo) più (?:responsabil[ei]|il referente"
     r"|la referente)|non lavoro più|non mi occupo più|ho lasciato l'azienda|j'ai quitté|habe (?:das unternehmen|die firma)"
     r" verlassen|dejé la empresa|ik ben vertrokken|heb het bedrijf verlaten)\b"),
)

#: "wrong" is a complaint about a bill only near billing words ("the error happens in the app" is not).
BILLING_CONTEXT = re.compile(
    r"\b(?:invoice|bill|billed|billing|charge|charged|price|pricing|amount|total|quantity|qty|rate|fee|vat|tax|notice"
    r"|statement|reminder|balance|order|item|items|goods|product|products|delivery|delivered|shipped|sent|size|colou?r"
    r"|model|hours|units|seats|licen[cs]es|credit|discount|figure|sum|account|raised|po|contract|quote)\b"
    r"|[$€£]\s?\d", re.IGNORECASE)

#: a document, not goods: "the invoice never arrived" asks for a copy, it contests nothing.
DOCUMENT_WORDS = re.compile(
    r"\b(?:delivery note|packing slip|lieferschein|bon de livraison|albarán|pakbon|guia de remessa|ddt|invoices?|bill|statement"
    r"|copy|original|e-?mail|pdf|link|attachment|letter|reminder|rechnung(?:en)?|kopie"
    r"|original|mahnung|factures?|copie|relevé|courrier|facturas?|copia|extracto|factuur|facturen|kopie|aanmaning"
    r"|faturas?|cópia|fattur[ae]|copia|sollecito|rechnungskopien?|unterlagen|belege)\b", re.IGNORECASE)

#: a "remittance" that is only a link to view a shared document: the classic thread-hijack lure.
LINK_LURE = re.compile(
    r"\b(?:view (?:the )?document|shared (?:with you )?via (?:onedrive|sharepoint|dropbox|google drive|docusign|wetransfer)"
    r"|click (?:here|below|the link) to (?:view|access|open|download)|link will expire|access (?:the )?document"
    r"|secure document|review (?:the )?document online)\b", re.IGNORECASE)

#: "forwarded it to accounts" (done, not a redirect); "do not send invoices to this address" in
#: an AP footer is boilerplate.
REDIRECT_BLOCKERS = re.compile(
    r"\b(?:forwarded|passed (?:it|this|that|your e-?mail)(?: on)?(?: to)?|handed (?:it|this) (?:over )?to|transmis"
    r"|weitergeleitet|doorgestuurd|reenviado|encaminhado|inoltrato"
    r"|je transmets|ich leite)\b", re.IGNORECASE)

#: what paying is about, as a noun: a clitic commitment ("il bonifico lo facciamo lunedì") or a
#: "not done" ("le virement n'a pas été effectué") refers to the payment only near one of these.
PAYMENT_NOUN = re.compile(
    r"\b(?:payments?|transfer|wire|cheque|check|remittance|ach|bacs|sepa|paiement|règlement|virement|chèque"
    r"|versement|zahlung|überweisung|pago|transferencia|ingreso|abono|bizum|betaling|overboeking|overschrijving"
    r"|pagamento|transferência|pix|boleto|bonifico|versamento|saldo)\b", re.IGNORECASE)

#: "delivered 8, billed 10": a quantity delivered or done set against a quantity billed.
DELIVERED_WORDS = re.compile(
    r"\b(?:delivered|received|shipped|supplied|worked|used|stayed|logged|recorded|spent|on site|vor ort|sur place|en obra|ter plaatse|em obra|in loco|geliefert|erhalten|bekommen|erbracht|gearbeitet|livrée?s?"
    r"|reçue?s?|effectuée?s?|entregad[oa]s?|recibid[oa]s?|servid[oa]s?|trabajad[oa]s?|geleverd|ontvangen|gewerkt"
    r"|entregues?|recebid[oa]s?|trabalhad[oa]s?|consegnat[oaie]|ricevut[oaie]|lavorat[oaie])\b", re.IGNORECASE)
BILLED_WORDS = re.compile(
    r"\b(?:on the invoice|auf der rechnung|sur la facture|en la factura|op de factuur|na fatura|in fattura|nella fattura"
    r"|invoice (?:lists|shows|states|says)|rechnung (?:weist|zeigt|nennt)|facture (?:indique|mentionne)"
    r"|factura (?:indica|refleja)|factuur (?:vermeldt|toont)|fatura (?:indica|mostra)|fattura (?:indica|riporta)"
    r"|billed|invoiced|charged|berechnet|fakturiert|abgerechnet|in rechnung gestellt"
    r"|(?:été|est|sont|avez|avons|a|ont|nous a|nous avez) (?:facturée?s?|comptée?s?)"
    r"|facturad[oa]s?|cobrad[oa]s?|gefactureerd|berekend|aangerekend|gefactureerd|faturad[oa]s?|cobrad[oa]s?"
    r"|fatturat[oaie]|addebitat[oaie])\b", re.IGNORECASE)
QUANTITY = re.compile(r"(?<![\d.,/\-])(?<![€$£] )(?<![€$£])\d{1,5}(?!\d)(?![\d.,]*\s?(?:€|eur|usd|chf|gbp|\$|£))(?![/\-]\d)|\b(?:one|two|three|four|five|six|seven"
                      r"|eight|nine|ten|twelve|zwei|drei|vier|fünf|sechs|acht|zehn|zwölf|deux|trois|quatre|cinq|dix"
                      r"|douze|dos|tres|cuatro|cinco|seis|diez|doce|twee|drie|vijf|zes|tien|twaalf|duas|quatro"
                      r"|dez|doze|due|tre|quattro|cinque|sei|dieci|dodici)\b", re.IGNORECASE)


# Every modifier is matched on folded text too ("nao", "sera", "verra", "gia").
FUTURE = FoldedPattern(FUTURE)  # type: ignore[assignment]
NEGATION = FoldedPattern(NEGATION)  # type: ignore[assignment]
REQUEST = FoldedPattern(REQUEST)  # type: ignore[assignment]
CONDITIONAL = FoldedPattern(CONDITIONAL)  # type: ignore[assignment]
HEDGE = FoldedPattern(HEDGE)  # type: ignore[assignment]
MONEY_OBJECT = FoldedPattern(MONEY_OBJECT)  # type: ignore[assignment]
PAST_TIME = FoldedPattern(PAST_TIME)  # type: ignore[assignment]
BILLING_CONTEXT = FoldedPattern(BILLING_CONTEXT)  # type: ignore[assignment]
DOCUMENT_WORDS = FoldedPattern(DOCUMENT_WORDS)  # type: ignore[assignment]
LINK_LURE = FoldedPattern(LINK_LURE)  # type: ignore[assignment]
REDIRECT_BLOCKERS = FoldedPattern(REDIRECT_BLOCKERS)  # type: ignore[assignment]
PAYMENT_NOUN = FoldedPattern(PAYMENT_NOUN)  # type: ignore[assignment]
DELIVERED_WORDS = FoldedPattern(DELIVERED_WORDS)  # type: ignore[assignment]
BILLED_WORDS = FoldedPattern(BILLED_WORDS)  # type: ignore[assignment]
QUANTITY = FoldedPattern(QUANTITY)  # type: ignore[assignment]

#: an identifier printed on the invoice (PO, order or project number, tax ID): "the PO number is
#: missing", "o NIF está errado" ask for a corrected copy, they do not contest the charge.
REFERENCE_FIELD = FoldedPattern(re.compile(
    r"\b(?:po|p\.o\.|purchase order|(?:order|po|project|reference|ref|vat|tax|company|registration|supplier|vendor"
    r"|cost cent(?:er|re)) (?:number|no\.?|ref|id|code)|iban|bic|swift|bank account|account number|cuenta bancaria"
    r"|num[ée]ro de compte|coordonnées bancaires|kontonummer|bankverbindung|rekeningnummer|conta bancária|conto corrente|cost cent(?:er|re)|tax id|vat id|ein|tin|nif|cif|nie|cnpj|cpf|siret"
    r"|siren|cuit|cuil|rut|rfc|nit|gstin|gst(?:in)? (?:number|no)|abn|pan|tva intracom\w*|num[ée]ro de (?:tva|commande|bon de commande|siret|projet)|n° de (?:tva|commande)"
    r"|bon de commande|ust-?id\w*|umsatzsteuer-?id\w*|steuernummer|bestellnummer|bestell-nr\.?|kostenstelle"
    r"|projektnummer|auftragsnummer|n[úu]mero de (?:pedido|orden|encomenda|proyecto|projeto|contribuinte|identificaci[óo]n fiscal)"
    r"|orden de compra|ordem de compra|nota de encomenda|inkoopordernummer|inkoopnummer|ordernummer|bestelnummer"
    r"|projectnummer|btw-?nummer|kvk(?:-nummer)?|partita iva|p\.\s?iva|codice fiscale|numero d'ordine|numero (?:di )?ordine"
    r"|ordine d'acquisto|codice destinatario|cup|cig)\b", re.IGNORECASE))

#: a technical fault, not a billing one: "the payment link gives me an error", "sesión caducada"
TECH_WORDS = FoldedPattern(re.compile(
    r"\b(?:link|enlace|lien|portal|portail|website|web ?site|site|página|pagina|app|login|log in|session|sesión|sessão"
    r"|sessione|sitzung|password|contraseña|mot de passe|passwort|wachtwoord|senha|browser|navegador|navigateur|pdf"
    r"|attachment|anhang|pièce jointe|adjunto|bijlage|anexo|allegato|server|servidor|serveur)\b", re.IGNORECASE))

#: "luckily no harm done": damage mentioned, then waved away
NO_HARM = FoldedPattern(re.compile(
    r"\b(?:no harm|no damage|nothing (?:was )?damaged|luckily|fortunately|zum glück|glücklicherweise|kein schaden"
    r"|heureusement|aucun dégât|por suerte|afortunadamente|sin daños|gelukkig|geen schade|felizmente|sem danos"
    r"|per fortuna|fortunatamente|nessun danno)\b", re.IGNORECASE))

#: "before you think we won't pay": a refusal the writer puts in the reader's mind, then denies
REPORTED_THOUGHT = FoldedPattern(re.compile(
    r"\b(?:think|thinking|assume|imagine|denken|glauben|meinen|pensez|pensiez|croyez|imaginez|piensen|pienses|crean"
    r"|creáis|denk|denkt|pensem|pense|achem|pensiate|pensate|crediate)\b", re.IGNORECASE))

#: what makes a contested line about money after all ("the PO price is wrong").
AMOUNT_WORDS = FoldedPattern(re.compile(
    r"\b(?:price|prices|amount|total|rate|charge|charged|quantity|prix|montant|tarif|quantité|preis|betrag|summe|menge"
    r"|precio|importe|cantidad|prijs|bedrag|aantal|preço|valor|quantidade|prezzo|importo|quantità|frete|freight|shipping"
    r"|fracht|port|porte|spedizione|verzendkosten|discount|remise|rabatt|descuento|korting|desconto|sconto)\b", re.IGNORECASE))

#: goods or work, as opposed to a document: "the goods on invoice 4410 never arrived" is a dispute.
GOODS_WORDS = FoldedPattern(re.compile(
    r"\b(?:goods|merchandise|items|parts|delivery|order|shipment|pallets?|stock|products?|ware|waren|lieferung|teile"
    r"|marchandises?|livraison|commande|produits|articles|pièces|colis|mercancía|pedido|material|género|goederen|levering"
    r"|bestelling|onderdelen|mercadoria|encomenda|merce|consegna|ordine|materiale|bancali)\b", re.IGNORECASE))
