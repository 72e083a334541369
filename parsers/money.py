"""Money amounts as customers write them: "1.250,00 €", "1 250,00 EUR", "$1,250", "£500", "CHF 1'250.50".

``find_amounts(text)`` returns every amount with its currency (ISO 4217, or ``None`` when the text
gives no symbol or code), as a :class:`decimal.Decimal` -- never a float. Which amount matters
(committed, reported paid, proposed instalment) is decided by the caller from the sentence the
amount sits in. Separators follow the usual conventions: the last of ``.``/``,`` followed by one
or two digits is the decimal mark; a lone separator followed by exactly three digits groups
thousands; spaces, no-break spaces and apostrophes group thousands.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

__all__ = ["MoneyMention", "find_amounts", "find_bare_amounts", "parse_number"]

_MAX_CHARS = 20_000


@dataclass(frozen=True, slots=True)
class MoneyMention:
    amount: Decimal
    currency: str | None
    start: int
    end: int
    text: str
    dollar_sign: bool = False  # "$" without a country prefix: the caller may know which dollar


_SYMBOLS: dict[str, str] = {
    "€": "EUR", "£": "GBP", "us$": "USD", "usd$": "USD", "ca$": "CAD", "c$": "CAD", "cad$": "CAD",
    "a$": "AUD", "au$": "AUD", "aud$": "AUD", "nz$": "NZD", "$": "USD", "¥": "JPY", "r$": "BRL",
    "chf": "CHF", "fr.": "CHF", "sfr": "CHF", "kr": "SEK", "₹": "INR", "rs.": "INR", "rs": "INR",
}
_CODES = ("EUR", "USD", "GBP", "CAD", "AUD", "NZD", "CHF", "JPY", "SEK", "NOK", "DKK", "PLN", "CZK",
          "BRL", "MXN", "ZAR", "INR", "SGD", "HKD")
_WORDS: dict[str, str] = {
    "euro": "EUR", "euros": "EUR", "eur": "EUR", "dollars": "USD", "dollar": "USD", "pounds": "GBP",
    "pound": "GBP", "livres": "GBP", "dólares": "USD", "dollari": "USD", "sterling": "GBP",
}

# Indian grouping ("1,84,500/-", "1,35,710.40") first: lakh and crore groups of two digits
_NUM = (r"(?P<num>\d{1,2}(?:,\d{2})+,\d{3}(?:\.\d{1,2}|/-)?|\d{1,3}(?:[ \u00a0\u202f'’.,]\d{3})+(?:[.,]\d{1,2}|,-|\.-|/-)?"
        r"|\d+(?:[.,]\d{1,2}|,-|\.-|/-)?)(?![\d])")
_SYM_BEFORE = r"(?P<sym>US\$|USD\$|CA\$|CAD\$|AU\$|AUD\$|NZ\$|C\$|A\$|R\$|Rs\.?|[€£$¥₹])"
_CODE = r"(?P<code>" + "|".join(_CODES) + r")"
_WORD = r"(?P<word>" + "|".join(sorted(_WORDS, key=len, reverse=True)) + r")"

_PATTERNS = (
    re.compile(r"(?<![\w])" + _SYM_BEFORE + r"\s?" + _NUM + r"(?:\s?" + _CODE + r"\b)?", re.IGNORECASE),
    re.compile(r"(?<![\w])\(?" + _CODE + r"\)?:?\s?" + _NUM, re.IGNORECASE),
    re.compile(r"(?<![\w.,])" + _NUM + r"\s?(?:" + _SYM_BEFORE.replace("?P<sym>", "?P<sym2>") + r"|"
               + _CODE + r"\b|" + _WORD + r"\b)", re.IGNORECASE),
)


def parse_number(raw: str) -> Decimal | None:
    """A written number as a Decimal, honouring decimal comma or point; ``None`` if unreadable."""
    text = raw.strip().replace("\u00a0", " ").replace("\u202f", " ").replace("’", "'")
    text = text.replace(" ", "").replace("'", "")
    if text.endswith((",-", ".-", "/-")):  # "1.250,-", "1,84,500/-": whole units
        text = text[:-2]
    if not text:
        return None
    last_dot, last_comma = text.rfind("."), text.rfind(",")
    decimal_at = max(last_dot, last_comma)
    if decimal_at >= 0:
        tail = text[decimal_at + 1:]
        mixed = last_dot >= 0 and last_comma >= 0
        repeated = text.count(text[decimal_at]) > 1
        if not mixed and (len(tail) == 3 or repeated):
            text = text.replace(".", "").replace(",", "")  # "1,250" / "1.250.000": grouping only
        else:
            text = text[:decimal_at].replace(".", "").replace(",", "") + "." + tail
    try:
        value = Decimal(text)
    except InvalidOperation:
        return None
    return value if value.is_finite() else None


def _currency(match: re.Match[str]) -> tuple[str | None, bool]:
    groups = match.groupdict()
    code = groups.get("code")
    if code:
        return code.upper(), False
    sym = groups.get("sym") or groups.get("sym2")
    if sym:
        return _SYMBOLS.get(sym.lower(), _SYMBOLS.get(sym)), sym == "$"
    word = groups.get("word")
    if word:
        return _WORDS.get(word.lower()), False
    return None, False


def find_amounts(text: str) -> list[MoneyMention]:
    """Every amount with a currency marker in ``text``, in text order; never raises."""
    text = text[:_MAX_CHARS]
    found: list[MoneyMention] = []
    taken: list[tuple[int, int]] = []
    for pattern in _PATTERNS:
        for m in pattern.finditer(text):
            start, end = m.span()
            if any(start < b and a < end for a, b in taken):
                continue
            value = parse_number(m["num"])
            if value is None or value <= 0 or value > Decimal(1000000000):
                continue
            currency, dollar = _currency(m)
            taken.append((start, end))
            found.append(MoneyMention(value.quantize(Decimal("0.01")), currency, start, end,
                                      m.group(0).strip(), dollar))
    found.sort(key=lambda mention: mention.start)
    return found


_BARE = re.compile(
    r"\b(?:amount of|total of|sum of|payment of|payments of|balance of|for|of|betrag von|summe von|in höhe von|über"
    r"|montant de|somme de|d'un montant de|pour|importe de|por importe de|por|bedrag van|ter waarde van|voor|valor de"
    r"|montante de|no valor de|importo di|per un importo di|di)\s+"
    r"(?P<num>\d{1,3}(?:[ \u00a0\u202f'’.,]\d{3})*[.,]\d{2})(?![\d.,]\d)", re.IGNORECASE)


def find_bare_amounts(text: str) -> list[MoneyMention]:
    """Amounts written without a currency but introduced by a money phrase and with cents
    ("a payment of 1.250,00", "the amount of 4,320.00"); currency ``None``."""
    found: list[MoneyMention] = []
    for m in _BARE.finditer(text[:_MAX_CHARS]):
        value = parse_number(m["num"])
        if value is not None and value > 0:
            found.append(MoneyMention(value.quantize(Decimal("0.01")), None, m.start("num"), m.end("num"), m["num"]))
    return found
