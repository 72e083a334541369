"""Invoice references in the customer's own text.

Order of evidence (first wins for each span of text):

1. the thread's known invoices, written exactly or with separators dropped or changed
   ("CP24555" and "cp 24555" for "CP-24555");
2. shortened forms of a known invoice: its trailing number group when that group is unique
   among the thread's invoices and at least four digits long ("4502" or "#4502" for
   "INV-2026-4502");
3. by pattern: a token with the same shape as the thread's invoice numbers (same letters, same
   separators, same digit counts: "FV26/00448" next to known "FV26/00455"), or a token
   introduced by an invoice word ("invoice", "facture", "Rechnung", "factura", "factuur",
   "fatura", "fattura" ... with "no."/"nr."/"n°"/"#").

Never returned: numbers introduced by another document's word (PO, order, RMA/RA, lot, ticket,
case, cheque/check, receipt, trace, confirmation, quote, credit note, delivery note, VAT,
licence, registration, phone) and things that are dates, amounts or phone numbers.
"""

from __future__ import annotations

import re
from functools import lru_cache

__all__ = ["find_invoice_refs", "normalise_ref"]

_MAX_CHARS = 20_000

_NOT_INVOICE_WORDS = (
    r"p\.?\s?o\.?|purchase\s+order|order|orders|bestellung|bestell(?:nummer|nr\.?)|auftrag|pedido|bestelling"
    r"|ordine|encomenda|commande|bon\s+de\s+commande|rma|ra|return|lot|batch|ticket|case|request|req"
    r"|cheque|check|chq|ck|receipt|trace|confirmation|conf|ref(?:erence)?(?=\s*[:#]?\s*[a-z]{2,}-)"
    r"|quote|quotation|devis|angebot|presupuesto|offerte|orçamento|preventivo|credit\s+note|avoir"
    r"|gutschrift|abono|creditnota|nota\s+de\s+crédito|nota\s+di\s+credito|delivery\s+note|lieferschein"
    r"|bon\s+de\s+livraison|albarán|albaran|pakbon|vat|tva|ust-?id|btw|iva|nif|cif|licen[cs]e|lic"
    r"|reg(?:istration)?|hrb|hra|kvk|siret|abn|tel|phone|fax|mobile|ext|account|acct|konto|iban|sort\s+code"
    r"|routing|transit|suite|unit|slip|apt|box|payment\s+(?:number|no|ref)|vendor|supplier|customer|client"
    r"|kunde|kundennummer|member|policy|claim|job|project|tracking|awb|container|serial|model|part|sku|item"
)
_NOT_INVOICE_BEFORE = re.compile(r"(?:" + _NOT_INVOICE_WORDS + r")\.?\s*(?:no\.?|nr\.?|n°|#|number|num\.?|:)?\s*#?\s*$",
                                 re.IGNORECASE)
_INVOICE_WORDS = (r"invoices?|inv|factures?|rechnung(?:en)?|rechnungsnummer|re\.?-?nr|facturas?|factuur|facturen"
                  r"|faturas?|fattur[ae]|nota|bill")
_INVOICE_INTRO = re.compile(
    r"\b(?:" + _INVOICE_WORDS + r")\.?\s*(?:no\.?|nr\.?|n\.?\s?°|n\.?\s?º|nro\.?|núm\.?|num\.?|número|numero|number|#|:)?"
    r"\s*#?\s*"
    r"(?P<ref>[A-Z]{0,6}[-/ ]?\d[\w/\-.]*\d|\d{3,})", re.IGNORECASE)
_TOKEN = re.compile(r"(?<![\w/\-])#?(?P<tok>[A-Za-z]{0,8}[-/_. ]?\d[\w/\-.]*\d|\d{3,})(?![\w/\-]|\.\d)")


def normalise_ref(ref: str) -> str:
    """Comparison key of an invoice number: letters and digits only, upper case."""
    return re.sub(r"[^0-9A-Za-z]", "", ref).upper()


def _shape(ref: str) -> str:
    return re.sub(r"\d", "9", ref.upper())


#: an invoice word shortly before a number: "invoice nos. 1902 and 1915", "Rechnungen 2019, 2020"
_NAMED_BEFORE = re.compile(r"\b(?:invoices?|inv|bills?|nos?|n°|nr|factures?|rechnung(?:en)?|facturas?|facturen|factuur"
                           r"|faturas?|fatture|fattura)(?:\.|\b)[^.\n]{0,22}$", re.IGNORECASE)


def _is_excluded(text: str, start: int) -> bool:
    window = text[max(0, start - 40):start]
    return bool(_NOT_INVOICE_BEFORE.search(window))


@lru_cache(maxsize=4096)
def _known_pattern(invoice: str) -> re.Pattern[str]:
    parts = re.findall(r"[A-Za-z]+|\d+", invoice)
    body = r"[\s\-/_.]?".join(re.escape(p) for p in parts)
    return re.compile(r"(?<![\w])#?" + body + r"(?![\w])", re.IGNORECASE)


@lru_cache(maxsize=4096)
def _tail_pattern(tail: str) -> re.Pattern[str]:
    return re.compile(r"(?<![\w\-/.,])#?" + re.escape(tail) + r"(?![\w\-/]|[.,]\d)")


def _short_forms(known: tuple[str, ...]) -> dict[str, str]:
    """Trailing digit group -> invoice, for groups that are unique and long enough."""
    tails: dict[str, list[str]] = {}
    for invoice in known:
        groups = re.findall(r"\d+", invoice)
        if len(groups) >= 1 and normalise_ref(invoice) != groups[-1]:
            tail = groups[-1]
            if len(tail) >= 4:
                tails.setdefault(tail, []).append(invoice)
                stripped = tail.lstrip("0")
                if len(stripped) >= 3 and stripped != tail:
                    tails.setdefault(stripped, []).append(invoice)
    return {tail: invs[0] for tail, invs in tails.items() if len(set(invs)) == 1}


def _looks_like_other_number(text: str, start: int, end: int, token: str) -> bool:
    if re.fullmatch(r"(19|20)\d\d", token):
        return True  # a year
    after = text[end:end + 3]
    before = text[max(0, start - 2):start]
    if re.match(r"\s?(?:€|eur|usd|gbp|%|\$)", after, re.IGNORECASE) or re.search(r"[$€£]\s?$", before):
        return True  # an amount
    # part of a phone number or a longer digit run
    return bool(re.match(r"[ .\-]\d{3,4}\b", text[end:end + 6]) or re.search(r"\d[ .\-]$", text[max(0, start - 2):start]))


#: "the 8040 one", "La 312 l'ho pagata": a short number after an article, standing for the known
#: invoice it ends. Only read when the thread's invoices are known and the ending is unique.
_SUFFIX_REF = re.compile(
    r"(?:^|(?<=[\s(]))(?:the|la|le|die|der|el|de|het|il|a|o|#)\s+#?(?P<num>\d{3,6})(?=\s*(?:[.,;:!?)]|$)|\s+(?:one|invoice"
    r"|is|was|has|facture|est|a été|rechnung|ist|wurde|factura|es|fue|factuur|werd|fatura|foi|é|fattura|è|l'ho|l'abbiamo"
    r"|la|lo|le|les|wir|we|on|nous|ya|já|già|no|non|not|nicht|niet|não|pas)\b)", re.IGNORECASE | re.MULTILINE)


def _unique_suffix(num: str, known: tuple[str, ...]) -> str | None:
    """The one known invoice whose digits end with ``num`` (and are longer), else None."""
    found = {inv for inv in known if (digits := "".join(re.findall(r"\d+", inv))).endswith(num) and digits != num}
    return found.pop() if len(found) == 1 else None


def find_invoice_refs(text: str, known: tuple[str, ...] = ()) -> tuple[str, ...]:
    """Invoice numbers ``text`` refers to, in text order, known invoices in their canonical form.

    Pure and bounded; never raises on any string.
    """
    text = text[:_MAX_CHARS]
    hits: list[tuple[int, int, str]] = []

    def free(a: int, b: int) -> bool:
        return not any(a < y and x < b for x, y, _ in hits)

    for invoice in known:
        key = normalise_ref(invoice)
        if not key:
            continue
        for m in _known_pattern(invoice).finditer(text):
            if not free(*m.span()):
                continue
            if key.isdigit() and (_is_excluded(text, m.start()) or text[m.end():m.end() + 2][:1] in (".", ",")
                                  and text[m.end() + 1:m.end() + 2].isdigit()
                                  or _looks_like_other_number(text, m.start(), m.end(), key)):
                continue  # a bare number that is a phone extension, an amount, a PO ...
            hits.append((m.start(), m.end(), invoice))
    for tail, invoice in _short_forms(known).items():
        for m in _tail_pattern(tail).finditer(text):
            if not free(*m.span()) or _is_excluded(text, m.start()):
                continue
            named = bool(_NAMED_BEFORE.search(text[max(0, m.start() - 30):m.start()]))
            # "invoice nos. 1902 and 1915": a known invoice's ending, named as one, is not a year
            if named and not _looks_like_other_number(text, m.start(), m.end(), "0") \
                    or not _looks_like_other_number(text, m.start(), m.end(), tail):
                hits.append((m.start(), m.end(), invoice))
    for m in _SUFFIX_REF.finditer(text):
        ends = _unique_suffix(m["num"], known)
        if ends and free(m.start("num"), m.end("num")) and not _is_excluded(text, m.start("num")) \
                and not _looks_like_other_number(text, m.start("num"), m.end("num"), m["num"]):
            hits.append((m.start("num"), m.end("num"), ends))
    shapes = {_shape(inv): inv for inv in known}
    prefixes = {re.match(r"[A-Za-z]*", inv).group(0).upper() for inv in known}  # type: ignore[union-attr]
    for m in _TOKEN.finditer(text):
        tok = m["tok"]
        a, b = m.start("tok"), m.end("tok")
        if not free(a, b) or _is_excluded(text, m.start()):
            continue
        if _shape(tok) in shapes and re.match(r"[A-Za-z]*", tok).group(0).upper() in prefixes:  # type: ignore[union-attr]
            all_digits = tok.isdigit()
            hashed = text[max(0, m.start()):a].endswith("#")
            intro = _INVOICE_INTRO.search(text[max(0, a - 30):b])
            if all_digits and not (hashed or intro):
                continue
            if _looks_like_other_number(text, a, b, tok):
                continue
            hits.append((a, b, tok))
    for m in _INVOICE_INTRO.finditer(text):
        ref = m["ref"].strip(" .-/")
        a, b = m.start("ref"), m.end("ref")
        if free(a, b) and re.search(r"\d{3,}", ref) and not _looks_like_other_number(text, a, b, ref):
            hits.append((a, b, ref))
    hits.sort()
    out: list[str] = []
    seen: set[str] = set()
    for _, _, ref in hits:
        key = normalise_ref(ref)
        if key and key not in seen:
            seen.add(key)
            out.append(ref)
    return tuple(out)
