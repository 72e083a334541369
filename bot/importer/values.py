"""Reading amounts and dates as ERP exports write them.

Pure functions with precompiled patterns, on the hot path of a 1,000,000-row import:
the common shapes ("1234.56", "2026-12-15") take a fast path; everything else goes
through a slower, stricter normaliser. Every failure is a ``ValueError`` whose message
is the problem as shown to the user (``not a number: 'abc'``).

Amount rules (see docs/import.md):
* currency symbols or ISO codes before or after the number are ignored
  (``€1,234.50``, ``1.234,50 EUR``, ``CHF 1'234.50``);
* negatives: leading ``-``, trailing ``-`` (``1,234.50-``), parentheses (``(1,234.50)``);
* grouping: spaces, no-break spaces, apostrophes, and ``.``/``,``. When both ``.`` and
  ``,`` occur, the LAST one is the decimal separator. When only one of them occurs more
  than once, it is grouping. When one occurs once followed by exactly three digits
  (``1,234``, ``1.234``), it is a thousands separator, unless the integer part is ``0``
  (``0.125``) or the currency itself has three decimals (BHD, KWD, ...): exports of
  two-decimal currencies do not write three decimals;
* the result must fit the currency's minor unit exactly (``12.345`` EUR is an error).
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from decimal import Decimal
from typing import Any

_SIMPLE_AMOUNT = re.compile(r"(-?)(\d+)(?:\.(\d+))?")
_AMOUNT = re.compile(
    r"(?P<pre>[^\d\-+\u2212(]*?)\s*(?P<sign>[-+\u2212]?)\s*(?P<pre2>[^\d\-+\u2212(]*?)\s*"
    r"(?P<num>\d(?:[\d.,'\u2019 \u00a0\u202f\u2009]*\d)?)\s*(?P<tsign>[-\u2212]?)\s*(?P<post>[^\d]*?)"
)
_SCALE: list[int] = [10**i for i in range(8)]   # typed powers of ten (minor-unit exponents)
_GROUPING_SPACES = str.maketrans("", "", "'\u2019 \u00a0\u202f\u2009")


def _is_currency_marker(text: str) -> bool:
    """A currency symbol or code as written around an amount (``€``, ``US$``, ``CHF``, ``kr``)."""
    text = text.strip()
    if not text:
        return True
    if len(text) > 4:
        return False
    return all(ch.isalpha() or unicodedata.category(ch) == "Sc" for ch in text)


def _to_minor(neg: bool, int_part: str, frac: str, exponent: int, raw: object) -> int:
    if len(frac) > exponent:
        extra = frac[exponent:]
        if extra.strip("0"):
            raise ValueError(f"too many decimals: {raw!r}")
        frac = frac[:exponent]
    value = int(int_part or "0") * _SCALE[exponent] + (int(frac.ljust(exponent, "0")) if exponent else 0)
    return -value if neg else value


def _normalise_number(num: str, raw: object, exponent: int) -> tuple[str, str]:
    """Split ``num`` (digits and separators) into integer and fraction digits."""
    num = num.translate(_GROUPING_SPACES)
    dots, commas = num.count("."), num.count(",")
    if dots and commas:
        dec = "." if num.rfind(".") > num.rfind(",") else ","
        grp = "," if dec == "." else "."
        if num.count(dec) > 1 or num.rfind(grp) > num.rfind(dec):
            raise ValueError(f"not a number: {raw!r}")
        int_part, frac = num.replace(grp, "").split(dec)
    elif dots + commas == 0:
        int_part, frac = num, ""
    else:
        sep = "." if dots else ","
        parts = num.split(sep)
        if len(parts) > 2:
            # Repeated separator: grouping (1,234,567 or 1.234.567).
            if any(len(p) != 3 for p in parts[1:]):
                raise ValueError(f"not a number: {raw!r}")
            int_part, frac = "".join(parts), ""
        elif len(parts[1]) == 3 and parts[0].lstrip("0") != "" and exponent != 3:
            # Ambiguous "1,234" / "1.234": read as a thousands separator (module docstring).
            int_part, frac = parts[0] + parts[1], ""
        else:
            int_part, frac = parts
    if not int_part.isdigit() and int_part != "" or (frac and not frac.isdigit()) or not (int_part or frac):
        raise ValueError(f"not a number: {raw!r}")
    return int_part, frac


def parse_amount(raw: Any, exponent: int) -> int:
    """An amount cell as integer minor units of a currency with ``exponent`` decimals.

    Accepts ``int``/``float``/``Decimal`` (spreadsheet cells) and strings in the forms
    described in the module docstring. Raises ``ValueError`` with the problem.
    """
    if isinstance(raw, str):
        s = raw.strip()
        # Fastest path, most rows of an export: "1234.56", "-12.5", "100".
        int_part, dot, frac = (s[1:] if s[:1] == "-" else s).partition(".")
        if (int_part.isascii() and int_part.isdigit() and (not dot or (
                frac.isascii() and frac.isdigit() and len(frac) <= exponent and len(frac) != 3))):
            value = int(int_part) * _SCALE[exponent] + (int(frac.ljust(exponent, "0")) if frac else 0)
            return -value if s[0] == "-" else value
        m = _SIMPLE_AMOUNT.fullmatch(s)
        if m and not (m.group(3) and len(m.group(3)) == 3 and exponent != 3 and m.group(2).lstrip("0")):
            return _to_minor(m.group(1) == "-", m.group(2), m.group(3) or "", exponent, raw)
        return _parse_amount_slow(s, exponent, raw)
    if isinstance(raw, bool) or raw is None:
        raise ValueError(f"not a number: {raw!r}")
    if isinstance(raw, int):
        return raw * _SCALE[exponent]
    if isinstance(raw, float):
        # A spreadsheet's binary float: its shortest repr is what the user typed.
        raw = Decimal(repr(raw))
    if isinstance(raw, Decimal):
        if not raw.is_finite():
            raise ValueError(f"not a number: {raw!r}")
        sign = raw.as_tuple().sign
        text = format(abs(raw), "f")
        int_part, _, frac = text.partition(".")
        return _to_minor(bool(sign), int_part, frac, exponent, str(raw))
    raise ValueError(f"not a number: {raw!r}")


def _parse_amount_slow(s: str, exponent: int, raw: object) -> int:
    neg = False
    if s.startswith("(") and s.endswith(")"):
        neg, s = True, s[1:-1].strip()
    m = _AMOUNT.fullmatch(s)
    if not m or not all(_is_currency_marker(m.group(g)) for g in ("pre", "pre2", "post")):
        raise ValueError(f"not a number: {raw!r}")
    signs = [g for g in (m.group("sign"), m.group("tsign")) if g]
    if len(signs) > 1 or (neg and signs and signs[0] != "+"):
        raise ValueError(f"not a number: {raw!r}")
    if signs and signs[0] in "-\u2212":
        neg = True
    int_part, frac = _normalise_number(m.group("num"), raw, exponent)
    return _to_minor(neg, int_part, frac, exponent, raw)


# --- dates -------------------------------------------------------------------------

_MONTHS = {
    # English, then common abbreviations of the other languages ERP exports use.
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6, "jul": 7, "aug": 8,
    "sep": 9, "sept": 9, "oct": 10, "nov": 11, "dec": 12,
    "janv": 1, "fév": 2, "févr": 2, "fev": 2, "mars": 3, "avr": 4, "mai": 5, "juin": 6,
    "juil": 7, "août": 8, "aou": 8, "déc": 12,
    "mär": 3, "mrz": 3, "okt": 10, "dez": 12,
    "ene": 1, "abr": 4, "ago": 8, "dic": 12, "set": 9,
    "mei": 5, "maa": 3, "mrt": 3, "fev.": 2, "out": 10, "gen": 1, "mag": 5, "giu": 6, "lug": 7,
}
_ISO = re.compile(r"(\d{4})-(\d{2})-(\d{2})(?:[T ].*)?")
_YMD = re.compile(r"(\d{4})[/.](\d{1,2})[/.](\d{1,2})")
_NUMERIC = re.compile(r"(\d{1,2})([/.\-])(\d{1,2})\2(\d{4}|\d{2})")
_DAY_MONTH = re.compile(r"(\d{1,2})\.?[\s\-]+([^\W\d_]+)\.?,?[\s\-]+(\d{4}|\d{2})")
_MONTH_DAY = re.compile(r"([^\W\d_]+)\.?\s+(\d{1,2}),?\s+(\d{4})")
_TIME_SUFFIX = re.compile(r"\s+\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:\s*[AaPp][Mm])?$")
_EXCEL_EPOCH = dt.date(1899, 12, 30)


def _year(text: str) -> int:
    y = int(text)
    return 2000 + y if len(text) == 2 else y


def _month(name: str) -> int:
    key = name.lower()
    if key in _MONTHS:
        return _MONTHS[key]
    for length in (4, 3):
        if key[:length] in _MONTHS:
            return _MONTHS[key[:length]]
    raise ValueError(name)


class DateReader:
    """Reads date cells; configured once per file, memoised (exports repeat few dates).

    * ``fmt``: an explicit ``strptime`` format; only that format is accepted;
    * otherwise ISO ``2026-12-15`` (a time part is ignored), ``2026/12/15``,
      ``15/12/2026`` or ``15-12-2026`` (``12/15/2026`` when ``day_first`` is false),
      ``15.12.2026`` (always day first: no export writes month-first with dots),
      two-digit years as 20yy, and month names: ``15 Dec 2026``, ``15-Dec-26``, ``Dec 15, 2026``;
    * spreadsheet cells: ``date``/``datetime`` values and Excel serial day numbers.
    """

    def __init__(self, *, day_first: bool = True, fmt: str | None = None) -> None:
        self.day_first = day_first
        self.fmt = fmt
        self.memo: dict[Any, dt.date] = {}   # text as read -> date (callers may look up directly)

    def __call__(self, raw: Any) -> dt.date:
        if isinstance(raw, str):
            found = self.memo.get(raw)
            if found is None:
                found = self._parse_text(raw)
                if len(self.memo) < 100_000:
                    self.memo[raw] = found
            return found
        if isinstance(raw, dt.datetime):
            return raw.date()
        if isinstance(raw, dt.date):
            return raw
        if isinstance(raw, (int, float)) and not isinstance(raw, bool) and 1 <= raw < 2958466:
            return _EXCEL_EPOCH + dt.timedelta(days=int(raw))
        raise ValueError(f"not a date: {raw!r}")

    def _parse_text(self, raw: str) -> dt.date:
        s = raw.strip()
        try:
            if self.fmt:
                return dt.datetime.strptime(s, self.fmt).date()
            return self._guess(_TIME_SUFFIX.sub("", s))
        except ValueError:
            pass
        hint = f" (expected {self.fmt})" if self.fmt else ""
        raise ValueError(f"not a date: {raw!r}{hint}")

    def _guess(self, s: str) -> dt.date:
        m = _ISO.fullmatch(s)
        if m:
            return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        m = _NUMERIC.fullmatch(s)
        if m:
            a, sep, b, y = int(m.group(1)), m.group(2), int(m.group(3)), _year(m.group(4))
            if self.day_first or sep == ".":
                return dt.date(y, b, a)
            return dt.date(y, a, b)
        m = _YMD.fullmatch(s)
        if m:
            return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        m = _DAY_MONTH.fullmatch(s)
        if m:
            return dt.date(_year(m.group(3)), _month(m.group(2)), int(m.group(1)))
        m = _MONTH_DAY.fullmatch(s)
        if m:
            return dt.date(int(m.group(3)), _month(m.group(1)), int(m.group(2)))
        raise ValueError(s)
